//! The review (考核): on a review date, the goals that are at risk or off track in the
//! periods then running, with their gap and the rate they now need.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Compiled, CompiledPlan, Plan};
use crate::error::Result;
use crate::fact::FactTable;
use crate::formula::Unit;
use crate::goal::Status;
use crate::org::ScopeKind;
use crate::period::{PeriodInfo, date_in};
use crate::report::{Labels, Locale, Message, as_percent, group_thousands, scope_word};

/// The goals that need attention on a review date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Review {
    /// The review date.
    #[serde(deserialize_with = "crate::period::date_text::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub as_of: NaiveDate,
    /// The goals at risk or off track, in plan order, each scope in org order.
    pub items: Vec<ReviewItem>,
    /// What the plan calls the metrics, goals and teams the items name by id.
    #[serde(default, skip_serializing_if = "Labels::are_empty")]
    #[cfg_attr(feature = "typescript", tsify(type = "Labels", optional))]
    pub labels: std::sync::Arc<Labels>,
}

impl Review {
    /// The review as text in `locale`: a line per goal scope that needs attention, with
    /// its period, status, attainment, gap and the rate it now needs. Words come from the
    /// message catalogue; goals and teams are called by their display names.
    ///
    /// ```text
    /// Review 2026-12-31: 2 goal scopes need attention
    ///   FY2027-Q3 Team CSAT 华南 South (team): at risk at 86.7%, short by 3.3 points
    /// 2026年12月31日考核：2 项目标需要关注
    ///   2027财年第3季度 团队客户满意度 华南（团队）：有风险，达成率 86.7%，差距 3.3 个百分点
    /// ```
    pub fn to_text(&self, locale: Locale) -> String {
        let day = date_in(self.as_of, locale);
        let count = self.items.len();
        let title = Message::TitleReview.text(locale);
        let mut out = match locale {
            Locale::En => format!("{title} {day}: {count} goal scopes need attention\n"),
            Locale::ZhCn => format!("{day}{title}：{count} 项目标需要关注\n"),
        };
        for item in &self.items {
            let goal = self.labels.goal(&item.goal, locale);
            let name = match item.scope {
                ScopeKind::Team => self.labels.team(&item.id, locale),
                ScopeKind::Company => Message::NameCompany.text(locale),
                _ => &item.name,
            };
            let scope = scope_word(item.scope).text(locale);
            let status = item.status.label(locale);
            let attainment = item.attainment.map(as_percent);
            let gap = item.gap.map(|g| gap_words(item.unit, g, locale));
            let per_day = item
                .required_per_day
                .map(|r| group_thousands(r.normalize()));
            let period = item.period.label_in(locale);
            // The words around the figures, then one line: one writer for both locales.
            let [open, close, at, short, needs, a_day] = match locale {
                Locale::En => [" (", "): ", " at ", ", short by ", ", needs ", " a day"],
                Locale::ZhCn => ["（", "）：", "，达成率 ", "，差距 ", "，每天需 ", ""],
            };
            for part in [
                "  ", &period, " ", goal, " ", name, open, scope, close, status,
            ] {
                out.push_str(part);
            }
            for (word, figure) in [(at, &attainment), (short, &gap), (needs, &per_day)] {
                if let Some(figure) = figure.as_deref() {
                    out.push_str(word);
                    out.push_str(figure);
                    if word == needs {
                        out.push_str(a_day);
                    }
                }
            }
            if let Some(forecast) = &item.forecast {
                forecast_words(&mut out, forecast, locale);
            }
            out.push('\n');
        }
        out
    }
}

/// What the open deals bring to a goal that forecasts: "; commit covers 800,000,
/// weighted pipeline 1,050,000" / "；承诺可覆盖 800,000，加权商机 1,050,000".
fn forecast_words(out: &mut String, forecast: &crate::report::Forecast, locale: Locale) {
    let amount = |d: Decimal| group_thousands(d.round_dp(2).normalize());
    let [commit, weighted] = match locale {
        Locale::En => ["; commit covers ", ", weighted pipeline "],
        Locale::ZhCn => ["；承诺可覆盖 ", "，加权商机 "],
    };
    for part in [
        commit,
        &amount(forecast.commit),
        weighted,
        &amount(forecast.weighted),
    ] {
        out.push_str(part);
    }
}

/// A gap in the metric's unit: percentage points for a percent metric, a grouped
/// number otherwise.
fn gap_words(unit: Unit, gap: Decimal, locale: Locale) -> String {
    if unit == Unit::Percent
        && let Some(points) = gap.checked_mul(Decimal::ONE_HUNDRED)
    {
        let points = points.round_dp(1).normalize();
        return match locale {
            Locale::En => format!("{points} points"),
            Locale::ZhCn => format!("{points} 个百分点"),
        };
    }
    group_thousands(gap.round_dp(2).normalize())
}

/// One goal and scope that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ReviewItem {
    /// The goal id.
    pub goal: String,
    /// The metric id.
    pub metric: String,
    /// The metric's unit.
    pub unit: Unit,
    /// The goal period running on the review date (or the last one, if it just ended).
    pub period: PeriodInfo,
    /// The kind of scope.
    pub scope: ScopeKind,
    /// The scope's id.
    pub id: String,
    /// The scope's display name.
    pub name: String,
    /// The actual so far.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub actual: Option<Decimal>,
    /// The target for the period.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub target: Option<Decimal>,
    /// The attainment so far.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub attainment: Option<Decimal>,
    /// The status the review goes by: the projected status while the period runs, the
    /// final status once it has ended.
    pub status: Status,
    /// How far short of the target.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub gap: Option<Decimal>,
    /// The rate needed per remaining day to reach the target (sums and counts).
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub required_per_day: Option<Decimal>,
    /// For a goal with `forecast = true`: its row's forecast (the open deals against
    /// what is left).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub forecast: Option<crate::report::Forecast>,
}

impl Plan {
    /// [`CompiledPlan::review`], checking the plan first.
    pub fn review(&self, facts: &FactTable, as_of: NaiveDate) -> Result<Review> {
        self.parts()?.view(self).review(facts, as_of)
    }
}

impl CompiledPlan {
    /// The monthly and quarterly review: on `as_of`, every goal's period then running is
    /// evaluated as of that day, and the scopes whose projected status (the final status,
    /// for a period ending that day) is at risk or off track are listed.
    pub fn review(&self, facts: &FactTable, as_of: NaiveDate) -> Result<Review> {
        self.view().review(facts, as_of)
    }
}

impl Compiled<'_> {
    pub(crate) fn review(&self, facts: &FactTable, as_of: NaiveDate) -> Result<Review> {
        super::check_as_of(as_of)?;
        let goals = self.goal_periods();
        let mut periods: Vec<crate::period::Period> = Vec::new();
        for (_, goal_period) in &goals {
            if let Some(p) = goal_period.period_on(&self.calendar, as_of)
                && p.start() <= as_of
                && !periods.contains(&p)
            {
                periods.push(p);
            }
        }
        let mut reports = Vec::with_capacity(periods.len());
        for period in &periods {
            reports.push(self.evaluate_as_of(facts, period, as_of)?);
        }
        let mut items = Vec::new();
        for (goal, goal_period) in &goals {
            let Some(p) = goal_period.period_on(&self.calendar, as_of) else {
                continue;
            };
            let Some(report) = periods.iter().position(|q| *q == p).map(|i| &reports[i]) else {
                continue;
            };
            for row in report.scorecards.iter().filter(|r| r.goal == goal.id) {
                let status = row
                    .pacing
                    .as_ref()
                    .map_or(row.status, |pacing| pacing.projected_status);
                let Some(status) = status.filter(|s| s.needs_attention()) else {
                    continue;
                };
                items.push(ReviewItem {
                    goal: row.goal.to_string(),
                    metric: row.metric.to_string(),
                    unit: row.unit,
                    period: report.period.clone(),
                    scope: row.scope,
                    id: row.id.to_string(),
                    name: row.name.to_string(),
                    actual: row.actual,
                    target: row.target,
                    attainment: row.attainment,
                    status,
                    gap: row.gap,
                    required_per_day: row.pacing.as_ref().and_then(|p| p.required_per_day),
                    forecast: row.forecast.clone(),
                });
            }
        }
        Ok(Review {
            as_of,
            items,
            labels: std::sync::Arc::clone(&self.parts.labels),
        })
    }
}
