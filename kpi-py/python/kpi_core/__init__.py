"""kpi_core: one exact definition of sales KPIs, goals and incentives.

The same plan and facts give the same report, to the cent, as the Rust crate and the
JavaScript package. Amounts are ``decimal.Decimal``, dates are ``datetime.date``.

>>> import kpi_core
>>> plan = kpi_core.Plan.from_toml(open("plan.toml").read())      # doctest: +SKIP
>>> report = plan.evaluate(facts, "2026-Q3")                      # doctest: +SKIP
"""

from kpi_core._kpi_core import (
    ERROR_CODES,
    FINDING_CODES,
    PLAN_VERSION,
    REJECTION_REASONS,
    Calendar,
    FactTable,
    Finding,
    Measures,
    PayoutLine,
    Period,
    Plan,
    Report,
    Review,
    ScorecardRow,
    Series,
    Statement,
    __version__,
    attainment_from_reports,
    catalogue,
    evaluate_component,
    model_cost,
    plan_schema,
    messages,
    sample_curve,
)
from kpi_core import formula, frames, ingest, plot, targets
from kpi_core.errors import DataError, FormulaError, KpiError, PeriodError, PlanError

__all__ = [
    "ERROR_CODES",
    "FINDING_CODES",
    "PLAN_VERSION",
    "REJECTION_REASONS",
    "Calendar",
    "DataError",
    "FactTable",
    "Finding",
    "FormulaError",
    "KpiError",
    "Measures",
    "PayoutLine",
    "Period",
    "PeriodError",
    "Plan",
    "PlanError",
    "Report",
    "Review",
    "ScorecardRow",
    "Series",
    "Statement",
    "__version__",
    "attainment_from_reports",
    "catalogue",
    "evaluate_component",
    "model_cost",
    "plan_schema",
    "messages",
    "sample_curve",
    "formula",
    "frames",
    "ingest",
    "plot",
    "targets",
]
