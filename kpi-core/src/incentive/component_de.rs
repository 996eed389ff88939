//! Reading a [`Component`] from a plan document, by hand.
//!
//! serde's derive reads an internally tagged enum whose variants flatten a struct by
//! buffering the whole object into its own `Content` tree first and then walking it
//! once per variant: the biggest single deserialiser in the wasm file (about 45 KB of
//! code). Here the object is read once into a JSON map, `kind` picks the variant, the
//! fields every component shares ([`Limits`]) are taken out by name, and each variant's
//! own fields are read by a plain struct that refuses unknown fields. The errors say
//! the same things (`missing field`, `unknown field`, `unknown variant`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::shape::read;

use super::{Component, CurvePoint, Limits, PoolSplit, Tier, TierBasis, TierMode};

/// The fields of [`Limits`], which any component can carry.
const LIMIT_FIELDS: [&str; 5] = ["name", "names", "threshold", "gate", "cap"];

/// The values of `kind`.
const KINDS: &[&str] = &[
    "rate",
    "tiered",
    "curve",
    "bonus",
    "spiff",
    "pool",
    "clawback",
    "collection",
    "matrix",
];

impl<'de> Deserialize<'de> for Component {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Value::Object(mut fields) = crate::shape::value(deserializer)? else {
            return Err(D::Error::custom("a component is a table with a `kind`"));
        };
        let kind = match fields.remove("kind") {
            Some(Value::String(kind)) => kind,
            Some(_) => return Err(D::Error::custom("`kind` is not a string")),
            None => return Err(D::Error::missing_field("kind")),
        };
        let mut shared = Map::new();
        for name in LIMIT_FIELDS {
            if let Some(value) = fields.remove(name) {
                shared.insert(name.to_owned(), value);
            }
        }
        let limits: Limits = read(shared)?;
        match kind.as_str() {
            "rate" => variant::<RateFields, _>(fields, limits),
            "tiered" => variant::<TieredFields, _>(fields, limits),
            "curve" => variant::<CurveFields, _>(fields, limits),
            "bonus" => variant::<BonusFields, _>(fields, limits),
            "spiff" => variant::<SpiffFields, _>(fields, limits),
            "pool" => variant::<PoolFields, _>(fields, limits),
            "clawback" => variant::<ClawbackFields, _>(fields, limits),
            "collection" => variant::<CollectionFields, _>(fields, limits),
            "matrix" => variant::<MatrixFields, _>(fields, limits),
            _ => Err(D::Error::unknown_variant(&kind, KINDS)),
        }
    }
}

/// A variant's own fields, which make the component with the shared ones.
trait Variant: serde::de::DeserializeOwned {
    fn with(self, limits: Limits) -> Component;
}

/// The component of one kind from its own fields and the shared ones.
fn variant<T: Variant, E: serde::de::Error>(
    fields: Map<String, Value>,
    limits: Limits,
) -> Result<Component, E> {
    read::<T, E>(fields).map(|own| own.with(limits))
}

impl Variant for RateFields {
    fn with(self, limits: Limits) -> Component {
        let RateFields { metric, rate, goal } = self;
        Component::Rate {
            metric,
            rate,
            goal,
            limits,
        }
    }
}

impl Variant for TieredFields {
    fn with(self, limits: Limits) -> Component {
        let TieredFields {
            metric,
            goal,
            on,
            mode,
            tiers,
            per_deal,
        } = self;
        Component::Tiered {
            metric,
            goal,
            on,
            mode,
            tiers,
            per_deal,
            limits,
        }
    }
}

impl Variant for CurveFields {
    fn with(self, limits: Limits) -> Component {
        let CurveFields { goal, points } = self;
        Component::Curve {
            goal,
            points,
            limits,
        }
    }
}

impl Variant for BonusFields {
    fn with(self, limits: Limits) -> Component {
        let BonusFields { goal, amount, at } = self;
        Component::Bonus {
            goal,
            amount,
            at,
            limits,
        }
    }
}

impl Variant for SpiffFields {
    fn with(self, limits: Limits) -> Component {
        let SpiffFields { metric, amount } = self;
        Component::Spiff {
            metric,
            amount,
            limits,
        }
    }
}

impl Variant for PoolFields {
    fn with(self, limits: Limits) -> Component {
        let PoolFields {
            goal,
            amount,
            split,
            metric,
            weights,
            at,
        } = self;
        Component::Pool {
            goal,
            amount,
            split,
            metric,
            weights,
            at,
            limits,
        }
    }
}

impl Variant for ClawbackFields {
    fn with(self, limits: Limits) -> Component {
        let ClawbackFields {
            of,
            reversals,
            link,
            days,
        } = self;
        Component::Clawback {
            of,
            reversals,
            link,
            days,
            limits,
        }
    }
}

impl Variant for CollectionFields {
    fn with(self, limits: Limits) -> Component {
        let CollectionFields {
            of,
            payments,
            link,
            lapse_days,
        } = self;
        Component::Collection {
            of,
            payments,
            link,
            lapse_days,
            limits,
        }
    }
}

impl Variant for MatrixFields {
    fn with(self, limits: Limits) -> Component {
        let MatrixFields {
            goal,
            by,
            rows,
            columns,
            amounts,
        } = self;
        Component::Matrix {
            goal,
            by,
            rows,
            columns,
            amounts,
            limits,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateFields {
    metric: String,
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    rate: Decimal,
    #[serde(default)]
    goal: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TieredFields {
    metric: String,
    #[serde(default)]
    goal: Option<String>,
    on: TierBasis,
    mode: TierMode,
    tiers: Vec<Tier>,
    #[serde(default)]
    per_deal: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CurveFields {
    goal: String,
    points: Vec<CurvePoint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BonusFields {
    goal: String,
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    amount: Decimal,
    #[serde(default, deserialize_with = "crate::decimal::exact::option")]
    at: Option<Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpiffFields {
    metric: String,
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    amount: Decimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolFields {
    goal: String,
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    amount: Decimal,
    split: PoolSplit,
    #[serde(default)]
    metric: Option<String>,
    #[serde(default, deserialize_with = "crate::decimal::exact::map")]
    weights: BTreeMap<String, Decimal>,
    #[serde(default, deserialize_with = "crate::decimal::exact::option")]
    at: Option<Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClawbackFields {
    of: usize,
    reversals: String,
    #[serde(default)]
    link: Option<String>,
    days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionFields {
    of: usize,
    payments: String,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    lapse_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatrixFields {
    goal: String,
    by: String,
    #[serde(deserialize_with = "crate::decimal::exact::vec")]
    rows: Vec<Decimal>,
    #[serde(deserialize_with = "crate::decimal::exact::vec")]
    columns: Vec<Decimal>,
    #[serde(deserialize_with = "crate::decimal::exact::matrix")]
    amounts: Vec<Vec<Decimal>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of [`Limits`] is taken out by name: a `Limits` with every field set
    /// serialises to exactly `LIMIT_FIELDS`.
    #[test]
    fn limit_fields_are_the_fields_of_limits() {
        let mut names = crate::text::Names::new();
        names.insert(crate::text::Locale::En, "n");
        let limits = Limits {
            name: Some("n".into()),
            names,
            threshold: Some(Decimal::ONE),
            gate: Some(super::super::Gate {
                goal: None,
                metric: None,
                score: true,
                min: Decimal::ONE,
            }),
            cap: Some(super::super::Cap::Amount(Decimal::ONE)),
        };
        let Value::Object(map) = serde_json::to_value(&limits).unwrap() else {
            panic!("limits serialise to an object");
        };
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = LIMIT_FIELDS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
}
