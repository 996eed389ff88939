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

mod mapping;

pub use mapping::{ColumnMapping, Source};

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::fact::{Attribute, FactRecord, FactTable};

/// What an ingestion did: how many records it read, how many became facts, and every
/// rejected record with its reason. `read == accepted + rejected.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct IngestReport {
    /// Records read (data rows of a CSV, lines of JSON Lines).
    pub read: u64,
    /// Records that became facts.
    pub accepted: u64,
    /// Records that did not, in input order.
    pub rejected: Vec<Rejection>,
}

/// A record that could not become a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Rejection {
    /// The record's number in the input, from 1 (the header of a CSV is not counted).
    pub record: u64,
    /// The line it starts on in the input, from 1.
    pub line: u64,
    /// The fact field at fault (`amount`, `date`, `attributes.region` …), or `""` for
    /// the whole record.
    pub field: String,
    /// A stable reason: `missing_field`, `unparseable_amount`, `unparseable_date`,
    /// `unknown_status`, `unknown_exchange_rate`, `duplicate_id`, `malformed_record`.
    pub reason: String,
    /// A sentence for people, with the offending value.
    pub message: String,
}

/// Every rejection reason.
pub const REJECTION_REASONS: [&str; 7] = [
    "missing_field",
    "unparseable_amount",
    "unparseable_date",
    "unknown_status",
    "unknown_exchange_rate",
    "duplicate_id",
    "malformed_record",
];

impl Rejection {
    fn new(field: &str, reason: &str, message: String) -> Rejection {
        Rejection {
            record: 0,
            line: 0,
            field: field.to_owned(),
            reason: reason.to_owned(),
            message,
        }
    }

    /// The rejection as an error (strict mode), located at its record.
    fn into_error(self) -> Error {
        Error::new(
            ErrorKind::DataRejectedRecord,
            format!(
                "record {} (line {}) {}: {}",
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

/// Collects accepted records into a table and rejections into a report; all or nothing
/// per call: on a strict failure or a mapping error the table is unchanged.
struct Batch<'a> {
    mapping: &'a ColumnMapping,
    report: IngestReport,
    records: Vec<FactRecord>,
    ids: hashbrown::HashSet<String>,
    strict: bool,
}

impl Batch<'_> {
    /// Maps one input record (`value` of a fact field's source column) and keeps it or
    /// its rejection.
    fn add(
        &mut self,
        facts: &FactTable,
        line: u64,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> Result<()> {
        self.report.read += 1;
        let outcome = self.mapping.record(value).and_then(|record| {
            if facts.contains_id(&record.id) || !self.ids.insert(record.id.clone()) {
                Err(Rejection::new(
                    "id",
                    "duplicate_id",
                    format!("fact id `{}` is already in the table", record.id),
                ))
            } else {
                Ok(record)
            }
        });
        match outcome {
            Ok(record) => {
                self.report.accepted += 1;
                self.records.push(record);
            }
            Err(mut rejection) => {
                rejection.record = self.report.read;
                rejection.line = line;
                if self.strict {
                    return Err(rejection.into_error());
                }
                self.report.rejected.push(rejection);
            }
        }
        Ok(())
    }

    fn finish(self, facts: &mut FactTable) -> Result<IngestReport> {
        facts.reserve(self.records.len());
        for record in self.records {
            facts.push(record)?;
        }
        Ok(self.report)
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
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        mapping.check_columns(&headers)?;
        // About one record per line: the batch's buffers grow once.
        let lines = text.bytes().filter(|b| *b == b'\n').count();
        let mut batch = Batch {
            mapping,
            report: IngestReport::default(),
            records: Vec::with_capacity(lines),
            ids: hashbrown::HashSet::with_capacity(lines),
            strict,
        };
        // Where each header is, looked up once rather than per record and field.
        let position: HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .rev()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        for row in reader.records() {
            match row {
                Ok(row) => {
                    let line = row.position().map_or(0, csv::Position::line);
                    let value = |column: &str| {
                        position
                            .get(column)
                            .and_then(|&i| row.get(i))
                            .map(str::to_owned)
                    };
                    batch.add(self, line, &value)?;
                }
                Err(e) => {
                    batch.report.read += 1;
                    let mut rejection = Rejection::new("", "malformed_record", e.to_string());
                    rejection.record = batch.report.read;
                    rejection.line = e.position().map_or(0, csv::Position::line);
                    if strict {
                        return Err(rejection.into_error());
                    }
                    batch.report.rejected.push(rejection);
                }
            }
        }
        batch.finish(self)
    }

    /// Appends JSON Lines records (one object per line, blank lines skipped) read through
    /// `mapping`: a field's source names a key of the object. As
    /// [`FactTable::append_csv`], nothing is lost: each line becomes a fact or a rejection.
    pub fn append_json_lines_mapped(
        &mut self,
        text: &str,
        mapping: &ColumnMapping,
        strict: bool,
    ) -> Result<IngestReport> {
        let mut batch = Batch {
            mapping,
            report: IngestReport::default(),
            records: Vec::new(),
            ids: hashbrown::HashSet::new(),
            strict,
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let line_number = i as u64 + 1;
            match serde_json::from_str::<BTreeMap<String, serde_json::Value>>(line) {
                Ok(object) => {
                    let value = |key: &str| match object.get(key)? {
                        serde_json::Value::Null => None,
                        serde_json::Value::String(s) => Some(s.clone()),
                        other => Some(other.to_string()),
                    };
                    batch.add(self, line_number, &value)?;
                }
                Err(e) => {
                    batch.report.read += 1;
                    let mut rejection =
                        Rejection::new("", "malformed_record", format!("not a JSON object: {e}"));
                    rejection.record = batch.report.read;
                    rejection.line = line_number;
                    if strict {
                        return Err(rejection.into_error());
                    }
                    batch.report.rejected.push(rejection);
                }
            }
        }
        batch.finish(self)
    }
}

/// An attribute value from text: a number when it reads as one, `true`/`false`, else
/// text (dates stay `YYYY-MM-DD` text, which filters order as dates).
fn attribute_of(text: &str) -> Attribute {
    match text {
        "true" => Attribute::Bool(true),
        "false" => Attribute::Bool(false),
        _ => text
            .parse::<rust_decimal::Decimal>()
            .map_or_else(|_| Attribute::Text(text.to_owned()), Attribute::Number),
    }
}
