//! **Not a stable API.** Items that kpi's own bindings (`kpi-py`, `kpi-wasm`) need and
//! a Rust program does not: how a host language hands values over. They are hidden from
//! the documentation, left out of the committed list of public items
//! (`kpi-core/public-api.txt`), and may change in any release; depend on them only from
//! a binding that is released with kpi-core.

use std::collections::BTreeMap;

use crate::formula::Type;

/// A JSON value for the number written `digits` (valid JSON or TOML number text, such as
/// `"0.10"` or `"1.5e3"`): a plain number when it is an integer that fits 64 bits,
/// otherwise the one-member object that every decimal field and fact attribute reads by
/// its digits ([`crate::decimal::EXACT_NUMBER_KEY`]). Python hands its `Decimal`s over so.
pub fn exact_number_value(digits: &str) -> serde_json::Value {
    crate::decimal::exact_number_value(digits)
}

/// `value` as compact JSON text with integers beyond 2^53 − 1 quoted (what JavaScript's
/// `JSON.parse` reads exactly): the browser's results go through the formatter every
/// document kpi writes goes through, so each serialiser exists once in the wasm file.
pub fn json_for_javascript<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<String, serde_json::Error> {
    crate::json::write(value, false, true)
}

/// Reads the names a formula may use from JSON, as `formula.evaluate` takes them in
/// Python and JavaScript: a list of names (plain numbers) or an object of name → type
/// name (`{"revenue": "money", "won": "count"}`).
pub fn names_from_json(value: &serde_json::Value) -> crate::Result<BTreeMap<String, Type>> {
    crate::formula::names_from_json(value)
}

/// Reads decimal text exactly, or says why not (see `FactTable::append_arrow`): the
/// Python binding reads `Decimal`s and decimal text with it, so its messages match the
/// Arrow reader's.
pub fn exact_decimal(text: &str) -> Result<rust_decimal::Decimal, String> {
    crate::decimal::exact_decimal(text)
}

/// Reads a document argument of a binding (a component, a rounding policy, settings)
/// as `T`. On error, the path starts with the argument's `name` (`component.tiers[0].rate`,
/// or `component` for the whole value) and goes down to the bad field even inside a
/// component's `kind` variants; the message starts with `what` (`not an incentive
/// component`).
pub fn read_document<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    name: &str,
    kind: crate::ErrorKind,
    what: &str,
) -> crate::Result<T> {
    crate::error::deserialize_located(value)
        .map_err(|located| document_error(&located, name, kind, what))
}

/// The error of [`read_document`] (not generic: one copy in the wasm).
fn document_error(
    located: &crate::error::Located,
    name: &str,
    kind: crate::ErrorKind,
    what: &str,
) -> crate::Error {
    let inner = located.path();
    let path = if inner == "." {
        name.to_owned()
    } else if name.is_empty() {
        inner
    } else {
        let dot = if inner.starts_with('[') { "" } else { "." };
        format!("{name}{dot}{inner}")
    };
    crate::Error::new(kind, format!("{what}: {}", located.message())).at_path(path)
}

/// Reads `value` as `T`, or gives the path of the first error (`tiers[1].rate`, `.` for
/// the root) and serde's message: the reader every kpi document goes through, for a
/// binding's own argument documents.
pub fn read_document_at<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, (String, String)> {
    crate::path_de::deserialize(value).map_err(|e| (e.path().to_string(), e.inner().to_string()))
}
