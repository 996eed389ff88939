"""The .pyi stubs and the native module name the same classes and members."""

from __future__ import annotations

import ast
import inspect
import pathlib

import kpi_core
from kpi_core import _kpi_core

STUB = pathlib.Path(kpi_core.__file__).with_name("_kpi_core.pyi")


def stub_names() -> dict[str, set[str]]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            # __init__ stands for a pyo3 #[new] constructor, checked by calling it below.
            names[node.name] = {
                n.name for n in node.body if isinstance(n, ast.FunctionDef) and n.name != "__init__"
            }
            names[""].add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[""].add(node.target.id)
        elif isinstance(node, ast.FunctionDef):
            names[""].add(node.name)
    return names


def module_names() -> dict[str, set[str]]:
    public = {n for n in dir(_kpi_core) if not n.startswith("_") or n == "__version__"}
    names: dict[str, set[str]] = {"": public}
    for name in public:
        obj = getattr(_kpi_core, name)
        if inspect.isclass(obj):
            dunders = {"__len__", "__contains__", "__iter__"}
            names[name] = {m for m in vars(obj) if not m.startswith("__") or m in dunders}
    return names


def test_stubs_match_the_module() -> None:
    assert stub_names() == module_names()


def test_package_exports_everything_the_module_has() -> None:
    # formula_check and formula_evaluate are exported as kpi_core.formula.check / evaluate.
    # targets_* are kpi_core.targets.grow / from_market_share / allocate / capacity.
    # CrmReader, crm_presets and REJECTION_REASONS are kpi_core.ingest's.
    native = {
        n for n in module_names()[""] if not n.startswith("formula_") and not n.startswith("targets_")
    } - set(kpi_core.ingest.__all__) - {"crm_presets"}
    assert set(kpi_core.__all__) >= native
    assert {"check", "evaluate"} <= set(kpi_core.formula.__all__)
    assert {"grow", "from_market_share", "allocate", "capacity"} <= set(kpi_core.targets.__all__)


def test_constructible_classes_are_the_ones_with_init_in_the_stub() -> None:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            has_init = any(isinstance(n, ast.FunctionDef) and n.name == "__init__" for n in node.body)
            try:
                getattr(_kpi_core, node.name)()
                constructible = True
            except TypeError as e:
                # Missing arguments still mean a constructor; pyo3 says when there is none.
                constructible = "cannot create" not in str(e)
            assert constructible == has_init, node.name
