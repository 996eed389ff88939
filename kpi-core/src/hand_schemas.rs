//! Schemas of the values kpi reads by hand, for the plan's JSON Schema
//! (`#[schemars(with = …)]` on the fields that read them; the `schema` feature). A leaf, so
//! that every layer can name them.

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
