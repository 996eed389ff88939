"""Fix-it messages: each error says what is wrong, where, and how to fix it, in words a
Python user reads (no Rust syntax). The same cases run in Rust (vectors/errors.json,
ingest.json) and JavaScript (kpi-wasm/tests/fixit.test.mjs)."""

import json
import re

import pandas as pd
import pytest

import kpi_core

PLAN = """version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "100000"
"""

RATE_3_PERCENT = PLAN + """[[incentives]]
id = "plan"
applies_to = "members"
[[incentives.components]]
kind = "rate"
metric = "revenue"
rate = "3%"
"""

RUST_WORDS = re.compile(r"Decimal type|&str|crate::|[A-Za-z_]::[A-Za-z_]|\bVec<|\bOption<")


def no_rust(err):
    assert not RUST_WORDS.search(str(err)), str(err)
    return err


def test_a_month_label_without_its_zero_says_how_to_write_it():
    plan = kpi_core.Plan.from_toml(PLAN)
    facts = kpi_core.FactTable()
    with pytest.raises(kpi_core.PeriodError) as caught:
        plan.evaluate(facts, "2026-3")
    err = no_rust(caught.value)
    assert err.code == "period.invalid_label"
    assert "the month needs two digits: 2026-03" in str(err)
    assert "labels look like 2026-03-15, 2026-W05, 2026-03, 2026-Q1" in str(err)


def test_a_goal_period_written_as_an_adjective_names_the_grain():
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.Plan.from_toml(PLAN.replace('period = "quarter"', 'period = "monthly"'))
    err = no_rust(caught.value)
    assert (err.code, err.path) == ("plan.invalid", "goals[0].period")
    assert "use `month` for a recurring goal, or a label such as 2026-03 for one month" in str(err)


def test_a_rate_written_as_a_percentage_points_at_rate_and_gives_the_fraction():
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.Plan.from_toml(RATE_3_PERCENT)
    err = no_rust(caught.value)
    assert (err.code, err.path, err.line, err.column) == (
        "plan.invalid",
        "incentives[0].components[0].rate",
        20,
        8,
    )
    assert str(err).endswith("write a percentage as a fraction, 0.03 for 3%")


def test_evaluate_component_points_inside_the_component():
    component = {
        "kind": "tiered",
        "metric": "revenue",
        "on": "amount",
        "mode": "marginal",
        "tiers": [{"from": "0", "rate": "0.02"}, {"from": "1000", "rate": "12.5%"}],
    }
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.evaluate_component(component, {"actual": "5000"})
    err = no_rust(caught.value)
    assert err.path == "component.tiers[1].rate"
    assert "0.125 for 12.5%" in str(err)


def test_a_misspelt_component_field_is_named():
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.Plan.from_toml(RATE_3_PERCENT.replace('rate = "3%"', 'rate = "0.03"\ncapp = "10"'))
    err = no_rust(caught.value)
    assert err.path == "incentives[0].components[0].capp"
    assert "unknown field `capp`" in str(err)


def test_a_record_date_names_the_format():
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_records([{"id": "o1", "kind": "order", "date": "03/01/2026"}])
    err = no_rust(caught.value)
    assert (err.code, err.path, err.row) == ("data.invalid_fact", "[0].date", 0)
    assert "`03/01/2026` is not a date: use YYYY-MM-DD, such as 2026-03-02" in str(err)


def test_a_csv_date_names_the_formats_that_would_read_it():
    facts = kpi_core.FactTable()
    report = facts.append_csv(
        "id,day\no1,03/01/2026\n",
        '[fields]\nid = "id"\nkind = { value = "order" }\ndate = "day"\n',
    )
    [rejection] = report["rejected"]
    assert (rejection["reason"], rejection["field"], rejection["line"]) == ("unparseable_date", "date", 2)
    assert rejection["message"] == (
        '"03/01/2026" is not a date in %Y-%m-%d: add the one your CRM writes to the '
        "mapping's date_formats, \"%m/%d/%Y\" (month first) or \"%d/%m/%Y\" (day first)"
    )


DAY_MAPPING = '[fields]\nid = "id"\nkind = { value = "order" }\ndate = "day"\n'


def test_a_date_format_kpi_does_not_read_is_refused_with_the_reason():
    for fmt, says in [
        ("%Y-%m-%d %z", 'use "rfc3339" for time stamps with an offset'),
        ("%s", 'use "epoch_ms"'),
        ("%Y-W%U", "%U is not a specifier kpi reads"),
        ("%Y-%", "it ends with a lone %"),
        ("%-b", "a padding flag goes on a number, not on %b"),
        ("日期%é" * 40, "is not a date format"),
    ]:
        mapping = f"date_formats = [\"%Y-%m-%d\", {json.dumps(fmt)}]\n" + DAY_MAPPING
        with pytest.raises(kpi_core.DataError) as caught:
            kpi_core.FactTable().append_csv("id,day\n", mapping)
        err = no_rust(caught.value)
        assert (err.code, err.path) == ("data.invalid_mapping", "date_formats[1]")
        assert says in str(err), str(err)


def test_hostile_dates_are_rejections_never_guesses():
    mapping = 'date_formats = ["%d %B %Y", "%m/%d/%y %I:%M %p", "%Y-%j"]\n' + DAY_MAPPING
    days = [
        "1 March 2026",  # read
        "03/31/26 11:30 PM",  # read
        "2026-090",  # read: the 90th day
        "1 März 2026",  # a month name that is not English
        "03/31/26 13:30 PM",  # no 13 o'clock on a 12-hour clock
        "+99999999999999999999-001",  # a year beyond every range
        "1 March 2026 上午",  # text after the date
        "NaN",
    ]
    csv = "id,day\n" + "".join(f"o{i},{day}\n" for i, day in enumerate(days))
    facts = kpi_core.FactTable()
    report = facts.append_csv(csv, mapping)
    assert [str(r["date"]) for r in facts.to_records()] == ["2026-03-01", "2026-03-31", "2026-03-31"]
    assert [(r["line"], r["reason"]) for r in report["rejected"]] == [
        (line, "unparseable_date") for line in range(5, 10)
    ]


def test_a_dataframe_given_as_records_points_to_from_arrow():
    frame = pd.DataFrame({"id": ["o1"], "kind": ["order"], "date": ["2026-03-01"]})
    for call in (kpi_core.FactTable.from_records, kpi_core.FactTable().append):
        with pytest.raises(kpi_core.DataError) as caught:
            call(frame)
        err = no_rust(caught.value)
        assert (err.code, err.path) == ("data.unsupported_value", "records")
        assert "records is a DataFrame, not a list of dicts" in str(err)
        assert "FactTable.from_arrow(df)" in str(err) and 'df.to_dict("records")' in str(err)
    # What the message says works.
    assert len(kpi_core.FactTable.from_arrow(frame)) == 1
    assert len(kpi_core.FactTable.from_records(frame.to_dict("records"))) == 1


def test_a_day_when_the_goals_are_quarterly_is_an_error_naming_a_period():
    plan = kpi_core.Plan.from_toml(PLAN)
    with pytest.raises(kpi_core.DataError) as caught:
        plan.evaluate(kpi_core.FactTable(), "2026-03-01")
    err = no_rust(caught.value)
    assert (err.code, err.path) == ("data.invalid_argument", "period")
    assert str(err).endswith(
        "no goal of the plan applies to the day 2026-03-01; its goals are set for every quarter: evaluate 2026-Q1"
    )
    # The period it names evaluates.
    assert len(plan.evaluate(kpi_core.FactTable(), "2026-Q1").scorecards) == 1


def test_the_python_docs_show_no_rust_syntax():
    import pathlib

    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "python.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.S)  # code samples are Python
    assert not RUST_WORDS.search(prose), RUST_WORDS.search(prose)
