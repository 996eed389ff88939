//! Zoho CRM and Fxiaoke (纷享销客) readers: API response pages (and Zoho's CSV exports),
//! one page at a time, through a column mapping per module or object.
//!
//! A page is walked member by member and record by record: a corrupt page is read up to
//! the corruption, and the unreadable rest (also text after the page's end, or a second
//! `data`) is one `malformed_record` rejection with its line and column, so the report
//! still accounts for the page. Records are read with their numbers exact (`crate::json`).

use std::collections::BTreeMap;

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::{Batch, ColumnMapping, IngestReport, Rejection, RejectionReason, json_cell};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactTable;
use crate::json::{self, Json};
use crate::maps::TryIntoMap;

/// Which CRM a reader speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crm {
    /// Zoho CRM: `{"data": [...], "info": {...}}` pages of one module, or CSV exports.
    Zoho,
    /// Fxiaoke `OpenAPI`: `{"errorCode": 0, "data": {"dataList": [...], "total": …}}`;
    /// each record names its object in `object_describe_api_name`. Only the JSON integer
    /// `0` as `errorCode` is success.
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

    /// Every CRM, in the order of their names in messages.
    pub const ALL: &'static [Crm] = &[Crm::Zoho, Crm::Fxiaoke];

    /// The module a reader reads when none is given: Zoho's `Deals`; none for Fxiaoke,
    /// whose records name their object.
    pub const fn default_module(self) -> Option<&'static str> {
        match self {
            Crm::Zoho => Some("Deals"),
            Crm::Fxiaoke => None,
        }
    }

    /// The built-in mappings: the standard fields of Zoho's Deals, `Sales_Orders`,
    /// Invoices, Accounts and Leads, or of Fxiaoke's `NewOpportunityObj`,
    /// `SalesOrderObj`, `PaymentObj`, `OrderPaymentObj`, `RefundObj`, `AccountObj` and
    /// `LeadsObj` (see `kpi-core/src/ingest/presets/`).
    pub fn presets(self) -> CrmMappings {
        const ZOHO: &[u8] =
            &crate::toml_doc::without_comment_lines(include_bytes!("presets/zoho.toml"));
        const FXIAOKE: &[u8] =
            &crate::toml_doc::without_comment_lines(include_bytes!("presets/fxiaoke.toml"));
        let text = match self {
            Crm::Zoho => ZOHO,
            Crm::Fxiaoke => FXIAOKE,
        };
        let text = std::str::from_utf8(text).expect("the built-in presets are UTF-8");
        CrmMappings::from_toml(text).expect("the built-in presets are valid")
    }
}

impl std::fmt::Display for Crm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Crm {
    type Err = Error;

    /// The CRM named `name` (`"zoho"`, `"fxiaoke"`, as [`Crm::name`] writes them); another
    /// name is a `data.invalid_argument` error that lists the names.
    fn from_str(name: &str) -> Result<Crm> {
        Crm::ALL
            .iter()
            .copied()
            .find(|crm| crm.name() == name)
            .ok_or_else(|| {
                let names: Vec<String> =
                    Crm::ALL.iter().map(|c| format!("{:?}", c.name())).collect();
                Error::new(
                    ErrorKind::DataInvalidArgument,
                    format!("unknown CRM {name:?}; the CRMs are {}", names.join(", ")),
                )
            })
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
            .try_into_map()
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
            .try_into_map()
            .map(CrmMappings)
    }

    /// These mappings with `overrides` put over them, module by module.
    #[must_use]
    pub fn with(mut self, overrides: CrmMappings) -> CrmMappings {
        self.0.extend(overrides.0);
        self
    }
}

/// Whether `text` is an API response page rather than a CSV export: its first character
/// after white space is `{` (a CSV export starts with its header).
pub fn is_page(text: &str) -> bool {
    text.trim_start().starts_with('{')
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

    /// A reader of `crm`'s pages, for `module` (the CRM's [`Crm::default_module`] when
    /// `None`: Zoho's `Deals`).
    pub fn new(crm: Crm, module: Option<&str>) -> CrmIngest {
        CrmIngest {
            crm,
            mappings: crm.presets(),
            module: module.or(crm.default_module()).map(str::to_owned),
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
    /// own home currency: every fact with an amount then has `attributes.currency` =
    /// `currency`, and a converted one its `original_currency` and `original_amount`.
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

    /// Reads one API response page. A CRM error response, or text that is not a response
    /// of the CRM, is `data.crm_error`; an empty body (Zoho's 204 for no records) is a
    /// page without records. A page that is not exactly one well-formed response is read
    /// up to where it stops being one, and the rest is one `malformed_record` rejection.
    pub fn page(&mut self, text: &str) -> Result<()> {
        self.pages += 1;
        let page = self.pages;
        // A byte order mark (a response saved by a Windows tool) is not part of the page.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
            return Ok(());
        }
        for (module, mapping) in &self.mappings.0 {
            mapping.check_currency().map_err(|e| prefix(&e, module))?;
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
        for raw in records.items {
            let line = lines.line_at(json::offset_in(text, raw.get()));
            match json::parse_raw(raw) {
                Ok(Json::Object(object)) => {
                    let Some(mapping) = self.mapping_for(&object) else {
                        let rejection = Rejection::new(
                            "",
                            RejectionReason::UnknownObject,
                            self.unknown_object(&object),
                        );
                        batch.reject_record(rejection, line)?;
                        continue;
                    };
                    let value = |key: &str| json_cell(&object, key);
                    batch.add(&self.facts, mapping, line, &value)?;
                }
                Ok(other) => batch.malformed(
                    line,
                    format!("not a JSON object: the record is {}", other.kind()),
                )?,
                Err(e) => batch.malformed(line, format!("not a JSON object: {e}"))?,
            }
        }
        if let Some(broken) = records.broken {
            batch.malformed(line_of(text, broken.at), broken.message)?;
        }
        Ok(())
    }

    /// The object a record names (Fxiaoke), or the reader's module.
    fn module_of<'a>(&'a self, object: &'a [(Cow<'_, str>, Json<'_>)]) -> Option<&'a str> {
        match self.crm {
            Crm::Fxiaoke => match json::get(object, "object_describe_api_name") {
                Some(Json::String(name)) => Some(name.as_ref()),
                _ => self.module.as_deref(),
            },
            Crm::Zoho => self.module.as_deref(),
        }
    }

    fn mapping_for(&self, object: &[(Cow<'_, str>, Json<'_>)]) -> Option<&ColumnMapping> {
        self.mappings.0.get(self.module_of(object)?)
    }

    fn unknown_object(&self, object: &[(Cow<'_, str>, Json<'_>)]) -> String {
        let known = self
            .mappings
            .0
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        match self.module_of(object) {
            Some(module) => format!("no mapping for `{module}` (mapped: {known})"),
            None => format!(
                "the record does not name its object, and no object was given (mapped: {known})"
            ),
        }
    }

    /// Reads `text` as one API response page if it is a JSON object (its first character
    /// after white space is `{`), and as a CSV export of the reader's module otherwise:
    /// what the bindings do with a string that may be either.
    pub fn page_or_csv(&mut self, text: &str) -> Result<()> {
        if is_page(text) {
            self.page(text)
        } else {
            self.csv(text)
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
        mapping.check_currency().map_err(|e| prefix(&e, &module))?;
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
    items: Vec<&'a RawValue>,
    /// Where the page stops being one well-formed response, and why: reported as one
    /// `malformed_record` (it may hide records).
    broken: Option<Break>,
}

/// Where a page stops being readable, and a message with the line and column.
#[derive(Debug)]
struct Break {
    /// The byte offset where the unreadable part starts.
    at: usize,
    message: String,
}

fn crm_error(message: &str, page: u64) -> Error {
    Error::new(ErrorKind::DataCrmError, format!("page {page}: {message}"))
}

/// JSON's whitespace.
const SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Reads a page's structure one member or record at a time with `serde_json`, so that a
/// corrupt page is read up to the corruption and the rest is accounted for.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, at: usize) -> Cursor<'a> {
        Cursor { text, at }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches(SPACE).len();
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.rest().as_bytes().first().copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    /// A break at the cursor: what is wrong there, with its line and column.
    fn broken(&self, what: &str) -> Break {
        Break {
            at: self.at,
            message: format!(
                "{what} (line {}, column {}); the rest of the page is not read",
                line_of(self.text, self.at),
                column_at(self.text, self.at)
            ),
        }
    }

    /// Reads one JSON value.
    fn value<T: serde::Deserialize<'a>>(&mut self) -> std::result::Result<T, Break> {
        self.skip_space();
        let mut stream = serde_json::Deserializer::from_str(self.rest()).into_iter::<T>();
        match stream.next() {
            Some(Ok(value)) => {
                self.at += stream.byte_offset();
                Ok(value)
            }
            Some(Err(e)) => {
                // serde_json counts from the cursor: the first line starts at its column.
                let line = line_of(self.text, self.at) - 1 + e.line() as u64;
                let column = if e.line() == 1 {
                    column_at(self.text, self.at) + e.column().saturating_sub(1)
                } else {
                    e.column()
                };
                Err(Break {
                    at: self.at,
                    message: format!(
                        "the rest of the page does not parse (line {line}, column {column}): {}",
                        crate::error::json_message(&e)
                    ),
                })
            }
            None => Err(self.broken("the page ends early")),
        }
    }
}

/// Where the members of an object stopped being read.
struct Stop<'a> {
    broken: Break,
    /// The member whose value did not read: its key and where the value starts.
    member: Option<(Cow<'a, str>, usize)>,
    /// The key that appeared a second time.
    repeated: Option<Cow<'a, str>>,
}

/// The members of an object read whole.
type Members<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// Reads the members of the object at the cursor, each key once, up to its closing brace
/// or the first thing that does not read.
fn members<'a>(cursor: &mut Cursor<'a>) -> (Members<'a>, Option<Stop<'a>>) {
    let mut members: Members<'a> = Vec::new();
    let mut keys = std::collections::HashSet::new();
    let stop = |broken: Break| Stop {
        broken,
        member: None,
        repeated: None,
    };
    if !cursor.eat(b'{') {
        return (members, Some(stop(cursor.broken("expected an object"))));
    }
    if cursor.eat(b'}') {
        return (members, None);
    }
    loop {
        cursor.skip_space();
        let key_at = cursor.at;
        let key = match cursor.value::<json::Text<'a>>() {
            Ok(json::Text(key)) => key,
            Err(broken) => return (members, Some(stop(broken))),
        };
        if !cursor.eat(b':') {
            return (
                members,
                Some(stop(cursor.broken("expected `:` after a key"))),
            );
        }
        if !keys.insert(key.clone()) {
            let mut at = Cursor::new(cursor.text, key_at);
            at.skip_space();
            let broken = at.broken(&format!("the key {key:?} appears a second time"));
            return (
                members,
                Some(Stop {
                    broken,
                    member: None,
                    repeated: Some(key),
                }),
            );
        }
        cursor.skip_space();
        let value_at = cursor.at;
        match cursor.value::<&'a RawValue>() {
            Ok(value) => members.push((key, value)),
            Err(broken) => {
                return (
                    members,
                    Some(Stop {
                        broken,
                        member: Some((key, value_at)),
                        repeated: None,
                    }),
                );
            }
        }
        if cursor.eat(b',') {
            continue;
        }
        if cursor.eat(b'}') {
            return (members, None);
        }
        return (members, Some(stop(cursor.broken("expected `,` or `}`"))));
    }
}

/// Reads the records of the list at the cursor up to the first that does not read.
fn items<'a>(cursor: &mut Cursor<'a>) -> (Vec<&'a RawValue>, Option<Break>) {
    let mut items = Vec::new();
    if !cursor.eat(b'[') {
        return (items, Some(cursor.broken("expected a list of records")));
    }
    if cursor.eat(b']') {
        return (items, None);
    }
    loop {
        match cursor.value::<&'a RawValue>() {
            Ok(item) => items.push(item),
            Err(broken) => return (items, Some(broken)),
        }
        if cursor.eat(b',') {
            continue;
        }
        if cursor.eat(b']') {
            return (items, None);
        }
        return (
            items,
            Some(cursor.broken("expected `,` or `]` after a record")),
        );
    }
}

/// After a page's closing brace: nothing but whitespace.
fn trailing(cursor: &mut Cursor<'_>) -> Option<Break> {
    cursor.skip_space();
    (!cursor.rest().is_empty()).then(|| cursor.broken("the page goes on after its end"))
}

/// The value of `key` among `members`, read whole, or where it started when it did not
/// read (`stop`).
enum Found<'a> {
    Whole(&'a RawValue),
    Broken(usize),
    Missing,
}

fn find<'a>(members: &Members<'a>, stop: Option<&Stop<'a>>, key: &str) -> Found<'a> {
    if let Some((_, value)) = members.iter().find(|(k, _)| k == key) {
        return Found::Whole(value);
    }
    match stop.and_then(|s| s.member.as_ref()) {
        Some((k, at)) if k == key => Found::Broken(*at),
        _ => Found::Missing,
    }
}

/// The records of a list read whole, or one `malformed_record` when it is not a list.
fn list<'a>(text: &'a str, raw: &'a RawValue, name: &str) -> PageRecords<'a> {
    match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
        Ok(items) => PageRecords {
            items,
            broken: None,
        },
        Err(_) => not_records(text, raw, &format!("`{name}` is not a list of records")),
    }
}

/// A value where records should be that holds none: one `malformed_record`.
fn not_records<'a>(text: &str, raw: &RawValue, what: &str) -> PageRecords<'a> {
    let mut cursor = Cursor::new(text, json::offset_in(text, raw.get()));
    cursor.skip_space();
    PageRecords {
        items: Vec::new(),
        broken: Some(cursor.broken(what)),
    }
}

/// The records of a list whose end did not read: those before the corruption.
fn salvage(text: &str, at: usize) -> PageRecords<'_> {
    let (items, broken) = items(&mut Cursor::new(text, at));
    PageRecords { items, broken }
}

/// A short description of a text that is not a response page at all.
fn not_a_page(text: &str) -> String {
    match json::parse(text) {
        Ok(value) => format!("it is {}, not an object", value.kind()),
        Err(e) => e.message,
    }
}

/// A string member's text, or its JSON.
fn shown(raw: Option<&RawValue>) -> String {
    raw.map_or_else(String::new, |raw| {
        serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned())
    })
}

/// A Zoho CRM page: `{"data": [...], "info": {...}}`. A `status` other than `"success"` or
/// a `code` other than `"SUCCESS"` is Zoho's error response.
fn zoho_records(text: &str, page: u64) -> Result<PageRecords<'_>> {
    let mut cursor = Cursor::new(text, 0);
    if cursor.peek() != Some(b'{') {
        return Err(crm_error(
            &format!("not a Zoho CRM response page: {}", not_a_page(text)),
            page,
        ));
    }
    let (top, stop) = members(&mut cursor);
    let stop = stop.or_else(|| {
        trailing(&mut cursor).map(|broken| Stop {
            broken,
            member: None,
            repeated: None,
        })
    });
    let field = |key: &str| top.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    let (status, code) = (field("status"), field("code"));
    let success = status.is_none_or(|s| s.get() == "\"success\"")
        && code.is_none_or(|c| c.get() == "\"SUCCESS\"")
        && !matches!(
            stop.as_ref().and_then(|s| s.repeated.as_deref()),
            Some("status" | "code")
        );
    if !success {
        return Err(crm_error(
            &format!(
                "Zoho CRM answered {} {}: {}",
                shown(status),
                shown(code),
                shown(field("message"))
            ),
            page,
        ));
    }
    refuse_repeated_records(text, stop.as_ref(), "data", "Zoho CRM", page)?;
    match find(&top, stop.as_ref(), "data") {
        Found::Whole(raw) if raw.get() != "null" => {
            let mut records = list(text, raw, "data");
            if records.broken.is_none() {
                records.broken = stop.map(|s| s.broken);
            }
            Ok(records)
        }
        Found::Broken(at) if text.as_bytes().get(at) == Some(&b'[') => Ok(salvage(text, at)),
        _ => match stop {
            Some(stop) => Err(crm_error(
                &format!("not a Zoho CRM response page: {}", stop.broken.message),
                page,
            )),
            None => Err(crm_error(
                &format!(
                    "Zoho CRM answered without data: {}",
                    shown(field("message"))
                ),
                page,
            )),
        },
    }
}

/// A Fxiaoke query response: `{"errorCode": 0, "data": {"dataList": [...]}}`. Only the
/// integer 0 is success: any other `errorCode` (a string, `0.0`, none) is an error.
fn fxiaoke_records(text: &str, page: u64) -> Result<PageRecords<'_>> {
    let mut cursor = Cursor::new(text, 0);
    if cursor.peek() != Some(b'{') {
        return Err(crm_error(
            &format!("not a Fxiaoke response page: {}", not_a_page(text)),
            page,
        ));
    }
    let (top, stop) = members(&mut cursor);
    let stop = stop.or_else(|| {
        trailing(&mut cursor).map(|broken| Stop {
            broken,
            member: None,
            repeated: None,
        })
    });
    let field = |key: &str| top.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    let repeated_code = stop.as_ref().and_then(|s| s.repeated.as_deref()) == Some("errorCode");
    match field("errorCode") {
        Some(code) if code.get() == "0" && !repeated_code => {}
        Some(code) => {
            return Err(crm_error(
                &format!(
                    "Fxiaoke answered errorCode {}{}: {}",
                    code.get(),
                    if repeated_code { " and another" } else { "" },
                    shown(field("errorMessage"))
                ),
                page,
            ));
        }
        None => {
            let why = stop.map_or_else(
                || "the page has no errorCode".to_owned(),
                |s| s.broken.message,
            );
            return Err(crm_error(
                &format!("not a complete Fxiaoke response: {why}"),
                page,
            ));
        }
    }
    refuse_repeated_records(text, stop.as_ref(), "data", "Fxiaoke", page)?;
    // The `data` object: read whole, or up to where it broke.
    let (data, data_stop) = match find(&top, stop.as_ref(), "data") {
        Found::Whole(raw) if raw.get().starts_with('{') => {
            members(&mut Cursor::new(text, json::offset_in(text, raw.get())))
        }
        Found::Whole(raw) if raw.get() != "null" => {
            return Ok(not_records(text, raw, "`data` is not an object"));
        }
        Found::Broken(at) if text.as_bytes().get(at) == Some(&b'{') => {
            members(&mut Cursor::new(text, at))
        }
        _ => {
            return Err(crm_error(
                &match stop {
                    Some(stop) => {
                        format!("not a complete Fxiaoke response: {}", stop.broken.message)
                    }
                    None => "Fxiaoke answered errorCode 0 without data".to_owned(),
                },
                page,
            ));
        }
    };
    refuse_repeated_records(text, data_stop.as_ref(), "dataList", "Fxiaoke", page)?;
    match find(&data, data_stop.as_ref(), "dataList") {
        Found::Whole(raw) if raw.get() != "null" => {
            let mut records = list(text, raw, "dataList");
            if records.broken.is_none() {
                records.broken = data_stop.or(stop).map(|s| s.broken);
            }
            Ok(records)
        }
        Found::Broken(at) if text.as_bytes().get(at) == Some(&b'[') => Ok(salvage(text, at)),
        _ => match data_stop.or(stop) {
            Some(stop) => Ok(PageRecords {
                items: Vec::new(),
                broken: Some(stop.broken),
            }),
            None => Err(crm_error("Fxiaoke answered without data.dataList", page)),
        },
    }
}

/// Where `key` is among the keys of the object's members from byte `at` (where reading
/// stopped at a repeated key) to the object's end, or to where they stop reading.
fn key_in_rest(text: &str, at: usize, key: &str) -> Option<usize> {
    let mut cursor = Cursor::new(text, at);
    loop {
        cursor.skip_space();
        let key_at = cursor.at;
        let json::Text(name) = cursor.value::<json::Text<'_>>().ok()?;
        if name == key {
            return Some(key_at);
        }
        if !cursor.eat(b':') {
            return None;
        }
        cursor.skip_space();
        if cursor.value::<&RawValue>().is_err() || !cursor.eat(b',') {
            return None;
        }
    }
}

/// A page whose records key (`key`) appears twice, or after another repeated key (where
/// reading stops), is refused whole, at that key's line and column: which list is the
/// page's is anybody's guess, and reading the first would leave the other's records
/// unaccounted for.
fn refuse_repeated_records(
    text: &str,
    stop: Option<&Stop<'_>>,
    key: &str,
    crm: &str,
    page: u64,
) -> Result<()> {
    let Some(stop) = stop.filter(|s| s.repeated.is_some()) else {
        return Ok(());
    };
    // The records key itself repeats, or comes (again) after another repeated key, where
    // its list would go unread.
    let Some(at) = key_in_rest(text, stop.broken.at, key) else {
        return Ok(());
    };
    let (line, column) = (line_of(text, at), column_at(text, at));
    let location = crate::error::Location {
        line: u32::try_from(line).ok(),
        column: u32::try_from(column).ok(),
        ..crate::error::Location::default()
    };
    let why = if stop.repeated.as_deref() == Some(key) {
        format!("the key {key:?} appears a second time")
    } else {
        format!(
            "the key {key:?} comes after a repeated key {:?}",
            stop.repeated.as_deref().unwrap_or_default()
        )
    };
    Err(crm_error(
        &format!(
            "not a {crm} response page: {why} (line {line}, column {column}), so which \
             records it holds is ambiguous: none is read"
        ),
        page,
    )
    .at(location))
}

/// The line (from 1) of byte `at`.
fn line_of(text: &str, at: usize) -> u64 {
    let before = text.get(..at).unwrap_or(text);
    before.bytes().filter(|b| *b == b'\n').count() as u64 + 1
}

/// The column (from 1, in characters) of byte `at` on its line.
fn column_at(text: &str, at: usize) -> usize {
    let before = text.get(..at).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before.get(line_start..).map_or(0, |l| l.chars().count()) + 1
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
            let between = self.text.get(self.at..offset).unwrap_or_default();
            self.line += between.bytes().filter(|b| *b == b'\n').count() as u64;
            self.at = offset;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn fxiaoke(page: &str) -> Result<IngestReport> {
        let mut reader = CrmIngest::fxiaoke();
        reader.page(page)?;
        Ok(reader.finish().1)
    }

    #[test]
    fn only_the_integer_zero_is_success() {
        let record = r#"{"_id": "o1", "object_describe_api_name": "SalesOrderObj", "owner": ["1"],
            "order_amount": "1.00", "order_time": 1774972800000, "life_status": "normal"}"#;
        let ok = fxiaoke(&format!(
            r#"{{"errorCode": 0, "data": {{"dataList": [{record}]}}}}"#
        ))
        .unwrap();
        assert_eq!(ok.accepted, 1);
        for code in ["\"0\"", "0.0", "-0", "1e0", "-1.0", "320001", "null", "[]"] {
            let page = format!(
                r#"{{"errorCode": {code}, "errorMessage": "busy", "data": {{"dataList": [{record}]}}}}"#
            );
            let err = fxiaoke(&page).unwrap_err();
            assert_eq!(err.code(), "data.crm_error", "{code}");
            assert!(err.message().contains(code), "{code}: {err}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_page() {
        let report = fxiaoke("\u{feff}{\"errorCode\": 0, \"data\": {\"dataList\": []}}").unwrap();
        assert_eq!(report.read, 0);
    }

    #[test]
    fn many_keys_are_read_in_linear_time() {
        let mut page = String::from("{\"errorCode\": 0, ");
        for i in 0..200_000 {
            let _ = write!(page, "\"k{i}\": {i}, ");
        }
        page.push_str("\"data\": {\"dataList\": []}}");
        let started = std::time::Instant::now();
        assert_eq!(fxiaoke(&page).unwrap().read, 0);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
}
