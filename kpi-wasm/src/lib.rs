//! JavaScript bindings of kpi-core (the npm package `kpi-core`): conversion and delegation
//! only. Results are plain objects with decimals as strings and dates as `"YYYY-MM-DD"`;
//! errors are instances of `KpiError` (a subclass of `Error`) and of their family's class
//! (`DataError` …) with `.code` and the location fields.

// wasm-bindgen hands every argument over by value (`String`, `Vec`, `Option<String>`).
#![allow(clippy::needless_pass_by_value)]

mod boundary;
mod columns;
mod goals;
mod ingest;
mod period;
mod series;
mod zone;

pub use goals::{TargetsApi, evaluate_component, model_cost, sample_curve};
pub use ingest::IngestApi;
pub use period::{Calendar, Period};

use kpi_core as core;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts a core error into the JS error class of its family (kpi-core's
/// `ErrorKind::family`): `PlanError`, `FormulaError`, `DataError` or `PeriodError`, all
/// `KpiError`s, with `code`, `path`, `line`, `column` and `row`.
// Row indices are far below 2^53, so they are exact as JS numbers.
#[allow(clippy::cast_precision_loss)]
fn to_js_err(err: &core::Error) -> JsValue {
    let location = err.location();
    boundary::error(
        err.kind().family().class_name(),
        err.code(),
        &err.to_string(),
        location.path.clone(),
        location.line,
        location.column,
        location.row.map(|r| r as f64),
    )
}

fn map_err<T>(result: core::Result<T>) -> Result<T, JsValue> {
    result.map_err(|e| to_js_err(&e))
}

/// Serialises a result as a plain JS object (maps as objects, `None` as `null`): written
/// as JSON text and parsed by the engine's `JSON.parse`. One serialiser per type (the
/// JSON one, which `toJson` needs anyway) keeps the wasm file smaller than a second,
/// JS-object serialiser would, and `JSON.parse` builds large results quickly. An integer
/// beyond JavaScript's safe integers (an attribute of 2^60) is written as its digits in a
/// string, which `JSON.parse` would otherwise round.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = core::bindings::json_for_javascript(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&text)
}

/// A column mapping given as TOML text or an object.
fn column_mapping(mapping: &JsValue) -> Result<core::ingest::ColumnMapping, JsValue> {
    if mapping.as_string().is_some() {
        let text = boundary::text(mapping, "mapping")?;
        map_err(core::ingest::ColumnMapping::from_toml(&text))
    } else {
        map_err(core::ingest::ColumnMapping::from_json_value(object(
            mapping, "mapping", false,
        )?))
    }
}

/// The `{ allowFloat }` options of a function that reads numbers.
fn read_options(options: Option<JsValue>) -> Result<boundary::ReadOptions, JsValue> {
    boundary::options(&options.unwrap_or(JsValue::UNDEFINED), "options")
}

/// A serde document from the JS object given as `name` (decimals as strings or exact
/// numbers); `kind` and `what` describe a document of the wrong shape.
fn document<T: serde::de::DeserializeOwned>(
    value: &JsValue,
    name: &str,
    allow_float: bool,
    kind: core::ErrorKind,
    what: &str,
) -> Result<T, JsValue> {
    let json = object(value, name, allow_float)?;
    core::bindings::read_document(json, name, kind, what).map_err(|e| to_js_err(&e))
}

/// A list of stored settlements (plain objects, as `close` returns them).
fn settlements_arg(value: &JsValue) -> Result<Vec<core::settle::Settlement>, JsValue> {
    let json = object(value, "settlements", false)?;
    map_err(core::settle::settlements_from_json(json))
}

/// The optional settlements and disputes of a pay-cycle call (absent, `null` or
/// `undefined`: none).
fn history_args(
    settlements: Option<JsValue>,
    disputes: Option<JsValue>,
) -> Result<(Vec<core::settle::Settlement>, Vec<core::settle::Dispute>), JsValue> {
    let given = |v: Option<JsValue>| v.filter(|v| !v.is_undefined() && !v.is_null());
    let settlements = match given(settlements) {
        Some(s) => settlements_arg(&s)?,
        None => Vec::new(),
    };
    let disputes = match given(disputes) {
        Some(d) => map_err(core::settle::disputes_from_json(object(
            &d, "disputes", false,
        )?))?,
        None => Vec::new(),
    };
    Ok((settlements, disputes))
}

/// The JS object given as `name` as JSON (a plan document, settings, a goal version …).
fn object(value: &JsValue, name: &str, allow_float: bool) -> Result<serde_json::Value, JsValue> {
    object_at(value, name, "", allow_float)
}

/// Like [`object`], with error paths under `root` (`calendar.holidays[0]`).
fn object_at(
    value: &JsValue,
    name: &str,
    root: &str,
    allow_float: bool,
) -> Result<serde_json::Value, JsValue> {
    let json = if value.is_object() {
        boundary::document(value, allow_float, root)?
    } else {
        serde_json::Value::Null
    };
    // A Date is an object too, but reads as text.
    if json.is_object() || json.is_array() {
        Ok(json)
    } else {
        Err(boundary::wrong(value, name, "an object"))
    }
}

/// The error for an object that a call that has not returned is still changing.
fn in_use(class: &str) -> JsValue {
    boundary::invalid_argument(format!(
        "this {class} is being changed by a call that has not returned (a getter or an iterator called back into it)"
    ))
}

/// A sales plan: calendar, org, metrics, goals and incentives.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Plan {
    inner: core::Plan,
    /// The checked plan that evaluations run, compiled on first use (a `Plan` object
    /// never changes: `adjustGoal` returns a new one).
    compiled: std::cell::OnceCell<core::CompiledPlan>,
}

impl From<core::Plan> for Plan {
    fn from(inner: core::Plan) -> Self {
        Plan {
            inner,
            compiled: std::cell::OnceCell::new(),
        }
    }
}

impl Plan {
    /// The compiled plan; a draft that does not pass the checks gives its error on each
    /// use, as evaluating it did before.
    fn compiled(&self) -> core::Result<&core::CompiledPlan> {
        if let Some(compiled) = self.compiled.get() {
            return Ok(compiled);
        }
        let compiled = self.inner.clone().compile()?;
        Ok(self.compiled.get_or_init(|| compiled))
    }
}

impl boundary::Class for Plan {
    const NAME: &'static str = "Plan";
}

impl Plan {
    /// A period argument: a label read in the plan's calendar, or a `Period`.
    fn period(&self, value: &JsValue) -> Result<core::Period, JsValue> {
        self.period_at(value, "period")
    }

    /// A series' span: a label or a `Period`.
    fn span(&self, value: &JsValue) -> Result<core::Period, JsValue> {
        self.period_at(value, "span")
    }

    fn period_at(&self, value: &JsValue, name: &str) -> Result<core::Period, JsValue> {
        if value.as_string().is_some() {
            let label = boundary::text(value, name)?;
            return map_err(self.inner.parse_period(&label));
        }
        let period = boundary::instance::<Period>(
            value,
            name,
            Some(r#"a period label such as "2026-03" or a Period"#),
        )?;
        Ok(period.inner)
    }
}

#[wasm_bindgen]
impl Plan {
    /// Parses and checks a TOML plan.
    #[wasm_bindgen(js_name = fromToml)]
    pub fn from_toml(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Plan, JsValue> {
        let text = boundary::text(&text, "text")?;
        map_err(core::Plan::from_toml(&text)).map(Plan::from)
    }

    /// Parses and checks a JSON plan.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Plan, JsValue> {
        let text = boundary::text(&text, "text")?;
        map_err(core::Plan::from_json(&text)).map(Plan::from)
    }

    /// Checks a plan given as a plain object (the JSON document's shape). Numbers must be
    /// exact (decimals as strings) unless `options.allowFloat`.
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(
        #[wasm_bindgen(unchecked_param_type = "PlanDocument")] document: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<Plan, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let json = object(&document, "document", allow_float)?;
        map_err(core::Plan::from_json_value(json)).map(Plan::from)
    }

    /// Parses a TOML plan without checking it: a draft for `validate`.
    #[wasm_bindgen(js_name = draftFromToml)]
    pub fn draft_from_toml(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Plan, JsValue> {
        let text = boundary::text(&text, "text")?;
        map_err(core::Plan::draft_from_toml(&text)).map(Plan::from)
    }

    /// Reads a plan object without checking it: a draft for `validate`.
    #[wasm_bindgen(js_name = draftFromObject)]
    pub fn draft_from_object(
        #[wasm_bindgen(unchecked_param_type = "PlanDocument")] document: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<Plan, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let json = object(&document, "document", allow_float)?;
        map_err(core::Plan::draft_from_json_value(json)).map(Plan::from)
    }

    /// Checks every goal against the SMART criteria. `history` (past facts) enables the
    /// data checks; `asOf` (`"YYYY-MM-DD"` or a `Date`) defaults to the plan's date.
    #[wasm_bindgen(unchecked_return_type = "Finding[]")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "FactTable | null")] history: Option<
            JsValue,
        >,
        #[wasm_bindgen(js_name = asOf, unchecked_optional_param_type = "string | Date | null")]
        as_of: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let as_of = boundary::optional_day(&as_of.unwrap_or(JsValue::UNDEFINED), "asOf")?;
        let history = match history.filter(|h| !boundary::is_absent(h)) {
            Some(value) => Some(boundary::instance::<FactTable>(&value, "history", None)?),
            None => None,
        };
        let table = match &history {
            Some(history) => Some(history.table()?),
            None => None,
        };
        to_js(&self.inner.validate(table.as_deref(), as_of))
    }

    /// The SMART findings as text in `locale` (`"en"`, the default, or `"zh-CN"`), as
    /// `validate(history, asOf)` finds them: a title with their count and a line each.
    #[wasm_bindgen(js_name = findingsText)]
    pub fn findings_text(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "FactTable | null")] history: Option<
            JsValue,
        >,
        #[wasm_bindgen(js_name = asOf, unchecked_optional_param_type = "string | Date | null")]
        as_of: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] locale: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let locale = self::locale(&locale.unwrap_or(JsValue::UNDEFINED))?;
        let as_of = boundary::optional_day(&as_of.unwrap_or(JsValue::UNDEFINED), "asOf")?;
        let history = match history.filter(|h| !boundary::is_absent(h)) {
            Some(value) => Some(boundary::instance::<FactTable>(&value, "history", None)?),
            None => None,
        };
        let table = match &history {
            Some(history) => Some(history.table()?),
            None => None,
        };
        let findings = self.inner.validate(table.as_deref(), as_of);
        // The compiled plan's names; a plan that does not check has none (ids then).
        let labels = self
            .compiled()
            .map_or(&EMPTY_LABELS, core::CompiledPlan::labels);
        Ok(core::smart::findings_text(&findings, labels, locale))
    }

    /// A copy of the plan with goal `goal` adjusted as `version` says
    /// (`{ from, target?, targets?, reason }`). History is kept.
    #[wasm_bindgen(js_name = adjustGoal)]
    pub fn adjust_goal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] goal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GoalVersion")] version: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<Plan, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let version: core::GoalVersion = document(
            &version,
            "version",
            allow_float,
            core::ErrorKind::PlanInvalid,
            "not a goal version",
        )?;
        let goal = boundary::text(&goal, "goal")?;
        let mut inner = self.inner.clone();
        map_err(inner.adjust_goal(&goal, version))?;
        Ok(Plan::from(inner))
    }

    /// The plan as JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The plan as TOML text.
    #[wasm_bindgen(js_name = toToml)]
    pub fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The plan as a plain object.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "PlanDocument")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner)
    }

    /// The plan's name, if it has one.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> Option<String> {
        self.inner.name.clone()
    }

    /// The plan document version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u32 {
        self.inner.version
    }

    /// The plan's calendar.
    #[wasm_bindgen(getter)]
    pub fn calendar(&self) -> Calendar {
        Calendar {
            inner: self.inner.calendar.clone(),
        }
    }

    /// Parses a period label in the plan's calendar (`2026-03`, `2026-Q1`, `FY2027-Q2`).
    #[wasm_bindgen(js_name = parsePeriod)]
    pub fn parse_period(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] label: JsValue,
    ) -> Result<Period, JsValue> {
        let label = boundary::text(&label, "label")?;
        map_err(self.inner.parse_period(&label)).map(Period::from)
    }

    /// Measures the facts of `period` (a label or a `Period`) into mergeable partial
    /// aggregates.
    pub fn measure(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
    ) -> Result<Measures, JsValue> {
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        map_err(
            self.compiled()
                .and_then(|plan| plan.measure(&table, &period)),
        )
        .map(Measures::from)
    }

    /// Evaluates measures (for example merged from partitions) into a report.
    #[wasm_bindgen(js_name = evaluateMeasures, unchecked_return_type = "Report")]
    pub fn evaluate_measures(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Measures")] measures: JsValue,
    ) -> Result<JsValue, JsValue> {
        let measures = boundary::instance::<Measures>(&measures, "measures", None)?;
        let measures = measures.measures()?;
        let report = self
            .compiled()
            .and_then(|plan| plan.evaluate_measures(&measures));
        to_js(&map_err(report)?)
    }

    /// Measures and evaluates the facts for `period` (a label or a `Period`).
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
    ) -> Result<JsValue, JsValue> {
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        to_js(&map_err(
            self.compiled()
                .and_then(|plan| plan.evaluate(&table, &period)),
        )?)
    }

    /// The reports of every period of `span` (a label such as `"FY2026..FY2027"`, or a
    /// `Period`) at each of `grains` (`"quarter"`, or `["month", "quarter"]`): the first
    /// grain's periods in time order, then the next's, each the report `evaluate` gives
    /// for its period, to the cent; an error is the one evaluating the periods in order
    /// meets first. Draw balances are not carried from period to period.
    #[wasm_bindgen(js_name = evaluateSeries, unchecked_return_type = "Report[]")]
    pub fn evaluate_series(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] span: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Grain | Grain[]")] grains: JsValue,
    ) -> Result<JsValue, JsValue> {
        let span = self.span(&span)?;
        let grains = series::grains(&grains)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let series = map_err(
            self.compiled()
                .and_then(|plan| plan.evaluate_series(&table, &span, &grains)),
        )?;
        to_js(&series.reports)
    }

    /// Like `evaluate`, with the recoverable draw balances carried from the previous
    /// payout period (`balancesOf(previousReport)`: member id → incentive id → amount).
    #[wasm_bindgen(js_name = evaluateWith, unchecked_return_type = "Report")]
    pub fn evaluate_with(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, Record<string, string | number>>")]
        balances: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let balances: core::Balances = document(
            &balances,
            "balances",
            allow_float,
            core::ErrorKind::DataUnsupportedValue,
            "balances are {member: {incentive: amount}}",
        )?;
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let report = self
            .compiled()
            .and_then(|plan| plan.evaluate_with(&table, &period, &balances));
        to_js(&map_err(report)?)
    }

    /// Evaluates `period` with the earlier settlements trued up: each settled period is
    /// priced again with today's facts, and what it now comes to, less what was paid, is
    /// an adjustment on the member's statement (`statement.adjustments`, in the total).
    #[wasm_bindgen(js_name = evaluateSettled, unchecked_return_type = "Report")]
    pub fn evaluate_settled(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Settlement[]")] settlements: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Dispute[]")] disputes: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let (settlements, disputes) = history_args(Some(settlements), disputes)?;
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let report = self
            .compiled()
            .and_then(|plan| plan.evaluate_settled(&table, &period, &settlements, &disputes));
        to_js(&map_err(report)?)
    }

    /// Closes `period`: its statements as paid (earlier settlements trued up), the plan's
    /// hash, the content hash of every fact dated in it, who approved it and when
    /// (`approvedAt`, an RFC 3339 time stamp): a plain object to store as JSON.
    #[wasm_bindgen(unchecked_return_type = "Settlement")]
    pub fn close(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
        #[wasm_bindgen(js_name = approvedBy, unchecked_param_type = "string")] approved_by: JsValue,
        #[wasm_bindgen(js_name = approvedAt, unchecked_param_type = "string")] approved_at: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Settlement[]")] settlements: Option<
            JsValue,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "Dispute[]")] disputes: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let approval = core::settle::Approval {
            by: boundary::text(&approved_by, "approvedBy")?,
            at: boundary::text(&approved_at, "approvedAt")?,
        };
        let (settlements, disputes) = history_args(settlements, disputes)?;
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let settlement = self
            .compiled()
            .and_then(|plan| plan.close(&table, &period, &settlements, &disputes, approval));
        to_js(&map_err(settlement)?)
    }

    /// Whether a stored settlement still follows from this plan and the facts: the
    /// plan's hash, every fact's content, every line priced again.
    #[wasm_bindgen(js_name = verifySettlement, unchecked_return_type = "Verification")]
    pub fn verify_settlement(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Settlement")] settlement: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let settlement = object(&settlement, "settlement", false)?;
        let settlement = map_err(core::settle::Settlement::from_json_value(settlement))?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let verification = self
            .compiled()
            .and_then(|plan| plan.verify_settlement(&settlement, &table));
        to_js(&map_err(verification)?)
    }

    /// Measures `period` as it stood on `asOf` (`"YYYY-MM-DD"` or a `Date`; later facts
    /// left out).
    #[wasm_bindgen(js_name = measureAsOf)]
    pub fn measure_as_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
    ) -> Result<Measures, JsValue> {
        let as_of = boundary::day(&as_of, "asOf")?;
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let measures = self
            .compiled()
            .and_then(|plan| plan.measure_as_of(&table, &period, as_of));
        map_err(measures).map(Measures::from)
    }

    /// Evaluates `period` as it stood on `asOf`, with pacing while it runs.
    #[wasm_bindgen(js_name = evaluateAsOf, unchecked_return_type = "Report")]
    pub fn evaluate_as_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = boundary::day(&as_of, "asOf")?;
        let period = self.period(&period)?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let report = self
            .compiled()
            .and_then(|plan| plan.evaluate_as_of(&table, &period, as_of));
        to_js(&map_err(report)?)
    }

    /// What if: the report of `period` when members' aggregate metrics have the given
    /// values (`{ member: { metric: value } }`, decimals as strings or exact numbers),
    /// without facts.
    #[wasm_bindgen(js_name = whatIf, unchecked_return_type = "Report")]
    pub fn what_if(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Period")] period: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, Record<string, string | number>>")]
        values: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let values: std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, rust_decimal::Decimal>,
        > = document(
            &values,
            "values",
            allow_float,
            core::ErrorKind::DataUnsupportedValue,
            "what-if values are {member: {metric: value}}",
        )?;
        let period = self.period(&period)?;
        to_js(&map_err(
            self.compiled()
                .and_then(|plan| plan.what_if(&period, &values)),
        )?)
    }

    /// The review on `asOf`: the goals at risk or off track in the periods then running.
    #[wasm_bindgen(unchecked_return_type = "Review")]
    pub fn review(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = boundary::day(&as_of, "asOf")?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        to_js(&map_err(
            self.compiled().and_then(|plan| plan.review(&table, as_of)),
        )?)
    }

    /// The review on `asOf` as text in `locale` (`"en"`, the default, or `"zh-CN"`): a
    /// line per goal scope that needs attention.
    #[wasm_bindgen(js_name = reviewText)]
    pub fn review_text(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactTable")] facts: JsValue,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] locale: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let locale = self::locale(&locale.unwrap_or(JsValue::UNDEFINED))?;
        let as_of = boundary::day(&as_of, "asOf")?;
        let facts = boundary::instance::<FactTable>(&facts, "facts", None)?;
        let table = facts.table()?;
        let review = map_err(self.compiled().and_then(|plan| plan.review(&table, as_of)))?;
        Ok(review.to_text(locale))
    }
}

/// Facts (orders, payments, deals …), stored by column.
///
/// Every method takes `&self`: appending goes through the `RefCell`, so a call that finds
/// the table busy (an iterator of pages calling back into it) gets an error instead of
/// wasm-bindgen's abort on a second borrow.
#[wasm_bindgen]
#[derive(Debug)]
pub struct FactTable {
    inner: std::cell::RefCell<core::FactTable>,
}

impl boundary::Class for FactTable {
    const NAME: &'static str = "FactTable";
}

impl From<core::FactTable> for FactTable {
    fn from(inner: core::FactTable) -> Self {
        FactTable {
            inner: std::cell::RefCell::new(inner),
        }
    }
}

impl FactTable {
    /// The table, to read.
    pub(crate) fn table(&self) -> Result<std::cell::Ref<'_, core::FactTable>, JsValue> {
        self.inner.try_borrow().map_err(|_| in_use("FactTable"))
    }

    /// The table, to change.
    pub(crate) fn table_mut(&self) -> Result<std::cell::RefMut<'_, core::FactTable>, JsValue> {
        self.inner.try_borrow_mut().map_err(|_| in_use("FactTable"))
    }
}

#[wasm_bindgen]
impl FactTable {
    /// An empty table (append to it, for example with `appendCsv`). It takes no
    /// argument: records given here would be dropped, so they are refused (use
    /// `FactTable.fromRecords`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "undefined")] records: Option<JsValue>,
    ) -> Result<FactTable, JsValue> {
        if records.is_some_and(|r| !r.is_undefined()) {
            return Err(boundary::invalid_argument(
                "new FactTable() makes an empty table and takes no argument: use FactTable.fromRecords(records) or fromColumns(columns)",
            ));
        }
        Ok(FactTable::from(core::FactTable::new()))
    }

    /// Appends a CSV export read through `mapping` (TOML text or a `ColumnMapping`
    /// object). Returns the ingest report: `read`, `accepted`, and `rejected` with each
    /// record's number, line, field and reason. With `strict`, the first rejection
    /// throws (`data.rejected_record`) and nothing is appended.
    #[wasm_bindgen(js_name = appendCsv, unchecked_return_type = "IngestReport")]
    pub fn append_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | ColumnMapping")] mapping: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] strict: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let text = boundary::text(&text, "text")?;
        let mapping = column_mapping(&mapping)?;
        let strict = boundary::flag(&strict.unwrap_or(JsValue::UNDEFINED), "strict")?;
        let report = self
            .table_mut()?
            .append_csv(&text, &mapping, strict.unwrap_or(false));
        to_js(&map_err(report)?)
    }

    /// Appends JSON Lines records read through `mapping` (keys instead of columns).
    #[wasm_bindgen(js_name = appendJsonLinesMapped, unchecked_return_type = "IngestReport")]
    pub fn append_json_lines_mapped(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | ColumnMapping")] mapping: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] strict: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let text = boundary::text(&text, "text")?;
        let mapping = column_mapping(&mapping)?;
        let strict = boundary::flag(&strict.unwrap_or(JsValue::UNDEFINED), "strict")?;
        let report =
            self.table_mut()?
                .append_json_lines_mapped(&text, &mapping, strict.unwrap_or(false));
        to_js(&map_err(report)?)
    }

    /// Builds a table from an array of plain objects (`FactRecord`). Dates are
    /// `"YYYY-MM-DD"`; for timestamps use `fromRecordsIn`. Amounts are decimal strings or
    /// exact numbers (safe integers, `BigInt`); binary floats only with `options.allowFloat`.
    #[wasm_bindgen(js_name = fromRecords)]
    pub fn from_records(
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<FactTable, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let records = boundary::records(&records, allow_float)?;
        map_err(core::FactTable::from_json_value(records)).map(FactTable::from)
    }

    /// Like `fromRecords`, but a `date` may also be a timestamp (Unix milliseconds, a
    /// `Date`, or an RFC 3339 string), which becomes a local date in `calendar`'s time zone.
    #[wasm_bindgen(js_name = fromRecordsIn)]
    pub fn from_records_in(
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Calendar")] calendar: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<FactTable, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let records = boundary::records(&records, allow_float)?;
        let calendar = boundary::instance::<Calendar>(&calendar, "calendar", None)?;
        let table = core::FactTable::from_json_value_in(records, &calendar.inner);
        map_err(table).map(FactTable::from)
    }

    /// Appends records (as `fromRecords` reads them). All or nothing: on an error the
    /// table is unchanged, and the error names the record's index in `records`.
    pub fn append(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<(), JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let records = boundary::records(&records, allow_float)?;
        map_err(self.table_mut()?.append_json_value(records, None))
    }

    /// Like `append`, reading timestamps as local dates in `calendar`'s time zone.
    #[wasm_bindgen(js_name = appendIn)]
    pub fn append_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Calendar")] calendar: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<(), JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let records = boundary::records(&records, allow_float)?;
        let calendar = boundary::instance::<Calendar>(&calendar, "calendar", None)?;
        let appended = self
            .table_mut()?
            .append_json_value(records, Some(&calendar.inner));
        map_err(appended)
    }

    /// Builds a table from a JSON array of records.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<FactTable, JsValue> {
        let text = boundary::text(&text, "text")?;
        map_err(core::FactTable::from_json(&text)).map(FactTable::from)
    }

    /// Builds a table from JSON Lines, one record per line.
    #[wasm_bindgen(js_name = fromJsonLines)]
    pub fn from_json_lines(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<FactTable, JsValue> {
        let text = boundary::text(&text, "text")?;
        map_err(core::FactTable::from_json_lines(&text)).map(FactTable::from)
    }

    /// The records as plain objects.
    #[wasm_bindgen(js_name = toRecords, unchecked_return_type = "FactRecord[]")]
    pub fn to_records(&self) -> Result<JsValue, JsValue> {
        to_js(&self.table()?.records().collect::<Vec<_>>())
    }

    /// The number of facts.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> Result<usize, JsValue> {
        Ok(self.table()?.len())
    }
}

/// Partial aggregates per metric and member for one period; merge partitions with `merge`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Measures {
    inner: std::cell::RefCell<core::Measures>,
}

impl boundary::Class for Measures {
    const NAME: &'static str = "Measures";
}

impl From<core::Measures> for Measures {
    fn from(inner: core::Measures) -> Self {
        Measures {
            inner: std::cell::RefCell::new(inner),
        }
    }
}

impl Measures {
    fn measures(&self) -> Result<std::cell::Ref<'_, core::Measures>, JsValue> {
        self.inner.try_borrow().map_err(|_| in_use("Measures"))
    }
}

#[wasm_bindgen]
impl Measures {
    /// Adds `other` (of the same period) into these measures. All or nothing: on an error
    /// these measures are unchanged.
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Measures")] other: JsValue,
    ) -> Result<(), JsValue> {
        let other = boundary::instance::<Measures>(&other, "other", None)?;
        if std::ptr::eq(self, &raw const *other) {
            return Err(boundary::invalid_argument(
                "other: measures cannot be merged into themselves (that would count every fact twice)",
            ));
        }
        let mut merged = self.measures()?.clone();
        map_err(merged.merge(&*other.measures()?))?;
        *self
            .inner
            .try_borrow_mut()
            .map_err(|_| in_use("Measures"))? = merged;
        Ok(())
    }

    /// The measures as JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> Result<String, JsValue> {
        Ok(self.measures()?.to_json())
    }

    /// Reads measures written by `toJson`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Measures, JsValue> {
        let text = boundary::text(&text, "text")?;
        map_err(core::Measures::from_json(&text)).map(Measures::from)
    }

    /// The measures as a plain object.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "MeasuresDocument")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&*self.measures()?)
    }
}

/// A report object (as `evaluate` returns it).
fn report(value: &JsValue) -> Result<core::Report, JsValue> {
    document(
        value,
        "report",
        false,
        core::ErrorKind::DataUnsupportedValue,
        "not a report",
    )
}

/// No names: a plan that does not check is described by its ids.
static EMPTY_LABELS: core::report::Labels = core::report::Labels::EMPTY;

/// A locale tag (`en` when `undefined` or `null`): `en`, `zh-CN` and what
/// `Locale::from_tag` reads; any other string is a `DataError`.
fn locale(value: &JsValue) -> Result<core::Locale, JsValue> {
    if boundary::is_absent(value) {
        return Ok(core::Locale::En);
    }
    map_err(boundary::text(value, "locale")?.parse())
}

/// A report (as returned by `evaluate`) as aligned text tables in `locale` (`"en"`, the
/// default, or `"zh-CN"`): headers, statuses, names and payout lines in that language.
#[wasm_bindgen(js_name = reportToText)]
pub fn report_to_text(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] locale: Option<JsValue>,
) -> Result<String, JsValue> {
    let locale = self::locale(&locale.unwrap_or(JsValue::UNDEFINED))?;
    Ok(self::report(&report)?.to_text(locale))
}

/// A report (as returned by `evaluate`) as Markdown in `locale`, for chat tools and wikis.
#[wasm_bindgen(js_name = reportToMarkdown)]
pub fn report_to_markdown(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] locale: Option<JsValue>,
) -> Result<String, JsValue> {
    let locale = self::locale(&locale.unwrap_or(JsValue::UNDEFINED))?;
    Ok(self::report(&report)?.to_markdown(locale))
}

/// A report (as returned by `evaluate`) as one self-contained HTML file in `locale`
/// (inline CSS and SVG, no scripts, prints on A4).
#[wasm_bindgen(js_name = reportToHtml)]
pub fn report_to_html(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] locale: Option<JsValue>,
) -> Result<String, JsValue> {
    let locale = self::locale(&locale.unwrap_or(JsValue::UNDEFINED))?;
    Ok(self::report(&report)?.to_html(locale))
}

/// The message catalogue in `locale`: each stable key (`status.missed`, `column.actual`
/// …) to its text, the words kpi's own text uses, so a dashboard labels its tables with
/// them instead of a second copy.
#[wasm_bindgen(js_name = messages, unchecked_return_type = "Record<string, string>")]
pub fn messages(
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] locale: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let locale = self::locale(&locale.unwrap_or(JsValue::UNDEFINED))?;
    let table = js_sys::Object::new();
    for message in core::Message::ALL {
        js_sys::Reflect::set(
            &table,
            &JsValue::from_str(message.key()),
            &JsValue::from_str(message.text(locale)),
        )?;
    }
    Ok(table.into())
}

/// The draw balances a report's statements carry, for the next period's `evaluate`.
#[wasm_bindgen(js_name = balancesOf, unchecked_return_type = "Record<string, Record<string, string>>")]
pub fn balances_of(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&self::report(&report)?.balances())
}

/// The catalogue of standard sales KPIs.
#[wasm_bindgen(unchecked_return_type = "CatalogueEntry[]")]
pub fn catalogue() -> Result<JsValue, JsValue> {
    to_js(&core::catalogue::entries())
}

/// The version of the package (the Cargo version).
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every SMART finding code (kpi-core's `FindingCode::ALL`).
#[wasm_bindgen(js_name = findingCodes, unchecked_return_type = "FindingCode[]")]
pub fn finding_codes() -> Vec<String> {
    core::FindingCode::ALL
        .iter()
        .map(|c| c.code().to_owned())
        .collect()
}

/// Every reason of a rejected ingestion record (kpi-core's `REJECTION_REASONS`; a skipped
/// record's reason, `excluded`, is not among them). Also `ingest.rejectionReasons()`.
#[wasm_bindgen(js_name = rejectionReasons, unchecked_return_type = "RejectionReason[]")]
pub fn rejection_reasons() -> Vec<String> {
    ingest::rejection_reason_list()
}

/// Every stable error code.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    core::ErrorKind::ALL
        .iter()
        .map(|k| k.code().to_owned())
        .collect()
}

/// The formula language: `formula.check(text, names)` and `formula.evaluate(text, values)`.
#[wasm_bindgen(js_name = formula)]
#[derive(Debug)]
pub struct FormulaApi;

#[wasm_bindgen(js_class = formula)]
impl FormulaApi {
    /// Checks a formula against `names` (an array of number names, or an object of name →
    /// type: number, money, percent, count, days, bool, text, any). Returns
    /// `{ type, names }`; throws a `FormulaError` with `line` and `column`.
    #[wasm_bindgen(unchecked_return_type = "FormulaInfo")]
    pub fn check(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string[] | Record<string, string> | null")]
        names: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let names = match names.filter(|n| !boundary::is_absent(n)) {
            Some(names) => object(&names, "names", false)?,
            None => serde_json::Value::Null,
        };
        let text = boundary::text(&text, "text")?;
        let types = map_err(core::bindings::names_from_json(&names))?;
        to_js(&map_err(core::formula::Formula::check(&text, &types))?.info())
    }

    /// Checks and evaluates a formula with `values` (numbers are exact numbers — binary
    /// floats only with `options.allowFloat` — and strings are text). The result is `null`,
    /// a boolean, a decimal string or a text string.
    #[wasm_bindgen(unchecked_return_type = "string | boolean | null")]
    pub fn evaluate(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "Record<string, number | bigint | string | boolean | null> | null"
        )]
        values: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let values: std::collections::BTreeMap<String, core::formula::Value> =
            match values.filter(|v| !boundary::is_absent(v)) {
                Some(values) => document(
                    &values,
                    "values",
                    allow_float,
                    core::ErrorKind::DataUnsupportedValue,
                    "formula values",
                )?,
                None => std::collections::BTreeMap::new(),
            };
        let text = boundary::text(&text, "text")?;
        to_js(&map_err(core::formula::evaluate(&text, &values))?)
    }
}

/// Runs when the module loads: time zones from `Intl`, and the guards on the classes'
/// methods (see `boundary.js`), installed from one instance of each class.
#[wasm_bindgen(start, skip_typescript)]
fn start() {
    zone::register_time_zones();
    let calendar = core::period::Calendar::default();
    let plan = core::Plan::draft_from_json_value(serde_json::json!({ "version": 1 })).ok();
    let period = calendar.parse_period("2026-01").ok();
    let measures = plan
        .as_ref()
        .zip(period)
        .and_then(|(plan, period)| plan.measure(&core::FactTable::new(), &period).ok());
    let mut instances = vec![
        (
            "FactTable",
            JsValue::from(FactTable::from(core::FactTable::new())),
        ),
        ("Calendar", JsValue::from(Calendar { inner: calendar })),
        // The namespaces, for their static functions.
        ("targets", JsValue::from(TargetsApi)),
        ("ingest", JsValue::from(IngestApi)),
        ("formula", JsValue::from(FormulaApi)),
    ];
    // These are built from constants and always exist; a class without an instance would
    // keep wasm-bindgen's own checks.
    if let Some(plan) = plan {
        instances.push(("Plan", JsValue::from(Plan::from(plan))));
    }
    if let Some(period) = period {
        instances.push(("Period", JsValue::from(Period::from(period))));
    }
    if let Some(measures) = measures {
        instances.push(("Measures", JsValue::from(Measures::from(measures))));
    }
    boundary::guard_classes(&instances);
}

#[wasm_bindgen(typescript_custom_section)]
const ERROR_CLASSES: &str = r#"
/** Where a kpi error applies, and its stable code. */
export interface KpiErrorOptions {
  code: string;
  path?: string | null;
  line?: number | null;
  column?: number | null;
  row?: number | null;
}
/**
 * The base class of every error kpi throws. `code` is the stable code
 * (`"plan.unknown_metric"`; `errorCodes()` lists them); `path`, `line`, `column` and `row`
 * say where, or are null.
 */
export class KpiError extends Error {
  constructor(message: string, options: KpiErrorOptions);
  readonly code: string;
  readonly path: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly row: number | null;
}
/** The plan document is malformed or inconsistent (codes `plan.*`). */
export class PlanError extends KpiError {}
/** A filter or formula does not parse, check or evaluate (codes `formula.*`). */
export class FormulaError extends KpiError {}
/** Facts, arguments or other input data are malformed or out of range (codes `data.*`). */
export class DataError extends KpiError {}
/** A period label, date or calendar setting is invalid (codes `period.*`). */
export class PeriodError extends KpiError {}
"#;

#[wasm_bindgen(typescript_custom_section)]
const READ_OPTIONS: &str = r#"
/** Options of the functions that read numbers from JavaScript values. */
export interface ReadOptions {
  /**
   * Accept binary floats (`0.1`), each read as its shortest round-trip text. Without it,
   * only exact numbers are accepted: safe integers, BigInt and decimal strings.
   */
  allowFloat?: boolean;
}
"#;

// Talc rather than the standard library's dlmalloc: 3.3 KB less of the gzipped module
// (docs/architecture.md, "The wasm size budget"), for about 4% on a 300,000-fact
// evaluation in Node.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
