"""Shared paths: the vectors and the sample company live in kpi-core/testdata."""

from __future__ import annotations

import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = REPO / "kpi-core" / "testdata"
VECTORS = TESTDATA / "vectors"
SAMPLE = TESTDATA / "sample"
