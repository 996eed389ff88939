//! The boundary with JavaScript: every argument is checked here before it is used.
//!
//! wasm-bindgen's own conversions trust their input: a number passed where a `&str` is
//! declared corrupts wasm memory, a `Period` passed where a `&FactTable` is declared is
//! read as a table, `1.7` passed as an `i32` becomes 1 and `NaN` 0. So every exported
//! function takes its arguments as `JsValue` and reads them through the helpers here:
//! strings ([`text`]), whole numbers ([`integer`]), booleans ([`flag`]), days ([`day`]),
//! objects ([`document`], read into JSON by `boundary.js` with exact numbers only and at
//! most 64 levels deep) and instances of the exported classes ([`instance`]). A value of
//! the wrong type or range is a `DataError` with code `data.invalid_argument` that says
//! what was expected. Errors are built by `boundary.js` as instances of its error classes
//! (`KpiError` and one subclass per family), which the package exports.

use chrono::NaiveDate;
use kpi_core as core;
use serde::Deserialize;
use wasm_bindgen::__rt::{WasmPtr, WasmRefCell};
use wasm_bindgen::convert::RefFromWasmAbi;
use wasm_bindgen::prelude::*;

use crate::to_js_err;

#[wasm_bindgen(module = "/src/boundary.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = toJson)]
    fn to_json(
        value: &JsValue,
        allow_float: bool,
        root: &str,
        rows: bool,
        hint: Option<String>,
    ) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = optionsJson)]
    fn options_json(value: &JsValue, name: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = wrongArgument)]
    fn wrong_argument(value: &JsValue, name: &str, expected: &str) -> JsValue;
    #[wasm_bindgen(js_name = isWellFormed)]
    fn is_well_formed(text: &JsValue) -> bool;
    #[wasm_bindgen(catch, js_name = dayArgument)]
    fn day_argument(value: &JsValue, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = timestampArgument)]
    pub(crate) fn timestamp_argument(value: &JsValue, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = nameList)]
    pub(crate) fn name_list(value: &JsValue, name: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = dayList)]
    pub(crate) fn day_list(value: &JsValue, name: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = columnsJson)]
    pub(crate) fn columns_json(value: &JsValue, allow_float: bool) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = pageIterator)]
    pub(crate) fn page_iterator(source: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = nextPage)]
    pub(crate) fn next_page(
        iterator: &JsValue,
        index: u32,
        allow_float: bool,
    ) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch, js_name = pageJson)]
    pub(crate) fn page_json(
        page: &JsValue,
        name: &str,
        allow_float: bool,
    ) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = pointer)]
    fn pointer(
        value: &JsValue,
        class: &str,
        argument: &str,
        expected: Option<String>,
    ) -> Result<u32, JsValue>;
    #[wasm_bindgen(js_name = isInstanceOf)]
    fn is_instance_of(value: &JsValue, class: &str) -> bool;
    #[wasm_bindgen(catch)]
    fn install(instances: &JsValue, exports: &JsValue, classes: &JsValue) -> Result<(), JsValue>;
    /// A new error of class `class` (`DataError` …) with `code` and its location.
    #[wasm_bindgen(js_name = makeError)]
    pub(crate) fn error(
        class: &str,
        code: &str,
        message: &str,
        path: Option<String>,
        line: Option<u32>,
        column: Option<u32>,
        row: Option<f64>,
    ) -> JsValue;

    // The error classes, exported by the package (their declarations are in lib.rs).
    #[wasm_bindgen(reexport)]
    pub type KpiError;
    #[wasm_bindgen(reexport)]
    pub type PlanError;
    #[wasm_bindgen(reexport)]
    pub type FormulaError;
    #[wasm_bindgen(reexport)]
    pub type DataError;
    #[wasm_bindgen(reexport)]
    pub type PeriodError;
}

/// A `DataError` (`data.invalid_argument`) with `message`.
pub(crate) fn invalid_argument(message: impl Into<String>) -> JsValue {
    to_js_err(&core::Error::new(
        core::ErrorKind::DataInvalidArgument,
        message,
    ))
}

/// The error for `value`, given as `name` where `expected` was expected.
pub(crate) fn wrong(value: &JsValue, name: &str, expected: &str) -> JsValue {
    wrong_argument(value, name, expected)
}

/// Reading the JSON text made by `boundary.js` cannot fail; if it does, the error says so.
fn parse<T: serde::de::DeserializeOwned>(text: &str, name: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| {
        to_js_err(
            &core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!("the value cannot be read: {e}"),
            )
            .at_path(name),
        )
    })
}

/// Options of the functions that read numbers: `{ allowFloat }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ReadOptions {
    /// Read binary floats as their shortest round-trip text instead of refusing them.
    #[serde(default)]
    pub allow_float: bool,
}

/// An options object of type `T` (undefined or null for the defaults); an unknown or
/// mistyped option is an error.
pub(crate) fn options<T: serde::de::DeserializeOwned>(
    value: &JsValue,
    name: &str,
) -> Result<T, JsValue> {
    let text = options_json(value, name)?;
    serde_json::from_str(&text)
        .map_err(|e| invalid_argument(format!("{name}: {}", core_message(&e))))
}

/// A serde message without its " at line 1 column 9" tail (the text is ours, not the
/// caller's).
fn core_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// An object or array (a plan document, a goal version, balances …) as JSON: exact numbers
/// only (binary floats with `allow_float`), at most 64 levels deep. Error paths start at
/// `root` (`""` for a document, `"weights"` for an argument).
pub(crate) fn document(
    value: &JsValue,
    allow_float: bool,
    root: &str,
) -> Result<serde_json::Value, JsValue> {
    parse(&to_json(value, allow_float, root, false, None)?, root)
}

/// An array of records as JSON; an error names the record's index as its `row`.
pub(crate) fn records(value: &JsValue, allow_float: bool) -> Result<serde_json::Value, JsValue> {
    parse(&to_json(value, allow_float, "", true, None)?, "")
}

/// A string argument.
pub(crate) fn text(value: &JsValue, name: &str) -> Result<String, JsValue> {
    match value.as_string() {
        // A lone surrogate reaches Rust as U+FFFD: the text is refused rather than changed.
        Some(text) if text.contains('\u{FFFD}') && !is_well_formed(value) => {
            Err(to_js_err(&core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!(
                    "{name}: text with a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot hold"
                ),
            )))
        }
        Some(text) => Ok(text),
        None => Err(wrong(value, name, "a string")),
    }
}

/// `undefined` and `null` are absent.
pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// An optional string argument.
pub(crate) fn optional_text(value: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if is_absent(value) {
        Ok(None)
    } else {
        text(value, name).map(Some)
    }
}

/// A whole number in `min..=max`: a number without a fraction, or a `BigInt`.
pub(crate) fn integer(value: &JsValue, name: &str, min: i64, max: i64) -> Result<i64, JsValue> {
    #[allow(clippy::cast_precision_loss)] // the bounds are compared as numbers, then exact
    let whole = match value.as_f64() {
        Some(n) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => Some(n as i64),
        None if value.is_bigint() => i64::try_from(value.clone()).ok(),
        _ => None,
    };
    match whole {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(wrong(
            value,
            name,
            &format!("a whole number from {min} to {max}"),
        )),
    }
}

/// An optional whole number.
pub(crate) fn optional_integer(
    value: &JsValue,
    name: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, JsValue> {
    if is_absent(value) {
        Ok(None)
    } else {
        integer(value, name, min, max).map(Some)
    }
}

/// An optional boolean argument.
pub(crate) fn flag(value: &JsValue, name: &str) -> Result<Option<bool>, JsValue> {
    if is_absent(value) {
        return Ok(None);
    }
    value
        .as_bool()
        .map(Some)
        .ok_or_else(|| wrong(value, name, "true or false"))
}

/// A day: `"YYYY-MM-DD"`, or a `Date` at midnight UTC. Whether it is a supported day is
/// the core's to say, where the day is used (as in Python): `period_of` takes the last
/// day of a period, an as-of day is `as_of` in the error's path.
pub(crate) fn day(value: &JsValue, name: &str) -> Result<NaiveDate, JsValue> {
    let given = day_argument(value, name)?;
    if let Some(days) = given.as_f64() {
        epoch_day(days, name)
    } else {
        crate::map_err(core::period::parse_date(&text(&given, name)?))
    }
}

/// A day that must lie in `MIN_DATE..=MAX_DATE`.
pub(crate) fn in_range(date: NaiveDate, name: &str) -> Result<NaiveDate, JsValue> {
    if (core::period::MIN_DATE..=core::period::MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(to_js_err(
            &core::Error::new(
                core::ErrorKind::PeriodOutOfRange,
                format!(
                    "{date} is outside the supported days ({} to {})",
                    core::period::MIN_DATE,
                    core::period::MAX_DATE
                ),
            )
            .at_path(name),
        ))
    }
}

/// The day `days` after 1970-01-01 (whole, as `boundary.js` checked).
pub(crate) fn epoch_day(days: f64, name: &str) -> Result<NaiveDate, JsValue> {
    // Outside ±10^8 days no date exists; inside, the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    let days = if days.abs() < 1e8 {
        days as i64
    } else {
        i64::MAX
    };
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?))
        .ok_or_else(|| {
            to_js_err(
                &core::Error::new(
                    core::ErrorKind::PeriodOutOfRange,
                    format!("day {days} since 1970-01-01 is outside the supported days"),
                )
                .at_path(name),
            )
        })
}

/// An optional day.
pub(crate) fn optional_day(value: &JsValue, name: &str) -> Result<Option<NaiveDate>, JsValue> {
    if is_absent(value) {
        Ok(None)
    } else {
        day(value, name).map(Some)
    }
}

/// The exported classes, whose instances arguments are checked against.
pub(crate) trait Class: RefFromWasmAbi<Abi = WasmPtr<WasmRefCell<Self>>> + Sized {
    /// The class name in JavaScript.
    const NAME: &'static str;
}

/// A borrowed instance of class `T` given as `argument`: checked by `boundary.js` to be a
/// live instance of that class (not freed, not another class, not a plain object).
pub(crate) fn instance<T: Class>(
    value: &JsValue,
    argument: &str,
    expected: Option<&str>,
) -> Result<T::Anchor, JsValue> {
    let ptr = pointer(value, T::NAME, argument, expected.map(str::to_owned))?;
    // SAFETY: `ptr` is the `__wbg_ptr` of a live JavaScript instance of `T` (checked just
    // above, with no JavaScript run since), which wasm-bindgen set to its
    // `Rc<WasmRefCell<T>>`: what the generated glue passes for a `&T` argument.
    // `ref_from_abi` takes a shared borrow, which cannot conflict: no method of the
    // exported classes takes `&mut self` (mutation goes through their own `RefCell`).
    Ok(unsafe { T::ref_from_abi(WasmPtr::from_usize(ptr as usize)) })
}

/// Whether `value` is an instance of class `T` (freed or not).
pub(crate) fn is_instance<T: Class>(value: &JsValue) -> bool {
    value.is_object() && is_instance_of(value, T::NAME)
}

/// Guards the exported classes' methods against a freed or foreign `this`, given an
/// instance of each, and puts wasm's stack pointer back after every call of a method or a
/// static function (see `install` in `boundary.js`).
pub(crate) fn guard_classes(instances: &[(&str, JsValue)]) {
    let object = js_sys::Object::new();
    for (name, instance) in instances {
        // Setting a property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), instance);
    }
    // Each error code's class, from kpi-core's families.
    let classes = js_sys::Object::new();
    for kind in core::ErrorKind::ALL {
        let _ = js_sys::Reflect::set(
            &classes,
            &JsValue::from_str(kind.code()),
            &JsValue::from_str(kind.family().class_name()),
        );
    }
    // Installing only patches the classes; it has nothing to throw.
    let _ = install(&object, &wasm_bindgen::exports(), &classes);
}
