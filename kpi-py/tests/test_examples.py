"""The notebook-style walk-through runs, and the .ipynb holds the same cells as the
script (regenerate it with `python kpi-py/tests/test_examples.py`)."""

from __future__ import annotations

import json
import pathlib
import runpy
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
ROOT = EXAMPLES.parents[1]


def cells(script: str) -> list[dict]:
    """The script's `# %%` cells as notebook cells."""
    out = []
    for chunk in script.split("# %%")[1:]:
        header, _, body = chunk.partition("\n")
        if header.strip() == "[markdown]":
            text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.strip().splitlines())
            out.append({"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)})
        else:
            out.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": body.strip().splitlines(keepends=True)})
    return out


def notebook(script: str) -> dict:
    return {
        "cells": cells(script),
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_the_notebook_has_the_scripts_cells() -> None:
    script = (EXAMPLES / "walkthrough.py").read_text(encoding="utf-8")
    committed = json.loads((EXAMPLES / "walkthrough.ipynb").read_text(encoding="utf-8"))
    assert committed == notebook(script), "regenerate: python kpi-py/tests/test_examples.py"


@pytest.mark.filterwarnings("ignore:Glyph")
def test_the_walkthrough_runs(tmp_path, monkeypatch) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    monkeypatch.setenv("KPI_ROOT", str(ROOT))
    monkeypatch.setenv("KPI_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    runpy.run_path(str(EXAMPLES / "walkthrough.py"), run_name="__main__")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attainment.png", "payout_curve.png", "scorecard.csv", "statements.csv"]
    assert (tmp_path / "scorecard.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM


if __name__ == "__main__":
    text = (EXAMPLES / "walkthrough.py").read_text(encoding="utf-8")
    (EXAMPLES / "walkthrough.ipynb").write_text(json.dumps(notebook(text), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.exit(0)
