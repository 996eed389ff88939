"""Plan design checks from Python: the shared vectors in
kpi-core/testdata/vectors/design (the findings, and the errors of bad [design]
settings), counterexamples priced again by evaluate_component, and hostile settings."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import REPO, VECTORS

DOC = json.loads((VECTORS / "design" / "checks.json").read_text(encoding="utf-8"))
CASES = DOC["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_design_vectors(case):
    if "error" in case:
        with pytest.raises(kpi_core.KpiError) as err:
            kpi_core.Plan.from_toml(case["plan_toml"]).design_check()
        assert err.value.code == case["error"]["code"]
        assert err.value.path == case["error"].get("path")
        return
    plan = kpi_core.Plan.from_toml(case["plan_toml"])
    found = plan.design_check()
    assert found == case["expected"]
    # Each counterexample is inputs the user can paste into evaluate_component.
    document = plan.to_dict()
    for finding in found:
        i, j = [int(x) for x in finding["path"].replace("]", "[").split("[") if x.isdigit()]
        component = document["incentives"][i]["components"][j]
        for example in finding["counterexample"]["cases"]:
            priced = kpi_core.evaluate_component(component, example["inputs"])
            assert str(priced["amount"]) == example["paid"]


def test_design_text_in_both_languages():
    plan = kpi_core.Plan.from_toml(CASES[0]["plan_toml"])
    assert plan.design_text().startswith("Design findings: 3\n")
    zh = plan.design_text("zh-CN")
    assert zh.startswith("方案设计检查结果：3\n")
    assert "达成率 99.99% 时支付 29,997.00，达成率 100% 时支付 40,000.00" in zh
    with pytest.raises(kpi_core.KpiError):
        plan.design_text("klingon")


def base_document():
    return kpi_core.Plan.from_toml(CASES[0]["plan_toml"]).to_dict()


@pytest.mark.parametrize(
    "settings, path",
    [
        ({"cliff": float("nan")}, "design.cliff"),
        ({"gain": float("inf")}, "design.gain"),
        ({"exposure": 10**40}, "design.exposure"),
        ({"plausible": "-1"}, "design.plausible"),
        ({"max_attainment": []}, "design.max_attainment"),
        ({"target": "１００"}, "design.target"),
        ({"intended": "all"}, "design.intended"),
        ({"intended": [{"path": "incentives[0].components[0]", "codes": ["设计.悬崖"], "reason": "理由"}]},
         "design.intended[0].codes[0]"),
        ({"intended": [{"path": "incentives[0].components[0]" * 1000, "codes": [], "reason": ""}]},
         "design.intended[0].path"),
        ({"unknown": 1}, "design.unknown"),
    ],
)
def test_hostile_settings_are_errors_at_their_path(settings, path):
    document = base_document()
    document["design"] = settings
    with pytest.raises(kpi_core.KpiError) as err:
        kpi_core.Plan.from_dict(document, allow_float=True).design_check()
    assert err.value.code.startswith(("plan.", "data."))
    assert err.value.path == path


def test_a_deep_reason_and_settings_of_the_wrong_type():
    document = base_document()
    document["design"] = {"intended": [{"path": "incentives[0].components[0]", "codes": ["design.cliff"],
                                        "reason": [[[[[]]]]] * 3}]}
    with pytest.raises(kpi_core.KpiError):
        kpi_core.Plan.from_dict(document)
    document["design"] = 42
    with pytest.raises(kpi_core.KpiError):
        kpi_core.Plan.from_dict(document)


def test_a_non_ascii_reason_is_kept_whole():
    document = base_document()
    reason = "达标即全额计提 🎯 — 已在销售会议说明"
    document["design"] = {"intended": [{"path": "incentives[0].components[0]",
                                        "codes": ["design.cliff"], "reason": reason}]}
    found = kpi_core.Plan.from_dict(document).design_check()
    assert found[0]["intended"] == reason
    assert found[0]["severity"] == "info"
    assert reason in kpi_core.Plan.from_dict(document).design_text()


def test_huge_targets_and_rates_give_an_error_or_findings_never_a_crash():
    document = base_document()
    document["design"] = {"target": "1000000000000", "max_attainment": "10"}
    component = document["incentives"][0]["components"][0]
    component["tiers"] = [{"from": "0", "rate": "79228162514264"}, {"from": "9.99", "rate": "1e-28"}]
    try:
        found = kpi_core.Plan.from_dict(document).design_check()
    except kpi_core.KpiError as err:
        assert err.code in ("data.overflow", "plan.invalid")
    else:
        assert all(f["code"].startswith("design.") for f in found)


COSTS = json.loads((VECTORS / "design" / "costs.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", COSTS, ids=[c["name"] for c in COSTS])
def test_cost_vectors(case):
    plan = kpi_core.Plan.from_toml(case["plan_toml"])
    run = lambda: plan.simulate_cost(case["attainment"], trials=case["trials"], seed=case["seed"],
                                     members=case["members"])
    if "error" in case:
        with pytest.raises(kpi_core.KpiError) as err:
            run()
        assert err.value.code == case["error"]["code"]
        assert err.value.path == case["error"].get("path")
        return
    # The same figures, to the cent, as Rust: the draws do not depend on the platform.
    assert run() == case["expected"]


def test_the_cost_simulation_takes_decimals_and_refuses_floats_and_wrong_types():
    from decimal import Decimal

    plan = kpi_core.Plan.from_toml(COSTS[0]["plan_toml"])
    as_text = plan.simulate_cost({"normal": {"mean": "1.0", "sd": "0.25"}}, trials=50, seed=9)
    as_decimal = plan.simulate_cost({"normal": {"mean": Decimal("1.0"), "sd": Decimal("0.25")}}, trials=50, seed=9)
    assert as_text == as_decimal
    assert plan.simulate_cost({"empirical": [1, 2]}, trials=5)["trials"] == 5
    hostile = [
        ({"normal": {"mean": 1.0, "sd": 0.2}}, {}, "attainment.normal.mean"),
        ({"normal": {"mean": float("nan"), "sd": "0.2"}}, {}, "attainment.normal.mean"),
        ("normal", {}, "attainment"),
        ({"normal": {"mean": "1", "sd": "0.2"}}, {"trials": "100"}, "trials"),
        ({"normal": {"mean": "1", "sd": "0.2"}}, {"trials": True}, "trials"),
        ({"normal": {"mean": "1", "sd": "0.2"}}, {"seed": -1}, "seed"),
        ({"normal": {"mean": "1", "sd": "0.2"}}, {"seed": 2**70}, "seed"),
        ({"normal": {"mean": "1", "sd": "0.2"}}, {"members": 10**12}, "members"),
        ({"empirical": ["1"] * 10 + ["十"]}, {}, "attainment.empirical[10]"),
        ({"empirical": [[[[[]]]]]}, {}, "attainment.empirical[0]"),
    ]
    for attainment, options, path in hostile:
        with pytest.raises(kpi_core.KpiError) as err:
            plan.simulate_cost(attainment, **options)
        assert err.value.path == path, (attainment, options, err.value)


def test_every_64_bit_seed_is_a_seed():
    plan = kpi_core.Plan.from_toml(COSTS[0]["plan_toml"])
    normal = {"normal": {"mean": "1", "sd": "0.3"}}
    top = plan.simulate_cost(normal, trials=3, seed=2**64 - 1)
    assert top["seed"] == 2**64 - 1
    # Another seed draws other attainments: other figures, not only another `seed`.
    assert top["total"] != plan.simulate_cost(normal, trials=3, seed=0)["total"]
    for seed in (2.0, "1", True):
        with pytest.raises(kpi_core.KpiError) as err:
            plan.simulate_cost({"empirical": ["1"]}, seed=seed)
        assert err.value.path == "seed"


HISTORY = json.loads((REPO / "kpi-core/testdata/vectors/design/history.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def sample_company():
    plan = kpi_core.Plan.from_toml((REPO / "kpi-core/testdata/sample/plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((REPO / "kpi-core/testdata/sample/facts.jsonl").read_text(encoding="utf-8"))
    return plan, facts


@pytest.mark.parametrize("case", HISTORY, ids=lambda c: c["name"])
def test_history_vectors(case, sample_company):
    plan, facts = sample_company
    reports = [plan.evaluate(facts, period) for period in case["periods"]]
    if "error" in case:
        with pytest.raises(kpi_core.KpiError) as raised:
            kpi_core.attainment_from_reports(reports, case["goal"])
        assert (raised.value.code, raised.value.path) == (case["error"]["code"], case["error"]["path"])
        return
    attainment = kpi_core.attainment_from_reports(reports, case["goal"])
    assert {"empirical": [str(a) for a in attainment["empirical"]]} == case["attainment"]
    assert all(isinstance(a, Decimal) for a in attainment["empirical"])
    cost = plan.simulate_cost(attainment, trials=case["trials"], seed=case["seed"])
    assert cost == case["cost"]


def test_history_arguments_are_checked(sample_company):
    plan, facts = sample_company
    report = plan.evaluate(facts, "FY2027-Q2")
    for reports, goal, path in [
        (42, "rep-revenue", "reports"),
        ([report, "not a report"], "rep-revenue", "reports[1]"),
        ([report], 5, "goal"),
        ([], "rep-revenue", "goal"),
    ]:
        with pytest.raises(kpi_core.KpiError) as raised:
            kpi_core.attainment_from_reports(reports, goal)
        assert raised.value.path == path, raised.value


def test_a_report_lists_the_design_findings(sample_company):
    plan, facts = sample_company
    findings = plan.design_check()
    report = plan.evaluate(facts, "FY2027-Q2").with_design(findings)
    html = report.to_html("zh-CN")
    assert '<section class="design">\n<h2>方案设计检查</h2>' in html
    for finding in findings:
        assert f'data-code="{finding["code"]}"' in html
        assert finding["message"] in report.to_text("en")
    assert "## Plan design" in report.to_markdown("en")
    assert report.to_dict()["design"][0]["code"] == findings[0]["code"]
    with pytest.raises(kpi_core.KpiError) as raised:
        report.with_design([{"code": "design.cliff"}])
    assert raised.value.path.startswith("findings[0]")
    with pytest.raises(kpi_core.KpiError):
        report.with_design("design.cliff")


def test_history_is_clamped_as_in_rust(sample_company):
    plan, facts = sample_company
    good = kpi_core.attainment_from_reports([plan.evaluate(facts, "FY2027-Q2")], "rep-revenue")
    assert all(Decimal(0) <= a <= Decimal(10) for a in good["empirical"])
    # Any iterable of reports, not only a list.
    again = kpi_core.attainment_from_reports(iter([plan.evaluate(facts, "FY2027-Q2")]), "rep-revenue")
    assert again == good
