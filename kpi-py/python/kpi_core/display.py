"""Notebook display: the compact HTML tables Jupyter shows for kpi's objects
(``_repr_html_``), with the status colours of the HTML report.

Each table shows its first :data:`MAX_ROWS` rows and says how many more there are; a
report's or review's whole data is ``to_pandas()`` / ``to_polars()``. Text is escaped, attainment is shown as
a percentage rounded to two places (the data keeps every digit), and nothing here
changes a number.

>>> import kpi_core
>>> from kpi_core import display
>>> print(display.table(["id", "total"], [["张三", "1,200.50"]]))
<table class="kpi"><thead><tr><th>id</th><th>total</th></tr></thead><tbody><tr><td>张三</td><td>1,200.50</td></tr></tbody></table>
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional, Sequence

__all__ = ["MAX_ROWS", "STATUS_COLOURS", "html_of", "table"]

#: Rows shown per table; the rest are counted.
MAX_ROWS = 20

#: The status colours of the HTML report (``Report.to_html``).
STATUS_COLOURS = {
    "achieved": "#170",
    "on_track": "#26e",
    "at_risk": "#b50",
    "off_track": "#b11",
    "missed": "#b11",
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _percent(value: Any) -> str:
    if value is None:
        return ""
    return f"{Decimal(value) * 100:,.2f}%"


def _number(value: Any, unit: Any) -> Any:
    """A measured value for reading: a percent metric as a percentage, other numbers with
    at most two decimal places (the data keeps every digit)."""
    if value is None:
        return None
    if unit == "percent":
        return _percent(value)
    value = Decimal(value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return f"{value:,.2f}"
    return value


def _status(value: Any) -> str:
    if value is None:
        return ""
    colour = STATUS_COLOURS.get(str(value))
    text = html.escape(str(value))
    return f'<span style="color:{colour};font-weight:600">{text}</span>' if colour else text


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    caption: Optional[str] = None,
    raw: Sequence[int] = (),
) -> str:
    """An HTML table of ``rows`` (cells are escaped, except the columns listed in ``raw``,
    which hold HTML made here), cut to :data:`MAX_ROWS` with a count of the rest."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    more = 0
    for index, row in enumerate(rows):
        if index >= MAX_ROWS:
            more += 1
            continue
        cells = (
            cell if i in raw else html.escape(_cell(cell)) for i, cell in enumerate(row)
        )
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if more:
        body.append(
            f'<tr><td colspan="{len(headers)}">… {more} more rows</td></tr>'
        )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="kpi">{title}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _scorecard_rows(rows: Iterable[Mapping[str, Any]]) -> list:
    return [
        [
            r.get("goal"),
            r.get("scope"),
            r.get("name") or r.get("id"),
            _number(r.get("actual"), r.get("unit")),
            _number(r.get("target"), r.get("unit")),
            _percent(r.get("attainment")),
            _status(r.get("status")),
            r.get("rank"),
        ]
        for r in rows
    ]


SCORECARD_HEADERS = ["goal", "scope", "name", "actual", "target", "attainment", "status", "rank"]


def _report(report: Any) -> str:
    period = report.period
    label = period["label"] if isinstance(period, Mapping) else getattr(period, "label", period)
    parts = [
        f"<strong>Report {html.escape(str(label))}</strong>: {len(report.scorecards)} scorecard rows, "
        f"{len(report.statements)} statements, payouts {html.escape(_cell(report.total_payout))}",
        table(SCORECARD_HEADERS, _scorecard_rows(r.to_dict() for r in report.scorecards), "Scorecards", raw=(6,)),
        table(
            ["member", "name", "team", "total"],
            ([s.member, s.name, s.team, s.total] for s in report.statements),
            "Payouts",
        ),
    ]
    return "<div>" + "".join(parts) + "</div>"


def _plan(plan: Any) -> str:
    document = plan.to_dict()
    metrics = document.get("metrics") or {}
    goals = document.get("goals") or []
    incentives = document.get("incentives") or []
    title = html.escape(str(document.get("name") or "Plan"))
    return (
        f"<div><strong>{title}</strong>: {len(metrics)} metrics, {len(goals)} goals, "
        f"{len(incentives)} incentives"
        + table(
            ["metric", "name", "aggregate", "field", "filter"],
            (
                [mid, m.get("name"), m.get("aggregate") or "formula", m.get("field") or m.get("formula"), m.get("filter")]
                for mid, m in metrics.items()
            ),
            "Metrics",
        )
        + table(
            ["goal", "name", "metric", "scope", "period", "target"],
            (
                [g.get("id"), g.get("name"), g.get("metric"), g.get("scope"), g.get("period"), g.get("target")]
                for g in goals
            ),
            "Goals",
        )
        + table(
            ["incentive", "name", "applies to", "components"],
            (
                [
                    i.get("id"),
                    i.get("name"),
                    i.get("applies_to"),
                    ", ".join(c.get("name") or c.get("kind", "") for c in i.get("components") or []),
                ]
                for i in incentives
            ),
            "Incentives",
        )
        + "</div>"
    )


def _review(review: Any) -> str:
    items = review.to_dict().get("items") or []
    rows = [
        [
            i.get("goal"),
            (i.get("period") or {}).get("label"),
            i.get("name") or i.get("id"),
            _number(i.get("actual"), i.get("unit")),
            _number(i.get("target"), i.get("unit")),
            _percent(i.get("attainment")),
            _status(i.get("status")),
        ]
        for i in items
    ]
    return (
        f"<div><strong>Review as of {html.escape(str(review.as_of))}</strong>: {len(items)} goals"
        + table(["goal", "period", "name", "actual", "target", "attainment", "status"], rows, raw=(6,))
        + "</div>"
    )


def _ingest(report: Mapping[str, Any]) -> str:
    counts = table(
        ["read", "accepted", "replaced", "superseded", "skipped", "rejected"],
        [[report["read"], report["accepted"], report["replaced"], report["superseded"], len(report["skipped"]), len(report["rejected"])]],
        "Ingestion",
    )
    rejected = report["rejected"]
    if not rejected:
        return f"<div>{counts}</div>"
    return (
        f"<div>{counts}"
        + table(
            ["record", "line", "field", "reason", "message"],
            ([r.get("record"), r.get("line"), r.get("field"), r.get("reason"), r.get("message")] for r in rejected),
            "Rejected",
        )
        + "</div>"
    )


def html_of(value: Any) -> str:
    """The notebook HTML of a kpi object: a ``Report``, ``Plan``, ``Review``, ingest
    report, scorecard row or statement."""
    kind = type(value).__name__
    if kind == "Report":
        return _report(value)
    if kind == "Plan":
        return _plan(value)
    if kind == "Review":
        return _review(value)
    if kind == "IngestReport":
        return _ingest(value)
    if kind == "ScorecardRow":
        return table(SCORECARD_HEADERS, _scorecard_rows([value.to_dict()]), raw=(6,))
    if kind == "Statement":
        head = table(["member", "name", "team", "total"], [[value.member, value.name, value.team, value.total]])
        lines = table(
            ["incentive", "kind", "basis", "rate", "amount", "explanation"],
            (
                [l.get("incentive"), l.get("kind"), l.get("basis"), l.get("rate"), l.get("amount"), l.get("explanation")]
                for l in value.to_dict().get("lines") or []
            ),
        )
        return f"<div>{head}{lines}</div>"
    raise TypeError(f"kpi_core.display has no HTML for {kind}")
