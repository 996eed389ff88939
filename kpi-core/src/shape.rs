//! Reading enums by the shape of their JSON, by hand.
//!
//! serde's derive reads an untagged or internally tagged enum by buffering the value into
//! its own `Content` tree and trying each variant on it: a second copy of every reader
//! involved, the largest part of the browser module's plan reading. These helpers read the
//! value once as JSON, let the caller pick the variant by its shape (a number, a table
//! with a given key), and read that variant's fields through the same path-tracking
//! reader as the rest of a document, so each field type's reader exists once.

use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A value read once as JSON, to look at its shape.
pub(crate) fn value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Value::deserialize(deserializer)
}

/// `T` from an object's fields, with serde's message on error (the path within the
/// object is found again from the message: `error::Located`).
pub(crate) fn read<T: DeserializeOwned, E: serde::de::Error>(
    fields: Map<String, Value>,
) -> Result<T, E> {
    from_value(Value::Object(fields))
}

/// `T` from a JSON value, with serde's message on error.
pub(crate) fn from_value<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    crate::path_de::deserialize(value).map_err(|e| E::custom(e.into_inner()))
}

/// An exact decimal (a number or a decimal string) from a JSON value.
pub(crate) fn decimal<E: serde::de::Error>(value: Value) -> Result<Decimal, E> {
    #[derive(Deserialize)]
    struct Exact(#[serde(deserialize_with = "crate::decimal::exact::deserialize")] Decimal);
    from_value::<Exact, E>(value).map(|Exact(d)| d)
}

/// Whether a JSON value is a number: a JSON number, or a number kept by its digits (the
/// one-member object `json::parse` and the TOML reader write for a number that is not a
/// 64-bit integer, `{"$kpi::number": "1500.5"}`), which must read as a number, never as a
/// table.
pub(crate) fn is_number(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::Object(members) => {
            members.len() == 1
                && members
                    .keys()
                    .all(|k| crate::decimal::exact::is_number_key(k))
        }
        _ => false,
    }
}

/// The error for a value of none of an enum's shapes: `expected` says what they are.
pub(crate) fn unexpected<E: serde::de::Error>(value: &Value, expected: &str) -> E {
    let found = match value {
        Value::Null => serde::de::Unexpected::Unit,
        Value::Bool(b) => serde::de::Unexpected::Bool(*b),
        Value::Number(_) => serde::de::Unexpected::Other("a number"),
        Value::String(s) => serde::de::Unexpected::Str(s),
        Value::Array(_) => serde::de::Unexpected::Seq,
        Value::Object(_) => serde::de::Unexpected::Map,
    };
    E::invalid_type(found, &expected)
}

pub(crate) use crate::unit_enum::by_name;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::goal::{Amount, Split, Target};
    use crate::incentive::{Cap, Component};

    fn read<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn targets_are_read_by_shape() {
        assert_eq!(
            read::<Target>(json!("0.05")),
            Ok(Target::Fixed("0.05".parse().unwrap()))
        );
        assert_eq!(read::<Target>(json!(12)), Ok(Target::Fixed(12.into())));
        assert_eq!(
            read::<Target>(json!({"phase": "even"})),
            Ok(Target::Phase {
                phase: Split::Equal,
                history: None
            })
        );
        assert_eq!(
            read::<Target>(json!({"share": "0.06", "market": {"metric": "m"}})),
            Ok(Target::Share {
                share: "0.06".parse().unwrap(),
                market: Amount::Metric { metric: "m".into() }
            })
        );
        let typo = read::<Target>(json!({"growth": "0.1", "grwth": "0.2"})).unwrap_err();
        assert!(typo.contains("unknown field `grwth`"), "{typo}");
        let none = read::<Target>(json!({"weights": {}})).unwrap_err();
        assert!(
            none.contains("`growth`, `share`, `cascade` or `phase`"),
            "{none}"
        );
        for wrong in [json!([1]), json!(true), json!(null)] {
            let err = read::<Target>(wrong).unwrap_err();
            assert!(err.contains("expected a target"), "{err}");
        }
        let bad = read::<Target>(json!("3%")).unwrap_err();
        assert!(bad.contains("3%"), "{bad}");
    }

    #[test]
    #[cfg(feature = "ingest")]
    fn caps_and_sources_are_read_by_shape() {
        use crate::ingest::{ReadAs, Source};

        assert_eq!(read::<Cap>(json!("100")), Ok(Cap::Amount(100.into())));
        assert_eq!(
            read::<Cap>(json!({"multiple": 2})),
            Ok(Cap::Multiple { multiple: 2.into() })
        );
        assert!(
            read::<Cap>(json!({"multiple": 2, "of": 1}))
                .unwrap_err()
                .contains("`of`")
        );
        assert!(read::<Cap>(json!([2])).unwrap_err().contains("a cap"));
        assert_eq!(
            read::<Source>(json!("amount")),
            Ok(Source::Column("amount".into()))
        );
        assert_eq!(
            read::<Source>(json!({"value": "订单"})),
            Ok(Source::Constant {
                value: "订单".into()
            })
        );
        assert_eq!(
            read::<Source>(json!({"column": "t", "as": "date"})),
            Ok(Source::Typed {
                column: "t".into(),
                read_as: ReadAs::Date
            })
        );
        assert!(
            read::<Source>(json!({}))
                .unwrap_err()
                .contains("a column name")
        );
        assert!(
            read::<Source>(json!(7))
                .unwrap_err()
                .contains("a column name")
        );
    }

    #[test]
    fn numbers_kept_by_their_digits_are_numbers_not_tables() {
        let digits = |d: &str| json!({ crate::decimal::EXACT_NUMBER_KEY: d });
        assert_eq!(
            read::<Target>(digits("1500.5")),
            Ok(Target::Fixed("1500.5".parse().unwrap()))
        );
        assert_eq!(
            read::<Cap>(digits("2500.5")),
            Ok(Cap::Amount("2500.5".parse().unwrap()))
        );
        assert_eq!(
            read::<Amount>(digits("950000000.5")),
            Ok(Amount::Value("950000000.5".parse().unwrap()))
        );
        // As a plan writes them: TOML floats and JSON numbers with a fraction.
        let plan = crate::Plan::from_toml(
            r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "q"
metric = "revenue"
scope = "member"
period = "month"
target = 1500.5
[[incentives]]
id = "rep"
applies_to = "members"
target_incentive = 1000.25
cap = 2500.5
components = [{ kind = "rate", metric = "revenue", rate = 0.05, cap = { multiple = 1.5 } }]
"#,
        )
        .unwrap();
        assert_eq!(
            plan.goals[0].target,
            Some(Target::Fixed("1500.5".parse().unwrap()))
        );
        assert_eq!(
            plan.incentives[0].cap,
            Some(Cap::Amount("2500.5".parse().unwrap()))
        );
        let json = crate::Plan::from_json(&plan.to_json()).unwrap();
        assert_eq!(json, plan);
    }

    #[test]
    fn unit_variants_are_read_by_name_and_alias() {
        use crate::period::PeriodKind;
        use crate::report::Status;
        assert_eq!(read::<Status>(json!("on_track")), Ok(Status::OnTrack));
        assert_eq!(
            read::<PeriodKind>(json!("quarter")),
            Ok(PeriodKind::Quarter)
        );
        assert_eq!(read::<Split>(json!("even")), Ok(Split::Equal));
        assert_eq!(read::<Split>(json!("equal")), Ok(Split::Equal));
        let unknown = read::<Split>(json!("Even")).unwrap_err();
        assert!(
            unknown
                .contains("unknown variant `Even`, expected one of `equal`, `weights`, `history`"),
            "{unknown}"
        );
        assert!(read::<Status>(json!(3)).is_err());
        assert!(
            read::<Status>(json!("达成"))
                .unwrap_err()
                .contains("unknown variant `达成`")
        );
        // Every status reads back what it writes.
        for status in [
            Status::Achieved,
            Status::OnTrack,
            Status::AtRisk,
            Status::OffTrack,
            Status::Missed,
        ] {
            assert_eq!(
                read::<Status>(serde_json::to_value(status).unwrap()),
                Ok(status)
            );
        }
    }

    #[test]
    fn components_are_read_by_kind() {
        let rate = read::<Component>(
            json!({"kind": "rate", "metric": "r", "rate": "0.05", "name": "提成"}),
        )
        .unwrap();
        assert_eq!(rate.metric(), Some("r"));
        assert_eq!(rate.limits().name.as_deref(), Some("提成"));
        for (value, says) in [
            (json!({"metric": "r"}), "missing field `kind`"),
            (json!({"kind": 5}), "`kind` is not a string"),
            (json!({"kind": "bogus"}), "unknown variant `bogus`"),
            (
                json!({"kind": "rate", "metric": "r", "rate": "1", "rat": 1}),
                "unknown field `rat`",
            ),
            (
                json!({"kind": "rate", "metric": "r"}),
                "missing field `rate`",
            ),
            (json!("rate"), "a table with a `kind`"),
        ] {
            let err = read::<Component>(value).unwrap_err();
            assert!(err.contains(says), "{err} should say {says}");
        }
        // Serialising and reading back gives the component again.
        let json = serde_json::to_value(&rate).unwrap();
        assert_eq!(read::<Component>(json), Ok(rate));
    }
}
