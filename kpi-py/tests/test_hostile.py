"""What only Python can hand kpi: NaN and infinite Decimals and floats, huge ints, deeply
nested and self-containing values, objects that lie about their length, wrong argument
types, threads, and Arrow data from other libraries (non-UTF-8 bytes, naive timestamps,
lists, pandas indexes and periods …). Each case asserts the exact error code and where
it points, or the exact value kept; none may crash, hang or raise anything but a
KpiError. Language-neutral cases are shared vectors (kpi-core/testdata/vectors/hostile_*).
"""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any, Callable

import pytest

import kpi_core
from kpi_core import formula, targets

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

DAY = datetime.date(2026, 1, 5)

SCORES = """
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.score]
aggregate = "average"
field = "attributes.score"
[metrics.promoters]
aggregate = "count"
filter = 'kind == "survey" && attributes.score >= 4'
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "avg"
metric = "score"
scope = "member"
period = "month"
target = "4"
[[goals]]
id = "happy"
metric = "promoters"
scope = "member"
period = "month"
target = "2"
[[goals]]
id = "rev"
metric = "revenue"
scope = "member"
period = "month"
target = "100"
[[incentives]]
id = "spiff"
applies_to = "members"
components = [{ kind = "spiff", metric = "promoters", amount = "10" }]
"""


@pytest.fixture(scope="module")
def plan() -> kpi_core.Plan:
    return kpi_core.Plan.from_toml(SCORES)


def survey(i: int, score: Any, **extra: Any) -> dict:
    return {"id": f"s{i}", "kind": "survey", "owner": "a", "date": DAY, "attributes": {"score": score}, **extra}


def order(i: int, amount: Any = "1", **extra: Any) -> dict:
    return {"id": f"o{i}", "kind": "order", "owner": "a", "amount": amount, "date": DAY, **extra}


def refused(call: Callable[[], Any], code: str, path: Any = ..., row: Any = ...) -> kpi_core.KpiError:
    """Runs `call`, which must raise a KpiError with `code` (and `path`, `row` when given)."""
    with pytest.raises(kpi_core.KpiError) as caught:
        call()
    err = caught.value
    assert err.code == code, f"{err.code}: {err}"
    if path is not ...:
        assert err.path == path, str(err)
    if row is not ...:
        assert err.row == row, str(err)
    return err


def actuals(report: kpi_core.Report) -> dict[str, Any]:
    return {row.goal: row.actual for row in report.scorecards if row.id == "a"}


# ---------------------------------------------------------------- numbers


def test_decimal_attributes_are_numbers_in_averages_filters_and_payouts(plan) -> None:
    facts = kpi_core.FactTable.from_records(
        [survey(0, Decimal("4.5")), survey(1, Decimal("3")), survey(2, 5), survey(3, Decimal("4.00"))]
    )
    report = plan.evaluate(facts, "2026-01")
    assert actuals(report)["avg"] == Decimal("4.125")
    assert actuals(report)["happy"] == 3
    assert report.total_payout == Decimal("30")
    kept = facts.to_records()[0]["attributes"]["score"]
    assert kept == Decimal("4.5") and isinstance(kept, Decimal)


def test_decimals_and_ints_keep_every_digit() -> None:
    exact = Decimal("1234567890.1234567890123456789")
    records = [
        {**survey(0, exact), "amount": Decimal("0.0000000000000000000000000001")},
        survey(1, 2**63),
        survey(2, 2**64 - 1),
        survey(3, 2**70),
        survey(4, -(2**95)),
        order(5, 2**90),
    ]
    back = kpi_core.FactTable.from_records(records).to_records()
    assert back[0]["attributes"]["score"] == exact and str(back[0]["attributes"]["score"]) == str(exact)
    assert back[0]["amount"] == Decimal("1E-28")
    assert [b["attributes"].get("score") for b in back[1:5]] == [2**63, 2**64 - 1, 2**70, -(2**95)]
    assert back[5]["amount"] == 2**90
    # The scale is kept, not only the value.
    assert str(kpi_core.FactTable.from_records([survey(0, Decimal("4.50"))]).to_records()[0]["attributes"]["score"]) == "4.50"


NOT_NUMBERS = [Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
               float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=repr)
def test_nan_and_infinity_are_refused_everywhere(plan, value) -> None:
    code = "data.unsupported_value"
    refused(lambda: kpi_core.FactTable.from_records([order(0, value)], allow_float=True), code, "[0].amount")
    refused(lambda: kpi_core.FactTable.from_records([survey(0, value)], allow_float=True), code,
            "[0].attributes.score")
    split = order(0, owners=[{"id": "a", "share": value}])
    refused(lambda: kpi_core.FactTable.from_records([split], allow_float=True), code, "[0].owners[0].share")
    refused(lambda: kpi_core.Plan.from_dict({"version": value}, allow_float=True), code, "version")
    refused(lambda: targets.grow(value, 1), code, "baseline")
    refused(lambda: targets.allocate(100, [1, value]), code, "weights[1]")
    refused(lambda: formula.evaluate("x + 1", {"x": value}, allow_float=True), code, "x")
    rate = {"kind": "rate", "metric": "revenue", "rate": "0.1"}
    refused(lambda: kpi_core.evaluate_component(rate, {"actual": value}), code, "inputs.actual")
    refused(lambda: kpi_core.sample_curve(rate, {"target": 1}, value, 1, 2), code, "start")
    refused(lambda: kpi_core.model_cost(rate, {"target": 1}, [value]), code, "attainments[0]")
    refused(lambda: plan.what_if("2026-01", {"a": {"revenue": value}}), code, "values.a.revenue")
    facts = kpi_core.FactTable()
    refused(lambda: plan.evaluate(facts, "2026-01", balances={"a": {"spiff": value}}), code, "balances.a.spiff")
    refused(lambda: plan.adjust_goal("rev", DAY, "why", target=value), code, "target")
    refused(lambda: plan.adjust_goal("rev", DAY, "why", targets={"a": value}), code, "targets.a")


@pytest.mark.parametrize(
    "value",
    [Decimal("0." + "1" * 29), Decimal("1E-29"), Decimal("0E-30"), Decimal("1" * 30), Decimal("7.93E+28"),
     Decimal("1E+29"), 2**96, -(2**100), 10**400],
    ids=str,
)
def test_decimals_beyond_28_places_or_the_range_are_refused_not_rounded(value) -> None:
    refused(lambda: kpi_core.FactTable.from_records([order(0, value)]), "data.unsupported_value", "[0].amount")
    refused(lambda: kpi_core.FactTable.from_records([survey(0, value)]), "data.unsupported_value",
            "[0].attributes.score")
    refused(lambda: targets.grow(value, 0), "data.unsupported_value", "baseline")
    refused(lambda: formula.evaluate("x", {"x": value}), "data.unsupported_value", "x")


def test_the_largest_and_finest_decimals_are_kept() -> None:
    largest, finest = Decimal("79228162514264337593543950335"), Decimal("-0." + "9" * 28)
    back = kpi_core.FactTable.from_records([order(0, largest), order(1, finest)]).to_records()
    assert [b["amount"] for b in back] == [largest, finest]
    assert targets.grow(Decimal("1E+3"), 0) == 1000


def test_floats_are_refused_unless_allowed_then_read_through_their_shortest_text(plan) -> None:
    code = "data.unsupported_value"
    refused(lambda: kpi_core.FactTable.from_records([order(0, 0.1)]), code, "[0].amount")
    refused(lambda: kpi_core.FactTable.from_records([survey(0, 4.5)]), code, "[0].attributes.score")
    refused(lambda: kpi_core.Plan.from_dict({"version": 1.0}), code, "version")
    refused(lambda: targets.capacity(0.5, [1]), code, "target")
    refused(lambda: formula.evaluate("x", {"x": 0.1}), code, "x")
    refused(lambda: plan.evaluate(kpi_core.FactTable(), "2026-01", balances={"a": {"spiff": 0.5}}), code,
            "balances.a.spiff")
    facts = kpi_core.FactTable.from_records([order(0, 0.1 + 0.2), survey(1, 4.5), survey(2, 1e-7)], allow_float=True)
    back = facts.to_records()
    assert back[0]["amount"] == Decimal("0.30000000000000004")
    assert back[1]["attributes"]["score"] == Decimal("4.5")
    assert back[2]["attributes"]["score"] == Decimal("1E-7")
    assert formula.evaluate("x * 2", {"x": 0.1}, allow_float=True) == Decimal("0.2")
    refused(lambda: kpi_core.FactTable.from_records([order(0, 1e-30)], allow_float=True), code, "[0].amount")


def test_bool_is_not_a_number() -> None:
    refused(lambda: kpi_core.FactTable.from_records([order(0, True)]), "data.invalid_fact", "[0].amount", 0)
    refused(lambda: targets.grow(True, 0), "data.invalid_argument", "baseline")
    assert kpi_core.FactTable.from_records([survey(0, True)]).to_records()[0]["attributes"]["score"] is True


def test_numpy_integers_are_integers() -> None:
    np = pytest.importorskip("numpy")
    back = kpi_core.FactTable.from_records([survey(0, np.int64(7)), survey(1, np.uint64(2**64 - 1))]).to_records()
    assert [b["attributes"]["score"] for b in back] == [7, 2**64 - 1]
    refused(lambda: kpi_core.FactTable.from_records([survey(0, np.float64(0.5))]), "data.unsupported_value",
            "[0].attributes.score")


# ---------------------------------------------------------------- nesting


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_deep_values_are_errors_at_their_path_not_crashes() -> None:
    deep = nested(10_000)
    code = "data.unsupported_value"
    err = refused(lambda: kpi_core.Plan.from_dict({"version": 1, "org": deep}), code)
    assert err.path.startswith("org[0][0]") and "64 levels" in str(err)
    err = refused(lambda: kpi_core.FactTable.from_records([survey(0, deep)]), code)
    assert err.path.startswith("[0].attributes.score[0]")
    err = refused(lambda: kpi_core.Calendar(holidays=deep), code)
    assert err.path.startswith("holidays[0]")
    refused(lambda: kpi_core.evaluate_component({"kind": "rate", "metric": "m", "rate": deep}, {}), code)
    refused(lambda: formula.check("x", {"x": deep}), code)
    loop: list = []
    loop.append(loop)
    refused(lambda: kpi_core.Plan.from_dict({"version": 1, "x": loop}), code)
    cycle: dict = {}
    cycle["self"] = cycle
    refused(lambda: kpi_core.FactTable.from_records([{**order(0), "attributes": cycle}]), code)


def test_the_nesting_limit_is_64_levels() -> None:
    # The records list, a record, its attributes and 61 lists: 64 levels, converted (the
    # core then refuses a list as an attribute); one more is the nesting error.
    inside = refused(lambda: kpi_core.FactTable.from_records([survey(0, nested(60))]), "data.invalid_fact")
    assert inside.path == "[0].attributes.score"
    refused(lambda: kpi_core.FactTable.from_records([survey(0, nested(61))]), "data.unsupported_value")


# ---------------------------------------------------------------- objects that lie


class LyingList(list):
    def __len__(self) -> int:
        return 2**40

    def __iter__(self):
        while True:
            yield order(99)


class LyingDecimal(Decimal):
    def __str__(self) -> str:
        return "1000000"


def test_lying_objects_are_read_for_what_they_hold() -> None:
    facts = kpi_core.FactTable.from_records(LyingList([order(0), order(1)]))
    assert [r["id"] for r in facts.to_records()] == ["o0", "o1"]
    assert facts.to_records()[0]["amount"] == 1
    assert kpi_core.FactTable.from_records([order(0, LyingDecimal("2.5"))]).to_records()[0]["amount"] == Decimal("2.5")

    class Claims:
        def __len__(self) -> int:
            return 2**40

        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return pa.table({"id": ["a"], "kind": ["o"], "date": ["2026-03-01"]}).__arrow_c_stream__()

    assert len(kpi_core.FactTable.from_arrow(Claims())) == 1


def test_odd_objects_are_coded_errors() -> None:
    class BadIndex:
        def __index__(self) -> int:
            return 2**200

    class BadZone(datetime.tzinfo):
        def utcoffset(self, dt: Any) -> Any:
            raise RuntimeError("no offset")

    code = "data.unsupported_value"
    refused(lambda: kpi_core.FactTable.from_records([survey(0, BadIndex())]), code, "[0].attributes.score")
    refused(lambda: kpi_core.FactTable.from_records([survey(0, object())]), code, "[0].attributes.score")
    when = datetime.datetime(2026, 1, 5, tzinfo=BadZone())
    refused(lambda: kpi_core.FactTable.from_records([{**order(0), "date": when}]), code, "[0].date")
    refused(lambda: kpi_core.FactTable.from_records([{**order(0), "id": "\ud800"}]), code, "[0].id")
    refused(lambda: kpi_core.FactTable.from_records([{**order(0), 5: "x"}]), code)
    refused(lambda: kpi_core.FactTable.from_records([{**order(0), "date": pd.NaT}]), code, "[0].date")
    refused(lambda: kpi_core.FactTable.from_records([order(0)] * 2 + [(x for x in [])]), code, "[2]")


# ---------------------------------------------------------------- arguments


def arguments(plan: kpi_core.Plan) -> list[tuple[str, Callable[[], Any], str]]:
    facts = kpi_core.FactTable.from_records([order(0), survey(1, 5)])
    month = plan.parse_period("2026-01")
    cal = kpi_core.Calendar()
    report = plan.evaluate(facts, month)
    line = report.statements[0].lines[0]
    rate = {"kind": "rate", "metric": "revenue", "rate": "0.1"}
    return [
        ("shift(2**70)", lambda: month.shift(2**70), "n"),
        ("shift(1.5)", lambda: month.shift(1.5), "n"),
        ("shift('x')", lambda: month.shift("x"), "n"),
        ("shift(True)", lambda: month.shift(True), "n"),
        ("trailing(-1)", lambda: month.trailing(-1), "n"),
        ("contains('2026-01-05')", lambda: month.contains("2026-01-05"), "date"),
        ("parent(3)", lambda: month.parent(3), "grain"),
        ("evaluate(facts, 42)", lambda: plan.evaluate(facts, 42), "period"),
        ("evaluate(df, period)", lambda: plan.evaluate(pd.DataFrame(), month), "facts"),
        ("measure(facts, None)", lambda: plan.measure(facts, None), "period"),
        ("evaluate_measures(facts)", lambda: plan.evaluate_measures(facts), "measures"),
        ("review(facts, '2026-01-05')", lambda: plan.review(facts, "2026-01-05"), "as_of"),
        ("evaluate_as_of(datetime)", lambda: plan.evaluate_as_of(facts, month, datetime.datetime(2026, 1, 5)), "as_of"),
        ("validate(history=[])", lambda: plan.validate([]), "history"),
        ("what_if(values=[])", lambda: plan.what_if(month, []), "values"),
        ("balances=[]", lambda: plan.evaluate(facts, month, balances=[]), "balances"),
        ("adjust_goal(from_=str)", lambda: plan.adjust_goal("rev", "2026-01-01", "why"), "from_"),
        ("adjust_goal(targets=[])", lambda: plan.adjust_goal("rev", DAY, "why", targets=[1]), "targets"),
        ("from_toml(None)", lambda: kpi_core.Plan.from_toml(None), "text"),
        ("from_json(b'\\xff')", lambda: kpi_core.Plan.from_json(b"\xff"), "text"),
        ("parse_period(5)", lambda: plan.parse_period(5), "label"),
        ("from_records(allow_float=1)", lambda: kpi_core.FactTable.from_records([], allow_float=1), "allow_float"),
        ("from_records(calendar='UTC')", lambda: kpi_core.FactTable.from_records([], calendar="UTC"), "calendar"),
        ("append_csv(strict='yes')", lambda: facts.append_csv("a", {}, strict="yes"), "strict"),
        ("from_json_lines(5)", lambda: kpi_core.FactTable.from_json_lines(5), "text"),
        ("period_of(str)", lambda: cal.period_of("2026-01-05", "month"), "date"),
        ("count_days(datetime)", lambda: cal.count_days(datetime.datetime(2026, 1, 1), DAY), "start"),
        ("period_index(generator)", lambda: cal.period_index((d for d in [DAY]), "month"), "dates"),
        ("period_index([str])", lambda: cal.period_index([DAY, "x"], "month"), "dates[1]"),
        ("local_date(2**70)", lambda: cal.local_date(2**70), "timestamp"),
        ("local_date([])", lambda: cal.local_date([]), "timestamp"),
        ("elapsed_fraction(5)", lambda: cal.elapsed_fraction(5, DAY), "period"),
        ("allocate(places=1.5)", lambda: targets.allocate(100, [1], 1.5), "places"),
        ("allocate(weights=5)", lambda: targets.allocate(100, 5), "weights"),
        ("grow([1])", lambda: targets.grow([1], 0), "baseline"),
        ("sample_curve(steps=-1)", lambda: kpi_core.sample_curve(rate, {"target": 1}, 0, 1, -1), "steps"),
        ("formula values=[]", lambda: formula.evaluate("x", [1]), "values"),
        ("formula text=5", lambda: formula.check(5), "text"),
        ("rows(table=5)", lambda: report.rows(5), "table"),
        ("to_arrow(table=5)", lambda: report.to_arrow(5), "table"),
        ("explanation_in(None)", lambda: line.explanation_in(None), "locale"),
        ("merge(facts)", lambda: plan.measure(facts, month).merge(facts), "other"),
        ("presets('zohoo')", lambda: kpi_core.ingest.presets("zohoo"), "crm"),
        ("CrmReader('sap')", lambda: kpi_core.ingest.CrmReader("sap", facts), "crm"),
        ("CrmReader(facts=[])", lambda: kpi_core.ingest.CrmReader("zoho", [], module="Deals"), "facts"),
        ("zoho(page=5)", lambda: kpi_core.ingest.zoho([5]), "pages"),
        ("fxiaoke(pages=5)", lambda: kpi_core.ingest.fxiaoke(5), "pages"),
        ("frames.rows(5)", lambda: kpi_core.frames.rows(5), "data"),
        ("from_arrow(5)", lambda: kpi_core.FactTable.from_arrow(5), "data"),
    ]


def test_wrong_arguments_are_coded_errors_naming_the_argument(plan) -> None:
    for name, call, path in arguments(plan):
        try:
            call()
        except kpi_core.KpiError as err:
            assert err.code == "data.invalid_argument", f"{name}: {err.code} {err}"
            if path is not ...:
                assert err.path == path, f"{name}: {err.path} {err}"
        except BaseException as err:  # noqa: BLE001 - any other exception is the failure
            pytest.fail(f"{name} raised {type(err).__name__}: {err}")
        else:
            pytest.fail(f"{name} did not raise")


def test_a_label_or_a_period_and_a_date_are_accepted_wherever_they_belong(plan) -> None:
    cal = kpi_core.Calendar()
    month = cal.parse_period("2026-01")
    assert cal.elapsed_fraction("2026-01", DAY) == cal.elapsed_fraction(month, DAY)
    assert plan.evaluate(kpi_core.FactTable(), month).to_json() == plan.evaluate(kpi_core.FactTable(), "2026-01").to_json()
    assert month.contains(DAY) and DAY in month
    assert cal.local_date(datetime.datetime(2026, 1, 5, 23, 59)) == DAY  # naive: already local


def test_instants_beyond_the_supported_days_are_period_errors_not_crashes() -> None:
    shanghai = kpi_core.Calendar(timezone="Asia/Shanghai")
    for millis in [8210266876799999, -8334601228800000, 253402300800000 + 86_400_000 * 2]:
        refused(lambda: shanghai.local_date(millis), "period.out_of_range", "timestamp")
        refused(lambda: kpi_core.FactTable.from_records([{**order(0), "date": millis}], calendar=shanghai),
                "period.out_of_range", "[0].date")
        stamps = pa.table({**BASE, "date": pa.array([0, millis], pa.timestamp("ms", tz="UTC"))})
        refused(lambda: arrow(stamps, calendar=shanghai), "period.out_of_range", "date[1]", 1)
        refused(lambda: arrow(stamps), "period.out_of_range", "date[1]", 1)
    assert shanghai.local_date(1774972800000) == datetime.date(2026, 4, 1)


def test_dates_python_cannot_hold_are_period_errors_not_value_errors() -> None:
    fiscal = kpi_core.Calendar(fiscal_year_start_month=4, fiscal_year_named_by="start")
    for calendar, label in [(kpi_core.Calendar(), "9999-12"), (fiscal, "FY9999"), (kpi_core.Calendar(), "9999-12-31")]:
        with pytest.raises(kpi_core.KpiError) as caught:
            period = calendar.parse_period(label)
            (period.start, period.end, period.to_dict())
        assert caught.value.code == "period.out_of_range", label


# ---------------------------------------------------------------- threads


def test_appending_while_other_threads_evaluate(plan) -> None:
    facts = kpi_core.FactTable.from_records([order(i) for i in range(50_000)])
    errors: list[BaseException] = []
    seen: list[Decimal] = []

    def write() -> None:
        try:
            for i in range(200):
                facts.append([order(100_000 + i)])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    def read() -> None:
        try:
            for _ in range(20):
                seen.append(actuals(plan.evaluate(facts, "2026-01"))["rev"])
                len(facts)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=f) for f in (write, read, read, write)]
    threads[3] = threading.Thread(target=lambda: [plan.measure(facts, "2026-01") for _ in range(20)])
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(facts) == 50_200
    assert all(50_000 <= s <= 50_200 for s in seen)
    assert actuals(plan.evaluate(facts, "2026-01"))["rev"] == 50_200


def test_measures_merge_across_threads_and_into_themselves(plan) -> None:
    facts = kpi_core.FactTable.from_records([order(i) for i in range(10)])
    total = plan.measure(facts, "2026-01")
    parts = [plan.measure(facts, "2026-01") for _ in range(8)]
    threads = [threading.Thread(target=total.merge, args=(p,)) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert total.to_dict()["metrics"]["revenue"]["a"]["sum"] == 90
    total.merge(total)
    assert total.to_dict()["metrics"]["revenue"]["a"]["sum"] == 180


def test_a_table_an_ingest_reader_holds_is_a_coded_error_until_it_finishes(plan) -> None:
    facts = kpi_core.FactTable.from_records([order(0)])
    reader = kpi_core.ingest.CrmReader("zoho", facts, module="Deals")
    refused(lambda: plan.evaluate(facts, "2026-01"), "data.invalid_argument")
    refused(lambda: len(facts), "data.invalid_argument")
    reader.finish()
    assert len(facts) == 1
    refused(reader.finish, "data.invalid_argument")
    refused(lambda: reader.page("{}"), "data.invalid_argument")
    # A reader dropped unfinished gives the table back.
    kpi_core.ingest.CrmReader("zoho", facts, module="Deals")
    assert len(facts) == 1


# ---------------------------------------------------------------- Arrow

BASE = {"id": ["a", "b"], "kind": ["order"] * 2, "date": ["2026-03-01"] * 2}


def arrow(table: Any, **options: Any) -> list[dict]:
    return kpi_core.FactTable.from_arrow(table, **options).to_records()


def test_naive_timestamps_are_local_date_times_in_the_calendar_zone() -> None:
    new_york = kpi_core.Calendar(timezone="America/New_York")
    frame = pd.DataFrame({"id": ["a", "b"], "kind": ["o"] * 2, "date": pd.to_datetime(["2026-04-01", "2026-04-01 23:59"], format="ISO8601")})
    polars = pl.DataFrame({"id": ["a"], "kind": ["o"], "date": [datetime.datetime(2026, 4, 1)]})
    april = datetime.date(2026, 4, 1)
    for data in (frame, polars, pa.table(frame)):
        assert {r["date"] for r in arrow(data, calendar=new_york)} == {april}
        assert {r["date"] for r in arrow(data)} == {april}
    # The same rule for records: pandas Timestamps at midnight are their dates.
    assert [r["date"] for r in kpi_core.FactTable.from_records(frame.to_dict("records")).to_records()] == [april] * 2
    # An aware timestamp is an instant, made local by the calendar (else its own zone).
    utc = pd.DataFrame({"id": ["a"], "kind": ["o"], "date": pd.to_datetime(["2026-04-01 02:00"]).tz_localize("UTC")})
    assert arrow(utc, calendar=new_york)[0]["date"] == datetime.date(2026, 3, 31)
    assert arrow(utc)[0]["date"] == april
    east8 = pd.DataFrame({"id": ["a"], "kind": ["o"], "date": [pd.Timestamp("2026-03-31 20:00", tz="UTC")]})
    east8["date"] = east8["date"].dt.tz_convert(datetime.timezone(datetime.timedelta(hours=8)))
    assert arrow(east8)[0]["date"] == april


def test_integers_binary_and_timestamps_are_exact_or_errors_at_their_row() -> None:
    big = pa.array([2**63, 2**64 - 1], pa.uint64())
    assert [r["amount"] for r in arrow(pa.table({**BASE, "amount": big}), amount_scale=0)] == [2**63, 2**64 - 1]
    assert [r["attributes"]["n"] for r in arrow(pa.table({**BASE, "n": big}))] == [2**63, 2**64 - 1]
    for column in ("id", "owner", "amount", "note"):
        bad = pa.table({**BASE, column: pa.array([b"x", b"\xff\xfe"], pa.binary())})
        refused(lambda: arrow(bad), "data.unsupported_value", f"{column}[1]", 1)
    assert [r["id"] for r in arrow(pa.table({**BASE, "id": pa.array([b"x", "é".encode()], pa.binary())}))] == ["x", "é"]
    far = pa.table({**BASE, "date": pa.array([0, 2**62], pa.timestamp("s"))})
    refused(lambda: arrow(far), "period.out_of_range", "date[1]", 1)
    refused(lambda: arrow(far.set_column(2, "date", pa.array([0, 2**62], pa.timestamp("s", tz="UTC")))),
            "period.out_of_range", "date[1]", 1)
    early = pa.table({**BASE, "date": pa.array([datetime.date(2026, 1, 1), datetime.date(999, 12, 31)])})
    refused(lambda: arrow(early), "period.out_of_range", "date[1]", 1)


def test_invalid_utf8_in_a_string_array_is_refused_before_it_is_read() -> None:
    offsets = pa.py_buffer(bytes([0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0]))
    strings = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"a\xff\xfe")])
    table = pa.table({**BASE, "id": strings})
    refused(lambda: arrow(table), "data.unsupported_value", "id")
    refused(lambda: arrow(pa.table({**BASE, "note": strings})), "data.unsupported_value", "note")


def test_decimal_columns_beyond_28_places_are_refused_whatever_their_width() -> None:
    for kind in (pa.decimal128(38, 30), pa.decimal256(40, 30)):
        table = pa.table({**BASE, "amount": pa.array([Decimal("1"), Decimal("2")], kind)})
        refused(lambda: arrow(table), "data.unsupported_value", "amount")
        refused(lambda: arrow(table.rename_columns(["id", "kind", "date", "x"])), "data.unsupported_value", "x")
    wide = pa.table({**BASE, "amount": pa.array([Decimal("1.25"), Decimal("-2")], pa.decimal256(40, 2))})
    assert [r["amount"] for r in arrow(wide)] == [Decimal("1.25"), Decimal("-2.00")]
    huge = pa.table({**BASE, "amount": pa.array([Decimal("1"), Decimal("9" * 39)], pa.decimal256(40, 0))})
    refused(lambda: arrow(huge), "data.unsupported_value", "amount[1]", 1)


def test_options_that_do_not_apply_are_errors() -> None:
    table = pa.table({**BASE, "amt": ["1", "2"]})
    refused(lambda: arrow(table, columns={"amount": "amount_x"}), "data.invalid_mapping", "columns.amount")
    refused(lambda: arrow(table, columns={"amont": "amt"}), "data.invalid_mapping", "columns.amont")
    refused(lambda: arrow(pa.table({**BASE, "rep": ["x", "y"]}), columns={"owner": "rep", "customer": "rep"}),
            "data.invalid_mapping", "columns.customer")
    refused(lambda: arrow(pa.table({**BASE, "status": ["x", "y"]}), columns={"id": "status"}),
            "data.invalid_mapping", "columns.status")
    for amounts in ([1.5, 2.0], ["1", "2"], pa.array([Decimal("1"), Decimal("2")], pa.decimal128(5, 0))):
        refused(lambda: arrow(pa.table({**BASE, "amount": amounts}), amount_scale=2, allow_float=True),
                "data.invalid_argument", "amount_scale")
    refused(lambda: arrow(pa.table(BASE), amount_scale=2), "data.invalid_argument", "amount_scale")
    refused(lambda: arrow(pa.table(BASE), amount_scale=-1), "data.invalid_argument", "amount_scale")
    refused(lambda: arrow(pa.table(BASE), amount_scale=29), "data.invalid_argument", "amount_scale")
    refused(lambda: arrow(pa.table(BASE), kind="order"), "data.invalid_argument", "kind")
    refused(lambda: arrow(pa.table(BASE), calendar=kpi_core.Calendar()), "data.invalid_argument", "calendar")
    stamped = pa.table({**BASE, "at": pa.array([0, 1], pa.timestamp("s", tz="UTC"))})
    refused(lambda: arrow(stamped, calendar=kpi_core.Calendar()), "data.invalid_argument", "calendar")
    refused(lambda: arrow(pa.table(BASE), columns=["id"]), "data.invalid_argument", "columns")
    assert [r["amount"] for r in arrow(table, columns={"amount": "amt"})] == [1, 2]


def test_shapes_without_a_faithful_form_are_refused() -> None:
    code = "data.unsupported_value"
    refused(lambda: arrow(pa.table({**BASE, "tags": [["p, q", "r"], ["x"]]})), code, "tags")
    refused(lambda: arrow(pa.table({**BASE, "owner": [["x"], ["y"]]})), code, "owner")
    union = pa.UnionArray.from_sparse(pa.array([0, 1], pa.int8()), [pa.array([1, 2]), pa.array(["a", "b"])])
    refused(lambda: arrow(pa.table({**BASE, "u": union})), code, "u")
    refused(lambda: arrow(pa.table({**BASE, "s": [{"x": 1}, {"x": 2}]})), code, "s")
    periods = pd.DataFrame({"id": ["a"], "kind": ["o"], "date": ["2026-03-01"],
                            "p": pd.period_range("2026-01", periods=1, freq="M")})
    assert ".astype(str)" in str(refused(lambda: arrow(periods), code, "p"))
    twice = pa.table([pa.array(["a"]), pa.array(["o"]), pa.array(["2026-03-01"]), pa.array(["x"]), pa.array(["y"])],
                     names=["id", "kind", "date", "seg", "seg"])
    refused(lambda: arrow(twice), code, "seg")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "kind": ["o"] * 3, "date": ["2026-03-01"] * 3})
    labelled = frame.set_axis(["x", "y", "z"])
    assert "reset_index" in str(refused(lambda: arrow(labelled), code, "__index_level_0__"))
    refused(lambda: arrow(frame.set_index("kind")), code, "kind")
    # A RangeIndex (sliced or not) is no column: nothing to refuse.
    assert len(arrow(frame)) == 3 and len(arrow(frame.iloc[1:])) == 2
    assert arrow(frame)[0]["attributes"] == {}


def test_valid_data_from_pandas_and_polars_is_read() -> None:
    def categorical(prefix: str) -> Any:
        return pa.Table.from_pandas(pd.DataFrame({
            "id": [f"{prefix}{i}" for i in range(100)], "kind": ["o"] * 100, "date": ["2026-03-01"] * 100,
            "seg": pd.Categorical([f"{prefix}{i}" for i in range(100)])}), preserve_index=False)

    joined = pa.concat_tables([categorical("s"), categorical("t")])
    records = arrow(joined)
    assert len(records) == 200 and records[150]["attributes"]["seg"] == "t50"
    stamps = pa.array([0, 1500], pa.timestamp("ms", tz="UTC"))
    texts = {
        zone: arrow(pa.table({**BASE, "at": stamps.cast(pa.timestamp("ms", tz=zone))}))[1]["attributes"]["at"]
        for zone in ("UTC", "America/New_York", "+08:00")
    }
    assert texts == {"UTC": "1970-01-01T00:00:01.500+00:00", "America/New_York": "1969-12-31T19:00:01.500-05:00",
                     "+08:00": "1970-01-01T08:00:01.500+08:00"}
    naive = arrow(pa.table({**BASE, "at": pa.array([0, 1500], pa.timestamp("ms"))}))
    assert naive[1]["attributes"]["at"] == "1970-01-01T00:00:01.500"
    nulls = pl.DataFrame({"id": ["a"], "kind": ["o"], "date": ["2026-03-01"], "owner": [None], "n": [None]})
    assert arrow(nulls)[0]["owner"] is None and arrow(nulls)[0]["attributes"] == {}
    codes = pd.DataFrame({"id": ["a"], "kind": ["o"], "date": ["2026-03-01"], "n": pd.Categorical([5])})
    assert arrow(codes)[0]["attributes"] == {"n": Decimal("5")}
    floats = pa.table({**BASE, "x": [1.5, 0.1]})
    refused(lambda: arrow(floats), "data.unsupported_value", "x")
    assert [r["attributes"]["x"] for r in arrow(floats, allow_float=True)] == [Decimal("1.5"), Decimal("0.1")]
    refused(lambda: arrow(pa.table({**BASE, "x": [1.5, float("nan")]}), allow_float=True),
            "data.unsupported_value", "x[1]", 1)
    refused(lambda: arrow(pa.table({**BASE, "amount": [1.5, float("inf")]}), allow_float=True),
            "data.unsupported_value", "amount[1]", 1)


def test_objects_that_are_not_arrow_data_are_coded_errors() -> None:
    err = refused(lambda: arrow(pl.LazyFrame({"id": ["a"]})), "data.invalid_argument", "data")
    assert ".collect()" in str(err)

    class WrongCapsule:
        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return pa.array([1]).__arrow_c_array__()[0]

    refused(lambda: arrow(WrongCapsule()), "data.invalid_argument", "data")
    refused(lambda: arrow(pa.table({"kind": ["o"], "date": ["2026-03-01"]})), "data.invalid_fact", "id")
    refused(lambda: arrow(pa.table({"id": pa.nulls(2), "kind": ["o"] * 2, "date": ["2026-03-01"] * 2})),
            "data.invalid_fact", "id[0]", 0)


def test_a_crm_page_with_a_repeated_records_key_is_refused_whole() -> None:
    # Two dataList keys: which is the page's records is a guess, so neither is read.
    record = '{"_id": "so1", "object_describe_api_name": "SalesOrderObj", "owner": ["1000"], "order_amount": "1", "order_time": 1774882800000, "life_status": "normal"}'
    page = '{"errorCode": 0, "data": {"dataList": [], "dataList": [%s, %s]}}' % (record, record.replace("so1", "so2"))
    refused(lambda: kpi_core.ingest.fxiaoke([page]), "data.crm_error")
    refused(lambda: kpi_core.ingest.zoho(['{"data": [], "data": [{"id": "d1"}]}'], module="Deals"), "data.crm_error")
