//! Plan design checks: each incentive component's pay explored like a property test,
//! over attainment (0 to `[design] max_attainment`, past the last tier), across the
//! period boundary and between members, with every flaw reported with the smallest
//! example that shows it.
//!
//! Every amount in a finding is priced by [`evaluate_component`](crate::incentive::evaluate_component): the counterexample's
//! cases are inputs a user can paste into `evaluate_component` (or a what-if) and get the
//! same cents. The checks read the plan alone; targets of goals that are not a fixed
//! number are taken as `[design] target` (100,000 when omitted).

mod cost;
mod explore;
mod moves;
mod subject;
mod text;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::error::Result;
use crate::incentive::ComponentInputs;
use crate::plan::Plan;
use crate::report::findings::Severity;
pub use cost::{Attainment, CostFigures, CostSimulation, IncentiveCost, MAX_TRIALS};
pub use text::design_text;

/// What kind of design flaw a finding is. Serialised as its code string; new codes may be
/// added in minor releases, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DesignCode {
    /// Pay jumps (or falls) at a boundary by more than `[design] cliff`: a retroactive
    /// tier, a gate, a threshold, a bonus. (`design.cliff`)
    Cliff,
    /// The marginal rate falls as attainment rises (not by a declared cap).
    /// (`design.decelerator`)
    Decelerator,
    /// Moving results from this period into the next raises the pay over both.
    /// (`design.sandbagging`)
    Sandbagging,
    /// Crediting a deal whole to one member instead of split between two changes the
    /// total paid, under a rate or tier component. (`design.split`)
    Split,
    /// The component can pay less than nothing. (`design.negative`)
    Negative,
    /// Nothing caps the component and it pays beyond `[design] exposure` × the target
    /// incentive at plausible attainment (or keeps rising without a target incentive).
    /// (`design.unbounded`)
    Unbounded,
    /// A team pool pays each member more when a colleague leaves. (`design.pool_leaver`)
    PoolLeaver,
    /// The component could not be explored, and why: a lower-is-better goal, a rate or
    /// tier component whose goal measures another metric or scope than it pays on, too
    /// many tiers. (`design.not_explored`)
    NotExplored,
}

impl DesignCode {
    /// The stable code string, such as `design.cliff` (one of
    /// [`DESIGN_CODES`](crate::plan::DESIGN_CODES)).
    pub fn code(self) -> &'static str {
        crate::plan::DESIGN_CODES[self as usize]
    }
}

impl Serialize for DesignCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl std::fmt::Display for DesignCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One design finding: a flaw of one component, with the example that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesignFinding {
    /// The stable code, such as `design.cliff`.
    pub code: DesignCode,
    /// `warning`, or `info` for what the plan declares intended (and uncapped pay
    /// without a target incentive to compare with).
    pub severity: Severity,
    /// The incentive's id.
    pub incentive: String,
    /// The component's plan path, `incentives[0].components[1]`.
    pub path: String,
    /// The finding in English, with the example's amounts.
    pub message: String,
    /// The same in Simplified Chinese.
    pub message_zh: String,
    /// Why the plan's authors chose it, when `[[design.intended]]` declares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended: Option<String>,
    /// The smallest example found.
    pub counterexample: Counterexample,
}

impl DesignFinding {
    /// The finding as a report lists it ([`Report::with_design`](crate::Report::with_design)),
    /// without its counterexample.
    pub fn note(&self) -> crate::report::DesignNote {
        crate::report::DesignNote {
            code: self.code.code().to_owned(),
            severity: self.severity,
            incentive: self.incentive.clone(),
            path: self.path.clone(),
            message: self.message.clone(),
            message_zh: self.message_zh.clone(),
            intended: self.intended.clone(),
        }
    }

    /// The message in `locale` (`zh…` gives Chinese, anything else English).
    pub fn message_in(&self, locale: &str) -> &str {
        if locale.trim().to_ascii_lowercase().starts_with("zh") {
            &self.message_zh
        } else {
            &self.message
        }
    }
}

/// The example behind a finding: the component priced at a few inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counterexample {
    /// The cases, each the component's inputs and what it pays there.
    pub cases: Vec<Case>,
    /// What the finding is about, in money: the jump of a cliff, the gain of a move or
    /// split, how much less the later step of a decelerator pays, the negative pay, the
    /// pay beyond the exposure, what a pool member gains when a colleague leaves.
    pub difference: Decimal,
    /// The amount of the metric moved or split, for `design.sandbagging` and
    /// `design.split`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Decimal>,
}

/// One priced case of a counterexample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// What the case is, such as `below` and `at` (a cliff), `this_before`,
    /// `next_before`, `this_after`, `next_after` (a move).
    pub role: &'static str,
    /// The inputs, as `evaluate_component` reads them.
    pub inputs: ComponentInputs,
    /// What the component pays for them.
    pub paid: Decimal,
}

impl Plan {
    /// Explores each incentive component's pay and returns its design findings, in plan
    /// order: cliffs, decelerators, sandbagging, splits, negative and unbounded pay, and
    /// team pools that reward a colleague's leaving. Thresholds come from `[design]`;
    /// findings it declares intended are kept as `info` with their reason. The plan is
    /// checked first (its errors are returned as they are), and its intended findings
    /// ([`DesignSettings::check_intended`](crate::plan::DesignSettings::check_intended)).
    pub fn design_check(&self) -> Result<Vec<DesignFinding>> {
        self.check()?;
        self.design.check_intended(&self.incentives)?;
        let mut out = Vec::new();
        for (i, incentive) in self.incentives.iter().enumerate() {
            for j in 0..incentive.components.len() {
                let subject = match subject::Subject::explore(self, i, j)? {
                    subject::Explore::Yes(subject) => subject,
                    subject::Explore::Skip => continue,
                    subject::Explore::Not([why, why_zh]) => {
                        out.push(not_explored(self, i, j, &why, &why_zh));
                        continue;
                    }
                };
                let subject = &*subject;
                let before = out.len();
                explore::cliffs(subject, &mut out)?;
                explore::decelerators(subject, &mut out)?;
                moves::sandbagging(subject, &mut out)?;
                moves::split(subject, &mut out)?;
                explore::negative(subject, &mut out)?;
                explore::unbounded(subject, &mut out)?;
                moves::pool_leaver(subject, &mut out)?;
                for finding in &mut out[before..] {
                    let reason = self
                        .design
                        .intended_reason(&finding.path, finding.code.code());
                    if let Some(reason) = reason {
                        finding.severity = Severity::Info;
                        finding.intended = Some(reason.to_owned());
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The information that component `j` of incentive `i` was not explored, and why.
fn not_explored(plan: &Plan, i: usize, j: usize, why: &str, why_zh: &str) -> DesignFinding {
    DesignFinding {
        code: DesignCode::NotExplored,
        severity: Severity::Info,
        incentive: plan.incentives[i].id.clone(),
        path: format!("incentives[{i}].components[{j}]"),
        message: format!("not explored: {why}"),
        message_zh: format!("未检查：{why_zh}"),
        intended: None,
        counterexample: Counterexample {
            cases: Vec::new(),
            difference: Decimal::ZERO,
            moved: None,
        },
    }
}
