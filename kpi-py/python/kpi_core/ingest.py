"""CRM ingestion: Zoho CRM and Fxiaoke (纷享销客) pages and exports, and any CSV through a
column mapping. Every record becomes a fact or is reported with its reason; nothing is
lost. Each reader returns ``(facts, report)``.

>>> from kpi_core import ingest
>>> page = {"data": [{"id": "5725767000000421001",
...     "Owner": {"name": "Zhang San", "id": "zhang.san"},
...     "Account_Name": {"name": "ACME", "id": "C-1"}, "Amount": 1200.5,
...     "Closing_Date": "2026-03-31", "Stage": "Closed Won"}], "info": {"count": 1}}
>>> facts, report = ingest.zoho([page], module="Deals")
>>> (report["read"], report["accepted"], len(facts))
(1, 1, 1)
>>> facts.to_records()[0]["amount"]
Decimal('1200.50')

Pages are read one at a time from any iterable (a generator over API calls streams):
only the facts kept stay in memory. A page is JSON text, ``bytes`` or a ``dict`` (a dict
from ``json.loads`` holds binary floats; pass the response text for amounts beyond 15
significant digits). ``mapping`` (TOML text or a dict of module → column mapping) is put
over the built-in mappings (:func:`presets`), module by module.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Optional, Tuple, Union

from kpi_core._kpi_core import REJECTION_REASONS, CrmReader, FactTable, crm_presets
from kpi_core.errors import DataError

__all__ = ["REJECTION_REASONS", "CrmReader", "IngestReport", "csv", "fxiaoke", "presets", "zoho"]

Page = Union[str, bytes, Mapping[str, Any]]
MappingArg = Union[str, Mapping[str, Any], None]


class IngestReport(dict):
    """What an ingestion did, as a dict (``report["read"]``, JSON-ready) with the same
    fields as attributes (``report.read``). Every count is present, so
    ``read == accepted + superseded + len(skipped) + len(rejected)`` always holds; each
    skipped or rejected record is a dict with its ``page``, ``record``, ``line``,
    ``field``, ``reason`` and ``message``.
    """

    __slots__ = ()

    @property
    def read(self) -> int:
        """Records read (CSV rows, JSON lines, CRM records)."""
        return self["read"]

    @property
    def accepted(self) -> int:
        """Records that became facts, newer versions that replaced one included."""
        return self["accepted"]

    @property
    def replaced(self) -> int:
        """Of ``accepted``, the records that replaced an older version of a fact."""
        return self["replaced"]

    @property
    def superseded(self) -> int:
        """Records older than (or as old as) a version already kept."""
        return self["superseded"]

    @property
    def skipped(self) -> list:
        """Records the mapping's ``[keep]`` rules leave out (reason ``excluded``)."""
        return self["skipped"]

    @property
    def rejected(self) -> list:
        """Records that could not become facts, in input order, each with its reason."""
        return self["rejected"]

    def _repr_html_(self) -> str:
        from kpi_core.display import html_of

        return html_of(self)

    def __repr__(self) -> str:
        return (
            f"IngestReport(read={self.read}, accepted={self.accepted}, replaced={self.replaced}, "
            f"superseded={self.superseded}, skipped={len(self.skipped)}, rejected={len(self.rejected)})"
        )


# The name the readers' signatures used before the report had its own type.
Report = IngestReport


def presets(crm: str) -> dict:
    """The built-in mappings of ``"zoho"`` or ``"fxiaoke"``: module → column mapping."""
    return crm_presets(crm)


def _text(page: Page, number: int) -> Any:
    # Text and bytes go to the reader as they are (it checks that bytes are UTF-8); a
    # dict is written as JSON first.
    if isinstance(page, (str, bytes, bytearray)):
        return page
    if isinstance(page, Mapping):
        try:
            return json.dumps(page, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as e:
            raise DataError(
                f"page {number} is not a JSON document: {e}", code="data.invalid_argument", path="pages"
            ) from None
    raise DataError(
        f"page {number} is {type(page).__name__}: a page is JSON text, bytes or a dict",
        code="data.invalid_argument",
        path="pages",
    )


def _read_file_or_text(source: Union[str, "os.PathLike[str]"]) -> str:
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and os.path.isfile(source)
    ):
        try:
            with open(source, encoding="utf-8-sig") as f:
                return f.read()
        except UnicodeDecodeError as e:
            raise DataError(
                f"{os.fspath(source)} is not UTF-8 text: {e}", code="data.invalid_argument", path="source"
            ) from None
    return source  # type: ignore[return-value]  # text, or a wrong type the reader refuses


def _run(
    crm: str,
    pages: Iterable[Page],
    text: Optional[str],
    *,
    module: Optional[str],
    mapping: MappingArg,
    facts: Optional[FactTable],
    strict: bool,
    home_currency: Optional[str],
) -> Tuple[FactTable, IngestReport]:
    try:
        pages = iter(pages)
    except TypeError:
        raise DataError(
            f"pages are an iterable of pages (JSON text, bytes or dicts), not {type(pages).__name__}",
            code="data.invalid_argument",
            path="pages",
        ) from None
    table = facts if facts is not None else FactTable()
    reader = CrmReader(
        crm, table, module=module, mapping=mapping, strict=strict, home_currency=home_currency
    )
    try:
        if text is not None:
            # One page or a CSV export: the core tells which.
            reader.page_or_csv(text)
        for number, page in enumerate(pages, 1):
            reader.page(_text(page, number))
    finally:
        report = reader.finish()
    return table, report


def zoho(
    pages_or_csv: Union[Page, Iterable[Page], "os.PathLike[str]"],
    mapping: MappingArg = None,
    *,
    module: Optional[str] = None,
    facts: Optional[FactTable] = None,
    strict: bool = False,
    home_currency: Optional[str] = None,
) -> Tuple[FactTable, IngestReport]:
    """Reads Zoho CRM API pages (``{"data": [...], "info": {...}}``) of ``module``
    (``"Deals"`` when omitted), or a CSV export of it (text or a path; display labels or
    API names). Text is one page when it is a JSON object, a CSV export otherwise.

    Lookups (``{"name", "id"}``), dates as YYYY-MM-DD or MM/dd/yyyy, offsets on times,
    stages through the mapping's table, ``Currency``/``Exchange_Rate`` into
    ``home_currency``; repeated ids resolve by ``Modified_Time``. ``facts`` appends to an
    existing table. Returns ``(facts, report)``.
    """
    if isinstance(pages_or_csv, (str, os.PathLike)):
        return _run(
            "zoho", [], _read_file_or_text(pages_or_csv), module=module, mapping=mapping,
            facts=facts, strict=strict, home_currency=home_currency,
        )
    pages = [pages_or_csv] if isinstance(pages_or_csv, (bytes, Mapping)) else pages_or_csv
    return _run(
        "zoho", pages, None, module=module, mapping=mapping, facts=facts, strict=strict,
        home_currency=home_currency,
    )


def fxiaoke(
    pages: Union[Page, Iterable[Page]],
    mapping: MappingArg = None,
    *,
    object: Optional[str] = None,
    facts: Optional[FactTable] = None,
    strict: bool = False,
    home_currency: Optional[str] = None,
) -> Tuple[FactTable, IngestReport]:
    """Reads Fxiaoke query responses (``{"errorCode", "data": {"dataList": [...]}}``).

    Each record's ``object_describe_api_name`` picks its mapping (``object`` for records
    that lack it). Epoch-millisecond times become local dates in Asia/Shanghai, money
    strings are exact, people lists read as their first person, records whose
    ``life_status`` is not "normal" are skipped and reported, and a non-zero
    ``errorCode`` raises ``DataError`` (``data.crm_error``). Returns ``(facts, report)``.
    """
    items = [pages] if isinstance(pages, (str, bytes, Mapping)) else pages
    return _run(
        "fxiaoke", items, None, module=object, mapping=mapping, facts=facts, strict=strict,
        home_currency=home_currency,
    )


def csv(
    path_or_text: Union[str, "os.PathLike[str]"],
    mapping: Union[str, Mapping[str, Any]],
    *,
    facts: Optional[FactTable] = None,
    strict: bool = False,
) -> Tuple[FactTable, IngestReport]:
    """Reads any CSV (a path or the text) through a column mapping (TOML text or a dict;
    see docs/ingest.md). Returns ``(facts, report)``."""
    table = facts if facts is not None else FactTable()
    report = table.append_csv(_read_file_or_text(path_or_text), mapping, strict=strict)
    return table, report
