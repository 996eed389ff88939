//! The one error type of kpi: a kind with a stable code, a message and a location.

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;

/// What went wrong, as a closed set of stable codes.
///
/// The code string of each kind ([`ErrorKind::code`]) is part of the public contract: Python
/// exposes it as `KpiError.code` and JavaScript as `error.code`, and callers match on it.
/// New kinds may be added in minor releases, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The plan document is not valid TOML or JSON (`plan.syntax`).
    PlanSyntax,
    /// A plan field has the wrong type, is missing, or is not allowed (`plan.invalid`).
    PlanInvalid,
    /// The plan's `version` is not one this library reads (`plan.unsupported_version`).
    PlanUnsupportedVersion,
    /// Two plan entries share an id that must be unique (`plan.duplicate_id`).
    PlanDuplicateId,
    /// A goal or incentive names a metric the plan does not define (`plan.unknown_metric`).
    PlanUnknownMetric,
    /// A member names a team the plan does not define (`plan.unknown_team`).
    PlanUnknownTeam,
    /// A filter expression does not parse (`formula.syntax`).
    FormulaSyntax,
    /// A filter expression names a fact field that does not exist (`formula.unknown_field`).
    FormulaUnknownField,
    /// A formula names a metric, value or function that does not exist (`formula.unknown_name`).
    FormulaUnknownName,
    /// An operand has the wrong type: text where a number is needed, a number as a
    /// condition … (`formula.type_mismatch`).
    FormulaTypeMismatch,
    /// A formula adds or compares numbers of different units, such as money and percent
    /// (`formula.unit_mismatch`).
    FormulaUnitMismatch,
    /// Formula metrics refer to each other in a cycle (`formula.cycle`).
    FormulaCycle,
    /// A formula is longer, deeper or larger than the limits (`formula.too_complex`).
    FormulaTooComplex,
    /// A fact record is malformed: a missing field, or a value of the wrong type (`data.invalid_fact`).
    DataInvalidFact,
    /// Measures of different periods were merged or evaluated together (`data.measures_mismatch`).
    DataMeasuresMismatch,
    /// A value handed over by a binding has no exact form: a binary float where a decimal
    /// is expected, a timestamp where a date is expected … (`data.unsupported_value`).
    DataUnsupportedValue,
    /// Serialised measures do not parse (`data.invalid_measures`).
    DataInvalidMeasures,
    /// A column mapping for ingestion is malformed, or names a column the input does not
    /// have (`data.invalid_mapping`).
    DataInvalidMapping,
    /// In strict ingestion, an input record could not become a fact
    /// (`data.rejected_record`); the location names its row and field.
    DataRejectedRecord,
    /// A CRM answered with an error instead of records (Fxiaoke's non-zero `errorCode`,
    /// Zoho's `"status": "error"`), or a page is not a response of that CRM
    /// (`data.crm_error`).
    DataCrmError,
    /// An exact result is out of range: a decimal beyond about ±7.9 × 10^28 (28 significant
    /// digits) or a count beyond its integer range (`data.overflow`). The message names what
    /// was being computed (the metric, goal, component or row).
    DataOverflow,
    /// An argument handed over by a binding has the wrong type or value: a number where a
    /// period label is expected, a fractional `shift` (`data.invalid_argument`).
    DataInvalidArgument,
    /// Amounts in different currencies would be added without a conversion
    /// (`data.currency_mismatch`).
    DataCurrencyMismatch,
    /// A stored settlement does not parse, is of another version, or disagrees with
    /// itself; or two settlements close one period (`data.invalid_settlement`).
    DataInvalidSettlement,
    /// The period is closed: a settlement given covers it, so it is not evaluated for
    /// payment again (`data.period_locked`).
    DataPeriodLocked,
    /// A period label does not parse, or names an impossible date (`period.invalid_label`).
    PeriodInvalidLabel,
    /// A calendar setting is out of range (`period.invalid_calendar`).
    PeriodInvalidCalendar,
    /// The calendar has no such grain, such as fiscal weeks outside a retail calendar
    /// (`period.grain_not_in_calendar`).
    PeriodGrainNotInCalendar,
    /// A period is not inside one parent, or not made of whole children, of a grain
    /// (`period.not_nested`).
    PeriodNotNested,
    /// The calendar's time zone is not an IANA name (`period.unknown_timezone`).
    PeriodUnknownTimezone,
    /// A grain name is not day, week, month, quarter, half or year (`period.unknown_grain`).
    PeriodUnknownGrain,
    /// A date is not a valid `YYYY-MM-DD` date (`period.invalid_date`).
    PeriodInvalidDate,
    /// A date or period lies outside the supported days (1000-01-01 through 9998-12-31 for
    /// dates; a period must end by 9999-12-31), or a step (`shift`, `next`) would move it
    /// there (`period.out_of_range`).
    PeriodOutOfRange,
}

impl ErrorKind {
    /// The stable code string, for example `"plan.unknown_metric"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::PlanSyntax => "plan.syntax",
            Self::PlanInvalid => "plan.invalid",
            Self::PlanUnsupportedVersion => "plan.unsupported_version",
            Self::PlanDuplicateId => "plan.duplicate_id",
            Self::PlanUnknownMetric => "plan.unknown_metric",
            Self::PlanUnknownTeam => "plan.unknown_team",
            Self::FormulaSyntax => "formula.syntax",
            Self::FormulaUnknownField => "formula.unknown_field",
            Self::FormulaUnknownName => "formula.unknown_name",
            Self::FormulaTypeMismatch => "formula.type_mismatch",
            Self::FormulaUnitMismatch => "formula.unit_mismatch",
            Self::FormulaCycle => "formula.cycle",
            Self::FormulaTooComplex => "formula.too_complex",
            Self::DataInvalidFact => "data.invalid_fact",
            Self::DataMeasuresMismatch => "data.measures_mismatch",
            Self::DataUnsupportedValue => "data.unsupported_value",
            Self::DataInvalidMeasures => "data.invalid_measures",
            Self::DataInvalidMapping => "data.invalid_mapping",
            Self::DataRejectedRecord => "data.rejected_record",
            Self::DataCrmError => "data.crm_error",
            Self::DataOverflow => "data.overflow",
            Self::DataInvalidArgument => "data.invalid_argument",
            Self::DataCurrencyMismatch => "data.currency_mismatch",
            Self::DataInvalidSettlement => "data.invalid_settlement",
            Self::DataPeriodLocked => "data.period_locked",
            Self::PeriodInvalidLabel => "period.invalid_label",
            Self::PeriodInvalidCalendar => "period.invalid_calendar",
            Self::PeriodGrainNotInCalendar => "period.grain_not_in_calendar",
            Self::PeriodNotNested => "period.not_nested",
            Self::PeriodUnknownTimezone => "period.unknown_timezone",
            Self::PeriodUnknownGrain => "period.unknown_grain",
            Self::PeriodInvalidDate => "period.invalid_date",
            Self::PeriodOutOfRange => "period.out_of_range",
        }
    }

    /// The family of the kind: [`ErrorFamily::Plan`] for `plan.*` codes, and so on. Python
    /// and JavaScript raise the family's error class ([`ErrorFamily::class_name`]).
    pub const fn family(self) -> ErrorFamily {
        match self {
            Self::PlanSyntax
            | Self::PlanInvalid
            | Self::PlanUnsupportedVersion
            | Self::PlanDuplicateId
            | Self::PlanUnknownMetric
            | Self::PlanUnknownTeam => ErrorFamily::Plan,
            Self::FormulaSyntax
            | Self::FormulaUnknownField
            | Self::FormulaUnknownName
            | Self::FormulaTypeMismatch
            | Self::FormulaUnitMismatch
            | Self::FormulaCycle
            | Self::FormulaTooComplex => ErrorFamily::Formula,
            Self::DataInvalidFact
            | Self::DataMeasuresMismatch
            | Self::DataUnsupportedValue
            | Self::DataInvalidMeasures
            | Self::DataInvalidMapping
            | Self::DataRejectedRecord
            | Self::DataCrmError
            | Self::DataOverflow
            | Self::DataInvalidArgument
            | Self::DataCurrencyMismatch
            | Self::DataInvalidSettlement
            | Self::DataPeriodLocked => ErrorFamily::Data,
            Self::PeriodInvalidLabel
            | Self::PeriodInvalidCalendar
            | Self::PeriodGrainNotInCalendar
            | Self::PeriodNotNested
            | Self::PeriodUnknownTimezone
            | Self::PeriodUnknownGrain
            | Self::PeriodInvalidDate
            | Self::PeriodOutOfRange => ErrorFamily::Period,
        }
    }

    /// The family's name (the part of the code before the dot): `plan`, `formula`, `data`
    /// or `period`. Kept for callers of earlier versions; [`ErrorKind::family`] is typed.
    pub fn category(self) -> &'static str {
        self.family().name()
    }

    /// Every kind, for tests and documentation that must cover them all.
    pub const ALL: &'static [ErrorKind] = &[
        Self::PlanSyntax,
        Self::PlanInvalid,
        Self::PlanUnsupportedVersion,
        Self::PlanDuplicateId,
        Self::PlanUnknownMetric,
        Self::PlanUnknownTeam,
        Self::FormulaSyntax,
        Self::FormulaUnknownField,
        Self::FormulaUnknownName,
        Self::FormulaTypeMismatch,
        Self::FormulaUnitMismatch,
        Self::FormulaCycle,
        Self::FormulaTooComplex,
        Self::DataInvalidFact,
        Self::DataMeasuresMismatch,
        Self::DataUnsupportedValue,
        Self::DataInvalidMeasures,
        Self::DataInvalidMapping,
        Self::DataRejectedRecord,
        Self::DataCrmError,
        Self::DataOverflow,
        Self::DataInvalidArgument,
        Self::DataCurrencyMismatch,
        Self::DataInvalidSettlement,
        Self::DataPeriodLocked,
        Self::PeriodInvalidLabel,
        Self::PeriodInvalidCalendar,
        Self::PeriodGrainNotInCalendar,
        Self::PeriodNotNested,
        Self::PeriodUnknownTimezone,
        Self::PeriodUnknownGrain,
        Self::PeriodInvalidDate,
        Self::PeriodOutOfRange,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ErrorKind {
    type Err = Error;

    /// The kind whose code is `code` (`"plan.unknown_metric"`); another text is a
    /// `data.invalid_argument` error that lists the codes.
    fn from_str(code: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|kind| kind.code() == code)
            .ok_or_else(|| unknown_code("error code", code, Self::ALL.iter().map(|k| k.code())))
    }
}

/// The family of an error code, the part before its dot. Each family is one error class in
/// Python and JavaScript (`PlanError`, `FormulaError`, `DataError`, `PeriodError`, all
/// subclasses of `KpiError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFamily {
    /// The plan document is malformed or inconsistent (`plan.*`).
    Plan,
    /// A filter or formula does not parse, check or evaluate (`formula.*`).
    Formula,
    /// Facts, arguments or other input data are malformed or out of range (`data.*`).
    Data,
    /// A period label, date or calendar setting is invalid (`period.*`).
    Period,
}

impl ErrorFamily {
    /// The family's name, the prefix of its codes: `plan`, `formula`, `data`, `period`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Formula => "formula",
            Self::Data => "data",
            Self::Period => "period",
        }
    }

    /// The name of the family's error class in Python and JavaScript: `PlanError`,
    /// `FormulaError`, `DataError`, `PeriodError`.
    pub const fn class_name(self) -> &'static str {
        match self {
            Self::Plan => "PlanError",
            Self::Formula => "FormulaError",
            Self::Data => "DataError",
            Self::Period => "PeriodError",
        }
    }

    /// Every family.
    pub const ALL: &'static [ErrorFamily] = &[Self::Plan, Self::Formula, Self::Data, Self::Period];
}

impl fmt::Display for ErrorFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ErrorFamily {
    type Err = Error;

    /// The family named `name` (`"data"`); another text is a `data.invalid_argument`
    /// error that lists the names.
    fn from_str(name: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|family| family.name() == name)
            .ok_or_else(|| unknown_code("error family", name, Self::ALL.iter().map(|f| f.name())))
    }
}

/// The error for a code that is not one of `known`: `data.invalid_argument`, listing them.
pub(crate) fn unknown_code<'a>(
    what: &str,
    given: &str,
    known: impl Iterator<Item = &'a str>,
) -> Error {
    let known: Vec<String> = known.map(|code| format!("`{code}`")).collect();
    Error::new(
        ErrorKind::DataInvalidArgument,
        format!(
            "unknown {what} {given:?}; expected one of {}",
            known.join(", ")
        ),
    )
}

/// Where an error applies. Every part is optional; the ones that are known are filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The path of the offending field in a plan document or record list, for example
    /// `goals[1].target` or `[3].amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line in the source text (a TOML plan, or a formula).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in characters) in the source text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// 0-based index of the offending input record (fact) in the list it came in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

impl Location {
    /// A location that is only a path.
    pub fn path(path: impl Into<String>) -> Self {
        Self {
            path: Some(path.into()),
            ..Self::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.path.is_none() && self.line.is_none() && self.column.is_none() && self.row.is_none()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(path) = &self.path {
            parts.push(path.clone());
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        match (self.line, self.column) {
            (Some(line), Some(column)) => parts.push(format!("line {line}, column {column}")),
            (Some(line), None) => parts.push(format!("line {line}")),
            _ => {}
        }
        f.write_str(&parts.join(", "))
    }
}

/// The error of every fallible kpi function.
///
/// One pointer wide (its parts are boxed): every `Result` of the library carries it, and a
/// small error keeps the happy path's moves and copies small, which is most of the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Parts>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts {
    kind: ErrorKind,
    message: String,
    location: Location,
}

impl Error {
    /// A new error of `kind` with a human-readable `message` and no location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Parts {
            kind,
            message: message.into(),
            location: Location::default(),
        }))
    }

    /// The same error, at `location`.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.0.location = location;
        self
    }

    /// The same error, at the plan or record `path`.
    #[must_use]
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.0.location.path = Some(path.into());
        self
    }

    /// The same error, its message preceded by what was being done: `goal `quota` for
    /// `li`: …`.
    #[must_use]
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.0.message = format!("{what}: {}", self.0.message);
        self
    }

    /// The same error at `path`, unless it already names one (a deeper path is more
    /// precise).
    #[must_use]
    pub(crate) fn or_at_path(mut self, path: impl FnOnce() -> String) -> Self {
        if self.0.location.path.is_none() {
            self.0.location.path = Some(path());
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The stable code string of the kind, for example `"plan.unknown_metric"`.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// The message, without the location.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Where the error applies.
    pub fn location(&self) -> &Location {
        &self.0.location
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] ", self.0.kind.code())?;
        if !self.0.location.is_empty() {
            write!(f, "{}: ", self.0.location)?;
        }
        f.write_str(&self.0.message)
    }
}

// No source: a kpi error carries its kind, message and location, never another error.
impl std::error::Error for Error {}

/// `Result` with kpi's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A `serde_json` error's message without its " at line L column C" tail (the line and
/// column go into the [`Location`]).
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) if e.line() > 0 => text.get(..cut).unwrap_or_default().to_owned(),
        _ => text,
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column in characters).
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    // An offset inside a character counts from that character's start.
    let mut cut = offset.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = text.get(..cut).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

/// One step into a JSON document: an object's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A member of an object.
    Key(String),
    /// An item of an array.
    Index(usize),
}

/// Deserialises `value` as `T`, and on error says where ([`Located`]).
pub(crate) fn deserialize_located<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> std::result::Result<T, Located> {
    // A copy to search on error: documents are small, and reading the owned value keeps
    // one instance of each type's deserialiser in the wasm (reading `&Value` would add a
    // second).
    let copy = value.clone();
    crate::path_de::deserialize(value).map_err(|error| Located::new(&copy, error))
}

/// A failed read of a document: serde's error and path, and the steps below that path to
/// the bad value.
///
/// serde reads an internally tagged enum (a component's `kind`) and a flattened struct
/// by buffering the whole object first, so its path stops at that object
/// (`incentives[0].components[0]`) even when one field is bad. When the message quotes a
/// value (`"3%" is not a decimal number`) that exactly one string under that object
/// holds, or names an unknown field the object has, the path goes on to it
/// (`incentives[0].components[0].tiers[1].rate`).
pub(crate) struct Located {
    /// serde's error, with the path it knows.
    pub(crate) error: crate::path_de::Error,
    /// The steps from that path to the bad value.
    pub(crate) deeper: Vec<Step>,
}

impl Located {
    fn new(value: &serde_json::Value, error: crate::path_de::Error) -> Located {
        let node = error
            .path()
            .iter()
            .try_fold(value, |node, segment| match segment {
                crate::path_de::Segment::Map { key } => node.get(key.as_str()),
                crate::path_de::Segment::Seq { index } => node.get(*index),
            });
        let deeper = node.map_or_else(Vec::new, |node| culprit(node, &json_message(error.inner())));
        Located { error, deeper }
    }

    /// serde's message, without its line suffix.
    pub(crate) fn message(&self) -> String {
        json_message(self.error.inner())
    }

    /// `goals[1].target`, as `path_de` writes paths (`.` for the root).
    pub(crate) fn path(&self) -> String {
        let mut text = self.error.path().to_string();
        if text == "." {
            text.clear();
        }
        for step in &self.deeper {
            match step {
                Step::Key(key) if text.is_empty() => text.push_str(key),
                Step::Key(key) => {
                    text.push('.');
                    text.push_str(key);
                }
                Step::Index(index) => {
                    let _ = write!(text, "[{index}]");
                }
            }
        }
        if text.is_empty() {
            text.push('.');
        }
        text
    }
}

/// What a serde message is about: a quoted value, or an unknown field with the fields
/// that were expected where it was found.
enum Subject<'m> {
    /// The value, as the message quotes it (`3%` from `"3%" is not …`).
    Value(&'m str),
    /// An unknown field: its name, and the rest of the message, which lists the fields
    /// expected there (``unknown field `x`, expected one of `a`, `b` ``).
    Field { name: &'m str, expected: &'m str },
}

impl<'m> Subject<'m> {
    fn of(message: &'m str) -> Option<Subject<'m>> {
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let (name, expected) = rest.split_once('`')?;
            return Some(Subject::Field { name, expected });
        }
        // serde's `unknown variant `sideways`, expected …`.
        if let Some(rest) = message.strip_prefix("unknown variant `") {
            return rest.split_once('`').map(|(value, _)| Subject::Value(value));
        }
        // The value a message is about comes first (`"3%" is not a decimal number`) or
        // right after serde's `invalid type: string ` / `invalid value: string `: quoted
        // text later in the message is an example, not the value. A value the message had
        // to escape or cut (past 40 characters) is not found: the path stays at the object.
        let start = if message.starts_with('"') {
            1
        } else {
            message.find("string \"")? + "string \"".len()
        };
        let rest = message.get(start..)?;
        rest.find('"')
            .and_then(|end| rest.get(..end))
            .map(Subject::Value)
    }

    /// Whether `value` is what the message is about.
    fn is(&self, value: &serde_json::Value) -> bool {
        let Subject::Value(quoted) = self else {
            return false;
        };
        let text = match value {
            serde_json::Value::String(text) => text,
            // An exact number's wrapper (`{"$kpi::number": "0.1"}`, decimal::EXACT_NUMBER_KEY):
            // the number is the value, not the wrapper's member.
            serde_json::Value::Object(members) if members.len() == 1 => {
                match members.get("$kpi::number") {
                    Some(serde_json::Value::String(digits)) => digits,
                    _ => return false,
                }
            }
            _ => return false,
        };
        text == quoted
    }

    /// For an unknown field, whether `value` has it (`Some`), and whether its other
    /// members are all fields that were expected there (`Some(true)`): the object the
    /// field was found in.
    fn holds(&self, value: &serde_json::Value) -> Option<bool> {
        let (Subject::Field { name, expected }, serde_json::Value::Object(members)) = (self, value)
        else {
            return None;
        };
        members.contains_key(*name).then(|| {
            expected.contains("expected")
                && members
                    .keys()
                    .all(|k| k == name || expected.split('`').any(|e| e == k))
        })
    }
}

/// The steps from `node` to the one value `message` is about, or none (when no value or
/// more than one fits, or the document is too large to search).
fn culprit(node: &serde_json::Value, message: &str) -> Vec<Step> {
    let Some(subject) = Subject::of(message) else {
        return Vec::new();
    };
    let mut search = Search {
        subject: &subject,
        trail: Vec::new(),
        found: Vec::new(),
        exact: Vec::new(),
        budget: 10_000,
    };
    search.walk(node);
    // For an unknown field, the one object where the other members fit, else the one
    // object that has the field at all.
    let found = if search.exact.len() == 1 {
        search.exact
    } else {
        search.found
    };
    let ([steps], true) = (found.as_slice(), search.budget > 0) else {
        return Vec::new();
    };
    let mut steps = steps.clone();
    if let Subject::Field { name, .. } = subject {
        steps.push(Step::Key(name.to_owned()));
    }
    steps
}

/// A bounded walk of a document for what a message is about: at most `budget` values
/// visited, 16 levels deep, stopping at a second find.
struct Search<'s, 'm> {
    subject: &'s Subject<'m>,
    trail: Vec<Step>,
    /// Where the value is; for a field, each object that has it.
    found: Vec<Vec<Step>>,
    /// For a field, the objects whose other members were all expected.
    exact: Vec<Vec<Step>>,
    budget: usize,
}

impl Search<'_, '_> {
    fn walk(&mut self, node: &serde_json::Value) {
        if self.budget == 0
            || self.trail.len() > 16
            || (self.found.len() > 1 && self.exact.len() > 1)
        {
            return;
        }
        self.budget -= 1;
        if self.subject.is(node) {
            self.found.push(self.trail.clone());
            return;
        }
        if let Some(exact) = self.subject.holds(node) {
            self.found.push(self.trail.clone());
            if exact {
                self.exact.push(self.trail.clone());
            }
        }
        match node {
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.trail.push(Step::Index(index));
                    self.walk(item);
                    self.trail.pop();
                }
            }
            serde_json::Value::Object(members) => {
                for (key, item) in members {
                    self.trail.push(Step::Key(key.clone()));
                    self.walk(item);
                    self.trail.pop();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            let code = kind.code();
            assert!(seen.insert(code), "duplicate code {code}");
            let (family, rest) = code.split_once('.').expect("family.name");
            assert_eq!(family, kind.family().name(), "{code}");
            assert_eq!(kind.category(), family);
            assert!(rest.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(code.parse::<ErrorKind>(), Ok(*kind));
            assert_eq!(kind.to_string(), code);
        }
        assert_eq!(
            "plan.nope".parse::<ErrorKind>().unwrap_err().kind(),
            ErrorKind::DataInvalidArgument
        );
    }

    #[test]
    fn families_name_their_codes_and_classes() {
        let mut classes = std::collections::HashSet::new();
        for family in ErrorFamily::ALL {
            assert_eq!(family.name().parse::<ErrorFamily>(), Ok(*family));
            assert_eq!(family.to_string(), family.name());
            let class = family.class_name();
            assert!(classes.insert(class), "duplicate class {class}");
            assert!(class.ends_with("Error"));
            assert!(
                ErrorKind::ALL.iter().any(|kind| kind.family() == *family),
                "{family} has no codes"
            );
        }
        let err = "Data".parse::<ErrorFamily>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataInvalidArgument);
        assert!(err.message().contains("`data`"), "{}", err.message());
    }

    #[test]
    fn every_code_is_documented_in_the_limits_page() {
        let page = include_str!("../../docs/limits.md");
        for kind in ErrorKind::ALL {
            let row = format!("| `{}` |", kind.code());
            assert!(page.contains(&row), "docs/limits.md has no row for {row}");
        }
    }

    #[test]
    fn display_names_code_location_and_message() {
        let err = Error::new(ErrorKind::PlanUnknownMetric, "no metric `revnue`")
            .at_path("goals[0].metric");
        assert_eq!(
            err.to_string(),
            "[plan.unknown_metric] goals[0].metric: no metric `revnue`"
        );
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "a = 1\nb = \"华东\" x";
        let offset = text.find('x').unwrap();
        assert_eq!(line_column(text, offset), (2, 10));
        // An offset inside `华` (or past the end) does not slice into it.
        let inside = text.find('华').unwrap() + 1;
        assert_eq!(line_column(text, inside), (2, 6));
        assert_eq!(line_column(text, usize::MAX), (2, 11));
    }

    #[test]
    fn the_path_goes_on_to_the_one_value_the_message_quotes() {
        let steps =
            |node: &serde_json::Value, message: &str| -> Vec<Step> { culprit(node, message) };
        let key = |k: &str| Step::Key(k.into());
        let value = serde_json::json!({"kind": "x", "tiers": [{"rate": "0.1"}, {"rate": "3%"}]});
        assert_eq!(
            steps(&value, r#""3%" is not a decimal number"#),
            vec![key("tiers"), Step::Index(1), key("rate")]
        );
        // Two equal values: which one is meant is unknown, so the path stays.
        let twice = serde_json::json!({"rate": "3%", "cap": "3%"});
        assert!(steps(&twice, r#""3%" is not a decimal number"#).is_empty());
        // Quoted text after the value is an example, not the value.
        let example = serde_json::json!({"from": "-1234.56", "rate": true});
        assert!(
            steps(
                &example,
                r#"invalid type: boolean `true`, expected a decimal such as "-1234.56""#
            )
            .is_empty()
        );
        let serde_style = serde_json::json!({"on": "amount", "mode": "sideways"});
        assert_eq!(
            steps(
                &serde_style,
                r#"invalid value: string "sideways", expected one of"#
            ),
            vec![key("mode")]
        );
        // An exact number's wrapper: the path stops at it.
        let wrapped = serde_json::json!({"rate": {"$kpi::number": "1e40"}});
        assert_eq!(
            steps(&wrapped, r#""1e40" is beyond the exact decimal range"#),
            vec![key("rate")]
        );
        assert_eq!(crate::decimal::EXACT_NUMBER_KEY, "$kpi::number");
        // An unknown field: the object it sits in, where the other members were expected
        // (not the component's own valid `metric`).
        let typo = serde_json::json!({"kind": "tiered", "metric": "revenue",
            "tiers": [{"from": "0", "rate": "0.1", "metric": "revenue"}]});
        assert_eq!(
            steps(&typo, "unknown field `metric`, expected `from` or `rate`"),
            vec![key("tiers"), Step::Index(0), key("metric")]
        );
        let top = serde_json::json!({"kind": "bonus", "thresold": "1"});
        assert_eq!(
            steps(
                &top,
                "unknown field `thresold`, expected one of `kind`, `goal`, `threshold`"
            ),
            vec![key("thresold")]
        );
        assert!(steps(&serde_json::json!("3%"), r#""3%""#).is_empty());
        assert!(steps(&value, "missing field `goal`").is_empty());
    }

    #[test]
    fn a_located_error_writes_the_whole_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Doc {
            items: Vec<std::collections::BTreeMap<String, u8>>,
        }
        let located =
            deserialize_located::<Doc>(serde_json::json!({"items": [{"a": 1}, {"b": "x"}]}))
                .unwrap_err();
        assert_eq!(located.path(), "items[1].b");
        let root = deserialize_located::<Doc>(serde_json::json!(3)).unwrap_err();
        assert_eq!(root.path(), ".");
        assert!(
            root.message().starts_with("invalid type: integer `3`"),
            "{}",
            root.message()
        );
    }
}
