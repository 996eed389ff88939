"""Every public function and method of kpi_core is called somewhere in these tests (or
the docs they run): a new binding without a test fails here."""

from __future__ import annotations

import inspect
import pathlib
import re

import kpi_core

TESTS = pathlib.Path(__file__).parent
ROOT = TESTS.parents[1]
MODULES = ["formula", "frames", "ingest", "plot", "targets", "spark"]


def public_callables() -> list[str]:
    names = []
    for name in kpi_core.__all__:
        obj = getattr(kpi_core, name)
        if inspect.isclass(obj):
            for member in vars(obj):
                if member.startswith("_") or member in ("__init__",):
                    continue
                if callable(getattr(obj, member, None)):
                    names.append(f"{name}.{member}")
        elif callable(obj) and not inspect.ismodule(obj):
            names.append(name)
    for module_name in MODULES:
        module = __import__(f"kpi_core.{module_name}", fromlist=["__all__"])
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                # Properties are read, not called: tests read them elsewhere.
                names += [
                    f"{module_name}.{name}.{m}"
                    for m, member in vars(obj).items()
                    if not m.startswith("_") and not isinstance(member, property)
                ]
            elif callable(obj):
                names.append(f"{module_name}.{name}")
    return names


def test_every_public_function_is_called_in_the_tests() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    sources += "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    sources += (ROOT / "kpi-py" / "examples" / "walkthrough.py").read_text(encoding="utf-8")
    names = public_callables()
    assert len(names) > 80, names
    untested = [n for n in names if not re.search(rf"\b{re.escape(n.split('.')[-1])}\s*\(", sources)]
    assert untested == []


def test_the_less_travelled_entry_points(tmp_path) -> None:
    """Entry points the other tests reach only indirectly, called by name."""
    import datetime
    import json

    sample = ROOT / "kpi-core" / "testdata" / "sample"
    plan = kpi_core.Plan.from_toml((sample / "plan.toml").read_text(encoding="utf-8"))
    draft = kpi_core.Plan.draft_from_json(plan.to_json())
    assert json.loads(draft.to_json()) == json.loads(plan.to_json())
    facts = kpi_core.FactTable.from_json_lines((sample / "facts.jsonl").read_text(encoding="utf-8"))
    as_of = datetime.date(2026, 8, 15)
    measures = plan.measure_as_of(facts, "FY2027-Q2", as_of)
    assert plan.evaluate_measures(measures).to_json() == plan.evaluate_as_of(facts, "FY2027-Q2", as_of).to_json()
    lines = kpi_core.FactTable()
    report = lines.append_json_lines_mapped(
        '{"k": "a", "d": "2026-03-01"}\n{"k": "a", "d": "2026-03-02"}\n',
        {"fields": {"id": "k", "kind": {"value": "order"}, "date": "d"}},
    )
    assert (report["accepted"], report["rejected"][0]["reason"]) == (1, "duplicate_id")
