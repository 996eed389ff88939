"""Report tables as data frames: pandas, Polars and Arrow.

Every table kpi produces — a report's ``scorecards``, ``rollups``, ``scores`` and
``statements``, a review's items, measures, and SMART findings — converts the same way:

>>> import kpi_core
>>> from kpi_core import frames
>>> plan = kpi_core.Plan.from_toml(open("kpi-core/testdata/sample/plan.toml").read())  # doctest: +SKIP
>>> table = frames.to_arrow(report, "statements")                                         # doctest: +SKIP

In Arrow, decimal columns are ``decimal128(38, s)`` (``s`` the finest scale in the
column, so no value is rounded; ``decimal256(76, s)`` when a value needs more than 38
digits at that scale, such as revenue in the billions next to a ratio of 28 places, which
Polars then gets as exact text) and dates ``date32``; Polars gets ``Decimal`` and
``Date`` columns from them. Whole-number columns (``rank``, ``goals``) are nullable
integers everywhere (pandas ``Int64``), so a company row without a rank does not turn
the column into floats. pandas, Polars and PyArrow are optional: each function imports
only the library it returns.

How numbers arrive in pandas and Polars is a choice, ``numbers=``:

- ``"decimal"`` (the default): exact. pandas columns hold ``decimal.Decimal`` objects
  (``object`` dtype), Polars columns are ``Decimal``. For payroll, audits, and
  comparing with the Rust or JavaScript results to the cent.
- ``"float"``: ``float64`` columns (missing values ``NaN``), for plotting and quick
  statistics (``df.plot.bar(y="attainment")``); each value is the nearest float, so do
  not sum these for pay.
- ``"arrow"`` (pandas): ``pandas.ArrowDtype`` columns (``decimal128``, ``date32``),
  exact and typed; Polars columns are Arrow already, so for Polars it is ``"decimal"``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Optional

from kpi_core.errors import DataError

__all__ = ["NUMBERS", "rows", "to_arrow", "to_pandas", "to_polars"]


def _flatten(row: dict, prefix: str = "") -> dict:
    out: dict = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}_"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _measure_rows(measures: Any) -> list[dict]:
    document = measures.to_dict()
    out = []
    for metric, scopes in document["metrics"].items():
        for scope, state in scopes.items():
            row = {"period": document["period"]["label"], "metric": metric, "scope": scope}
            row.update({k: v for k, v in state.items() if not isinstance(v, (list, dict))})
            out.append(row)
    return out


def rows(data: Any, table: str = "scorecards") -> list[dict]:
    """The rows of ``data`` as flat dicts: a ``Report`` or a ``Series`` (``table`` names
    which), a ``Review``, ``Measures``, or a list of ``Finding`` objects or dicts."""
    from kpi_core import _kpi_core  # the native classes, not a pandas or Polars Series

    kind = f"{type(data).__module__}.{type(data).__qualname__}"
    if isinstance(data, (_kpi_core.Report, _kpi_core.Series)):
        return data.rows(table)
    if isinstance(data, _kpi_core.Review):
        return [_flatten(item) for item in data.items]
    if isinstance(data, _kpi_core.Measures):
        return _measure_rows(data)
    if isinstance(data, (list, tuple)):
        try:
            return [_flatten(item.to_dict() if hasattr(item, "to_dict") else dict(item)) for item in data]
        except (TypeError, ValueError) as e:
            raise DataError(
                f"rows are Finding objects or dicts: {e}", code="data.invalid_argument", path="data"
            ) from None
    raise DataError(
        f"no table in a {kind}: pass a Report, a Series, a Review, Measures, or a list of findings or dicts",
        code="data.invalid_argument",
        path="data",
    )


def _arrow_type(values: list, pa: Any) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return pa.null()
    if all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if all(isinstance(v, Decimal) for v in present):
        scale = max(max(-v.as_tuple().exponent, 0) for v in present)
        # Digits at the column's scale: 38 fit decimal128; more (billions next to a ratio
        # of 28 places) take decimal256, so that nothing is rounded.
        digits = max(max(v.adjusted() + 1, 0) for v in present) + scale
        return pa.decimal128(38, scale) if digits <= 38 else pa.decimal256(76, scale)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if all(isinstance(v, datetime.date) and not isinstance(v, datetime.datetime) for v in present):
        return pa.date32()
    return pa.string()


def to_arrow(data: Any, table: str = "scorecards", columns: Optional[list[str]] = None) -> Any:
    """A ``pyarrow.Table`` of ``data``'s rows: decimals as decimal128, dates as date32."""
    from kpi_core import _kpi_core

    # A report's or a series' table is built by column in Rust, with the same types.
    if columns is None and isinstance(data, (_kpi_core.Report, _kpi_core.Series)):
        return data.to_arrow(table)
    return _arrow_of(rows(data, table), columns)


NUMBERS = ("decimal", "float", "arrow")


def _numbers(numbers: Any) -> str:
    if isinstance(numbers, str) and numbers in NUMBERS:
        return numbers
    raise DataError(
        f"`numbers` is \"decimal\" (exact Decimal values), \"float\" (float64, for plots) "
        f"or \"arrow\" (pandas ArrowDtype decimals), not {numbers!r}",
        code="data.invalid_argument",
        path="numbers",
    )


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _narrow_for_polars(table: Any, numbers: str = "decimal") -> Any:
    """``table`` with its ``decimal256`` columns as exact text (as their nearest floats
    with ``numbers="float"``): Polars decimals have 38 digits at most."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_decimal256(field.type):
            if numbers == "float":
                column = table.column(i).cast(pa.float64())
            else:
                # Written out in full (`0.0000…`, never `0E-28` or padded exponents).
                values = table.column(i).to_pylist()
                column = pa.array([None if v is None else format(v, "f") for v in values], pa.string())
            table = table.set_column(i, field.name, column)
    return table


def _frame_of(table_rows: list, library: str, numbers: Any = "decimal") -> Any:
    """A pandas or Polars ``DataFrame`` of flat rows, numbers as ``numbers`` says."""
    numbers = _numbers(numbers)
    if library == "polars":
        import polars

        frame = polars.from_arrow(_narrow_for_polars(_arrow_of(table_rows), numbers))
        if numbers == "float":
            frame = frame.with_columns(polars.col(polars.Decimal).cast(polars.Float64))
        return frame
    import pandas

    if numbers == "arrow":
        return _arrow_of(table_rows).to_pandas(types_mapper=pandas.ArrowDtype)
    names = list(dict.fromkeys(k for row in table_rows for k in row))
    columns = {}
    for name in names:
        values = [row.get(name) for row in table_rows]
        present = [v for v in values if v is not None]
        if present and all(_is_whole(v) for v in present):
            columns[name] = pandas.array(values, dtype="Int64")
        elif numbers == "float" and present and all(isinstance(v, Decimal) for v in present):
            columns[name] = pandas.array(
                [float("nan") if v is None else float(v) for v in values], dtype="float64"
            )
        else:
            columns[name] = values  # pandas infers: text, dates and Decimals stay objects
    return pandas.DataFrame(columns, index=pandas.RangeIndex(len(table_rows)))


def _arrow_of(table_rows: list, names: Optional[list[str]] = None) -> Any:
    import pyarrow as pa

    names = names or list(dict.fromkeys(k for row in table_rows for k in row))
    arrays = {}
    for name in names:
        values = [row.get(name) for row in table_rows]
        kind = _arrow_type(values, pa)
        if pa.types.is_string(kind):
            values = [None if v is None else str(v) for v in values]
        arrays[name] = pa.array(values, type=kind)
    return pa.table(arrays) if arrays else pa.table({})


def to_pandas(data: Any, table: str = "scorecards", numbers: str = "decimal") -> Any:
    """A pandas ``DataFrame`` of ``data``'s rows: exact ``Decimal`` values by default,
    ``float64`` with ``numbers="float"``, ``ArrowDtype`` with ``numbers="arrow"``."""
    return _frame_of(rows(data, table), "pandas", numbers)


def to_polars(data: Any, table: str = "scorecards", numbers: str = "decimal") -> Any:
    """A Polars ``DataFrame`` of ``data``'s rows, through Arrow (``Decimal`` and ``Date``
    columns; ``Float64`` with ``numbers="float"``)."""
    from kpi_core import _kpi_core

    numbers = _numbers(numbers)
    if isinstance(data, (_kpi_core.Report, _kpi_core.Series)):
        return data.to_polars(table, numbers)
    return _frame_of(rows(data, table), "polars", numbers)


def _polars_of_arrow(table: Any, numbers: Any = "decimal") -> Any:
    """A Polars ``DataFrame`` of a ``pyarrow.Table`` (what ``_frame_of`` gives for rows)."""
    numbers = _numbers(numbers)
    import polars

    frame = polars.from_arrow(_narrow_for_polars(table, numbers))
    if numbers == "float":
        frame = frame.with_columns(polars.col(polars.Decimal).cast(polars.Float64))
    return frame
