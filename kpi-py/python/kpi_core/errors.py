"""The exceptions of kpi_core. Every error the library raises is a KpiError subclass.

Each carries ``code``, a stable string (``"plan.unknown_metric"``) that is the same in
Rust and JavaScript, and where known the location: ``path`` (``"goals[1].target"``),
``line`` and ``column`` (in a TOML plan or a formula), and ``row`` (0-based index of an
input record).
"""

from __future__ import annotations

from typing import Optional

__all__ = ["KpiError", "PlanError", "FormulaError", "DataError", "PeriodError"]


class KpiError(Exception):
    """Base class of every kpi_core error."""

    code: str
    path: Optional[str]
    line: Optional[int]
    column: Optional[int]
    row: Optional[int]

    def __init__(
        self,
        message: str,
        *,
        code: str,
        path: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        row: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.row = row


class PlanError(KpiError):
    """The plan document is malformed or inconsistent (codes ``plan.*``)."""


class FormulaError(KpiError):
    """A filter or formula does not parse or names something unknown (``formula.*``)."""


class DataError(KpiError):
    """Facts or other input data are malformed (codes ``data.*``)."""


class PeriodError(KpiError):
    """A period label or calendar setting is invalid (codes ``period.*``)."""
