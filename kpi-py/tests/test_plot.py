"""Plots: attainment by rep with the 100% line, payout curves, payouts."""

from __future__ import annotations

import pytest

import kpi_core
from conftest import VECTORS
from kpi_core import plot

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

SAMPLE = VECTORS.parent / "sample"


@pytest.fixture(scope="module")
def report():
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text())
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text())
    return plan.evaluate(facts, "FY2027-Q2")


def test_attainment_by_rep_with_the_100_percent_line(report, tmp_path) -> None:
    ax = report.plot.attainment("rep-revenue")
    bars = ax.patches
    reps = [r for r in report.rows("scorecards") if r["goal"] == "rep-revenue" and r["attainment"] is not None]
    assert len(bars) == len(reps)
    assert [round(b.get_width(), 6) for b in bars] == [round(float(r["attainment"]) * 100, 6) for r in reps]
    assert any(line.get_xdata()[0] == 100 for line in ax.get_lines())
    ax.figure.savefig(tmp_path / "attainment.png")
    assert (tmp_path / "attainment.png").stat().st_size > 0
    with pytest.raises(kpi_core.DataError) as caught:
        report.plot.attainment("no-such-goal")
    assert (caught.value.code, caught.value.path) == ("data.invalid_argument", "goal")


def test_payout_curve_and_payouts(report) -> None:
    component = {"kind": "tiered", "metric": "revenue", "on": "attainment", "mode": "marginal",
                 "tiers": [{"from": "0", "rate": "0.03"}, {"from": "1", "rate": "0.05"}]}
    ax = plot.payout_curve(component, {"target": "1500000"}, up_to="2", steps=20)
    (line,) = [l for l in ax.get_lines() if len(l.get_xdata()) > 2]
    xs, ys = line.get_xdata(), line.get_ydata()
    assert xs[0] == 0 and xs[-1] == 200
    assert ys[-1] == pytest.approx(1500000 * 0.03 + 1500000 * 0.05)  # 3% to quota, 5% beyond
    assert list(ys) == sorted(ys)  # payout never falls as attainment rises
    bars = report.plot.payouts().patches
    assert len(bars) == len(report.statements)


def drawn(ax) -> list:
    """The warnings drawing the figure gives (matplotlib warns about missing glyphs then)."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.canvas.draw()
    return [str(w.message) for w in caught]


def test_chinese_names_draw_in_a_chinese_font_without_glyph_warnings(report) -> None:
    ax = report.plot.attainment("rep-revenue")
    assert drawn(ax) == []
    labels = [t.get_text() for t in ax.get_yticklabels()]
    font = plot._cjk_font()
    if font is None:
        # No Chinese font installed: the ids, which every font draws.
        assert "zhang.san" in labels
    else:
        assert "张三" in labels
        assert ax.get_yticklabels()[0].get_fontfamily()[0] == font
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["at or above target", "below target", "100% (the target)"]


def test_without_a_chinese_font_the_bars_are_labelled_by_id(report, monkeypatch) -> None:
    monkeypatch.setattr(plot, "_cjk_font_cache", [None])
    ax = report.plot.payouts()
    assert drawn(ax) == []
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [s.member for s in report.statements]
