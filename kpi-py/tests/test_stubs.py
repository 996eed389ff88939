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
            names[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            names[""].add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[""].add(node.target.id)
    return names


def module_names() -> dict[str, set[str]]:
    public = {n for n in dir(_kpi_core) if not n.startswith("_") or n == "__version__"}
    names: dict[str, set[str]] = {"": public}
    for name in public:
        obj = getattr(_kpi_core, name)
        if inspect.isclass(obj):
            names[name] = {m for m in vars(obj) if not m.startswith("__") or m == "__len__"}
    return names


def test_stubs_match_the_module() -> None:
    assert stub_names() == module_names()


def test_package_exports_everything_the_module_has() -> None:
    assert set(kpi_core.__all__) >= module_names()[""]
