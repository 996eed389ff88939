//! The settings of the plan design checks, under `[design]`: the thresholds that make a
//! shape of pay a finding, and the findings a plan declares intended. The checks
//! themselves live in `crate::design`, above the plan.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// Settings of the plan design checks (`design_check`), under `[design]`.
///
/// ```toml
/// [design]
/// cliff = "0.05"        # a jump of pay above 5% of the target incentive is a cliff
/// gain = "0.01"         # moving or splitting results that changes pay by 1% of it is a finding
/// exposure = "2"        # pay above 2 × the target incentive at plausible attainment
/// plausible = "2"       # attainment up to 200% is plausible
/// max_attainment = "3"  # explore pay up to 300% attainment
///
/// [[design.intended]]   # a finding the plan's authors chose, kept as information
/// path = "incentives[0].components[0]"
/// codes = ["design.sandbagging"]
/// reason = "the accelerator is deliberate; quarter-end deals are reviewed"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct DesignSettings {
    /// A jump of pay at a boundary larger than this share of the target incentive (of the
    /// pay at the boundary when the incentive has none) is a cliff; default 0.05.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub cliff: Decimal,
    /// Moving results into the next period, or crediting a deal whole instead of split,
    /// that changes pay by more than this share of the target incentive (of the pay
    /// before, without one) is a finding; default 0.01.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub gain: Decimal,
    /// A component without a cap that pays more than this multiple of the target
    /// incentive at `plausible` attainment is unbounded; default 2.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub exposure: Decimal,
    /// The highest attainment judged plausible (for exposure, moves and splits);
    /// default 2 (200%).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub plausible: Decimal,
    /// How far pay is explored: up to this attainment, and past the last tier, bonus or
    /// curve point by half of it again; default 3 (300%), at most 10.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub max_attainment: Decimal,
    /// The target that turns attainment into amounts for goals whose target is not a
    /// fixed number (a growth, a share, a cascade); 100,000 when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub target: Option<Decimal>,
    /// Findings the plan's authors chose: still reported, as information with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub intended: Vec<Intended>,
}

impl Default for DesignSettings {
    fn default() -> DesignSettings {
        DesignSettings {
            cliff: Decimal::new(5, 2),
            gain: Decimal::new(1, 2),
            exposure: Decimal::TWO,
            plausible: Decimal::TWO,
            max_attainment: Decimal::from(3),
            target: None,
            intended: Vec::new(),
        }
    }
}

/// A design finding the plan declares intended, under `[[design.intended]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Intended {
    /// The component's plan path, `incentives[0].components[1]`.
    pub path: String,
    /// The finding codes intended there, such as `design.sandbagging`.
    pub codes: Vec<String>,
    /// Why: shown with each finding it covers.
    pub reason: String,
}

/// The design finding codes, as written in plans and findings.
pub const DESIGN_CODES: &[&str] = &[
    "design.cliff",
    "design.decelerator",
    "design.sandbagging",
    "design.split",
    "design.negative",
    "design.unbounded",
    "design.pool_leaver",
];

impl DesignSettings {
    /// Whether these are the defaults (a plan without `[design]` writes none).
    pub fn is_default(&self) -> bool {
        *self == DesignSettings::default()
    }

    /// Checks the thresholds and that each intended finding names a component of
    /// `incentives` and a known code, at its path under `design`.
    pub(crate) fn check(&self, incentives: &[crate::incentive::Incentive]) -> Result<()> {
        let invalid = |field: &str, message: String| {
            Err(Error::new(ErrorKind::PlanInvalid, message).at_path(format!("design.{field}")))
        };
        let ten = Decimal::TEN;
        for (field, value, most) in [
            ("cliff", self.cliff, Decimal::ONE),
            ("gain", self.gain, Decimal::ONE),
            ("exposure", self.exposure, Decimal::ONE_HUNDRED),
            ("plausible", self.plausible, ten),
            ("max_attainment", self.max_attainment, ten),
        ] {
            if value.is_sign_negative() || value > most {
                return invalid(field, format!("`{field}` must be between 0 and {most}"));
            }
        }
        if self.max_attainment.is_zero() || self.plausible.is_zero() {
            return invalid(
                "max_attainment",
                "`plausible` and `max_attainment` must be above 0".to_owned(),
            );
        }
        if let Some(target) = self.target
            && (target <= Decimal::ZERO || target > Decimal::from(1_000_000_000_000_i64))
        {
            return invalid(
                "target",
                "`target` must be above 0 and at most 10^12".to_owned(),
            );
        }
        for (i, intended) in self.intended.iter().enumerate() {
            let known = component_at(incentives, &intended.path).is_some();
            if !known {
                return invalid(
                    &format!("intended[{i}].path"),
                    format!(
                        "`{}` is not a component's path, such as `incentives[0].components[0]`",
                        intended.path
                    ),
                );
            }
            for (j, code) in intended.codes.iter().enumerate() {
                if !DESIGN_CODES.contains(&code.as_str()) {
                    return invalid(
                        &format!("intended[{i}].codes[{j}]"),
                        format!(
                            "`{code}` is not a design finding code; expected one of {}",
                            DESIGN_CODES.join(", ")
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// The reason a finding of `code` at `path` is intended, if the plan declares it.
    pub fn intended_reason(&self, path: &str, code: &str) -> Option<&str> {
        self.intended
            .iter()
            .find(|i| i.path == path && i.codes.iter().any(|c| c == code))
            .map(|i| i.reason.as_str())
    }
}

/// The component at `incentives[i].components[j]`, written exactly so.
fn component_at<'a>(
    incentives: &'a [crate::incentive::Incentive],
    path: &str,
) -> Option<&'a crate::incentive::Component> {
    let rest = path.strip_prefix("incentives[")?;
    let (i, rest) = rest.split_once("].components[")?;
    let j = rest.strip_suffix(']')?;
    let index = |text: &str| {
        // Digits only: `+1` and ` 1` are not the path's spelling.
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse::<usize>().ok()
    };
    incentives.get(index(i)?)?.components.get(index(j)?)
}
