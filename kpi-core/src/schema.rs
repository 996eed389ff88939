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

/// Schemas of the values kpi reads by hand, for `#[schemars(with = …)]`.
#[cfg(feature = "schema")]
pub(crate) mod by_hand {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    /// An exact decimal (`crate::decimal::exact`): decimal text or a number.
    pub(crate) struct Decimal;

    impl JsonSchema for Decimal {
        fn schema_name() -> Cow<'static, str> {
            "Decimal".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "An exact decimal: text such as \"0.05\", \"-1200.50\" or \"1.5e3\" (an optional sign, digits with an optional point, an optional exponent), or a number, read by its written digits. More than 28 decimal places, or a value beyond ±79,228,162,514,264,337,593,543,950,335, is refused, never rounded.",
                "anyOf": [
                    {
                        "type": "string",
                        "pattern": "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$"
                    },
                    { "type": "number" }
                ]
            })
        }
    }

    /// A day (`crate::period::date_text`): `YYYY-MM-DD` text.
    pub(crate) struct Date;

    impl JsonSchema for Date {
        fn schema_name() -> Cow<'static, str> {
            "Date".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "A day, `YYYY-MM-DD`, from 1000-01-01 to 9998-12-31: text, or in TOML a local date (with or without quotes).",
                "type": "string",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
            })
        }
    }

    /// A weekday name (`crate::period::retail::weekday_name`).
    pub(crate) struct Weekday;

    impl JsonSchema for Weekday {
        fn schema_name() -> Cow<'static, str> {
            "Weekday".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "A weekday, in lower case.",
                "type": "string",
                "enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            })
        }
    }

    /// A grain is read by its name (`crate::period::Grain`'s `Deserialize`).
    impl JsonSchema for crate::period::Grain {
        fn schema_name() -> Cow<'static, str> {
            "Grain".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "A grain: the length of a regular period.",
                "type": "string",
                "enum": ["day", "week", "month", "quarter", "half", "year"]
            })
        }
    }

    /// A split, with the alias `even` that a derived schema would leave out.
    impl JsonSchema for crate::goal::Split {
        fn schema_name() -> Cow<'static, str> {
            "Split".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "How a cascade or a phasing splits a target.",
                "oneOf": [
                    { "const": "equal", "type": "string", "description": "In equal parts." },
                    { "const": "even", "type": "string", "description": "In equal parts (another name for `equal`, read for phasing)." },
                    { "const": "weights", "type": "string", "description": "By declared weights." },
                    { "const": "history", "type": "string", "description": "By the shares the metric had over a past period." }
                ]
            })
        }
    }
}
