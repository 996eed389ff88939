"""The pictures a sales manager looks at, with matplotlib (an optional dependency):
attainment by rep with the 100% line, and a payout curve by attainment.

>>> report.plot.attainment()                                   # doctest: +SKIP
>>> from kpi_core import plot
>>> plot.payout_curve({"kind": "tiered", "metric": "revenue", "on": "attainment",
...     "mode": "marginal", "tiers": [{"from": "0", "rate": "0.03"}]},
...     {"target": "1500000"})                                 # doctest: +SKIP

Each function draws on ``ax`` (a new figure's axes when omitted) and returns the axes.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from kpi_core._kpi_core import sample_curve
from kpi_core.errors import DataError

__all__ = ["ReportPlot", "attainment", "payout_curve"]


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(8, 5)).add_subplot()


def attainment(report: Any, goal: Optional[str] = None, *, ax: Any = None) -> Any:
    """Attainment by member for ``goal`` (the report's first member goal by default), as
    horizontal bars (achieved in blue, below target in orange) with the 100% line."""
    rows = [r for r in report.rows("scorecards") if r["scope"] == "member" and r["attainment"] is not None]
    goal = goal or (rows[0]["goal"] if rows else None)
    rows = [r for r in rows if r["goal"] == goal]
    if not rows:
        raise DataError(
            f"the report has no member rows for goal {goal!r}", code="data.invalid_argument", path="goal"
        )
    ax = _axes(ax)
    names = [r["name"] for r in rows]
    values = [float(r["attainment"]) * 100 for r in rows]
    colours = ["#5b8def" if v >= 100 else "#f0a35b" for v in values]
    ax.barh(names, values, color=colours)
    ax.axvline(100, color="#1d2433", linestyle="--", linewidth=1)
    ax.invert_yaxis()
    ax.set_xlabel("attainment (%)")
    ax.set_title(f"{goal}: attainment by rep, {report.period.label}")
    return ax


def payout_curve(
    component: Mapping[str, Any],
    inputs: Optional[Mapping[str, Any]] = None,
    *,
    up_to: Any = "2",
    steps: int = 80,
    ax: Any = None,
) -> Any:
    """The payout of one incentive component by attainment, from 0 to ``up_to`` (200%),
    priced by the same engine as the statements (``kpi_core.sample_curve``)."""
    points = sample_curve(dict(component), dict(inputs or {}), "0", str(up_to), steps)
    ax = _axes(ax)
    ax.plot([float(a) * 100 for a, _ in points], [float(p) for _, p in points], color="#7c5bef")
    ax.axvline(100, color="#1d2433", linestyle="--", linewidth=1)
    ax.set_xlabel("attainment (%)")
    ax.set_ylabel("payout")
    ax.set_title(f"payout curve: {component.get('kind', 'component')}")
    return ax


class ReportPlot:
    """``report.plot``: the report's pictures."""

    def __init__(self, report: Any) -> None:
        self._report = report

    def attainment(self, goal: Optional[str] = None, *, ax: Any = None) -> Any:
        """Attainment by rep with the 100% line (see :func:`attainment`)."""
        return attainment(self._report, goal, ax=ax)

    def payouts(self, *, ax: Any = None) -> Any:
        """Each member's total payout, as bars."""
        statements = self._report.statements
        ax = _axes(ax)
        ax.barh([s.name for s in statements], [float(s.total) for s in statements], color="#7c5bef")
        ax.invert_yaxis()
        ax.set_xlabel("payout")
        ax.set_title(f"payouts, {self._report.period.label}")
        return ax
