//! Ingestion (cargo feature `ingest`): CSV and JSON Lines exports read through a column
//! mapping into facts, with every rejected record reported, never dropped.
//!
//! ```
//! use kpi_core::FactTable;
//! use kpi_core::ingest::ColumnMapping;
//!
//! let mapping = ColumnMapping::from_toml(r#"
//!     date_formats = ["%m/%d/%Y", "%Y-%m-%d"]
//!     [fields]
//!     id = "Deal Id"
//!     kind = { value = "deal" }
//!     owner = "Deal Owner"
//!     amount = "Amount"
//!     date = "Closing Date"
//!     status = "Stage"
//!     [status]
//!     "Closed Won" = "won"
//!     "Closed Lost" = "lost"
//! "#)?;
//! let csv = "Deal Id,Deal Owner,Amount,Closing Date,Stage\n\
//!            D1,zhang.san,\"1,200.50\",03/31/2026,Closed Won\n\
//!            D2,li.si,lots,2026-03-31,Closed Won\n\
//!            D3,li.si,800,2026-03-31,Negotiation\n";
//! let mut facts = FactTable::new();
//! let report = facts.append_csv(csv, &mapping, false)?;
//! assert_eq!((report.read, report.accepted), (3, 1));
//! assert_eq!(report.rejected[0].reason, "unparseable_amount");
//! assert_eq!(report.rejected[1].reason, "unknown_status");
//! assert_eq!(facts.records().next().unwrap().amount.unwrap().to_string(), "1200.50");
//! # Ok::<(), kpi_core::Error>(())
//! ```

mod amount;
mod crm;
mod date_format;
mod mapping;

pub use crm::{Crm, CrmIngest, CrmMappings, is_page, zoho_api_name};
pub use mapping::{ColumnMapping, ReadAs, Source};

use mapping::Outcome;

use std::borrow::Cow;

use crate::json::Json;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::fact::{Attribute, FactRecord, FactTable};

/// What an ingestion did: how many records it read, how many became facts, and every
/// record that did not, with its reason.
/// `read == accepted + superseded + skipped.len() + rejected.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct IngestReport {
    /// Records read (data rows of a CSV, lines of JSON Lines, records of CRM pages).
    pub read: u64,
    /// Records that became facts, including newer versions that replaced a fact.
    pub accepted: u64,
    /// Of `accepted`, the records that replaced an older version of the same fact.
    #[serde(default)]
    pub replaced: u64,
    /// Records that were older than (or as old as) a version of the same fact already
    /// kept, by their modification time: ingesting the same pages twice supersedes them
    /// all and changes nothing.
    #[serde(default)]
    pub superseded: u64,
    /// Records that the mapping's `[keep]` rules leave out (reason `excluded`): a voided
    /// payment is not a fact, and not an error. Always written (an empty list when none),
    /// so every count the invariant above names is in every report.
    #[serde(default)]
    pub skipped: Vec<Rejection>,
    /// Records that could not become facts, in input order.
    pub rejected: Vec<Rejection>,
}

/// How far a report had got, to roll a failed page back to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    read: u64,
    accepted: u64,
    replaced: u64,
    superseded: u64,
    skipped: usize,
    rejected: usize,
}

impl IngestReport {
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            read: self.read,
            accepted: self.accepted,
            replaced: self.replaced,
            superseded: self.superseded,
            skipped: self.skipped.len(),
            rejected: self.rejected.len(),
        }
    }

    pub(crate) fn roll_back(&mut self, mark: Mark) {
        self.read = mark.read;
        self.accepted = mark.accepted;
        self.replaced = mark.replaced;
        self.superseded = mark.superseded;
        self.skipped.truncate(mark.skipped);
        self.rejected.truncate(mark.rejected);
    }
}

/// A record that could not become a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Rejection {
    /// The record's number in the input, from 1 (the header of a CSV is not counted;
    /// the records of CRM pages are numbered on across pages).
    pub record: u64,
    /// The line it starts on in the input (its page, for CRM pages), from 1.
    pub line: u64,
    /// The CRM page it is on, from 1; 0 for CSV and JSON Lines.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub page: u64,
    /// The fact field at fault (`amount`, `date`, `attributes.region` …), or `""` for
    /// the whole record.
    pub field: String,
    /// A stable reason: a rejection (one of [`REJECTION_REASONS`]), or `excluded` for a
    /// skipped record. Serialised as its code string.
    pub reason: RejectionReason,
    /// A sentence for people, with the offending value.
    pub message: String,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Why a record did not become a fact: the `reason` of a [`Rejection`], serialised (in
/// JSON, Python and JavaScript) as its code string ([`RejectionReason::code`]), such as
/// `unparseable_amount`. New reasons may be added in minor releases, so match with a
/// wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[non_exhaustive]
pub enum RejectionReason {
    /// A field the mapping needs is missing or empty. (`missing_field`)
    MissingField,
    /// An amount is not a number in the mapping's notation. (`unparseable_amount`)
    UnparseableAmount,
    /// An amount has more digits than a decimal holds, or a conversion overflowed. (`amount_out_of_range`)
    AmountOutOfRange,
    /// A date or time stamp matches none of the mapping's formats. (`unparseable_date`)
    UnparseableDate,
    /// A date lies outside the supported days (1000-01-01 to 9998-12-31). (`date_out_of_range`)
    DateOutOfRange,
    /// A status is not in the mapping's status table. (`unknown_status`)
    UnknownStatus,
    /// An amount in another currency has no positive exchange rate. (`unknown_exchange_rate`)
    UnknownExchangeRate,
    /// The fact id is already in the table or earlier in the input. (`duplicate_id`)
    DuplicateId,
    /// The record cannot be read at all (a broken CSV row, a JSON line that is not an object). (`malformed_record`)
    MalformedRecord,
    /// No mapping covers the record's module or object. (`unknown_object`)
    UnknownObject,
    /// The mapping's `[keep]` rules leave the record out: a skipped record, not a rejected one. (`excluded`)
    Excluded,
}

crate::shape::by_name!(RejectionReason { "missing_field" => MissingField, "unparseable_amount" => UnparseableAmount, "amount_out_of_range" => AmountOutOfRange, "unparseable_date" => UnparseableDate, "date_out_of_range" => DateOutOfRange, "unknown_status" => UnknownStatus, "unknown_exchange_rate" => UnknownExchangeRate, "duplicate_id" => DuplicateId, "malformed_record" => MalformedRecord, "unknown_object" => UnknownObject, "excluded" => Excluded });

impl RejectionReason {
    /// The code string, as [`RejectionReason::code`]: code that read `rejection.reason` as
    /// a `String` keeps compiling.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }

    /// The stable code string, for example `"unparseable_amount"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::MissingField => "missing_field",
            Self::UnparseableAmount => "unparseable_amount",
            Self::AmountOutOfRange => "amount_out_of_range",
            Self::UnparseableDate => "unparseable_date",
            Self::DateOutOfRange => "date_out_of_range",
            Self::UnknownStatus => "unknown_status",
            Self::UnknownExchangeRate => "unknown_exchange_rate",
            Self::DuplicateId => "duplicate_id",
            Self::MalformedRecord => "malformed_record",
            Self::UnknownObject => "unknown_object",
            Self::Excluded => "excluded",
        }
    }

    /// Whether the reason is a rejection (in [`IngestReport::rejected`]) rather than
    /// `excluded`, the reason of a skipped record ([`IngestReport::skipped`]).
    pub const fn is_rejection(self) -> bool {
        !matches!(self, Self::Excluded)
    }

    /// Every reason: the rejections ([`REJECTION_REASONS`]), then `excluded`.
    pub const ALL: &'static [RejectionReason] = &[
        Self::MissingField,
        Self::UnparseableAmount,
        Self::AmountOutOfRange,
        Self::UnparseableDate,
        Self::DateOutOfRange,
        Self::UnknownStatus,
        Self::UnknownExchangeRate,
        Self::DuplicateId,
        Self::MalformedRecord,
        Self::UnknownObject,
        Self::Excluded,
    ];
}

impl std::fmt::Display for RejectionReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for RejectionReason {
    type Err = Error;

    /// The reason `code` (`"unknown_status"`); another text is a `data.invalid_argument`
    /// error that lists the reasons.
    fn from_str(code: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.code() == code)
            .ok_or_else(|| {
                crate::error::unknown_code(
                    "rejection reason",
                    code,
                    Self::ALL.iter().map(|r| r.code()),
                )
            })
    }
}

impl PartialEq<str> for RejectionReason {
    fn eq(&self, other: &str) -> bool {
        self.code() == other
    }
}

impl PartialEq<&str> for RejectionReason {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// Every reason of a rejected record, as strings: the codes of [`RejectionReason::ALL`]
/// that are rejections (all but `excluded`), in its order.
pub const REJECTION_REASONS: [&str; RejectionReason::ALL.len() - 1] = {
    let mut codes = [""; RejectionReason::ALL.len() - 1];
    let mut i = 0;
    while i < codes.len() {
        codes[i] = RejectionReason::ALL[i].code();
        i += 1;
    }
    codes
};

impl Rejection {
    fn new(field: &str, reason: RejectionReason, message: String) -> Rejection {
        Rejection {
            record: 0,
            line: 0,
            page: 0,
            field: field.to_owned(),
            reason,
            message,
        }
    }

    /// The rejection as an error (strict mode), located at its record.
    fn into_error(self) -> Error {
        let page = if self.page > 0 {
            format!("page {} ", self.page)
        } else {
            String::new()
        };
        Error::new(
            ErrorKind::DataRejectedRecord,
            format!(
                "{page}record {} (line {}) {}: {}",
                self.record, self.line, self.reason, self.message
            ),
        )
        .at(Location {
            path: (!self.field.is_empty()).then(|| self.field.clone()),
            line: u32::try_from(self.line).ok(),
            row: Some(self.record),
            ..Location::default()
        })
    }
}

/// The most records a batch reserves room for before reading them.
const RESERVE_LIMIT: usize = 1 << 20;

/// A fact waiting for the end of its batch: new, or replacing the fact at `row`.
struct Pending {
    row: Option<usize>,
    record: FactRecord,
    modified: Option<i64>,
}

/// Collects one call's (or one page's) facts and report; all or nothing: on a strict
/// failure or a mapping error the table is unchanged.
pub(crate) struct Batch {
    report: IngestReport,
    pending: Vec<Pending>,
    /// The ids of `pending`: an id's code is its index (one text buffer, not a `String`
    /// per id).
    index: crate::fact::Dictionary,
    strict: bool,
    page: u64,
}

impl Batch {
    /// A batch that numbers its records on from `report` (the pages before it).
    pub(crate) fn new(report: IngestReport, strict: bool, page: u64, capacity: usize) -> Batch {
        let capacity = capacity.min(RESERVE_LIMIT);
        Batch {
            report,
            pending: Vec::with_capacity(capacity),
            index: {
                let mut ids = crate::fact::Dictionary::default();
                ids.reserve(capacity);
                // Ids are short codes: room for 16 bytes each avoids most regrowth.
                ids.reserve_text(capacity * 16);
                ids
            },
            strict,
            page,
        }
    }

    /// Maps one input record (`value` of a source column) and keeps it, skips it or
    /// rejects it.
    pub(crate) fn add(
        &mut self,
        facts: &FactTable,
        mapping: &ColumnMapping,
        line: u64,
        value: &mapping::Get<'_>,
    ) -> Result<()> {
        self.report.read += 1;
        match mapping.record(value) {
            Outcome::Fact((record, modified)) => self.keep(facts, record, modified, line),
            Outcome::Skipped(skip) => {
                let skip = self.locate(skip, line);
                self.report.skipped.push(skip);
                Ok(())
            }
            Outcome::Rejected(rejection) => self.reject(rejection, line),
        }
    }

    /// A record that is not readable at all (it counts as read).
    pub(crate) fn malformed(&mut self, line: u64, message: String) -> Result<()> {
        self.reject_record(
            Rejection::new("", RejectionReason::MalformedRecord, message),
            line,
        )
    }

    /// Reads a record and rejects it.
    pub(crate) fn reject_record(&mut self, rejection: Rejection, line: u64) -> Result<()> {
        self.report.read += 1;
        self.reject(rejection, line)
    }

    fn locate(&self, mut rejection: Rejection, line: u64) -> Rejection {
        rejection.record = self.report.read;
        rejection.line = line;
        rejection.page = self.page;
        rejection
    }

    pub(crate) fn reject(&mut self, rejection: Rejection, line: u64) -> Result<()> {
        let rejection = self.locate(rejection, line);
        if self.strict {
            return Err(rejection.into_error());
        }
        self.report.rejected.push(rejection);
        Ok(())
    }

    /// Keeps a fact, resolving a repeated id by modification time: the later version wins;
    /// without modification times on both, the repeat is a `duplicate_id` rejection.
    fn keep(
        &mut self,
        facts: &FactTable,
        record: FactRecord,
        modified: Option<i64>,
        line: u64,
    ) -> Result<()> {
        let duplicate = |id: &str| {
            Rejection::new(
                "id",
                RejectionReason::DuplicateId,
                format!("fact id `{id}` is already in the table"),
            )
        };
        let before = self.index.len();
        let code = self.index.intern(&record.id) as usize;
        if self.index.len() == before {
            let held = &mut self.pending[code];
            let (Some(new), Some(old)) = (modified, held.modified) else {
                return self.reject(duplicate(&record.id), line);
            };
            if new > old {
                held.record = record;
                held.modified = modified;
            }
            self.report.superseded += 1;
            return Ok(());
        }
        let row = if facts.is_empty() {
            None
        } else {
            facts.row_of(&record.id)
        };
        if let Some(row) = row {
            match (modified, facts.modified_at(row)) {
                (Some(new), Some(old)) if new > old => self.report.replaced += 1,
                (Some(_), Some(_)) => {
                    self.index.pop();
                    self.report.superseded += 1;
                    return Ok(());
                }
                _ => {
                    // Not kept: its id must not stay in the batch's index either.
                    self.index.pop();
                    return self.reject(duplicate(&record.id), line);
                }
            }
        }
        self.pending.push(Pending {
            row,
            record,
            modified,
        });
        self.report.accepted += 1;
        Ok(())
    }

    /// Appends (or replaces) the batch's facts and returns the report.
    pub(crate) fn finish(self, facts: &mut FactTable) -> Result<IngestReport> {
        Batch::append(self.pending, self.index, facts)?;
        Ok(self.report)
    }

    /// Appends the pending facts: into an empty table with the batch's interned ids, else
    /// one by one (replacing older versions in place).
    fn append(
        pending: Vec<Pending>,
        ids: crate::fact::Dictionary,
        facts: &mut FactTable,
    ) -> Result<()> {
        if facts.is_empty() {
            let modified: Vec<Option<i64>> = pending.iter().map(|p| p.modified).collect();
            facts.push_interned(ids, pending.into_iter().map(|p| p.record))?;
            for (row, millis) in modified.into_iter().enumerate() {
                if let Some(millis) = millis {
                    facts.set_modified(row, millis);
                }
            }
            return Ok(());
        }
        facts.reserve(pending.len());
        for Pending {
            row,
            record,
            modified,
        } in pending
        {
            let row = if let Some(row) = row {
                facts.replace(row, record)?;
                row
            } else {
                facts.push(record)?;
                facts.len() - 1
            };
            if let Some(millis) = modified {
                facts.set_modified(row, millis);
            }
        }
        Ok(())
    }
}

impl FactTable {
    /// Appends the records of a CSV export, read through `mapping` (its first line is the
    /// header). Records that cannot become facts are reported with their record number,
    /// line, field and reason; with `strict`, the first one is an error instead
    /// (`data.rejected_record`) and nothing is appended. A mapping that names a column the
    /// header lacks is an error (`data.invalid_mapping`).
    pub fn append_csv(
        &mut self,
        text: &str,
        mapping: &ColumnMapping,
        strict: bool,
    ) -> Result<IngestReport> {
        // About one record per line: the batch's buffers grow once for most exports. Not
        // more than a record per 8 bytes nor than `RESERVE_LIMIT` records, so that text
        // of blank lines cannot make the reservation itself fail; beyond, they grow.
        let lines = text.bytes().filter(|b| *b == b'\n').count();
        let capacity = lines.min(text.len() / 8).min(RESERVE_LIMIT);
        let mut batch = Batch::new(IngestReport::default(), strict, 0, capacity);
        self.read_csv(text, mapping, &mut batch, None)?;
        batch.finish(self)
    }

    /// Reads a CSV into `batch`. A CRM export (`rename` turns its headers into the names
    /// the mapping uses) may leave out the columns of optional fields; a plain CSV must
    /// have every column its mapping names. A record with another number of fields than
    /// the header (a truncated line) is malformed.
    pub(crate) fn read_csv(
        &self,
        text: &str,
        mapping: &ColumnMapping,
        batch: &mut Batch,
        rename: Option<&dyn Fn(&str) -> String>,
    ) -> Result<()> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(mapping.delimiter_byte()?)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| {
                Error::new(
                    ErrorKind::DataInvalidMapping,
                    format!("the CSV header: {e}"),
                )
            })?
            .iter()
            .map(|h| {
                let h = h.trim().trim_start_matches('\u{feff}');
                rename.map_or_else(|| h.to_owned(), |rename| rename(h))
            })
            .collect();
        mapping.check_columns(&headers, rename.is_some())?;
        // Where each header is, looked up once rather than per record and field.
        let position: hashbrown::HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .rev()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        // One record buffer, reused for every row.
        let mut row = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut row) {
                Ok(false) => break,
                Ok(true) if row.len() != headers.len() => {
                    let line = row.position().map_or(0, csv::Position::line);
                    let message = format!(
                        "the record has {} fields, the header {}: a truncated or broken line",
                        row.len(),
                        headers.len()
                    );
                    batch.malformed(line, message)?;
                }
                Ok(true) => {
                    let line = row.position().map_or(0, csv::Position::line);
                    let record = &row;
                    let value = |column: &str| {
                        position
                            .get(column)
                            .and_then(|&i| record.get(i))
                            .map(|text| Cell::text(Cow::Borrowed(text)))
                    };
                    batch.add(self, mapping, line, &value)?;
                }
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    batch.malformed(line, e.to_string())?;
                }
            }
        }
        Ok(())
    }

    /// Appends JSON Lines records (one object per line, blank lines skipped) read through
    /// `mapping`: a field's source names a key of the object. As
    /// [`FactTable::append_csv`], nothing is lost: each line becomes a fact or a rejection.
    /// A line that is not exactly one JSON object (text after it, a key twice) is
    /// `malformed_record`; JSON numbers are read by their digits, exactly.
    pub fn append_json_lines_mapped(
        &mut self,
        text: &str,
        mapping: &ColumnMapping,
        strict: bool,
    ) -> Result<IngestReport> {
        let mut batch = Batch::new(IngestReport::default(), strict, 0, 0);
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            if line.trim_matches(JSON_SPACE).is_empty() {
                continue;
            }
            let line_number = i as u64 + 1;
            match crate::json::parse(line) {
                Ok(crate::json::Json::Object(members)) => {
                    let value = |key: &str| json_cell(&members, key);
                    batch.add(self, mapping, line_number, &value)?;
                }
                Ok(other) => batch.malformed(
                    line_number,
                    format!("not a JSON object: the line holds {}", other.kind()),
                )?,
                Err(e) => batch.malformed(line_number, format!("not a JSON object: {e}"))?,
            }
        }
        batch.finish(self)
    }
}

/// JSON's whitespace (a line of other spaces is not blank: it is not JSON either).
const JSON_SPACE: [char; 3] = [' ', '\t', '\r'];

/// A value of an input record: its text, and whether it was written as a JSON number
/// (read by its digits, in JSON's notation, whatever the mapping's decimal separator).
#[derive(Debug, Clone)]
pub(crate) struct Cell<'r> {
    /// The text (a JSON number's digits, written out if it had an exponent).
    pub(crate) text: Cow<'r, str>,
    /// Whether it was a JSON number.
    pub(crate) number: bool,
}

impl<'r> Cell<'r> {
    /// Text from a CSV field or a JSON string.
    pub(crate) fn text(text: Cow<'r, str>) -> Cell<'r> {
        Cell {
            text,
            number: false,
        }
    }
}

/// The value of `key` in a JSON record, as CRMs write records: `Owner.id` reads into a
/// lookup object (a key with a dot is first looked up whole), a lookup object by itself
/// reads as its `name` (Zoho's `{"name", "id"}`), a list as its first element (Fxiaoke's
/// people fields), numbers as their digits and booleans as `true`/`false`; null, missing
/// and nested lists are `None`.
pub(crate) fn json_cell<'m>(object: &'m [(Cow<'_, str>, Json<'_>)], key: &str) -> Option<Cell<'m>> {
    let Some(value) = crate::json::get(object, key) else {
        let (head, rest) = key.split_once('.')?;
        return match first(crate::json::get(object, head)?) {
            Json::Object(inner) => json_cell(inner, rest),
            _ => None,
        };
    };
    match first(value) {
        Json::Null | Json::Array(_) => None,
        Json::String(s) => Some(Cell::text(Cow::Borrowed(s.as_ref()))),
        Json::Object(inner) => json_cell(inner, "name"),
        Json::Bool(b) => Some(Cell::text(Cow::Borrowed(if *b { "true" } else { "false" }))),
        Json::Number(n) => Some(Cell {
            text: crate::exact::json_number_text(n),
            number: true,
        }),
    }
}

/// A list's first element (a people field's first person), or the value itself.
fn first<'m, 'a>(value: &'m Json<'a>) -> &'m Json<'a> {
    const NULL: &Json<'static> = &Json::Null;
    match value {
        Json::Array(items) => items.first().unwrap_or(NULL),
        other => other,
    }
}

/// An attribute value from a cell: a JSON number is a number (exactly, or the record is
/// rejected); text is a number when it is a plain decimal (`-12.50`, not `007`, `1e5` or
/// `1,000`), `true`/`false` a boolean, anything else text (dates stay `YYYY-MM-DD` text,
/// which filters order as dates).
fn attribute_of(cell: &Cell<'_>) -> std::result::Result<Attribute, crate::exact::Inexact> {
    if cell.number {
        return crate::exact::decimal_text(&cell.text).map(Attribute::Number);
    }
    Ok(match cell.text.as_ref() {
        "true" => Attribute::Bool(true),
        "false" => Attribute::Bool(false),
        text => crate::exact::plain_number(text)
            .map_or_else(|| Attribute::Text(text.to_owned()), Attribute::Number),
    })
}
