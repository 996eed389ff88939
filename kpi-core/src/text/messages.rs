//! The message catalogue: every word and phrase kpi writes around the user's names and
//! figures, in each [`Locale`]. The report, the review and the findings write through it,
//! and the bindings hand the same table to Python and JavaScript (`messages(locale)`), so
//! a dashboard labels its columns with kpi's words instead of a second copy.

use super::Locale;

macro_rules! catalogue {
    ($($(#[$doc:meta])* $variant:ident $key:literal => $en:literal, $zh:literal;)*) => {
        /// A word or phrase of the catalogue; [`Message::text`] gives it in a locale and
        /// [`Message::key`] names it for the bindings (`status.missed`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Message {
            $($(#[$doc])* $variant,)*
        }

        impl Message {
            /// Every message, in catalogue order.
            pub const ALL: &'static [Message] = &[$(Message::$variant,)*];

            /// The stable key the bindings use: `status.achieved`, `column.actual` …
            pub fn key(self) -> &'static str {
                const KEYS: &[&str] = &[$($key,)*];
                KEYS[self as usize]
            }

            /// The text in `locale`.
            pub fn text(self, locale: Locale) -> &'static str {
                // A table rather than a match: one lookup, no code per message.
                const TEXTS: &[[&str; 2]] = &[$([$en, $zh],)*];
                TEXTS[self as usize][locale as usize]
            }
        }
    };
}

catalogue! {
    /// At or above the target.
    StatusAchieved "status.achieved" => "achieved", "达成";
    /// Close to the target while the period runs.
    StatusOnTrack "status.on_track" => "on track", "正常";
    /// Behind while the period runs.
    StatusAtRisk "status.at_risk" => "at risk", "有风险";
    /// Far behind while the period runs.
    StatusOffTrack "status.off_track" => "off track", "落后";
    /// Short of the target in a period that has ended.
    StatusMissed "status.missed" => "missed", "未达成";

    /// The company scope.
    ScopeCompany "scope.company" => "company", "公司";
    /// A team scope.
    ScopeTeam "scope.team" => "team", "团队";
    /// A member scope.
    ScopeMember "scope.member" => "member", "成员";
    /// A dimension value's scope.
    ScopeDimension "scope.dimension" => "dimension", "维度";
    /// Facts without an owner, team or dimension value.
    ScopeUnassigned "scope.unassigned" => "unassigned", "未分配";
    /// The company's display name.
    NameCompany "name.company" => "Company", "公司";
    /// The display name of the unassigned scope.
    NameUnassigned "name.unassigned" => "Unassigned", "未分配";
    /// A dimension row of the facts without a value for the dimension.
    NameNoValue "name.no_value" => "(none)", "（未填写）";
    /// What a finding about the plan as a whole (no goal) is about.
    NamePlan "name.plan" => "Plan", "计划";

    /// Column: the kind of scope.
    ColumnScope "column.scope" => "Scope", "范围";
    /// Column: a display name.
    ColumnName "column.name" => "Name", "名称";
    /// Column: a team.
    ColumnTeam "column.team" => "Team", "团队";
    /// Column: a member.
    ColumnMember "column.member" => "Member", "成员";
    /// Column: the measured value.
    ColumnActual "column.actual" => "Actual", "实际";
    /// Column: the target.
    ColumnTarget "column.target" => "Target", "目标";
    /// Column: the attainment.
    ColumnAttainment "column.attainment" => "Attainment", "达成率";
    /// Column: the status.
    ColumnStatus "column.status" => "Status", "状态";
    /// Column: the rank.
    ColumnRank "column.rank" => "Rank", "排名";
    /// Column: the projected attainment and status.
    ColumnProjected "column.projected" => "Projected", "进度预测";
    /// Column: open deals in the `commit` forecast category.
    ColumnCommit "column.commit" => "Commit", "承诺";
    /// Column: open deals in the `best_case` forecast category.
    ColumnBestCase "column.best_case" => "Best case", "最佳情况";
    /// Column: the probability-weighted open pipeline.
    ColumnWeighted "column.weighted" => "Weighted pipeline", "加权商机金额";
    /// Column: how many times the open deals cover what is left to the target.
    ColumnCoverage "column.coverage" => "Coverage", "覆盖倍数";
    /// Column: the forecast attainment, (closed + commit) / target.
    ColumnForecast "column.forecast" => "Forecast", "预测达成率";
    /// Column: how many goals a score counts.
    ColumnGoals "column.goals" => "Goals", "目标数";
    /// Column: the weighted score.
    ColumnScore "column.score" => "Score", "得分";
    /// Column: a payout line's explanation.
    ColumnLine "column.line" => "Line", "明细";
    /// Column: a payout amount.
    ColumnPayout "column.payout" => "Payout", "金额";
    /// Column: a gap to the target.
    ColumnGap "column.gap" => "Gap", "差距";
    /// Column: the period.
    ColumnPeriod "column.period" => "Period", "期间";
    /// Column: the goal a row is about.
    ColumnGoal "column.goal" => "Goal", "目标";
    /// Column: a SMART finding's criterion.
    ColumnCriterion "column.criterion" => "Criterion", "原则";
    /// Column: a finding's severity.
    ColumnSeverity "column.severity" => "Severity", "级别";
    /// Column: what a finding says.
    ColumnFinding "column.finding" => "Finding", "问题";
    /// Column: the incentive a row is about.
    ColumnIncentive "column.incentive" => "Incentive", "激励方案";
    /// The row of totals.
    RowTotal "row.total" => "Total", "合计";

    /// Title: a period.
    TitlePeriod "title.period" => "Period", "期间";
    /// Title: one goal's scorecard.
    TitleScorecard "title.scorecard" => "Scorecard", "目标";
    /// Title: the metric a goal measures.
    TitleMetric "title.metric" => "metric", "指标";
    /// Title: the leaderboard.
    TitleLeaderboard "title.leaderboard" => "Leaderboard", "排行榜";
    /// The leaderboard's subtitle.
    TitleLeaderboardNote "title.leaderboard_note"
        => "weighted score across each member's goals", "按成员各目标加权得分";
    /// Title: the goal scopes at risk, off track or missed.
    TitleAttention "title.attention" => "Needs attention", "需要关注";
    /// Title: the payout statements.
    TitlePayouts "title.payouts" => "Payouts", "奖金明细";
    /// Title: the review.
    TitleReview "title.review" => "Review", "考核";
    /// Title: the SMART findings.
    TitleFindings "title.findings" => "SMART findings", "SMART 检查结果";
    /// Title: the plan design findings.
    TitleDesign "title.design" => "Plan design", "方案设计检查";

    /// A goal whose metric is better lower.
    NoteLowerIsBetter "note.lower_is_better" => "lower is better", "越低越好";
    /// The day actuals run to.
    NoteAsOf "note.as_of" => "as of", "截至";
    /// A goal without a target.
    NoteNoTarget "note.no_target" => "no target", "无目标";
    /// A design finding the plan declares intended, before its reason.
    NoteIntended "note.intended" => "intended", "已确认";

    /// A finding's severity: an error.
    SeverityError "severity.error" => "error", "错误";
    /// A finding's severity: a warning.
    SeverityWarning "severity.warning" => "warning", "警告";
    /// A finding's severity: information.
    SeverityInfo "severity.info" => "info", "提示";
    /// SMART: specific.
    CriterionSpecific "criterion.specific" => "Specific", "明确具体";
    /// SMART: measurable.
    CriterionMeasurable "criterion.measurable" => "Measurable", "可衡量";
    /// SMART: achievable.
    CriterionAchievable "criterion.achievable" => "Achievable", "可实现";
    /// SMART: relevant.
    CriterionRelevant "criterion.relevant" => "Relevant", "相关";
    /// SMART: time-bound.
    CriterionTimeBound "criterion.time_bound" => "Time-bound", "有时限";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_a_unique_key_and_text_in_every_locale() {
        let mut keys: Vec<&str> = Message::ALL.iter().map(|m| m.key()).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "keys repeat");
        for message in Message::ALL {
            for locale in Locale::ALL {
                assert!(!message.text(locale).trim().is_empty(), "{message:?}");
            }
            // Chinese text is Chinese: no Latin word except SMART.
            let zh = message.text(Locale::ZhCn).replace("SMART", "");
            assert!(
                !zh.chars().any(|c| c.is_ascii_alphabetic()),
                "{message:?}: {zh}"
            );
        }
        assert_eq!(Message::StatusMissed.text(Locale::ZhCn), "未达成");
        assert_eq!(Message::StatusOnTrack.key(), "status.on_track");
    }
}
