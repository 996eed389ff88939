//! JavaScript bindings of kpi-core (the npm package `kpi-core`): conversion and delegation
//! only. Results are plain objects with decimals as strings and dates as `"YYYY-MM-DD"`;
//! errors are `Error` objects with `.code` and the location fields.

// wasm-bindgen hands every argument over by value (`String`, `Vec`, `Option<String>`).
#![allow(clippy::needless_pass_by_value)]

mod columns;
mod goals;
mod ingest;
mod period;
mod zone;

pub use goals::{TargetsApi, evaluate_component, model_cost, sample_curve};
pub use ingest::IngestApi;
pub use period::{Calendar, Period};

use kpi_core as core;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts a core error into a JS `Error` with `name` (`PlanError`, `FormulaError`,
/// `DataError`, `PeriodError`), `code`, `path`, `line`, `column` and `row`.
// Row indices are far below 2^53, so they are exact as JS numbers.
#[allow(clippy::cast_precision_loss)]
fn to_js_err(err: &core::Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    let name = match err.kind().category() {
        "plan" => "PlanError",
        "formula" => "FormulaError",
        "data" => "DataError",
        "period" => "PeriodError",
        _ => "KpiError",
    };
    js.set_name(name);
    let location = err.location();
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("code", JsValue::from_str(err.code()));
    set(
        "path",
        location
            .path
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str),
    );
    set("line", location.line.map_or(JsValue::NULL, JsValue::from));
    set(
        "column",
        location.column.map_or(JsValue::NULL, JsValue::from),
    );
    set(
        "row",
        location
            .row
            .map_or(JsValue::NULL, |r| JsValue::from(r as f64)),
    );
    js.into()
}

fn map_err<T>(result: core::Result<T>) -> Result<T, JsValue> {
    result.map_err(|e| to_js_err(&e))
}

/// Serialises a result as a plain JS object (maps as objects, `None` as `null`): written
/// as JSON text and parsed by the engine's `JSON.parse`. One serialiser per type (the
/// JSON one, which `toJson` needs anyway) keeps the wasm file smaller than a second,
/// JS-object serialiser would, and `JSON.parse` builds large results quickly.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&text)
}

/// A column mapping given as TOML text or an object.
fn column_mapping(mapping: JsValue) -> Result<core::ingest::ColumnMapping, JsValue> {
    match mapping.as_string() {
        Some(text) => map_err(core::ingest::ColumnMapping::from_toml(&text)),
        None => map_err(core::ingest::ColumnMapping::from_json_value(from_js(
            mapping,
        )?)),
    }
}

/// A `"YYYY-MM-DD"` date argument.
fn date(text: &str) -> Result<chrono::NaiveDate, JsValue> {
    map_err(core::period::parse_date(text))
}

/// Reads a JS value (object, array) as the JSON document the core checks.
fn from_js(value: JsValue) -> Result<serde_json::Value, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        to_js_err(&core::Error::new(
            core::ErrorKind::DataUnsupportedValue,
            format!("cannot read the value: {e}"),
        ))
    })
}

/// A sales plan: calendar, org, metrics, goals and incentives.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Plan {
    inner: core::Plan,
}

#[wasm_bindgen]
impl Plan {
    /// Parses and checks a TOML plan.
    #[wasm_bindgen(js_name = fromToml)]
    pub fn from_toml(text: &str) -> Result<Plan, JsValue> {
        map_err(core::Plan::from_toml(text)).map(|inner| Plan { inner })
    }

    /// Parses and checks a JSON plan.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<Plan, JsValue> {
        map_err(core::Plan::from_json(text)).map(|inner| Plan { inner })
    }

    /// Checks a plan given as a plain object (the JSON document's shape).
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(
        #[wasm_bindgen(unchecked_param_type = "PlanDocument")] document: JsValue,
    ) -> Result<Plan, JsValue> {
        map_err(core::Plan::from_json_value(from_js(document)?)).map(|inner| Plan { inner })
    }

    /// Parses a TOML plan without checking it: a draft for `validate`.
    #[wasm_bindgen(js_name = draftFromToml)]
    pub fn draft_from_toml(text: &str) -> Result<Plan, JsValue> {
        map_err(core::Plan::draft_from_toml(text)).map(|inner| Plan { inner })
    }

    /// Reads a plan object without checking it: a draft for `validate`.
    #[wasm_bindgen(js_name = draftFromObject)]
    pub fn draft_from_object(
        #[wasm_bindgen(unchecked_param_type = "PlanDocument")] document: JsValue,
    ) -> Result<Plan, JsValue> {
        map_err(core::Plan::draft_from_json_value(from_js(document)?)).map(|inner| Plan { inner })
    }

    /// Checks every goal against the SMART criteria. `history` (past facts) enables the
    /// data checks; `asOf` (`"YYYY-MM-DD"`) defaults to the plan's date.
    #[wasm_bindgen(unchecked_return_type = "Finding[]")]
    pub fn validate(
        &self,
        history: Option<FactTable>,
        #[wasm_bindgen(js_name = asOf)] as_of: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of.as_deref().map(date).transpose()?;
        to_js(
            &self
                .inner
                .validate(history.as_ref().map(|h| &h.inner), as_of),
        )
    }

    /// A copy of the plan with goal `goal` adjusted as `version` says
    /// (`{ from, target?, targets?, reason }`). History is kept.
    #[wasm_bindgen(js_name = adjustGoal)]
    pub fn adjust_goal(
        &self,
        goal: &str,
        #[wasm_bindgen(unchecked_param_type = "GoalVersion")] version: JsValue,
    ) -> Result<Plan, JsValue> {
        let version: core::GoalVersion =
            serde_json::from_value(from_js(version)?).map_err(|e| {
                to_js_err(&core::Error::new(
                    core::ErrorKind::PlanInvalid,
                    format!("not a goal version: {e}"),
                ))
            })?;
        let mut inner = self.inner.clone();
        map_err(inner.adjust_goal(goal, version))?;
        Ok(Plan { inner })
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
    pub fn parse_period(&self, label: &str) -> Result<Period, JsValue> {
        map_err(self.inner.parse_period(label)).map(Period::from)
    }

    /// Measures the facts of `period` into mergeable partial aggregates.
    pub fn measure(&self, facts: &FactTable, period: &str) -> Result<Measures, JsValue> {
        let period = map_err(self.inner.parse_period(period))?;
        map_err(self.inner.measure(&facts.inner, &period)).map(|inner| Measures { inner })
    }

    /// Evaluates measures (for example merged from partitions) into a report.
    #[wasm_bindgen(js_name = evaluateMeasures, unchecked_return_type = "Report")]
    pub fn evaluate_measures(&self, measures: &Measures) -> Result<JsValue, JsValue> {
        to_js(&map_err(self.inner.evaluate_measures(&measures.inner))?)
    }

    /// Measures and evaluates the facts for the period labelled `period`.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn evaluate(&self, facts: &FactTable, period: &str) -> Result<JsValue, JsValue> {
        let period = map_err(self.inner.parse_period(period))?;
        to_js(&map_err(self.inner.evaluate(&facts.inner, &period))?)
    }

    /// Like `evaluate`, with the recoverable draw balances carried from the previous
    /// payout period (`balancesOf(previousReport)`: member id → incentive id → amount).
    #[wasm_bindgen(js_name = evaluateWith, unchecked_return_type = "Report")]
    pub fn evaluate_with(
        &self,
        facts: &FactTable,
        period: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, Record<string, string | number>>")]
        balances: JsValue,
    ) -> Result<JsValue, JsValue> {
        let period = map_err(self.inner.parse_period(period))?;
        let balances: core::Balances = serde_json::from_value(from_js(balances)?).map_err(|e| {
            to_js_err(&core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!("balances are {{member: {{incentive: amount}}}}: {e}"),
            ))
        })?;
        to_js(&map_err(self.inner.evaluate_with(
            &facts.inner,
            &period,
            &balances,
        ))?)
    }

    /// Measures `period` as it stood on `asOf` (`"YYYY-MM-DD"`; later facts left out).
    #[wasm_bindgen(js_name = measureAsOf)]
    pub fn measure_as_of(
        &self,
        facts: &FactTable,
        period: &str,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
    ) -> Result<Measures, JsValue> {
        let period = map_err(self.inner.parse_period(period))?;
        map_err(
            self.inner
                .measure_as_of(&facts.inner, &period, date(as_of)?),
        )
        .map(|inner| Measures { inner })
    }

    /// Evaluates `period` as it stood on `asOf`, with pacing while it runs.
    #[wasm_bindgen(js_name = evaluateAsOf, unchecked_return_type = "Report")]
    pub fn evaluate_as_of(
        &self,
        facts: &FactTable,
        period: &str,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
    ) -> Result<JsValue, JsValue> {
        let period = map_err(self.inner.parse_period(period))?;
        to_js(&map_err(self.inner.evaluate_as_of(
            &facts.inner,
            &period,
            date(as_of)?,
        ))?)
    }

    /// What if: the report of `period` when members' aggregate metrics have the given
    /// values (`{ member: { metric: value } }`, decimals as strings or numbers), without
    /// facts.
    #[wasm_bindgen(js_name = whatIf, unchecked_return_type = "Report")]
    pub fn what_if(
        &self,
        period: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, Record<string, string | number>>")]
        values: JsValue,
    ) -> Result<JsValue, JsValue> {
        let period = map_err(self.inner.parse_period(period))?;
        let values: std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, rust_decimal::Decimal>,
        > = serde_json::from_value(from_js(values)?).map_err(|e| {
            to_js_err(&core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!("what-if values are {{member: {{metric: value}}}}: {e}"),
            ))
        })?;
        to_js(&map_err(self.inner.what_if(&period, &values))?)
    }

    /// The review on `asOf`: the goals at risk or off track in the periods then running.
    #[wasm_bindgen(unchecked_return_type = "Review")]
    pub fn review(
        &self,
        facts: &FactTable,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&map_err(self.inner.review(&facts.inner, date(as_of)?))?)
    }
}

/// Facts (orders, payments, deals …), stored by column.
#[wasm_bindgen]
#[derive(Debug)]
pub struct FactTable {
    pub(crate) inner: core::FactTable,
}

#[wasm_bindgen]
impl FactTable {
    /// An empty table (append to it, for example with `appendCsv`).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)] // a JS constructor, not a Rust API
    pub fn new() -> FactTable {
        FactTable {
            inner: core::FactTable::new(),
        }
    }

    /// Appends a CSV export read through `mapping` (TOML text or a `ColumnMapping`
    /// object). Returns the ingest report: `read`, `accepted`, and `rejected` with each
    /// record's number, line, field and reason. With `strict`, the first rejection
    /// throws (`data.rejected_record`) and nothing is appended.
    #[wasm_bindgen(js_name = appendCsv, unchecked_return_type = "IngestReport")]
    pub fn append_csv(
        &mut self,
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "string | ColumnMapping")] mapping: JsValue,
        strict: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let mapping = column_mapping(mapping)?;
        to_js(&map_err(self.inner.append_csv(
            text,
            &mapping,
            strict.unwrap_or(false),
        ))?)
    }

    /// Appends JSON Lines records read through `mapping` (keys instead of columns).
    #[wasm_bindgen(js_name = appendJsonLinesMapped, unchecked_return_type = "IngestReport")]
    pub fn append_json_lines_mapped(
        &mut self,
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "string | ColumnMapping")] mapping: JsValue,
        strict: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let mapping = column_mapping(mapping)?;
        to_js(&map_err(self.inner.append_json_lines_mapped(
            text,
            &mapping,
            strict.unwrap_or(false),
        ))?)
    }

    /// Builds a table from an array of plain objects (`FactRecord`). Dates are
    /// `"YYYY-MM-DD"`; for timestamps use `fromRecordsIn`.
    #[wasm_bindgen(js_name = fromRecords)]
    pub fn from_records(
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
    ) -> Result<FactTable, JsValue> {
        map_err(core::FactTable::from_json_value(from_js(records)?))
            .map(|inner| FactTable { inner })
    }

    /// Like `fromRecords`, but a `date` may also be a timestamp (Unix milliseconds or an
    /// RFC 3339 string), which becomes a local date in `calendar`'s time zone.
    #[wasm_bindgen(js_name = fromRecordsIn)]
    pub fn from_records_in(
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
        calendar: &Calendar,
    ) -> Result<FactTable, JsValue> {
        let table = core::FactTable::from_json_value_in(from_js(records)?, &calendar.inner);
        map_err(table).map(|inner| FactTable { inner })
    }

    /// Appends records (as `fromRecords` reads them). All or nothing: on an error the
    /// table is unchanged, and the error names the record's index in `records`.
    pub fn append(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
    ) -> Result<(), JsValue> {
        map_err(self.inner.append_json_value(from_js(records)?, None))
    }

    /// Like `append`, reading timestamps as local dates in `calendar`'s time zone.
    #[wasm_bindgen(js_name = appendIn)]
    pub fn append_in(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "FactRecord[]")] records: JsValue,
        calendar: &Calendar,
    ) -> Result<(), JsValue> {
        map_err(
            self.inner
                .append_json_value(from_js(records)?, Some(&calendar.inner)),
        )
    }

    /// Builds a table from a JSON array of records.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<FactTable, JsValue> {
        map_err(core::FactTable::from_json(text)).map(|inner| FactTable { inner })
    }

    /// Builds a table from JSON Lines, one record per line.
    #[wasm_bindgen(js_name = fromJsonLines)]
    pub fn from_json_lines(text: &str) -> Result<FactTable, JsValue> {
        map_err(core::FactTable::from_json_lines(text)).map(|inner| FactTable { inner })
    }

    /// The records as plain objects.
    #[wasm_bindgen(js_name = toRecords, unchecked_return_type = "FactRecord[]")]
    pub fn to_records(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.records().collect::<Vec<_>>())
    }

    /// The number of facts.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }
}

/// Partial aggregates per metric and member for one period; merge partitions with `merge`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Measures {
    inner: core::Measures,
}

#[wasm_bindgen]
impl Measures {
    /// Adds `other` (of the same period) into these measures.
    pub fn merge(&mut self, other: &Measures) -> Result<(), JsValue> {
        map_err(self.inner.merge(&other.inner))
    }

    /// The measures as JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Reads measures written by `toJson`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<Measures, JsValue> {
        map_err(core::Measures::from_json(text)).map(|inner| Measures { inner })
    }

    /// The measures as a plain object.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "MeasuresDocument")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner)
    }
}

/// A report (as returned by `evaluate`) as aligned text tables.
#[wasm_bindgen(js_name = reportToText)]
pub fn report_to_text(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
) -> Result<String, JsValue> {
    let report: core::Report = serde_wasm_bindgen::from_value(report).map_err(|e| {
        to_js_err(&core::Error::new(
            core::ErrorKind::DataUnsupportedValue,
            format!("not a report: {e}"),
        ))
    })?;
    Ok(report.to_text())
}

/// The draw balances a report's statements carry, for the next period's `evaluate`.
#[wasm_bindgen(js_name = balancesOf, unchecked_return_type = "Record<string, Record<string, string>>")]
pub fn balances_of(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
) -> Result<JsValue, JsValue> {
    let report: core::Report = serde_wasm_bindgen::from_value(report).map_err(|e| {
        to_js_err(&core::Error::new(
            core::ErrorKind::DataUnsupportedValue,
            format!("not a report: {e}"),
        ))
    })?;
    to_js(&report.balances())
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

/// Every SMART finding code.
#[wasm_bindgen(js_name = findingCodes)]
pub fn finding_codes() -> Vec<String> {
    core::FINDING_CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
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
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "string[] | Record<string, string> | undefined")]
        names: JsValue,
    ) -> Result<JsValue, JsValue> {
        let names = if names.is_undefined() || names.is_null() {
            serde_json::Value::Null
        } else {
            from_js(names)?
        };
        let types = map_err(core::formula::names_from_json(&names))?;
        to_js(&map_err(core::formula::Formula::check(text, &types))?.info())
    }

    /// Checks and evaluates a formula with `values` (numbers are numbers, strings are
    /// text). The result is `null`, a boolean, a decimal string or a text string.
    #[wasm_bindgen(unchecked_return_type = "string | boolean | null")]
    pub fn evaluate(
        text: &str,
        #[wasm_bindgen(
            unchecked_param_type = "Record<string, number | string | boolean | null> | undefined"
        )]
        values: JsValue,
    ) -> Result<JsValue, JsValue> {
        let values: std::collections::BTreeMap<String, core::formula::Value> =
            if values.is_undefined() || values.is_null() {
                std::collections::BTreeMap::new()
            } else {
                serde_wasm_bindgen::from_value(values).map_err(|e| {
                    to_js_err(&core::Error::new(
                        core::ErrorKind::DataUnsupportedValue,
                        format!("formula values: {e}"),
                    ))
                })?
            };
        to_js(&map_err(core::formula::evaluate(text, &values))?)
    }
}
