//! Zoho CRM and Fxiaoke (纷享销客) readers: API response pages (and Zoho's CSV exports),
//! one page at a time, through a column mapping per module or object.
//!
//! A page is read whole when it parses; a corrupt page is salvaged record by record up to
//! the corruption, and the unreadable rest is one `malformed_record` rejection with its
//! line and column, so the report still accounts for the page.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Batch, ColumnMapping, IngestReport, Rejection, json_text};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactTable;

/// Which CRM a reader speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crm {
    /// Zoho CRM: `{"data": [...], "info": {...}}` pages of one module, or CSV exports.
    Zoho,
    /// Fxiaoke `OpenAPI`: `{"errorCode": 0, "data": {"dataList": [...], "total": …}}`;
    /// each record names its object in `object_describe_api_name`.
    Fxiaoke,
}

impl Crm {
    /// The name used in messages and by the bindings (`zoho`, `fxiaoke`).
    pub fn name(self) -> &'static str {
        match self {
            Crm::Zoho => "zoho",
            Crm::Fxiaoke => "fxiaoke",
        }
    }

    /// The built-in mappings: the standard fields of Zoho's Deals, `Sales_Orders`,
    /// Invoices, Accounts and Leads, or of Fxiaoke's `NewOpportunityObj`,
    /// `SalesOrderObj`, `PaymentObj`, `OrderPaymentObj`, `RefundObj`, `AccountObj` and
    /// `LeadsObj` (see `kpi-core/src/ingest/presets/`).
    pub fn presets(self) -> CrmMappings {
        let text = match self {
            Crm::Zoho => include_str!("presets/zoho.toml"),
            Crm::Fxiaoke => include_str!("presets/fxiaoke.toml"),
        };
        CrmMappings::from_toml(text).expect("the built-in presets are valid")
    }
}

/// A column mapping per CRM module (Zoho) or object (Fxiaoke), keyed by its API name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrmMappings(pub BTreeMap<String, ColumnMapping>);

impl CrmMappings {
    /// Reads mappings from TOML: one table per module, `[Deals]`, `[Deals.fields]` ….
    pub fn from_toml(text: &str) -> Result<CrmMappings> {
        // Read as one JSON value (errors keep their TOML line and column), then module by
        // module like a JSON document.
        let tables: BTreeMap<String, serde_json::Value> = crate::toml_doc::from_toml(
            text,
            ErrorKind::DataInvalidMapping,
            ErrorKind::DataInvalidMapping,
        )?;
        tables
            .into_iter()
            .map(|(module, table)| {
                let mapping =
                    ColumnMapping::from_json_value(table).map_err(|e| prefix(&e, &module))?;
                Ok((module, mapping))
            })
            .collect::<Result<_>>()
            .map(CrmMappings)
    }

    /// Reads mappings from a JSON object of module → mapping.
    pub fn from_json_value(value: serde_json::Value) -> Result<CrmMappings> {
        let serde_json::Value::Object(tables) = value else {
            return Err(Error::new(
                ErrorKind::DataInvalidMapping,
                "CRM mappings are an object of module name to column mapping",
            ));
        };
        tables
            .into_iter()
            .map(|(module, table)| {
                let mapping =
                    ColumnMapping::from_json_value(table).map_err(|e| prefix(&e, &module))?;
                Ok((module, mapping))
            })
            .collect::<Result<_>>()
            .map(CrmMappings)
    }

    /// These mappings with `overrides` put over them, module by module.
    #[must_use]
    pub fn with(mut self, overrides: CrmMappings) -> CrmMappings {
        self.0.extend(overrides.0);
        self
    }
}

/// A mapping error inside module `module`: its path starts with the module.
fn prefix(error: &Error, module: &str) -> Error {
    let path = match error.location().path.as_deref() {
        Some(path) if !path.is_empty() => format!("{module}.{path}"),
        _ => module.to_owned(),
    };
    Error::new(error.kind(), error.message()).at_path(&path)
}

/// Ingests CRM pages one at a time into a fact table. Each page is all or nothing in
/// strict mode; the report runs on across pages (records are numbered on), and only the
/// kept facts stay in memory, never the pages.
///
/// ```
/// use kpi_core::ingest::CrmIngest;
///
/// let mut ingest = CrmIngest::zoho("Deals");
/// ingest.page(r#"{"data": [{"id": "5725767000000421001", "Owner": {"name": "Zhang San",
///     "id": "zhang.san"}, "Account_Name": {"name": "ACME", "id": "C-1"}, "Amount": 1200.5,
///     "Closing_Date": "2026-03-31", "Stage": "Closed Won",
///     "Modified_Time": "2026-04-01T09:00:00+08:00"}],
///     "info": {"per_page": 200, "count": 1, "page": 1, "more_records": false}}"#)?;
/// let (facts, report) = ingest.finish();
/// assert_eq!((report.read, report.accepted), (1, 1));
/// assert_eq!(facts.records().next().unwrap().amount.unwrap().to_string(), "1200.50");
/// # Ok::<(), kpi_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CrmIngest {
    crm: Crm,
    mappings: CrmMappings,
    /// Zoho: the module of every page. Fxiaoke: the object of records that do not name
    /// theirs.
    module: Option<String>,
    facts: FactTable,
    report: IngestReport,
    pages: u64,
    strict: bool,
}

impl CrmIngest {
    /// A reader of Zoho CRM pages (or CSV exports) of `module` (`Deals`, `Sales_Orders`,
    /// …) with the built-in mappings.
    pub fn zoho(module: &str) -> CrmIngest {
        CrmIngest::new(Crm::Zoho, Some(module))
    }

    /// A reader of Fxiaoke query responses with the built-in mappings.
    pub fn fxiaoke() -> CrmIngest {
        CrmIngest::new(Crm::Fxiaoke, None)
    }

    /// A reader of `crm`'s pages, for `module` (required for Zoho).
    pub fn new(crm: Crm, module: Option<&str>) -> CrmIngest {
        CrmIngest {
            crm,
            mappings: crm.presets(),
            module: module.map(str::to_owned),
            facts: FactTable::new(),
            report: IngestReport::default(),
            pages: 0,
            strict: false,
        }
    }

    /// Puts `mappings` over the built-in ones, module by module.
    #[must_use]
    pub fn with_mappings(mut self, mappings: CrmMappings) -> CrmIngest {
        self.mappings = self.mappings.with(mappings);
        self
    }

    /// Converts amounts in other currencies into `currency` (by each record's exchange
    /// rate, as [`ColumnMapping::home_currency`]) in every mapping that does not name its
    /// own home currency.
    #[must_use]
    pub fn home_currency(mut self, currency: &str) -> CrmIngest {
        for mapping in self.mappings.0.values_mut() {
            mapping
                .home_currency
                .get_or_insert_with(|| currency.to_owned());
        }
        self
    }

    /// Appends to `facts` rather than to an empty table; the facts' modification times
    /// (from an earlier ingestion) still decide between versions.
    #[must_use]
    pub fn into_table(mut self, facts: FactTable) -> CrmIngest {
        self.facts = facts;
        self
    }

    /// Turns any rejection into an error (`data.rejected_record`); the page it is on is
    /// not appended.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> CrmIngest {
        self.strict = strict;
        self
    }

    /// The report so far.
    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// The facts so far.
    pub fn facts(&self) -> &FactTable {
        &self.facts
    }

    /// The facts and the report.
    pub fn finish(self) -> (FactTable, IngestReport) {
        (self.facts, self.report)
    }

    /// Reads one API response page. A CRM error response is `data.crm_error`; an
    /// empty body (Zoho's 204 for no records) is a page without records.
    pub fn page(&mut self, text: &str) -> Result<()> {
        self.pages += 1;
        let page = self.pages;
        if text.trim().is_empty() {
            return Ok(());
        }
        let mark = self.report.mark();
        let mut batch = Batch::new(std::mem::take(&mut self.report), self.strict, page, 0);
        let outcome = self.read_page(text, page, &mut batch);
        self.report = batch.report;
        let Batch { pending, index, .. } = batch;
        match outcome {
            Ok(()) => Batch::append(pending, index, &mut self.facts),
            Err(e) => {
                // The page is not appended, and the report is as it was before it.
                self.report.roll_back(mark);
                Err(e)
            }
        }
    }

    fn read_page(&self, text: &str, page: u64, batch: &mut Batch) -> Result<()> {
        let records = match self.crm {
            Crm::Zoho => zoho_records(text, page),
            Crm::Fxiaoke => fxiaoke_records(text, page),
        }?;
        let mut lines = LineCounter::new(text);
        for item in records.items {
            let line = lines.line_at(item.raw.get().as_ptr() as usize - text.as_ptr() as usize);
            match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(item.raw.get())
            {
                Ok(object) => {
                    let Some(mapping) = self.mapping_for(&object) else {
                        let rejection =
                            Rejection::new("", "unknown_object", self.unknown_object(&object));
                        batch.reject_record(rejection, line)?;
                        continue;
                    };
                    let value = |key: &str| json_text(&object, key);
                    batch.add(&self.facts, mapping, line, &value)?;
                }
                Err(e) => batch.malformed(line, format!("not a JSON object: {e}"))?,
            }
        }
        if let Some((line, message)) = records.broken {
            batch.malformed(line, message)?;
        }
        Ok(())
    }

    fn mapping_for(
        &self,
        object: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<&ColumnMapping> {
        let module = match self.crm {
            Crm::Fxiaoke => object
                .get("object_describe_api_name")
                .and_then(serde_json::Value::as_str)
                .or(self.module.as_deref()),
            Crm::Zoho => self.module.as_deref(),
        }?;
        self.mappings.0.get(module)
    }

    fn unknown_object(&self, object: &serde_json::Map<String, serde_json::Value>) -> String {
        let module = match self.crm {
            Crm::Fxiaoke => object
                .get("object_describe_api_name")
                .and_then(serde_json::Value::as_str)
                .or(self.module.as_deref()),
            Crm::Zoho => self.module.as_deref(),
        };
        let known = self
            .mappings
            .0
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        match module {
            Some(module) => format!("no mapping for `{module}` (mapped: {known})"),
            None => format!(
                "the record does not name its object, and no object was given (mapped: {known})"
            ),
        }
    }

    /// Reads a Zoho CRM CSV export of the reader's module. Headers may be display labels
    /// (`Deal Owner`, `Closing Date`, `Record Id`) or API names; lookups' ids come in
    /// `<label>.id` columns (`Account Name.id`).
    pub fn csv(&mut self, text: &str) -> Result<()> {
        let module = self.module.clone().ok_or_else(|| {
            Error::new(
                ErrorKind::DataInvalidMapping,
                "a CSV export needs its module (Deals, Sales_Orders, …)",
            )
        })?;
        let mapping = self.mappings.0.get(&module).ok_or_else(|| {
            Error::new(
                ErrorKind::DataInvalidMapping,
                format!("no mapping for the module `{module}`"),
            )
        })?;
        let rename: &dyn Fn(&str) -> String = match self.crm {
            Crm::Zoho => &zoho_api_name,
            Crm::Fxiaoke => &str::to_owned,
        };
        let rename = Some(rename);
        let mark = self.report.mark();
        let mut batch = Batch::new(std::mem::take(&mut self.report), self.strict, 0, 0);
        let outcome = self.facts.read_csv(text, mapping, &mut batch, rename);
        self.report = batch.report;
        let Batch { pending, index, .. } = batch;
        match outcome {
            Ok(()) => Batch::append(pending, index, &mut self.facts),
            Err(e) => {
                self.report.roll_back(mark);
                Err(e)
            }
        }
    }
}

/// The Zoho CRM API name of a CSV export's column label: `Deal Owner` → `Owner`,
/// `Record Id` → `id`, `Closing Date` → `Closing_Date`, `Account Name.id` →
/// `Account_Name.id`; API names stay as they are.
pub fn zoho_api_name(label: &str) -> String {
    let (base, suffix) = match label.split_once('.') {
        Some((base, rest)) => (base, format!(".{rest}")),
        None => (label, String::new()),
    };
    let base = base.trim();
    let api = if base == "Record Id" || base == "Id" {
        "id".to_owned()
    } else if base == "Owner" || base.ends_with(" Owner") {
        "Owner".to_owned()
    } else {
        base.replace(' ', "_")
    };
    api + &suffix
}

/// The records of a page, and where it broke if it did.
struct PageRecords<'a> {
    items: Vec<Item<'a>>,
    /// The line and a message for the unreadable rest of a corrupt page.
    broken: Option<(u64, String)>,
}

struct Item<'a> {
    raw: &'a RawValue,
}

fn crm_error(message: &str, page: u64) -> Error {
    Error::new(ErrorKind::DataCrmError, format!("page {page}: {message}"))
}

#[derive(Deserialize)]
struct ZohoPage<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn zoho_records(text: &str, page: u64) -> Result<PageRecords<'_>> {
    match serde_json::from_str::<ZohoPage>(text) {
        Ok(ZohoPage {
            data: Some(data), ..
        }) => Ok(PageRecords {
            items: data.into_iter().map(|raw| Item { raw }).collect(),
            broken: None,
        }),
        Ok(ZohoPage {
            status,
            code,
            message,
            ..
        }) => Err(crm_error(
            &format!(
                "Zoho CRM answered {} {}: {}",
                status.unwrap_or_else(|| "without data".into()),
                code.unwrap_or_default(),
                message.unwrap_or_default()
            ),
            page,
        )),
        Err(e) => salvage(text, "\"data\"", &e, page),
    }
}

#[derive(Deserialize)]
struct FxiaokePage<'a> {
    #[serde(rename = "errorCode")]
    error_code: i64,
    #[serde(rename = "errorMessage", default)]
    error_message: Option<String>,
    #[serde(borrow, default)]
    data: Option<FxiaokeData<'a>>,
}

#[derive(Deserialize)]
struct FxiaokeData<'a> {
    #[serde(rename = "dataList", borrow, default)]
    data_list: Vec<&'a RawValue>,
}

fn fxiaoke_records(text: &str, page: u64) -> Result<PageRecords<'_>> {
    match serde_json::from_str::<FxiaokePage>(text) {
        Ok(page_data) if page_data.error_code != 0 => Err(crm_error(
            &format!(
                "Fxiaoke answered errorCode {}: {}",
                page_data.error_code,
                page_data.error_message.unwrap_or_default()
            ),
            page,
        )),
        Ok(page_data) => Ok(PageRecords {
            items: page_data
                .data
                .map(|d| d.data_list)
                .unwrap_or_default()
                .into_iter()
                .map(|raw| Item { raw })
                .collect(),
            broken: None,
        }),
        Err(e) => salvage(text, "\"dataList\"", &e, page),
    }
}

/// Reads the records of a page that does not parse, one by one from the array after
/// `key`, up to the first that does not; the rest is reported as broken.
fn salvage<'a>(
    text: &'a str,
    key: &str,
    error: &serde_json::Error,
    page: u64,
) -> Result<PageRecords<'a>> {
    let start = text.find(key).and_then(|k| {
        text[k + key.len()..]
            .find('[')
            .map(|b| k + key.len() + b + 1)
    });
    let Some(mut at) = start else {
        return Err(crm_error(
            &format!(
                "not a CRM response page (line {}, column {}): {error}",
                error.line(),
                error.column()
            ),
            page,
        ));
    };
    let mut items = Vec::new();
    loop {
        at += text[at..].len() - text[at..].trim_start().len();
        let rest = &text[at..];
        if rest.starts_with(']') {
            // The records are all there; the page broke after them.
            return Ok(PageRecords {
                items,
                broken: None,
            });
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        match stream.next() {
            Some(Ok(raw)) => {
                items.push(Item { raw });
                at += stream.byte_offset();
                at += text[at..].len() - text[at..].trim_start().len();
                if text[at..].starts_with(',') {
                    at += 1;
                }
            }
            Some(Err(e)) => {
                let line = LineCounter::new(text).line_at(at);
                return Ok(PageRecords {
                    items,
                    broken: Some((
                        line,
                        format!(
                            "the rest of the page does not parse (line {}, column {}): {e}",
                            line - 1 + e.line() as u64,
                            if e.line() == 1 {
                                column_at(text, at) + e.column() - 1
                            } else {
                                e.column()
                            }
                        ),
                    )),
                });
            }
            None => {
                let line = LineCounter::new(text).line_at(at);
                return Ok(PageRecords {
                    items,
                    broken: Some((line, format!("the page ends inside its records: {error}"))),
                });
            }
        }
    }
}

/// The column (from 1, in characters) of byte `at` on its line.
fn column_at(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].chars().count() + 1
}

/// Line numbers of byte offsets that only grow: counts newlines once.
struct LineCounter<'a> {
    text: &'a str,
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn new(text: &str) -> LineCounter<'_> {
        LineCounter {
            text,
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> u64 {
        if offset >= self.at {
            self.line += self.text[self.at..offset].matches('\n').count() as u64;
            self.at = offset;
        }
        self.line
    }
}
