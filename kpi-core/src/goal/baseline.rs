//! A goal's baseline: a number, or its metric over a fixed or a relative window, and what
//! a growth target does for a scope without one.
//!
//! `Baseline` and `IfMissing` are read by hand rather than as serde's untagged enums: an
//! untagged enum reports any mistake inside it as "did not match any variant" at the
//! baseline, where these readers say which field is wrong and why.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::decimal::exact;
use crate::error::{Error, ErrorKind, Result};
use crate::period::{Calendar, Period};

/// A goal's starting point.
///
/// ```toml
/// baseline = "10000000"                       # a number
/// baseline = { period = "FY2026" }            # the metric over one past period
/// baseline = { period = "previous" }          # over the goal period before each one
/// baseline = { period = "last_year" }         # over the same goal period a year earlier
/// baseline = { trailing = 3 }                 # the average of the 3 goal periods before
/// baseline = { period = "previous", if_missing = "team_average" }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged, deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Baseline {
    /// A number.
    Value(
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        Decimal,
    ),
    /// A metric (the goal's own when omitted) over a period, for the same scope: a fixed
    /// period, or one relative to each goal period.
    Measured {
        /// The metric; the goal's when omitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        metric: Option<String>,
        /// A period label (`FY2026`, `2025-Q4`); or `previous`, the goal period before
        /// each one (last month for a monthly goal); or `last_year`, the same goal period a
        /// year earlier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        period: Option<String>,
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 36)))]
        /// Instead of `period`: the `n` goal periods before each one (1 to 36), averaged. A
        /// metric that adds up (a sum, a count) is their total divided by `n`; a ratio or an
        /// average is measured over the `n` periods together.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        trailing: Option<u32>,
        /// What a growth target does for a scope whose baseline is missing or zero (a new
        /// rep, a first period): `no_target` (the default: the row says why), `team_average`
        /// (grow the average baseline of the scope's peers that have one: the members of
        /// its team, or the other teams), or a number, the target to set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        if_missing: Option<IfMissing>,
    },
}

/// What a growth target does for a scope without a baseline of its own
/// (`baseline.if_missing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum IfMissing {
    /// A rule: `no_target` or `team_average`.
    Rule(MissingBaseline),
    /// The target to set.
    Target(
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        Decimal,
    ),
}

/// The rules for a missing baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum MissingBaseline {
    /// No target: the row says the baseline is unknown.
    NoTarget,
    /// The average baseline of the scope's peers that have one.
    TeamAverage,
}

crate::shape::by_name!(MissingBaseline { "no_target" => NoTarget, "team_average" => TeamAverage });

/// Where a measured baseline is read, once checked: a fixed period or one relative to each
/// goal period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaselineWindow {
    /// One period for every goal period.
    Fixed(Period),
    /// The goal period before.
    Previous,
    /// The same goal period a year earlier.
    LastYear,
    /// The `n` goal periods before, averaged.
    Trailing(u32),
}

/// The longest trailing baseline, in goal periods (three years of months).
pub(crate) const MAX_TRAILING: u32 = 36;

impl BaselineWindow {
    /// The window of a measured baseline: `Ok(None)` for a number or no baseline. Errors
    /// are at `at(field)` (`at("trailing")`).
    pub(crate) fn of(
        baseline: Option<&Baseline>,
        calendar: &Calendar,
        at: &dyn Fn(&str) -> String,
    ) -> Result<Option<Self>> {
        let Some(Baseline::Measured {
            period, trailing, ..
        }) = baseline
        else {
            return Ok(None);
        };
        let window = match (period.as_deref(), trailing) {
            (Some(_), Some(_)) => {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    "a measured baseline names either a `period` (FY2026, previous, last_year) or `trailing` periods, not both",
                )
                .at_path(at("")));
            }
            (None, None) => {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    "a measured baseline names its `period` (FY2026, previous, last_year) or `trailing` periods (3)",
                )
                .at_path(at("")));
            }
            (None, Some(n)) if (1..=MAX_TRAILING).contains(n) => BaselineWindow::Trailing(*n),
            (None, Some(n)) => {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("`trailing` counts 1 to {MAX_TRAILING} goal periods, not {n}"),
                )
                .at_path(at("trailing")));
            }
            (Some("previous"), None) => BaselineWindow::Previous,
            (Some("last_year"), None) => BaselineWindow::LastYear,
            (Some(label), None) => {
                BaselineWindow::Fixed(calendar.parse_period(label).map_err(|e| {
                    e.context("a baseline period is a label, `previous` or `last_year`")
                        .at_path(at("period"))
                })?)
            }
        };
        Ok(Some(window))
    }

    /// Whether the window moves with the goal period.
    pub(crate) fn is_relative(self) -> bool {
        !matches!(self, BaselineWindow::Fixed(_))
    }

    /// The period the baseline of goal period `p` is measured over.
    pub(crate) fn period_for(self, p: &Period) -> Result<Period> {
        match self {
            BaselineWindow::Fixed(fixed) => Ok(fixed),
            BaselineWindow::Previous => p.prev(),
            BaselineWindow::LastYear => p.same_period_last_year(),
            BaselineWindow::Trailing(n) => p.prev()?.trailing(n),
        }
    }
}

impl Baseline {
    /// What to do without a baseline (`no_target` when the plan does not say).
    pub(crate) fn if_missing(&self) -> IfMissing {
        match self {
            Baseline::Measured {
                if_missing: Some(rule),
                ..
            } => *rule,
            _ => IfMissing::Rule(MissingBaseline::NoTarget),
        }
    }
}

/// What a baseline is, for messages.
const BASELINE_FORMS: &str = "a baseline: a number, { period = \"FY2026\" }, { period = \"previous\" }, { period = \"last_year\" } or { trailing = 3 }";

impl<'de> Deserialize<'de> for Baseline {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(BaselineReader)
    }
}

/// Reads a number (as [`exact`] does) or a table of the measured baseline's fields.
struct BaselineReader;

impl<'de> Visitor<'de> for BaselineReader {
    type Value = Baseline;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(BASELINE_FORMS)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Baseline, E> {
        if matches!(text, "previous" | "last_year") {
            return Err(de::Error::custom(format!(
                "a relative baseline is a table: {{ period = \"{text}\" }}"
            )));
        }
        exact::Exact.visit_str(text).map(Baseline::Value)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Baseline, E> {
        exact::Exact.visit_i64(n).map(Baseline::Value)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Baseline, E> {
        exact::Exact.visit_u64(n).map(Baseline::Value)
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Baseline, E> {
        exact::Exact.visit_f64(n).map(Baseline::Value)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Baseline, A::Error> {
        let (mut metric, mut period, mut trailing, mut if_missing) = (None, None, None, None);
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                // A number handed over by its digits (`{"$kpi::number": "…"}`).
                number if first && exact::is_number_key(number) => {
                    let text: String = map.next_value()?;
                    if map.next_key::<de::IgnoredAny>()?.is_some() {
                        return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
                    }
                    return self.visit_str(&text);
                }
                // `null` is absent, as for the plan's other optional fields.
                "metric" if metric.is_none() => metric = map.next_value()?,
                "period" if period.is_none() => period = map.next_value()?,
                "trailing" if trailing.is_none() => {
                    trailing = map.next_value::<Option<Trailing>>()?.map(|t| t.0);
                }
                "if_missing" if if_missing.is_none() => if_missing = map.next_value()?,
                "metric" | "period" | "trailing" | "if_missing" => {
                    return Err(de::Error::custom(format!("duplicate field `{key}`")));
                }
                other => {
                    return Err(de::Error::unknown_field(
                        other,
                        &["metric", "period", "trailing", "if_missing"],
                    ));
                }
            }
            first = false;
        }
        Ok(Baseline::Measured {
            metric,
            period,
            trailing,
            if_missing,
        })
    }
}

/// `trailing`: a whole number of goal periods, 1 to [`MAX_TRAILING`].
struct Trailing(u32);

impl<'de> Deserialize<'de> for Trailing {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(TrailingReader)
    }
}

struct TrailingReader;

impl Visitor<'_> for TrailingReader {
    type Value = Trailing;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a whole number of goal periods, 1 to {MAX_TRAILING}")
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Trailing, E> {
        match u32::try_from(n) {
            Ok(n) if (1..=MAX_TRAILING).contains(&n) => Ok(Trailing(n)),
            _ => Err(de::Error::invalid_value(de::Unexpected::Signed(n), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Trailing, E> {
        match u32::try_from(n) {
            Ok(n) if (1..=MAX_TRAILING).contains(&n) => Ok(Trailing(n)),
            _ => Err(de::Error::invalid_value(de::Unexpected::Unsigned(n), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for IfMissing {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(IfMissingReader)
    }
}

/// Reads `no_target`, `team_average`, or a target as [`exact`] reads numbers.
struct IfMissingReader;

impl<'de> Visitor<'de> for IfMissingReader {
    type Value = IfMissing;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("what to do without a baseline: \"no_target\", \"team_average\", or a target such as \"300000\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<IfMissing, E> {
        match text {
            "no_target" => Ok(IfMissing::Rule(MissingBaseline::NoTarget)),
            "team_average" => Ok(IfMissing::Rule(MissingBaseline::TeamAverage)),
            // Text that starts like a number gets the number's own message ("3%" …).
            _ if text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) => {
                exact::Exact.visit_str(text).map(IfMissing::Target)
            }
            _ => Err(de::Error::invalid_value(de::Unexpected::Str(text), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<IfMissing, E> {
        exact::Exact.visit_i64(n).map(IfMissing::Target)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<IfMissing, E> {
        exact::Exact.visit_u64(n).map(IfMissing::Target)
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<IfMissing, E> {
        exact::Exact.visit_f64(n).map(IfMissing::Target)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<IfMissing, A::Error> {
        exact::number_from_map(map).map(IfMissing::Target)
    }
}
