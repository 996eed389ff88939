"""The formula language from Python: the shared vectors, and the Python value types."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import kpi_core
from kpi_core import formula
from conftest import VECTORS

CASES = json.loads((VECTORS / "formulas" / "formulas.json").read_text(encoding="utf-8"))["cases"]


def as_python(value):
    """The vector's JSON values as Python: numbers become Decimal."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return Decimal(repr(value))


@pytest.mark.parametrize("case", CASES, ids=[c["formula"] for c in CASES])
def test_formula_vector(case: dict) -> None:
    values = {k: as_python(v) for k, v in case.get("values", {}).items()}
    names = {k: ("number" if isinstance(v, Decimal) else "bool" if isinstance(v, bool)
                 else "text" if isinstance(v, str) else "any") for k, v in values.items()}
    names.update(case.get("names", {}))
    if "error" in case:
        with pytest.raises(kpi_core.FormulaError) as caught:
            formula.check(case["formula"], names)
        err = caught.value
        assert (err.code, err.line, err.column) == (
            case["error"]["code"], case["error"]["line"], case["error"]["column"]), str(err)
        return
    info = formula.check(case["formula"], names)
    assert info["type"] == case["expect"]["type"]
    if not case.get("names"):
        result = formula.evaluate(case["formula"], values)
        want = case["expect"]["value"]
        if isinstance(want, str) and case["expect"]["type"] != "text":
            assert isinstance(result, Decimal) and str(result) == want
        else:
            assert result == want


def test_values_and_errors() -> None:
    assert formula.evaluate("a * 2", {"a": Decimal("1.5")}) == Decimal("3.0")
    assert formula.evaluate("a / 0", {"a": 1}) is None
    assert formula.evaluate("x", {"x": "won"}) == "won"
    with pytest.raises(kpi_core.DataError):
        formula.evaluate("a", {"a": 0.1})
    assert formula.evaluate("a + 0.2", {"a": 0.1}, allow_float=True) == Decimal("0.3")
    assert formula.check("a + b", ["a", "b"]) == {"type": "number", "names": ["a", "b"]}
    with pytest.raises(kpi_core.FormulaError):
        formula.check("a", {"a": "furlongs"})


def test_the_module_docstring_examples_run() -> None:
    import doctest

    assert doctest.testmod(formula).failed == 0
