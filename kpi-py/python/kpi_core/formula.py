"""The formula language from Python: check a formula, or evaluate it with values.

>>> from decimal import Decimal
>>> from kpi_core import formula
>>> formula.evaluate("(e - n) / s", {"e": 95, "n": 10, "s": 100})
Decimal('0.85')
>>> formula.check("revenue / deals", {"revenue": "money", "deals": "count"})
{'type': 'money', 'names': ['revenue', 'deals']}

Numbers are ``decimal.Decimal`` (``int`` is fine; a ``float`` needs ``allow_float=True``),
division by zero is ``None``, and errors raise ``kpi_core.FormulaError`` with ``.line`` and
``.column``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence, Union

from kpi_core._kpi_core import formula_check, formula_evaluate

__all__ = ["check", "evaluate"]

FormulaValue = Union[None, bool, Decimal, str]


def check(text: str, names: Union[Sequence[str], Mapping[str, str], None] = None) -> dict[str, Any]:
    """Checks ``text`` against ``names`` (a list of number names, or a mapping of name to
    type: number, money, percent, count, days, bool, text or any). Returns the result
    ``type`` and the ``names`` the formula reads."""
    return formula_check(text, names)


def evaluate(
    text: str, values: Optional[Mapping[str, Any]] = None, *, allow_float: bool = False
) -> FormulaValue:
    """Checks ``text`` with the types of ``values`` and evaluates it."""
    if values is not None and not isinstance(values, dict) and isinstance(values, Mapping):
        values = dict(values)
    return formula_evaluate(text, values, allow_float=allow_float)
