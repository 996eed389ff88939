"""The plan's JSON Schema (kpi-core/plan.schema.json, `kpi_core.plan_schema()`) accepts
every plan kpi reads, and refuses plans kpi refuses for the shape of a value. The schema
is never stricter than kpi: a plan kpi reads must validate."""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from typing import Any

import jsonschema
import pytest

import kpi_core
from conftest import REPO, SAMPLE, TESTDATA

SCHEMA = kpi_core.plan_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def as_json(value: Any) -> Any:
    """A TOML document as the JSON an editor validates: dates as `YYYY-MM-DD` text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def problems(document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def plans_under_testdata() -> list[Any]:
    """Every plan under kpi-core/testdata: plan files, and the plans of the vectors
    (`plan_toml` text, `plan` documents), with a name for each."""
    plans = [pytest.param(("toml", (SAMPLE / "plan.toml").read_text(encoding="utf-8")), id="sample/plan.toml")]

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "plan_toml" and isinstance(item, str):
                    plans.append(pytest.param(("toml", item), id=f"{where}/{key}"))
                elif key in ("plan", "plan_json"):
                    text = item if isinstance(item, str) else json.dumps(item)
                    if isinstance(item, dict) or key == "plan_json":
                        plans.append(pytest.param(("json", text), id=f"{where}/{key}"))
                walk(item, f"{where}/{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    for path in sorted(TESTDATA.rglob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), str(path.relative_to(TESTDATA)))
    return plans


def test_plan_schema_is_the_committed_file() -> None:
    committed = json.loads((REPO / "kpi-core" / "plan.schema.json").read_text(encoding="utf-8"))
    assert SCHEMA == committed
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("plan", plans_under_testdata())
def test_every_plan_kpi_reads_validates(plan: tuple[str, str]) -> None:
    form, text = plan
    try:
        parsed = kpi_core.Plan.draft_from_toml(text) if form == "toml" else kpi_core.Plan.draft_from_json(text)
    except kpi_core.KpiError:
        pytest.skip("kpi refuses this plan (an error vector)")
    document = as_json(tomllib.loads(text)) if form == "toml" else json.loads(text)
    assert problems(document) == []
    # …and kpi's own JSON of it.
    assert problems(json.loads(parsed.to_json())) == []


def test_the_sample_plan_validates() -> None:
    document = as_json(tomllib.loads((SAMPLE / "plan.toml").read_text(encoding="utf-8")))
    assert problems(document) == []
    assert len(document["goals"]) == 12


TYPE_ERRORS = {
    "a string where the calendar table goes": 'version = 1\ncalendar = "april"\n',
    "a string where the org table goes": 'version = 1\norg = "sales"\n',
    "a string where a goal's table goes": 'version = 1\ngoals = ["rep-revenue"]\n',
    "a boolean target": 'version = 1\n[[goals]]\nid = "g"\ntarget = true\n',
    "a string where the components go": (
        'version = 1\n[[incentives]]\nid = "i"\napplies_to = "members"\ncomponents = "rate"\n'
    ),
    "a component of an unknown kind": (
        'version = 1\n[[incentives]]\nid = "i"\napplies_to = "members"\n'
        'components = [{ kind = "royalty", metric = "revenue" }]\n'
    ),
    "a misspelt field": 'version = 1\n[[goals]]\nid = "g"\nmetirc = "revenue"\n',
    "text where a decimal goes": 'version = 1\n[[goals]]\nid = "g"\ntarget = "lots"\n',
    "a date that is not YYYY-MM-DD": 'version = 1\ndate = "20/03/2026"\n',
    "a version as text": 'version = "1"\n',
}


@pytest.mark.parametrize("text", TYPE_ERRORS.values(), ids=TYPE_ERRORS.keys())
def test_plans_kpi_refuses_for_a_type_are_refused(text: str) -> None:
    with pytest.raises(kpi_core.PlanError) as refused:
        kpi_core.Plan.draft_from_toml(text)
    assert refused.value.code == "plan.invalid"
    assert problems(as_json(tomllib.loads(text))) != []


def test_the_error_vectors_of_a_wrong_type_are_refused() -> None:
    cases = json.loads((TESTDATA / "vectors" / "errors.json").read_text(encoding="utf-8"))["cases"]
    wrong_types = [c for c in cases if re.match(r"a wrong type", c["name"])]
    assert len(wrong_types) == 2
    for case in wrong_types:
        if "plan_toml" in case:
            document = as_json(tomllib.loads(case["plan_toml"]))
        else:
            document = case.get("plan") or json.loads(case["plan_json"])
        assert problems(document) != [], case["name"]
