//! SMART validation: is each goal Specific, Measurable, Achievable, Relevant and
//! Time-bound? [`Plan::validate`] returns findings, each with a stable code, the goal and
//! its plan path, and a message in English and Simplified Chinese.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Plan;
use crate::decimal::TryArithmetic;
use crate::fact::FactTable;
use crate::formula::{Unit, suggest};
use crate::goal::{Baseline, Calendars, Direction, GoalPeriod, Target, share, targets};
use crate::maps::IntoSet;
use crate::measure::Measures;
use crate::measure::MetricBook;
use crate::org::ScopeKind;
use crate::period::Period;
use crate::text::{Locale, group_thousands, percent};

/// Settings of SMART validation, under `[smart]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SmartSettings {
    /// Required growth above this is not achievable (an error); default 0.5 (+50%).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub max_growth: Decimal,
    /// How many past comparable periods the history check looks at; default 3.
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub history_periods: u32,
}

impl Default for SmartSettings {
    fn default() -> SmartSettings {
        SmartSettings {
            max_growth: Decimal::new(5, 1),
            history_periods: 3,
        }
    }
}

pub use crate::report::findings::{
    Criterion, FINDING_CODES, Finding, FindingCode, Severity, findings_text,
};

struct Findings<'p> {
    plan: &'p Plan,
    out: Vec<Finding>,
    /// Each goal id's first position, so that checks find parents without a scan.
    position: hashbrown::HashMap<&'p str, usize>,
    /// The goals that name each goal as their parent, in plan order.
    children: hashbrown::HashMap<&'p str, Vec<usize>>,
}

impl<'p> Findings<'p> {
    fn new(plan: &'p Plan) -> Self {
        let mut position = hashbrown::HashMap::with_capacity(plan.goals.len());
        let mut children: hashbrown::HashMap<&str, Vec<usize>> = hashbrown::HashMap::new();
        for (i, goal) in plan.goals.iter().enumerate() {
            position.entry(goal.id.as_str()).or_insert(i);
            if let Some(parent) = goal.parent.as_deref() {
                children.entry(parent).or_default().push(i);
            }
        }
        Findings {
            plan,
            out: Vec::new(),
            position,
            children,
        }
    }

    /// The goal with id `id` (the first, if ids repeat).
    fn goal(&self, id: &str) -> Option<&'p crate::goal::Goal> {
        self.position.get(id).map(|&i| &self.plan.goals[i])
    }
}

impl Findings<'_> {
    /// A check of goal `goal` could not finish: a number is beyond the exact range.
    fn overflow(&mut self, goal: usize, field: &str, error: &crate::error::Error) {
        self.push(
            Criterion::A,
            Severity::Error,
            FindingCode::PlanInvalid,
            goal,
            field,
            format!("the plan cannot be checked: {}", error.message()),
            format!("计划无法检查：{}", error.message()),
        );
    }

    #[allow(clippy::too_many_arguments)] // a finding is these seven things
    fn push(
        &mut self,
        criterion: Criterion,
        severity: Severity,
        code: FindingCode,
        goal: usize,
        field: &str,
        message: String,
        message_zh: String,
    ) {
        let path = if field.is_empty() {
            format!("goals[{goal}]")
        } else {
            format!("goals[{goal}].{field}")
        };
        self.out.push(Finding {
            criterion,
            severity,
            code,
            goal: self.plan.goals[goal].id.clone(),
            path,
            message,
            message_zh,
        });
    }
}

impl Plan {
    /// Checks every goal against the SMART criteria. `history` (facts of past periods)
    /// enables the data checks: does the metric have data, and is the required growth
    /// within what history shows. `as_of` is the day the plan is judged on (the plan's
    /// `date` when omitted): a goal whose period has ended by then is flagged.
    ///
    /// A draft plan ([`Plan::draft_from_toml`]) can be validated: what it lacks is
    /// reported as findings. Findings come in plan order, by criterion.
    pub fn validate(&self, history: Option<&FactTable>, as_of: Option<NaiveDate>) -> Vec<Finding> {
        let mut findings = Findings::new(self);
        let metrics = self.metric_defs().unwrap_or_default();
        let book = MetricBook::new(&metrics).ok();
        let unit_of = |metric: &str| book.as_ref().map(|b| b.unit(metric));
        let as_of = as_of.or(self.date);
        for (i, goal) in self.goals.iter().enumerate() {
            specific(
                &mut findings,
                i,
                unit_of(goal.metric_id()),
                metrics.contains_key(goal.metric_id()),
            );
            if let Some(metric) = goal.metric.as_deref()
                && !metrics.contains_key(metric)
            {
                let near = suggest(metric, metrics.keys().map(String::as_str));
                let hint = near
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_default();
                let hint_zh = near
                    .map(|near| format!("；是否指 `{near}`？"))
                    .unwrap_or_default();
                findings.push(
                    Criterion::M,
                    Severity::Error,
                    FindingCode::MeasurableUnknownMetric,
                    i,
                    "metric",
                    format!("the metric `{metric}` is not defined{hint}"),
                    format!("指标 `{metric}` 未定义{hint_zh}"),
                );
            }
            growth_rate_goal(&mut findings, i, book.as_ref());
            achievable_target(&mut findings, i, book.as_ref());
            relevant(&mut findings, i, &unit_of);
            time_bound(&mut findings, i, as_of);
        }
        capacity(&mut findings, book.as_ref(), as_of);
        match (history, self.check()) {
            (Some(history), Ok(())) => with_history(&mut findings, history, book.as_ref()),
            (_, Err(e)) if findings.out.iter().all(|f| f.severity != Severity::Error) => {
                // A problem no SMART check names: report it rather than hide it.
                let path = e.location().path.clone().unwrap_or_default();
                let goal = path
                    .strip_prefix("goals[")
                    .and_then(|rest| rest.split(']').next())
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| self.goals.get(i))
                    .map(|g| g.id.clone())
                    .unwrap_or_default();
                findings.out.push(Finding {
                    criterion: Criterion::S,
                    severity: Severity::Error,
                    code: FindingCode::PlanInvalid,
                    goal,
                    path,
                    message: format!("the plan does not check: {}", e.message()),
                    message_zh: format!("计划检查未通过：{}", e.message()),
                });
            }
            _ => {}
        }
        // In plan order (a goal's first position, looked up by hash: a scan per finding
        // made validating 20,000 goals take seconds), then by criterion.
        let Findings { out, position, .. } = findings;
        // The key packs (goal position, criterion): five criteria fit in the low bits.
        crate::maps::sorted_by_key(out, |f| {
            let goal = position.get(f.goal.as_str()).copied().unwrap_or(usize::MAX);
            let goal = u32::try_from(goal)
                .unwrap_or(u32::MAX >> 3)
                .min(u32::MAX >> 3);
            (goal << 3) | f.criterion as u32
        })
    }
}

fn specific(findings: &mut Findings<'_>, i: usize, unit: Option<Unit>, known_metric: bool) {
    let goal = &findings.plan.goals[i];
    if goal.metric.is_none() {
        findings.push(
            Criterion::S,
            Severity::Error,
            FindingCode::SpecificNoMetric,
            i,
            "metric",
            "the goal does not say what it measures: give it a `metric`".to_owned(),
            "目标没有说明衡量什么：请指定 `metric`".to_owned(),
        );
    }
    match (goal.scope, goal.owner.as_deref()) {
        (None, None) => findings.push(
            Criterion::S,
            Severity::Error,
            FindingCode::SpecificNoScope,
            i,
            "scope",
            "the goal is for nobody: give it a `scope` (company, team, member) or an `owner`"
                .to_owned(),
            "目标没有对象：请指定 `scope`（公司、团队、个人）或 `owner`".to_owned(),
        ),
        (Some(ScopeKind::Company | ScopeKind::Team | ScopeKind::Dimension), None) => {
            findings.push(
                Criterion::S,
                Severity::Warning,
                FindingCode::SpecificNoOwner,
                i,
                "owner",
                "nobody is accountable for the goal: name its `owner`".to_owned(),
                "目标没有责任人：请指定 `owner`".to_owned(),
            );
        }
        _ => {}
    }
    if goal.target.is_none() && goal.targets.is_empty() {
        findings.push(
            Criterion::S,
            Severity::Error,
            FindingCode::SpecificNoTarget,
            i,
            "target",
            "the goal has no numeric target".to_owned(),
            "目标没有具体数值".to_owned(),
        );
    }
    if let (Some(declared), Some(unit), true) = (goal.unit, unit, known_metric)
        && declared != unit
        && unit != Unit::Number
    {
        findings.push(
            Criterion::S,
            Severity::Error,
            FindingCode::SpecificUnitMismatch,
            i,
            "unit",
            format!(
                "the target is in {} but the metric is in {}",
                unit_name(declared),
                unit_name(unit)
            ),
            format!(
                "目标单位是{}，但指标单位是{}",
                unit_name_zh(declared),
                unit_name_zh(unit)
            ),
        );
    }
}

/// A goal on a rate of change (`growth(revenue)`) scores attainment as one rate over
/// another: 10.7% growth against a 0.5% target is 2,140%, and any fall is below zero,
/// which distorts leaderboards and pays tiers on nonsense. The goal belongs on the metric
/// itself, with a growth target over a rolling baseline.
fn growth_rate_goal(findings: &mut Findings<'_>, i: usize, book: Option<&MetricBook<'_>>) {
    let goal = &findings.plan.goals[i];
    let Some((function, changing)) = book.and_then(|b| b.change_of(goal.metric_id())) else {
        return;
    };
    let metric = goal.metric_id();
    let growth = match &goal.target {
        Some(crate::goal::Target::Fixed(rate)) => rate.normalize().to_string(),
        _ => "0.10".to_owned(),
    };
    let window = if function == "yoy" {
        "last_year"
    } else {
        "previous"
    };
    findings.push(
        Criterion::M,
        Severity::Warning,
        FindingCode::MeasurableGrowthRateAttainment,
        i,
        "metric",
        format!(
            "`{metric}` is a rate of change ({function}({changing})), so attainment divides one rate by another: a small target makes modest growth score thousands of percent, and a fall scores below zero; set the goal on `{changing}` with `target = {{ growth = \"{growth}\" }}` and `baseline = {{ period = \"{window}\" }}`"
        ),
        format!(
            "`{metric}` 是变化率（{function}({changing})），达成率等于用一个增长率除以另一个：目标较小时，普通的增长也会得到成千上万的百分比，下降则为负数；请改为对 `{changing}` 设定 `target = {{ growth = \"{growth}\" }}` 和 `baseline = {{ period = \"{window}\" }}`"
        ),
    );
}

fn unit_name_zh(unit: Unit) -> &'static str {
    match unit {
        Unit::Number => "数值",
        Unit::Money => "金额",
        Unit::Percent => "百分比",
        Unit::Count => "数量",
        Unit::Days => "天数",
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Number => "number",
        Unit::Money => "money",
        Unit::Percent => "percent",
        Unit::Count => "count",
        Unit::Days => "days",
    }
}

fn direction_of(findings: &Findings<'_>, i: usize, book: Option<&MetricBook<'_>>) -> Direction {
    let goal = &findings.plan.goals[i];
    goal.direction
        .or_else(|| book.and_then(|b| b.direction(goal.metric_id())))
        .unwrap_or_default()
}

/// The fixed targets a goal states (its `target` and per-scope `targets`).
fn stated_targets(goal: &crate::goal::Goal) -> Vec<Decimal> {
    let mut out: Vec<Decimal> = goal.targets.values().copied().collect();
    if let Some(Target::Fixed(t)) = goal.target {
        out.push(t);
    }
    out
}

fn achievable_target(findings: &mut Findings<'_>, i: usize, book: Option<&MetricBook<'_>>) {
    let goal = &findings.plan.goals[i];
    let Some(book) = book else { return };
    let unit = book.unit(goal.metric_id());
    let higher = direction_of(findings, i, Some(book)) == Direction::Higher;
    if higher
        && matches!(unit, Unit::Count | Unit::Money)
        && stated_targets(goal).iter().any(|t| *t <= Decimal::ZERO)
    {
        findings.push(
            Criterion::A,
            Severity::Error,
            FindingCode::AchievableNonPositiveTarget,
            i,
            "target",
            "a target of zero or less for a higher-is-better amount or count asks for nothing"
                .to_owned(),
            "越高越好的金额或数量，目标却不大于零，等于没有要求".to_owned(),
        );
    }
    // Growth beyond the plan's limit, from the rule or a numeric baseline. The limit is
    // a year's: over a span of several whole years it compounds (50% a year is 237.5%
    // over three).
    let years = span_years(findings.plan, goal);
    let yearly = findings.plan.smart.max_growth;
    let additive = book.is_additive(goal.metric_id());
    let limit = compounded(yearly, years, additive).unwrap_or(Decimal::MAX);
    if let Some(growth) = required_growth(goal, None)
        && growth > limit
    {
        let (need, cap) = (percent(growth), percent(limit.round_dp(4)));
        let (over, over_zh) = match years {
            1 => (String::new(), String::new()),
            n => {
                let a_year = percent(yearly);
                (
                    format!(" ({a_year} a year over {n} years)"),
                    format!("（每年 {a_year}，共 {n} 年）"),
                )
            }
        };
        findings.push(
            Criterion::A,
            Severity::Error,
            FindingCode::AchievableGrowthAboveLimit,
            i,
            "target",
            format!("the target needs {need} growth, above the plan's limit of {cap}{over}"),
            format!("目标要求增长 {need}，超过计划上限 {cap}{over_zh}"),
        );
    }
}

/// The growth a goal over `years` may need at `yearly` growth, over a year's baseline: a
/// level compounds, `(1 + yearly)^years - 1`; a total that adds up sums the years,
/// `(1 + yearly) + … + (1 + yearly)^years - 1` (three years at 50% may total 7.125 times
/// a year's baseline). `None` beyond the exact range.
fn compounded(yearly: Decimal, years: u32, additive: bool) -> Option<Decimal> {
    use crate::decimal::TryArithmetic;
    let factor = Decimal::ONE.try_add(yearly)?;
    let mut year = factor;
    let mut total = factor;
    for _ in 1..years {
        year = year.try_mul(factor)?;
        total = if additive { total.try_add(year)? } else { year };
    }
    total.try_sub(Decimal::ONE)
}

/// The whole years a goal's one period spans (`FY2027..FY2029` is 3), else 1.
fn span_years(plan: &Plan, goal: &crate::goal::Goal) -> u32 {
    goal.period
        .as_deref()
        .and_then(|p| plan.calendar.parse_period(p).ok())
        .and_then(|p| p.span_of())
        .and_then(|(grain, count)| (grain == crate::period::Grain::Year).then_some(count))
        .unwrap_or(1)
}

/// The growth a goal requires over its baseline: its growth rule, or a fixed target over
/// a numeric (or given, measured) baseline.
fn required_growth(goal: &crate::goal::Goal, measured: Option<Decimal>) -> Option<Decimal> {
    match (&goal.target, &goal.baseline) {
        (Some(Target::Growth { growth }), _) => Some(*growth),
        (Some(Target::Fixed(t)), Some(Baseline::Value(b))) => {
            crate::decimal::ratio(*t, *b).and_then(|r| r.try_sub(Decimal::ONE))
        }
        (Some(Target::Fixed(t)), Some(Baseline::Measured { .. })) => {
            crate::decimal::ratio(*t, measured?).and_then(|r| r.try_sub(Decimal::ONE))
        }
        _ => None,
    }
}

fn relevant(findings: &mut Findings<'_>, i: usize, unit_of: &dyn Fn(&str) -> Option<Unit>) {
    let goal = &findings.plan.goals[i];
    if goal.objective.is_none() && goal.parent.is_none() {
        findings.push(
            Criterion::R,
            Severity::Warning,
            FindingCode::RelevantNoLink,
            i,
            "objective",
            "the goal serves no objective and has no parent goal".to_owned(),
            "目标没有关联战略目标，也没有上级目标".to_owned(),
        );
    }
    let parent = goal.parent.as_deref().and_then(|p| findings.goal(p));
    if let Some(parent) = parent
        && let (Some(child_unit), Some(parent_unit)) =
            (unit_of(goal.metric_id()), unit_of(parent.metric_id()))
        && goal.metric.is_some()
        && parent.metric.is_some()
        && child_unit != parent_unit
    {
        findings.push(
            Criterion::R,
            Severity::Error,
            FindingCode::RelevantIncompatibleParent,
            i,
            "parent",
            format!(
                "the goal measures {} in {} but its parent `{}` measures {} in {}",
                goal.metric_id(),
                unit_name(child_unit),
                parent.id,
                parent.metric_id(),
                unit_name(parent_unit)
            ),
            format!(
                "目标以{}衡量 {}，但上级目标 `{}` 以{}衡量 {}",
                unit_name_zh(child_unit),
                goal.metric_id(),
                parent.id,
                unit_name_zh(parent_unit),
                parent.metric_id()
            ),
        );
    }
}

fn time_bound(findings: &mut Findings<'_>, i: usize, as_of: Option<NaiveDate>) {
    let plan = findings.plan;
    let goal = &plan.goals[i];
    let Some(text) = goal.period.as_deref() else {
        findings.push(
            Criterion::T,
            Severity::Error,
            FindingCode::TimeBoundNoPeriod,
            i,
            "period",
            "the goal has no period: when is it due?".to_owned(),
            "目标没有期限：何时完成？".to_owned(),
        );
        return;
    };
    let Ok(GoalPeriod::Only(period)) = GoalPeriod::parse(&plan.calendar, text) else {
        return; // a recurring goal is always current; an unreadable period fails `check`
    };
    if let Some(day) = as_of
        && period.end() <= day
    {
        findings.push(
            Criterion::T,
            Severity::Warning,
            FindingCode::TimeBoundPeriodOver,
            i,
            "period",
            format!("the period {} ended before {day}", period.label()),
            format!("期间 {} 在 {day} 之前已经结束", period.label()),
        );
    }
    let long = period.days() >= 365;
    let children = findings.children.get(goal.id.as_str());
    let has_milestones = children.into_iter().flatten().any(|&c| {
        plan.goals[c].period.as_deref().is_some_and(|p| {
            GoalPeriod::parse(&plan.calendar, p).is_ok_and(|gp| match gp {
                GoalPeriod::Every(_) => true,
                GoalPeriod::Only(q) => q.days() < period.days(),
            })
        })
    });
    if long && !has_milestones && goal.checkpoints.is_none() {
        findings.push(
            Criterion::T,
            Severity::Warning,
            FindingCode::TimeBoundNoMilestones,
            i,
            "period",
            format!(
                "{} is a long-term goal without short-term milestones: add monthly or quarterly goals with this goal as their parent",
                period.label()
            ),
            format!(
                "{} 是长期目标，但没有短期里程碑：请添加以本目标为上级的月度或季度目标",
                period.label()
            ),
        );
    }
}

/// Team goals not covered by the member goals on the same metric and period. Member
/// goals that prorate are compared in one goal period, with the members in the team then
/// and their ramped, leave-relieved targets: the team goal's own period, or the recurring
/// goal's period on the day judged (`as_of`); without either, at full targets.
fn capacity(findings: &mut Findings<'_>, book: Option<&MetricBook<'_>>, as_of: Option<NaiveDate>) {
    let plan = findings.plan;
    let Some(book) = book else { return };
    // The first member goal of each metric and period, and each team's members, found
    // once (a scan per team goal was quadratic in the number of goals).
    let mut member_goals: hashbrown::HashMap<(Option<&str>, Option<&str>), &crate::goal::Goal> =
        hashbrown::HashMap::new();
    for g in plan
        .goals
        .iter()
        .filter(|g| g.scope == Some(ScopeKind::Member))
    {
        member_goals
            .entry((g.metric.as_deref(), g.period.as_deref()))
            .or_insert(g);
    }
    let calendars = Calendars::of(&plan.org);
    let mut members_of: hashbrown::HashMap<&str, BTreeSet<&str>> = hashbrown::HashMap::new();
    for m in &plan.org.members {
        members_of
            .entry(m.team.as_str())
            .or_default()
            .insert(m.id.as_str());
    }
    for (i, team_goal) in plan.goals.iter().enumerate() {
        if team_goal.scope != Some(ScopeKind::Team) || !book.is_additive(team_goal.metric_id()) {
            continue;
        }
        let key = (team_goal.metric.as_deref(), team_goal.period.as_deref());
        let Some(member_goal) = member_goals.get(&key).copied() else {
            continue;
        };
        for team in &plan.org.teams {
            let Some(team_target) = fixed_target(team_goal, &team.id) else {
                continue;
            };
            let period = prorated_period(plan, team_goal, member_goal, as_of);
            let members = team_members(plan, &members_of, &team.id, period);
            let prorated = period.map(|p| (p, &calendars, team.id.as_str()));
            let member_targets = match member_targets(plan, member_goal, &members, prorated) {
                Ok(Some(targets)) => targets,
                Ok(None) => continue, // targets set by rules: nothing fixed to compare
                Err(e) => {
                    findings.overflow(i, "target", &e);
                    continue;
                }
            };
            let check = match targets::capacity(team_target, &member_targets) {
                Ok(check) => check,
                Err(e) => {
                    findings.overflow(i, "target", &e);
                    continue;
                }
            };
            if !check.covered {
                // Called as people call them: the team's and the goal's display names.
                let team_name = |l| team.names.pick(l, Some(&team.name), &team.id);
                let goal_name = |l| {
                    member_goal
                        .names
                        .pick(l, member_goal.name.as_deref(), &member_goal.id)
                };
                let (when, when_zh) = period.map_or((String::new(), String::new()), |p| {
                    (
                        format!(" in {}, after ramp-up and leave", p.label()),
                        format!(
                            "，{}按爬坡和休假折算后",
                            crate::period::label_in(&p.label(), Locale::ZhCn)
                        ),
                    )
                });
                findings.push(
                    Criterion::A,
                    Severity::Warning,
                    FindingCode::AchievableTeamNotCovered,
                    i,
                    "target",
                    format!(
                        "team {}: its members' targets ({}, goal {}{when}) cover {} of the team target {}",
                        team_name(Locale::En),
                        group_thousands(check.assigned),
                        goal_name(Locale::En),
                        percent(crate::decimal::ratio(check.assigned, team_target).unwrap_or_default().round_dp(4)),
                        group_thousands(team_target)
                    ),
                    format!(
                        "团队 {}：成员目标合计 {}（目标“{}”{when_zh}），只覆盖团队目标 {} 的 {}",
                        team_name(Locale::ZhCn),
                        group_thousands(check.assigned),
                        goal_name(Locale::ZhCn),
                        group_thousands(team_target),
                        percent(crate::decimal::ratio(check.assigned, team_target).unwrap_or_default().round_dp(4))
                    ),
                );
            }
        }
    }
}

/// The ids of the members of team `id`: in `period` when it is given, else in any of
/// their stints.
fn team_members<'p>(
    plan: &'p Plan,
    members_of: &hashbrown::HashMap<&str, BTreeSet<&'p str>>,
    id: &str,
    period: Option<Period>,
) -> BTreeSet<&'p str> {
    let Some(p) = period else {
        return members_of.get(id).cloned().unwrap_or_default();
    };
    // Each once; inserted one by one (collecting into a set compiles a sort into the
    // wasm).
    let mut members = BTreeSet::new();
    for m in &plan.org.members {
        if m.team == id && m.overlaps(p.start(), p.end()) {
            members.insert(m.id.as_str());
        }
    }
    members
}

/// The goal period in which a prorating member goal's targets are compared with
/// `team_goal`'s, if it has one.
fn prorated_period(
    plan: &Plan,
    team_goal: &crate::goal::Goal,
    member_goal: &crate::goal::Goal,
    as_of: Option<NaiveDate>,
) -> Option<Period> {
    if member_goal.prorate.is_empty() {
        return None;
    }
    let goal_period = GoalPeriod::parse(&plan.calendar, team_goal.period.as_deref()?).ok()?;
    match goal_period {
        GoalPeriod::Only(p) => Some(p),
        GoalPeriod::Every(_) => goal_period.period_on(&plan.calendar, as_of?),
    }
}

/// The fixed targets of `members` in `goal`, each prorated by their days in `team` in
/// `period` when it is given; `None` when a rule sets one of them.
fn member_targets(
    plan: &Plan,
    goal: &crate::goal::Goal,
    members: &BTreeSet<&str>,
    prorated: Option<(Period, &Calendars<'_>, &str)>,
) -> crate::error::Result<Option<Vec<Decimal>>> {
    let mut targets = Vec::with_capacity(members.len());
    for m in members {
        let Some(full) = fixed_target(goal, m) else {
            return Ok(None);
        };
        targets.push(match prorated {
            None => full,
            Some((p, calendars, team)) => {
                let member = calendars.member(m);
                let share = share(member, plan.ramp.as_ref(), &goal.prorate, &p, Some(team))?;
                if share.is_full() {
                    full
                } else {
                    plan.rounding.apply(share.of(full)?)?
                }
            }
        });
    }
    Ok(Some(targets))
}

fn fixed_target(goal: &crate::goal::Goal, id: &str) -> Option<Decimal> {
    goal.targets.get(id).copied().or(match goal.target {
        Some(Target::Fixed(t)) => Some(t),
        _ => None,
    })
}

/// The checks that read past facts: data exists, and growth is within history.
fn with_history(findings: &mut Findings<'_>, history: &FactTable, book: Option<&MetricBook<'_>>) {
    let plan = findings.plan;
    let (Some(book), Some((first, last))) = (book, history.date_range()) else {
        return;
    };
    let Some(end) = last.succ_opt() else { return };
    let Ok(whole) = Period::range(first, end) else {
        return;
    };
    let Ok(all) = plan.measure(history, &whole) else {
        return;
    };
    let has_data = |metric: &str| {
        book.leaves(metric).iter().any(|leaf| {
            all.metrics
                .get(*leaf)
                .is_some_and(|scopes| scopes.values().any(|p| p.count > 0))
        })
    };
    for (i, goal) in plan.goals.iter().enumerate() {
        if !has_data(goal.metric_id()) {
            findings.push(
                Criterion::M,
                Severity::Warning,
                FindingCode::MeasurableNoData,
                i,
                "metric",
                format!(
                    "no fact in the history ({first} to {last}) feeds `{}`: it cannot be measured yet",
                    goal.metric_id()
                ),
                format!(
                    "历史数据（{first} 至 {last}）中没有可用于 `{}` 的记录：暂时无法衡量",
                    goal.metric_id()
                ),
            );
            continue;
        }
        growth_against_history(findings, i, history, (first, end), book);
    }
}

/// Compares the growth a goal needs with the best growth of its metric (company-wide)
/// over the last comparable periods that the history covers in full.
fn growth_against_history(
    findings: &mut Findings<'_>,
    i: usize,
    history: &FactTable,
    (first, end): (NaiveDate, NaiveDate),
    book: &MetricBook<'_>,
) {
    let plan = findings.plan;
    let goal = &plan.goals[i];
    let Some(Ok(GoalPeriod::Only(period))) = goal
        .period
        .as_deref()
        .map(|p| GoalPeriod::parse(&plan.calendar, p))
    else {
        return;
    };
    let company = |p: &Period| -> crate::error::Result<Option<Decimal>> {
        if p.start() < first || p.end() > end {
            return Ok(None); // not covered in full: a partial year is no comparison
        }
        let measures: Measures = match plan.measure(history, p) {
            Ok(measures) => measures,
            Err(e) if e.kind() == crate::error::ErrorKind::DataOverflow => return Err(e),
            Err(_) => return Ok(None),
        };
        let keys: Vec<String> = measures
            .metrics
            .values()
            .flat_map(|scopes| scopes.keys().cloned())
            .into_set()
            .into_iter()
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        book.value(
            goal.metric_id(),
            &keys,
            &crate::measure::IndexedMeasures::new(&measures),
            None,
        )
    };
    let best = || -> crate::error::Result<Option<(Decimal, Decimal)>> {
        let window =
            crate::goal::BaselineWindow::of(goal.baseline.as_ref(), &plan.calendar, &|_| {
                String::new()
            });
        let baseline = match window.map(|w| w.map(|w| w.period_for(&period))) {
            Ok(Some(Ok(p))) => company(&p)?,
            _ => None,
        };
        let Some(required) = required_growth(goal, baseline) else {
            return Ok(None);
        };
        let mut best: Option<Decimal> = None;
        let mut current = period;
        for _ in 0..plan.smart.history_periods {
            let (Ok(before), Ok(earlier)) = (current.prev(), current.prev().and_then(|p| p.prev()))
            else {
                break;
            };
            if let (Some(now), Some(then)) = (company(&before)?, company(&earlier)?)
                && let Some(growth) =
                    crate::decimal::ratio(now, then).and_then(|r| r.try_sub(Decimal::ONE))
            {
                best = Some(best.map_or(growth, |b: Decimal| b.max(growth)));
            }
            current = before;
        }
        Ok(best.map(|best| (required, best)))
    };
    let (required, best) = match best() {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(e) => {
            findings.overflow(i, "target", &e);
            return;
        }
    };
    if required > best {
        findings.push(
            Criterion::A,
            Severity::Warning,
            FindingCode::AchievableGrowthAboveHistory,
            i,
            "target",
            format!(
                "the target needs {} growth; the best of the last {} comparable periods was {}",
                percent(required.round_dp(4)),
                plan.smart.history_periods,
                percent(best.round_dp(4))
            ),
            format!(
                "目标要求增长 {}，而最近 {} 个可比期间的最好增长为 {}",
                percent(required.round_dp(4)),
                plan.smart.history_periods,
                percent(best.round_dp(4))
            ),
        );
    }
}
