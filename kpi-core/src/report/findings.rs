//! SMART findings as data and words: [`Finding`] with its criterion, severity and code,
//! and [`findings_text`]. They live beside the report, which can carry a plan's findings
//! and render them; `Plan::validate` (in `plan::validate`, re-exported as
//! `kpi_core::smart`) finds them.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::Labels;
use crate::text::{Locale, Message};

/// The SMART criterion a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Criterion {
    /// Specific: what, for whom, how much.
    S,
    /// Measurable: a known metric with data.
    M,
    /// Achievable: within reach of what history shows.
    A,
    /// Relevant: linked to an objective or a parent goal.
    R,
    /// Time-bound: a period that is still ahead, with milestones.
    T,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Severity {
    /// The goal cannot work as written.
    Error,
    /// The goal works but is doubtful.
    Warning,
    /// Worth knowing.
    Info,
}

/// One SMART finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Finding {
    /// S, M, A, R or T.
    pub criterion: Criterion,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// A stable code, such as `smart.achievable.growth_above_history` (serialised as that
    /// string).
    pub code: FindingCode,
    /// The goal id (empty for the plan as a whole).
    pub goal: String,
    /// The plan path of the field concerned, such as `goals[2].target`.
    pub path: String,
    /// The message in English.
    pub message: String,
    /// The message in Simplified Chinese.
    pub message_zh: String,
}

/// A plan design finding as a report lists it (see the report's `with_design`): what the
/// plan's design check finds, without the counterexample (the design findings themselves
/// carry it). Read from a design finding's JSON, whose other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct DesignNote {
    /// The finding's code (`design.cliff`).
    pub code: String,
    /// `warning`, or `info` when the plan declares it intended.
    pub severity: Severity,
    /// The incentive's id.
    pub incentive: String,
    /// The component's path in the plan (`incentives[0].components[1]`).
    pub path: String,
    /// What it finds, in English.
    pub message: String,
    /// What it finds, in Chinese.
    pub message_zh: String,
    /// Why the plan declares it intended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub intended: Option<String>,
}

impl DesignNote {
    /// The message in `locale`.
    pub fn message_for(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.message,
            Locale::ZhCn => &self.message_zh,
        }
    }
}

impl Finding {
    /// The message in `locale`: `zh`, `zh-CN` or `zh-Hans` give Chinese, anything else
    /// English.
    pub fn message_in(&self, locale: &str) -> &str {
        // Lenient, as it always was: any Chinese tag gives the (Simplified) message.
        if locale.trim().to_ascii_lowercase().starts_with("zh") {
            &self.message_zh
        } else {
            &self.message
        }
    }

    /// The message in `locale`.
    pub fn message_for(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.message,
            Locale::ZhCn => &self.message_zh,
        }
    }
}

impl Criterion {
    /// The criterion's name in `locale`: `Achievable`, `可实现` …
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Criterion::S => Message::CriterionSpecific,
            Criterion::M => Message::CriterionMeasurable,
            Criterion::A => Message::CriterionAchievable,
            Criterion::R => Message::CriterionRelevant,
            Criterion::T => Message::CriterionTimeBound,
        }
        .text(locale)
    }
}

impl Severity {
    /// The severity in `locale`: `warning`, `警告` …
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Severity::Error => Message::SeverityError,
            Severity::Warning => Message::SeverityWarning,
            Severity::Info => Message::SeverityInfo,
        }
        .text(locale)
    }
}

/// Findings as text in `locale`: a title with their count, then a line per finding with
/// its criterion and severity; in English its plan path, code and message, in Chinese
/// the goal's display name (`labels`, as `Plan::labels` gives them) and message.
///
/// ```text
/// SMART findings: 1
///   Achievable  warning goals[8].target [smart.achievable.team_not_covered] team East: …
/// SMART 检查结果：1
///   可实现  警告  团队月度销售额：团队 华东：…
/// ```
pub fn findings_text(findings: &[Finding], labels: &Labels, locale: Locale) -> String {
    let mut out = match locale {
        Locale::En => format!("SMART findings: {}\n", findings.len()),
        Locale::ZhCn => format!("SMART 检查结果：{}\n", findings.len()),
    };
    for f in findings {
        let criterion = f.criterion.label(locale);
        let severity = f.severity.label(locale);
        let _ = match locale {
            Locale::En => writeln!(
                out,
                "  {criterion:<11} {severity:<7} {} [{}] {}",
                f.path,
                f.code,
                f.message_for(locale)
            ),
            Locale::ZhCn => writeln!(
                out,
                "  {criterion}  {severity}  {}：{}",
                if f.goal.is_empty() {
                    Message::NamePlan.text(locale)
                } else {
                    labels.goal(&f.goal, locale)
                },
                f.message_for(locale)
            ),
        };
    }
    out
}

/// A SMART finding's stable code, such as `smart.achievable.growth_above_history`:
/// `smart.<criterion>.<check>`, or `smart.plan_invalid` for a problem no check names.
///
/// Serialised (in JSON, Python and JavaScript) as its code string ([`FindingCode::code`]).
/// New codes may be added in minor releases, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[non_exhaustive]
pub enum FindingCode {
    /// The goal names no metric. (`smart.specific.no_metric`)
    #[serde(rename = "smart.specific.no_metric")]
    SpecificNoMetric,
    /// The goal is for nobody: it has no `scope` and no `owner`. (`smart.specific.no_scope`)
    #[serde(rename = "smart.specific.no_scope")]
    SpecificNoScope,
    /// Nobody is accountable for the goal: it names no `owner`. (`smart.specific.no_owner`)
    #[serde(rename = "smart.specific.no_owner")]
    SpecificNoOwner,
    /// The goal has no numeric target. (`smart.specific.no_target`)
    #[serde(rename = "smart.specific.no_target")]
    SpecificNoTarget,
    /// The goal's declared `unit` is not the metric's. (`smart.specific.unit_mismatch`)
    #[serde(rename = "smart.specific.unit_mismatch")]
    SpecificUnitMismatch,
    /// The goal's metric is not defined. (`smart.measurable.unknown_metric`)
    #[serde(rename = "smart.measurable.unknown_metric")]
    MeasurableUnknownMetric,
    /// No fact in the history feeds the goal's metric. (`smart.measurable.no_data`)
    #[serde(rename = "smart.measurable.no_data")]
    MeasurableNoData,
    /// The goal's metric is a rate of change (`growth(revenue)`), so attainment divides one
    /// rate by another. (`smart.measurable.growth_rate_attainment`)
    #[serde(rename = "smart.measurable.growth_rate_attainment")]
    MeasurableGrowthRateAttainment,
    /// The target is zero or negative. (`smart.achievable.non_positive_target`)
    #[serde(rename = "smart.achievable.non_positive_target")]
    AchievableNonPositiveTarget,
    /// The target needs more growth than the best of recent comparable periods. (`smart.achievable.growth_above_history`)
    #[serde(rename = "smart.achievable.growth_above_history")]
    AchievableGrowthAboveHistory,
    /// The target needs more growth than `[smart] max_growth`. (`smart.achievable.growth_above_limit`)
    #[serde(rename = "smart.achievable.growth_above_limit")]
    AchievableGrowthAboveLimit,
    /// A team goal's target is not covered by its members' goals on the same metric and period. (`smart.achievable.team_not_covered`)
    #[serde(rename = "smart.achievable.team_not_covered")]
    AchievableTeamNotCovered,
    /// The goal serves no objective and has no parent goal. (`smart.relevant.no_link`)
    #[serde(rename = "smart.relevant.no_link")]
    RelevantNoLink,
    /// The goal's parent measures in another unit. (`smart.relevant.incompatible_parent`)
    #[serde(rename = "smart.relevant.incompatible_parent")]
    RelevantIncompatibleParent,
    /// The goal has no period. (`smart.time_bound.no_period`)
    #[serde(rename = "smart.time_bound.no_period")]
    TimeBoundNoPeriod,
    /// The goal's period has ended by the day the plan is judged on. (`smart.time_bound.period_over`)
    #[serde(rename = "smart.time_bound.period_over")]
    TimeBoundPeriodOver,
    /// A long-term goal has no shorter goals under it as milestones. (`smart.time_bound.no_milestones`)
    #[serde(rename = "smart.time_bound.no_milestones")]
    TimeBoundNoMilestones,
    /// The plan has a problem no SMART check names, or cannot be checked. (`smart.plan_invalid`)
    #[serde(rename = "smart.plan_invalid")]
    PlanInvalid,
}

impl FindingCode {
    /// The code string, as [`FindingCode::code`]: code that read `finding.code` as a
    /// `String` keeps compiling.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }

    /// The stable code string, for example `"smart.specific.no_target"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::SpecificNoMetric => "smart.specific.no_metric",
            Self::SpecificNoScope => "smart.specific.no_scope",
            Self::SpecificNoOwner => "smart.specific.no_owner",
            Self::SpecificNoTarget => "smart.specific.no_target",
            Self::SpecificUnitMismatch => "smart.specific.unit_mismatch",
            Self::MeasurableUnknownMetric => "smart.measurable.unknown_metric",
            Self::MeasurableNoData => "smart.measurable.no_data",
            Self::MeasurableGrowthRateAttainment => "smart.measurable.growth_rate_attainment",
            Self::AchievableNonPositiveTarget => "smart.achievable.non_positive_target",
            Self::AchievableGrowthAboveHistory => "smart.achievable.growth_above_history",
            Self::AchievableGrowthAboveLimit => "smart.achievable.growth_above_limit",
            Self::AchievableTeamNotCovered => "smart.achievable.team_not_covered",
            Self::RelevantNoLink => "smart.relevant.no_link",
            Self::RelevantIncompatibleParent => "smart.relevant.incompatible_parent",
            Self::TimeBoundNoPeriod => "smart.time_bound.no_period",
            Self::TimeBoundPeriodOver => "smart.time_bound.period_over",
            Self::TimeBoundNoMilestones => "smart.time_bound.no_milestones",
            Self::PlanInvalid => "smart.plan_invalid",
        }
    }

    /// Every code `Plan::validate` can report.
    pub const ALL: &'static [FindingCode] = &[
        Self::SpecificNoMetric,
        Self::SpecificNoScope,
        Self::SpecificNoOwner,
        Self::SpecificNoTarget,
        Self::SpecificUnitMismatch,
        Self::MeasurableUnknownMetric,
        Self::MeasurableNoData,
        Self::MeasurableGrowthRateAttainment,
        Self::AchievableNonPositiveTarget,
        Self::AchievableGrowthAboveHistory,
        Self::AchievableGrowthAboveLimit,
        Self::AchievableTeamNotCovered,
        Self::RelevantNoLink,
        Self::RelevantIncompatibleParent,
        Self::TimeBoundNoPeriod,
        Self::TimeBoundPeriodOver,
        Self::TimeBoundNoMilestones,
        Self::PlanInvalid,
    ];
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One of `names` (a value's serialised names), read as text: the readers of the finding
/// enums, which a report handed back to the browser module reads, share this one loop
/// instead of a derived reader each.
fn one_of<'de, D: serde::Deserializer<'de>, T: Copy>(
    deserializer: D,
    values: &[T],
    names: &'static [&'static str],
) -> Result<T, D::Error> {
    let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    names
        .iter()
        .position(|n| *n == name)
        .and_then(|i| values.get(i).copied())
        .ok_or_else(|| serde::de::Error::unknown_variant(&name, names))
}

impl<'de> Deserialize<'de> for Criterion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use Criterion::{A, M, R, S, T};
        one_of(deserializer, &[S, M, A, R, T], &["S", "M", "A", "R", "T"])
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use Severity::{Error, Info, Warning};
        one_of(
            deserializer,
            &[Error, Warning, Info],
            &["error", "warning", "info"],
        )
    }
}

/// Read by its code through [`FindingCode::ALL`], not a derived reader: one loop instead of
/// a match per code, which the browser module would pay for in every report it reads.
impl<'de> Deserialize<'de> for FindingCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        one_of(deserializer, Self::ALL, &FINDING_CODES)
    }
}

impl std::str::FromStr for FindingCode {
    type Err = crate::Error;

    /// The finding code `code` (`"smart.specific.no_target"`); another text is a
    /// `data.invalid_argument` error that lists the codes.
    fn from_str(code: &str) -> crate::Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.code() == code)
            .ok_or_else(|| {
                crate::error::unknown_code("finding code", code, Self::ALL.iter().map(|c| c.code()))
            })
    }
}

impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.code() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// Every finding code `Plan::validate` can report, as strings: the codes of
/// [`FindingCode::ALL`], in its order.
pub const FINDING_CODES: [&str; FindingCode::ALL.len()] = {
    let mut codes = [""; FindingCode::ALL.len()];
    let mut i = 0;
    while i < codes.len() {
        codes[i] = FindingCode::ALL[i].code();
        i += 1;
    }
    codes
};

#[cfg(test)]
mod tests {
    use super::{Criterion, FindingCode, Severity};

    /// The hand-written readers accept exactly what the derived writers write.
    #[test]
    fn finding_enums_read_back_what_they_write() {
        fn round_trip<T>(values: &[T])
        where
            T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
        {
            for value in values {
                let json = serde_json::to_string(value).unwrap();
                assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value, "{json}");
            }
        }
        use Criterion::{A, M, R, S, T};
        round_trip(&[S, M, A, R, T]);
        round_trip(&[Severity::Error, Severity::Warning, Severity::Info]);
        round_trip(FindingCode::ALL);
        for bad in ["\"s\"", "\"Warning\"", "\"smart.nope\"", "1", "null"] {
            assert!(serde_json::from_str::<Criterion>(bad).is_err());
            assert!(serde_json::from_str::<Severity>(bad).is_err());
            assert!(serde_json::from_str::<FindingCode>(bad).is_err());
        }
        let err = serde_json::from_str::<Severity>("\"fatal\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("expected one of `error`, `warning`, `info`"),
            "{err}"
        );
    }
}
