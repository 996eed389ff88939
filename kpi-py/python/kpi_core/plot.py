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

__all__ = ["CJK_FONTS", "ReportPlot", "attainment", "payout_curve"]


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    # Constrained layout keeps long names and titles inside the figure.
    return plt.figure(figsize=(8, 5), layout="constrained").add_subplot()


#: Fonts with Chinese glyphs, most likely first (Linux, macOS, Windows).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
    "Arial Unicode MS",
)

_cjk_font_cache: list = []


def _cjk_font() -> Optional[str]:
    """An installed font family with Chinese glyphs, or None. Fonts installed after
    matplotlib built its font cache are found by their files too."""
    if _cjk_font_cache:
        return _cjk_font_cache[0]
    from matplotlib import font_manager

    def known() -> Optional[str]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in names), None)

    found = known()
    if found is None:
        hints = ("cjk", "wqy", "sourcehan", "source-han", "notosanssc", "msyh", "simhei", "pingfang", "hiragino")
        for path in font_manager.findSystemFonts():
            if any(hint in path.lower().replace(" ", "") for hint in hints):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = known()
    _cjk_font_cache.append(found)
    return found


def _needs_cjk(texts: Any) -> bool:
    return any(ord(c) > 0x2E7F for text in texts for c in str(text))


def _label_bars(ax: Any, rows: list) -> None:
    """Labels the bars with the rows' names: in a Chinese font when a name needs one and
    one is installed; else with their ids, so that no glyph is drawn as a box (and
    matplotlib does not warn about missing glyphs)."""
    names = [r["name"] or r["id"] for r in rows]
    style = {}
    if _needs_cjk(names):
        font = _cjk_font()
        if font is None:
            names = [r["id"] for r in rows]
        else:
            style = {"fontfamily": [font, "sans-serif"]}
    ax.set_yticks(range(len(rows)), names, **style)


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
    values = [float(r["attainment"]) * 100 for r in rows]
    colours = [ACHIEVED if v >= 100 else BELOW for v in values]
    ax.barh(range(len(rows)), values, color=colours)
    _label_bars(ax, rows)
    ax.axvline(100, color="#1d2433", linestyle="--", linewidth=1)
    ax.invert_yaxis()
    ax.set_xlabel("attainment (%)")
    ax.set_title(f"{goal}: attainment by rep, {report.period.label}")
    _legend(ax)
    return ax


#: The bar colours: at or above target, below it.
ACHIEVED = "#5b8def"
BELOW = "#f0a35b"


def _legend(ax: Any) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color=ACHIEVED, label="at or above target"),
            Patch(color=BELOW, label="below target"),
            Line2D([0], [0], color="#1d2433", linestyle="--", linewidth=1, label="100% (the target)"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize="small",
    )


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
        ax.barh(range(len(statements)), [float(s.total) for s in statements], color="#7c5bef")
        _label_bars(ax, [{"name": s.name, "id": s.member} for s in statements])
        ax.invert_yaxis()
        ax.set_xlabel("payout")
        ax.set_title(f"payouts, {self._report.period.label}")
        return ax
