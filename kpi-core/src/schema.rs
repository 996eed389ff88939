//! The JSON Schema of the plan document, for editors and for checking plans before kpi
//! reads them.
//!
//! The schema is generated from the plan's Rust types (the `schema` feature derives it with
//! `schemars`) and committed as `kpi-core/plan.schema.json`; [`plan_schema`] returns that
//! file, so using it costs no dependency. A test regenerates it and fails when the
//! committed file is out of date. Where kpi reads a field by hand (exact decimals, dates,
//! weekday names), the schema is written by hand too, to say what kpi accepts: it is never
//! stricter than kpi (a plan kpi reads validates), though kpi checks more than a schema
//! can (references between ids, formulas, period labels).

/// The JSON Schema (draft 2020-12) of the plan document, as JSON text: the committed
/// `kpi-core/plan.schema.json`.
///
/// ```
/// let schema: serde_json::Value = serde_json::from_str(kpi_core::plan_schema())?;
/// assert_eq!(schema["title"], "Plan");
/// assert!(schema["properties"]["goals"].is_object());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn plan_schema() -> &'static str {
    include_str!("../plan.schema.json")
}

/// Generates the plan's JSON Schema from the Rust types: pretty-printed, object keys in
/// sorted order, ending with a newline (what `kpi-core/plan.schema.json` holds).
#[cfg(feature = "schema")]
pub fn generate_plan_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<crate::Plan>();
    let value = sorted(schema.to_value());
    let mut text = serde_json::to_string_pretty(&value).expect("a schema always serialises");
    text.push('\n');
    text
}

/// The value with every object's keys in sorted order, whatever map `serde_json` uses.
#[cfg(feature = "schema")]
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}
