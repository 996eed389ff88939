"""Property testing for plans, calendars, periods, facts and formulas, with Hypothesis.

The same strategies as Rust's ``kpi_core::testing`` and JavaScript's ``kpi-core/testing``:
valid inputs (``plans``, ``plan_recipes``, ``calendars``, ``periods``, ``fact_records``,
``formulas``, ``decimals``) and deliberately invalid ones with the error code kpi answers
each with (``invalid_plans``, ``invalid_formulas``, ``hostile_decimals``), and in
:mod:`kpi_core.testing.checks` the properties kpi relies on, to call on your own plans.
Plan recipes write the same documents in all three languages (the shared vectors in
``kpi-core/testdata/vectors/testing/recipes.json`` pin them).

Needs Hypothesis: ``pip install "kpi-core[testing]"``.

>>> from hypothesis import given, settings
>>> from kpi_core.testing import checks, plans_with_facts
>>> @settings(max_examples=5, deadline=None)
... @given(plans_with_facts(max_size=20))
... def test_generated_plans(case):
...     plan, period, facts = case
...     checks.plan_round_trips(plan)
...     checks.evaluation_laws(plan, facts, period)
>>> test_generated_plans()
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

try:
    from hypothesis import strategies as st
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(
        "kpi_core.testing needs Hypothesis: pip install \"kpi-core[testing]\""
    ) from missing

import kpi_core

__all__ = [
    "DEFECTS",
    "FORMULA_NAMES",
    "MAX_DECIMAL",
    "FormulaCase",
    "InvalidFormula",
    "InvalidPlan",
    "PlanRecipe",
    "calendars",
    "checks",
    "dates",
    "decimals",
    "fact_records",
    "formula_values",
    "formulas",
    "grains",
    "hostile_decimals",
    "invalid_formulas",
    "invalid_plans",
    "periods",
    "plan_recipes",
    "plans",
    "plans_with_facts",
]

# ---------------------------------------------------------------------------------------
# Calendars, dates, periods, decimals

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GRAINS = ("day", "week", "month", "quarter", "half", "year")


def calendars() -> st.SearchStrategy[kpi_core.Calendar]:
    """Any calendar: a fiscal year starting in any month and named by its start or its end,
    any first day of the week, and half of them a retail 4-4-5, 4-5-4 or 5-4-4 calendar with
    either year-end rule and the leap week in any quarter."""
    retail = st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {
                "year_end": st.sampled_from(["last", "nearest"]),
                "weekday": st.sampled_from(WEEKDAYS),
                "month": st.integers(1, 12),
                "pattern": st.sampled_from(["4-4-5", "4-5-4", "5-4-4"]),
                "leap_week_quarter": st.integers(1, 4),
            }
        ),
    )
    return st.builds(
        lambda start, named_by, week_start, retail: kpi_core.Calendar(
            fiscal_year_start_month=start,
            fiscal_year_named_by=named_by,
            week_start=week_start,
            retail=retail,
        ),
        st.integers(1, 12),
        st.sampled_from(["end", "start"]),
        st.sampled_from(WEEKDAYS),
        retail,
    )


def dates() -> st.SearchStrategy[datetime.date]:
    """A day from 1960-01-01 through 2069-07-05 (40,000 days): the years sales data lives in."""
    return st.dates(datetime.date(1960, 1, 1), datetime.date(2069, 7, 5))


def grains() -> st.SearchStrategy[str]:
    """Any grain: day, week, month, quarter, half or year."""
    return st.sampled_from(GRAINS)


def periods() -> st.SearchStrategy[tuple[kpi_core.Calendar, kpi_core.Period]]:
    """A calendar and one of its periods, of any grain, holding a day of :func:`dates`."""
    return st.builds(
        lambda calendar, date, grain: (calendar, calendar.period_of(date, grain)),
        calendars(),
        dates(),
        grains(),
    )


def decimals() -> st.SearchStrategy[Decimal]:
    """An amount of money as users write it: cents from -1,000,000.00 to 100,000,000.00,
    half of them whole units."""
    return st.one_of(
        st.integers(-1_000_000, 99_999_999).map(Decimal),
        st.integers(-100_000_000, 9_999_999_999).map(lambda c: _exact(c, 2)),
    )


MAX_DECIMAL = Decimal(2**96 - 1)
"""The largest exact decimal kpi holds (a 96-bit mantissa): 79,228,162,514,264,337,593,543,950,335."""


def _exact(mantissa: int, scale: int) -> Decimal:
    # From text: exact, where arithmetic would round to the context's 28 digits.
    return Decimal(f"{mantissa}E-{scale}")


def _from_parts(lo: int, mid: int, hi: int, negative: bool, scale: int) -> Decimal:
    mantissa = lo | (mid << 32) | (hi << 64)
    return _exact(-mantissa if negative else mantissa, scale)


def hostile_decimals() -> st.SearchStrategy[Decimal]:
    """Decimals chosen to break arithmetic: the extremes of the exact range (±(2^96 - 1)),
    halves of it, 28 decimal places, the smallest steps, any mantissa at any scale, and
    ordinary amounts. Arithmetic on them must be exact or fail with ``data.overflow``."""
    u32 = st.integers(0, 2**32 - 1)
    return st.one_of(
        st.sampled_from(
            [
                MAX_DECIMAL,
                Decimal(-(2**96 - 1)),
                Decimal(0),
                Decimal("0.00"),
                _exact(1, 28),
                _exact(-1, 28),
                _from_parts(2**32 - 1, 2**32 - 1, 0x7FFF_FFFF, False, 0),
                _from_parts(2**32 - 1, 2**32 - 1, 2**32 - 1, False, 28),
                Decimal("0.5"),
                Decimal("-0.005"),
            ]
        ),
        st.builds(_exact, st.integers(-(2**63), 2**63 - 1), st.integers(0, 28)),
        st.builds(_from_parts, u32, u32, u32, st.booleans(), st.integers(0, 28)),
        st.builds(_exact, st.integers(1, 9_999_999), st.integers(0, 2)),
    )


# ---------------------------------------------------------------------------------------
# Formulas

FORMULA_NAMES: dict[str, str] = {"a": "number", "b": "number", "c": "number", "t": "text", "flag": "bool"}
"""The names generated formulas read, with their types: three numbers, a text and a
condition."""


@dataclass(frozen=True)
class FormulaCase:
    """A well-typed formula over :data:`FORMULA_NAMES` and its result type (``number`` or
    ``bool``)."""

    text: str
    result: str


@dataclass(frozen=True)
class InvalidFormula:
    """A formula that must be rejected, and the code kpi rejects it with."""

    text: str
    code: str


def formula_values() -> st.SearchStrategy[dict[str, Any]]:
    """Values for :data:`FORMULA_NAMES`: any decimal or ``None`` for the numbers, a status
    word, any text or ``None`` for ``t``, and ``True``, ``False`` or ``None`` for ``flag``."""
    # As in Rust: ordinary amounts 4 in 7, hostile ones 2 in 7, null 1 in 7.
    number = st.one_of(*[decimals()] * 4, *[hostile_decimals()] * 2, st.none())
    text = st.one_of(st.sampled_from(["won", "lost", "open", "赢单"]), st.text(max_size=20), st.none())
    return st.fixed_dictionaries(
        {"a": number, "b": number, "c": number, "t": text, "flag": st.one_of(st.booleans(), st.none())}
    )


def _literal() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 999).map(str),
        st.builds(lambda m, s: str(_exact(m, s)), st.integers(0, 99_999_999), st.integers(0, 5)),
        st.just("1_000_000"),
    )


def _condition_leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just("flag"),
        st.sampled_from(["won", "lost", "赢单"]).map(lambda w: f't == "{w}"'),
        st.just('t in ["won", "open"]'),
        st.builds(
            lambda x, op, y: f"{x} {op} {y}",
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
            _literal(),
        ),
    )


def _number() -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(["a", "b", "c"]), _literal())

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from("+-*/"), inner),
            inner.map(lambda x: f"-{x}"),
            st.builds(lambda f, x, y: f"{f}({x}, {y})", st.sampled_from(["min", "max", "coalesce"]), inner, inner),
            inner.map(lambda x: f"abs({x})"),
            st.builds(lambda x, n: f"round({x}, {n})", inner, st.integers(0, 5)),
            st.builds(lambda c, x, y: f"if({c}, {x}, {y})", _condition_leaf(), inner, inner),
        )

    return st.recursive(leaf, extend, max_leaves=16)


def _condition() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        _condition_leaf(),
        st.builds(lambda x, op, y: f"{x} {op} {y}", _number(), st.sampled_from(["<", ">=", "=="]), _number()),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from(["&&", "||"]), inner),
            inner.map(lambda x: f"!({x})"),
        )

    return st.recursive(leaf, extend, max_leaves=8)


def formulas() -> st.SearchStrategy[FormulaCase]:
    """A well-typed formula over :data:`FORMULA_NAMES`: arithmetic, ``min``/``max``/
    ``coalesce``/``abs``/``round``/``if``, comparisons, ``in`` lists and logic, with
    non-ASCII text literals."""
    number = _number().map(lambda text: FormulaCase(text, "number"))
    return st.one_of(number, number, _condition().map(lambda text: FormulaCase(text, "bool")))


def invalid_formulas() -> st.SearchStrategy[InvalidFormula]:
    """A formula with one deliberate defect and the code kpi answers it with: an unclosed
    parenthesis, a dangling operator or ``=`` for ``==`` (``formula.syntax``); a name that
    does not exist (``formula.unknown_name``); text in arithmetic or a number as a condition
    (``formula.type_mismatch``); nesting deeper than 64 (``formula.too_complex``)."""
    n = _number()
    return st.one_of(
        n.map(lambda x: InvalidFormula(f"({x}", "formula.syntax")),
        n.map(lambda x: InvalidFormula(f"{x} +", "formula.syntax")),
        n.map(lambda x: InvalidFormula(f"{x} = 1", "formula.syntax")),
        st.builds(
            lambda x, name: InvalidFormula(f"{x} + {name}", "formula.unknown_name"),
            n,
            st.from_regex(r"[xyz][xyz_]{2,8}", fullmatch=True),
        ),
        n.map(lambda x: InvalidFormula(f"{x} + t", "formula.type_mismatch")),
        n.map(lambda x: InvalidFormula(f"if({x}, 1, 2)", "formula.type_mismatch")),
        st.integers(65, 199).map(lambda d: InvalidFormula("(" * d + "a" + ")" * d, "formula.too_complex")),
    )


# ---------------------------------------------------------------------------------------
# Plans and facts

DEFECTS: dict[str, str] = {
    "unsupported_version": "plan.unsupported_version",
    "unknown_metric": "plan.unknown_metric",
    "unknown_team": "plan.unknown_team",
    "duplicate_goal": "plan.duplicate_id",
    "broken_filter": "formula.syntax",
    "unknown_field": "formula.unknown_field",
    "text_target": "plan.invalid",
}
"""Each defect :func:`invalid_plans` puts in a plan, and the error code reading it gives."""


def _places(value: int, places: int) -> str:
    """``value`` / 10^places with exactly ``places`` decimals, as Rust's ``Decimal::new``."""
    sign = "-" if value < 0 else ""
    digits = str(abs(value)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


@dataclass(frozen=True)
class PlanRecipe:
    """The shape of a generated plan: teams of members (1 to 3 teams of 1 to 3), a revenue
    metric (won orders) and an order count, goals at member, team and company scope, and
    one incentive of one ``component`` (a dict: ``{"kind": "rate", "permille", "cap_multiple"}``,
    ``{"kind": "tiered", "retroactive", "tiers": [[from_hundredths, permille], ...]}`` or
    ``{"kind": "gated", "permille", "min_percent"}``). :meth:`to_toml` writes the document."""

    teams: tuple[int, ...]
    quarterly: bool
    quota: int
    target_incentive: int
    component: Mapping[str, Any] = field(hash=False)

    @staticmethod
    def from_dict(recipe: Mapping[str, Any]) -> "PlanRecipe":
        """Reads a recipe from its JSON form (as in the shared vectors)."""
        return PlanRecipe(
            tuple(recipe["teams"]), recipe["quarterly"], recipe["quota"], recipe["target_incentive"], dict(recipe["component"])
        )

    def to_dict(self) -> dict[str, Any]:
        """The recipe's JSON form."""
        return {
            "teams": list(self.teams),
            "quarterly": self.quarterly,
            "quota": self.quota,
            "target_incentive": self.target_incentive,
            "component": dict(self.component),
        }

    @property
    def grain(self) -> str:
        """``quarter`` or ``month``."""
        return "quarter" if self.quarterly else "month"

    def member_ids(self) -> list[str]:
        """The member ids, ``m1`` to ``mN``, in team order."""
        return [f"m{i}" for i in range(1, sum(self.teams) + 1)]

    def check(self) -> None:
        """Refuses what Rust's ``PlanRecipe`` refuses to read: a field of the wrong type, a
        negative number, an unknown component kind or field."""

        def count(value: Any, what: str) -> None:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**32:
                raise ValueError(f"{what} is a whole number from 0 to 2**32 - 1, not {value!r}")

        for size in self.teams:
            count(size, "a team's size")
        if not isinstance(self.quarterly, bool):
            raise ValueError(f"quarterly is true or false, not {self.quarterly!r}")
        count(self.quota, "quota")
        count(self.target_incentive, "target_incentive")
        fields = {
            "rate": {"permille", "cap_multiple"},
            "tiered": {"retroactive", "tiers"},
            "gated": {"permille", "min_percent"},
        }
        kind = self.component.get("kind")
        if kind not in fields:
            raise ValueError(f"unknown component kind {kind!r}: one of rate, tiered, gated")
        unknown = set(self.component) - fields[kind] - {"kind"}
        missing = fields[kind] - set(self.component) - ({"cap_multiple"} if kind == "rate" else set())
        if unknown or missing:
            raise ValueError(f"a {kind} component has the fields {sorted(fields[kind])}, not {sorted(self.component)}")
        for name in fields[kind] - {"tiers", "retroactive"}:
            value = self.component.get(name)
            if not (name == "cap_multiple" and value is None):
                count(value, name)
        if kind == "tiered":
            if not isinstance(self.component["retroactive"], bool):
                raise ValueError("retroactive is true or false")
            for tier in self.component["tiers"]:
                if len(tier) != 2:
                    raise ValueError(f"a tier is [from, permille], not {tier!r}")
                count(tier[0], "a tier's from")
                count(tier[1], "a tier's permille")

    def to_toml(self, defect: Optional[str] = None) -> str:
        """The plan document, with ``defect`` (a key of :data:`DEFECTS`) in it when given."""
        if defect is not None and defect not in DEFECTS:
            raise ValueError(f"unknown defect {defect!r}: one of {', '.join(DEFECTS)}")
        self.check()
        grain = self.grain
        version = 99 if defect == "unsupported_version" else 1
        out = [f'version = {version}\nname = "生成的方案 {grain}"\n[org]\nteams = [\n']
        for t in range(1, len(self.teams) + 1):
            out.append(f'  {{ id = "t{t}", name = "Team {t} 华东" }},\n')
        out.append("]\nmembers = [\n")
        member = 0
        for t, size in enumerate(self.teams, start=1):
            for _ in range(size):
                member += 1
                team = "nowhere" if defect == "unknown_team" and member == 1 else f"t{t}"
                out.append(f'  {{ id = "m{member}", name = "成员 {member}", team = "{team}" }},\n')
        filter_ = {
            "broken_filter": 'kind == "order" && (status == "won"',
            "unknown_field": 'kind == "order" && stage == "won"',
        }.get(defect or "", 'kind == "order" && status == "won"')
        out.append(
            f"]\n[metrics.revenue]\naggregate = \"sum\"\nfield = \"amount\"\nfilter = '{filter_}'\n"
            "[metrics.orders]\naggregate = \"count\"\nfilter = 'kind == \"order\"'\n"
        )
        members = sum(self.teams)
        goals = [
            ("rep", "revenu" if defect == "unknown_metric" else "revenue", "member",
             "a lot" if defect == "text_target" else str(self.quota)),
            ("rep" if defect == "duplicate_goal" else "team", "revenue", "team", str(self.quota * max(self.teams, default=1))),
            ("company", "revenue", "company", str(self.quota * members)),
            ("orders", "orders", "member", "3"),
        ]
        for id_, metric, scope, target in goals:
            out.append(
                f'[[goals]]\nid = "{id_}"\nmetric = "{metric}"\nscope = "{scope}"\n'
                f'period = "{grain}"\ntarget = "{target}"\n'
            )
        out.append(
            '[[incentives]]\nid = "pay"\nname = "Commission"\nnames = { zh-CN = "提成" }\n'
            f'applies_to = "members"\nperiod = "{grain}"\ntarget_incentive = "{self.target_incentive}"\n'
            '[[incentives.components]]\nmetric = "revenue"\ngoal = "rep"\n'
        )
        c = self.component
        if c["kind"] == "rate":
            out.append(f'kind = "rate"\nrate = "{_places(c["permille"], 3)}"\n')
            if c.get("cap_multiple") is not None:
                out.append(f'cap = {{ multiple = "{c["cap_multiple"]}" }}\n')
        elif c["kind"] == "tiered":
            mode = "retroactive" if c["retroactive"] else "marginal"
            rows = ", ".join(
                f'{{ from = "{_places(start, 2)}", rate = "{_places(rate, 3)}" }}' for start, rate in c["tiers"]
            )
            out.append(f'kind = "tiered"\non = "attainment"\nmode = "{mode}"\ntiers = [{rows}]\n')
        elif c["kind"] == "gated":
            out.append(
                f'kind = "rate"\nrate = "{_places(c["permille"], 3)}"\n'
                f'gate = {{ goal = "team", min = "{_places(c["min_percent"], 2)}" }}\n'
            )
        return "".join(out)


@dataclass(frozen=True)
class InvalidPlan:
    """A plan document with one defect, and the code reading it must fail with."""

    toml: str
    defect: str
    code: str


def _components() -> st.SearchStrategy[dict[str, Any]]:
    def tiers(steps: list[tuple[int, int]]) -> list[list[int]]:
        out, start = [], 0
        for i, (step, rate) in enumerate(steps):
            if i > 0:
                start += step
            out.append([start, rate])
        return out

    return st.one_of(
        st.builds(
            lambda p, cap: {"kind": "rate", "permille": p, "cap_multiple": cap},
            st.integers(1, 199),
            st.one_of(st.none(), st.integers(1, 3)),
        ),
        st.builds(
            lambda retro, steps: {"kind": "tiered", "retroactive": retro, "tiers": tiers(steps)},
            st.booleans(),
            st.lists(st.tuples(st.integers(10, 119), st.integers(0, 149)), min_size=1, max_size=3),
        ),
        st.builds(
            lambda p, m: {"kind": "gated", "permille": p, "min_percent": m},
            st.integers(1, 199),
            st.integers(50, 100),
        ),
    )


def plan_recipes() -> st.SearchStrategy[PlanRecipe]:
    """Any :class:`PlanRecipe`."""
    return st.builds(
        lambda teams, quarterly, quota, ti, component: PlanRecipe(tuple(teams), quarterly, quota, ti, component),
        st.lists(st.integers(1, 3), min_size=1, max_size=3),
        st.booleans(),
        st.integers(1_000, 999_999),
        st.integers(1_000, 59_999),
        _components(),
    )


def plans() -> st.SearchStrategy[kpi_core.Plan]:
    """A valid plan, read from a :class:`PlanRecipe`'s document."""
    return plan_recipes().map(lambda recipe: kpi_core.Plan.from_toml(recipe.to_toml()))


def invalid_plans() -> st.SearchStrategy[InvalidPlan]:
    """A plan document with one defect (a key of :data:`DEFECTS`) and the code kpi must
    reject it with."""
    return st.builds(
        lambda recipe, defect: InvalidPlan(recipe.to_toml(defect), defect, DEFECTS[defect]),
        plan_recipes(),
        st.sampled_from(sorted(DEFECTS)),
    )


FIRST_DAY = datetime.date(1000, 1, 1)
LAST_DAY = datetime.date(9998, 12, 31)


def fact_records(
    members: Sequence[str], period: kpi_core.Period, *, min_size: int = 0, max_size: int = 40
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Facts (dicts for ``FactTable.from_records``) for ``members`` (and for an owner
    outside the org, and none) dated from 20 days before ``period`` to 20 days after it
    (within the supported days):
    orders, payments and deals, won, lost or open, with amounts from -500.00 to 50,000.00,
    some without an amount, some with a customer."""
    # Twenty days either side, within the supported days (1000-01-01 to 9998-12-31).
    margin = datetime.timedelta(days=20)
    start = max(period.start, FIRST_DAY + margin) - margin
    end = min(period.end, LAST_DAY - margin) + margin
    days = max((end - start).days, 1)
    fact = st.fixed_dictionaries(
        {
            "owner": st.sampled_from([*members, "ghost", None]),
            "kind": st.sampled_from(["order", "payment", "deal"]),
            "status": st.sampled_from(["won", "lost", "open", None]),
            # As in Rust: an amount 19 times in 20, a customer half the time.
            "amount": st.one_of(*[st.integers(-50_000, 4_999_999).map(lambda c: _exact(c, 2))] * 19, st.none()),
            "day": st.integers(0, days - 1),
            "customer": st.one_of(st.none(), st.sampled_from(["c1", "c2", "客户3"])),
        }
    )

    def records(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for i, f in enumerate(raw):
            record = {"id": f"f{i}", "kind": f["kind"], "date": start + datetime.timedelta(days=f["day"])}
            for key in ("owner", "status", "amount", "customer"):
                if f[key] is not None:
                    record[key] = f[key]
            out.append(record)
        return out

    return st.lists(fact, min_size=min_size, max_size=max_size).map(records)


def plans_with_facts(
    *, min_size: int = 0, max_size: int = 40
) -> st.SearchStrategy[tuple[kpi_core.Plan, kpi_core.Period, list[dict[str, Any]]]]:
    """A valid plan, one of its periods in 2025–2027 at the plan's grain, and facts for its
    members around that period."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[kpi_core.Plan, kpi_core.Period, list[dict[str, Any]]]:
        recipe = draw(plan_recipes())
        plan = kpi_core.Plan.from_toml(recipe.to_toml())
        day = draw(st.dates(datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)))
        period = plan.calendar.period_of(day, recipe.grain)
        facts = draw(fact_records(recipe.member_ids(), period, min_size=min_size, max_size=max_size))
        return plan, period, facts

    return build()


from kpi_core.testing import checks  # noqa: E402  (checks uses the names above)
