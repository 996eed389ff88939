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
    "design.not_explored",
];

impl DesignSettings {
    /// Whether these are the defaults (a plan without `[design]` writes none).
    pub fn is_default(&self) -> bool {
        *self == DesignSettings::default()
    }

    /// Checks the thresholds, at their paths under `design` (when the plan is read).
    pub(crate) fn check(&self) -> Result<()> {
        settings_error(self.threshold_problem())
    }

    /// Checks that each intended finding names an explored component of `incentives`, a
    /// known code and a one-line reason, at its path under `design`. The design check
    /// and the cost simulation run it: a declaration means something to them only, and
    /// the browser module, which runs neither, does not carry it.
    pub fn check_intended(&self, incentives: &[crate::incentive::Incentive]) -> Result<()> {
        settings_error(self.intended_problem(incentives))
    }

    /// The first bad threshold: its field under `design`, and what is wrong.
    fn threshold_problem(&self) -> Option<(String, String)> {
        let ten = Decimal::TEN;
        let target_most = Decimal::from(1_000_000_000_000_i64);
        let target = self.target.unwrap_or(Decimal::ONE);
        for (field, value, least_above, most, message) in [
            (
                "cliff",
                self.cliff,
                false,
                Decimal::ONE,
                "`cliff` is from 0 to 1",
            ),
            (
                "gain",
                self.gain,
                false,
                Decimal::ONE,
                "`gain` is from 0 to 1",
            ),
            (
                "exposure",
                self.exposure,
                false,
                Decimal::ONE_HUNDRED,
                "`exposure` is from 0 to 100",
            ),
            (
                "max_attainment",
                self.max_attainment,
                true,
                ten,
                "`max_attainment` is above 0 and at most 10",
            ),
            (
                "plausible",
                self.plausible,
                true,
                self.max_attainment,
                "`plausible` is above 0 and at most `max_attainment`",
            ),
            (
                "target",
                target,
                true,
                target_most,
                "`target` is above 0 and at most 10^12",
            ),
        ] {
            let low = value.is_sign_negative() || (least_above && value.is_zero());
            if low || value > most {
                return Some((field.to_owned(), message.to_owned()));
            }
        }
        None
    }

    /// The first bad intended finding: its field under `design`, and what is wrong.
    fn intended_problem(
        &self,
        incentives: &[crate::incentive::Incentive],
    ) -> Option<(String, String)> {
        for (i, intended) in self.intended.iter().enumerate() {
            // Only the kinds the check explores: SPIFFs, clawbacks and collections are
            // priced per fact.
            let explored = component_at(incentives, &intended.path)
                .is_some_and(|c| !matches!(c.kind(), "spiff" | "clawback" | "collection"));
            // One line, not empty, as short as a display name: the rule names follow.
            let bad_reason = crate::text::name_problem(&intended.reason);
            // No codes at all is no declaration: the first code is then missing.
            let bad_code = if intended.codes.is_empty() {
                Some(0)
            } else {
                intended
                    .codes
                    .iter()
                    .position(|code| !DESIGN_CODES.contains(&code.as_str()))
            };
            let (field, message) = match (explored, bad_reason, bad_code) {
                (false, _, _) => (
                    "path".to_owned(),
                    "not the path of a rate, tiered, curve, bonus, pool or matrix component, written `incentives[0].components[0]`".to_owned(),
                ),
                (_, Some(problem), _) => ("reason".to_owned(), problem),
                (_, _, Some(j)) => (
                    format!("codes[{j}]"),
                    "not a design finding code, such as `design.cliff` (docs/design.md lists them)"
                        .to_owned(),
                ),
                _ => continue,
            };
            return Some((format!("intended[{i}].{field}"), message));
        }
        None
    }

    /// The reason a finding of `code` at `path` is intended, if the plan declares it.
    pub fn intended_reason(&self, path: &str, code: &str) -> Option<&str> {
        self.intended
            .iter()
            .find(|i| i.path == path && i.codes.iter().any(|c| c == code))
            .map(|i| i.reason.as_str())
    }
}

fn settings_error(problem: Option<(String, String)>) -> Result<()> {
    match problem {
        Some((field, message)) => {
            Err(Error::new(ErrorKind::PlanInvalid, message).at_path(format!("design.{field}")))
        }
        None => Ok(()),
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
        // The path as kpi writes it: `+1`, ` 1` and `01` are other spellings, which the
        // findings' paths would never match.
        let index = text.parse::<usize>().ok()?;
        (index.to_string() == text).then_some(index)
    };
    incentives.get(index(i)?)?.components.get(index(j)?)
}
