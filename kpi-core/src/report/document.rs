//! A report laid out for people once, in a locale: a heading and sections (one per goal,
//! the goals that need attention, the leaderboard, the payouts), each a titled table with
//! its notes. Text, Markdown and HTML render the same layout, so the three say the same.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::words::{Words, as_percent, display, row_of};
use super::{Fallback, Locale, LongTerm, Message, Report, ScoreRow, ScorecardRow, group_thousands};
use crate::org::ScopeKind;

/// What a section shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    /// One goal's scorecard.
    Scorecard,
    /// The goal scopes at risk, off track or missed.
    Attention,
    /// The members' weighted scores.
    Leaderboard,
    /// The statements' lines.
    Payouts,
    /// The plan's SMART findings, when the report carries them.
    Findings,
    /// The plan's design findings, when the report carries them.
    Design,
}

/// A row of a section: its cells, and the exact values behind them (for HTML's `data-`
/// attributes, which a page or a test reads instead of the formatted text).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub data: Vec<(&'static str, String)>,
    /// The attainment, for a scorecard's bar chart.
    pub attainment: Option<Decimal>,
}

/// A titled table with its notes.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub kind: SectionKind,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// The row of totals, set apart.
    pub total: Option<Row>,
    /// How many leading columns are text (left-aligned); the rest are numbers.
    pub text_columns: usize,
    pub notes: Vec<String>,
}

/// A report laid out: the period line and the sections, in order.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub heading: String,
    pub sections: Vec<Section>,
}

impl Report {
    /// The report laid out in `locale`.
    pub(crate) fn document(&self, locale: Locale) -> Document {
        let words = Words {
            locale,
            labels: &self.labels,
        };
        let mut sections = Vec::new();
        let mut goals: Vec<&str> = Vec::new();
        for row in &self.scorecards {
            if !goals.contains(&row.goal.as_str()) {
                goals.push(&row.goal);
            }
        }
        for goal in goals {
            let rows: Vec<&ScorecardRow> =
                self.scorecards.iter().filter(|r| r.goal == goal).collect();
            let total = self.rollups.iter().find(|r| r.goal == goal);
            sections.push(scorecard_section(&words, &rows, total));
        }
        if let Some(section) = self.attention_section(&words) {
            sections.push(section);
        }
        if let Some(section) = self.leaderboard_section(&words) {
            sections.push(section);
        }
        if let Some(section) = self.payouts_section(&words) {
            sections.push(section);
        }
        if let Some(section) = self.findings_section(&words) {
            sections.push(section);
        }
        if let Some(section) = self.design_section(&words) {
            sections.push(section);
        }
        Document {
            heading: words.period_line(&self.period, self.as_of),
            sections,
        }
    }

    /// The goal scopes at risk, off track or missed (by their projected status while the
    /// period runs), in report order.
    fn attention_section(&self, words: &Words<'_>) -> Option<Section> {
        let locale = words.locale;
        let mut rows = Vec::new();
        for row in &self.scorecards {
            let status = row
                .pacing
                .as_ref()
                .map_or(row.status, |p| p.projected_status);
            let Some(status) = status.filter(|s| s.needs_attention()) else {
                continue;
            };
            let (_, name) = words.scope_and_name(row);
            rows.push(Row {
                cells: vec![
                    words.labels.goal(&row.goal, locale).to_owned(),
                    name.to_owned(),
                    status.label(locale).to_owned(),
                    row.attainment.map(as_percent).unwrap_or_default(),
                ],
                // The scorecards carry the figures.
                data: Vec::new(),
                attainment: row.attainment,
            });
        }
        (!rows.is_empty()).then(|| Section {
            kind: SectionKind::Attention,
            title: words.say(Message::TitleAttention).to_owned(),
            header: words.header(&[
                Message::TitleScorecard,
                Message::ColumnName,
                Message::ColumnStatus,
                Message::ColumnAttainment,
            ]),
            rows,
            total: None,
            text_columns: 3,
            notes: Vec::new(),
        })
    }

    fn leaderboard_section(&self, words: &Words<'_>) -> Option<Section> {
        let members: Vec<&ScoreRow> = self
            .scores
            .iter()
            .filter(|s| s.scope == ScopeKind::Member && s.score.is_some())
            .collect();
        if members.is_empty() {
            return None;
        }
        let members = crate::maps::sorted_by_key(members, |s| s.rank.unwrap_or(u32::MAX));
        let rows = members
            .into_iter()
            .map(|s| Row {
                cells: row_of([
                    &s.rank.map(|r| r.to_string()).unwrap_or_default(),
                    &s.id,
                    &s.name,
                    s.team.as_deref().map_or("", |t| words.team(t)),
                    &s.goals.to_string(),
                    &s.score.map(as_percent).unwrap_or_default(),
                ]),
                data: Vec::new(),
                attainment: s.score,
            })
            .collect();
        Some(Section {
            kind: SectionKind::Leaderboard,
            title: format!(
                "{}{}",
                words.say(Message::TitleLeaderboard),
                words.parenthesised(words.say(Message::TitleLeaderboardNote))
            ),
            header: words.header(&[
                Message::ColumnRank,
                Message::ColumnMember,
                Message::ColumnName,
                Message::ColumnTeam,
                Message::ColumnGoals,
                Message::ColumnScore,
            ]),
            rows,
            total: None,
            text_columns: 4,
            notes: Vec::new(),
        })
    }

    /// The findings the report carries: criterion, severity, the goal by its display
    /// name (the plan for plan-wide ones) and the message, in the locale.
    fn findings_section(&self, words: &Words<'_>) -> Option<Section> {
        let locale = words.locale;
        let rows: Vec<Row> = self
            .findings
            .iter()
            .map(|f| Row {
                cells: vec![
                    f.criterion.label(locale).to_owned(),
                    f.severity.label(locale).to_owned(),
                    if f.goal.is_empty() {
                        words.say(Message::NamePlan).to_owned()
                    } else {
                        words.labels.goal(&f.goal, locale).to_owned()
                    },
                    f.message_for(locale).to_owned(),
                ],
                data: vec![("code", f.code.code().to_owned()), ("path", f.path.clone())],
                attainment: None,
            })
            .collect();
        (!rows.is_empty()).then(|| Section {
            kind: SectionKind::Findings,
            title: words.say(Message::TitleFindings).to_owned(),
            header: words.header(&[
                Message::ColumnCriterion,
                Message::ColumnSeverity,
                Message::ColumnGoal,
                Message::ColumnFinding,
            ]),
            rows,
            total: None,
            text_columns: 4,
            notes: Vec::new(),
        })
    }

    /// The design findings the report carries: severity, the incentive by its display
    /// name, and the message in the locale (with the reason of one declared intended).
    fn design_section(&self, words: &Words<'_>) -> Option<Section> {
        let locale = words.locale;
        let rows: Vec<Row> = self
            .design
            .iter()
            .map(|d| {
                let mut message = d.message_for(locale).to_owned();
                if let Some(reason) = &d.intended {
                    let intended = words.say(Message::NoteIntended);
                    let _ = match locale {
                        Locale::ZhCn => write!(message, "（{intended}：{reason}）"),
                        Locale::En => write!(message, " ({intended}: {reason})"),
                    };
                }
                Row {
                    cells: vec![
                        d.severity.label(locale).to_owned(),
                        words.labels.incentive(&d.incentive, locale).to_owned(),
                        message,
                    ],
                    data: vec![("code", d.code.clone()), ("path", d.path.clone())],
                    attainment: None,
                }
            })
            .collect();
        (!rows.is_empty()).then(|| Section {
            kind: SectionKind::Design,
            title: words.say(Message::TitleDesign).to_owned(),
            header: words.header(&[
                Message::ColumnSeverity,
                Message::ColumnIncentive,
                Message::ColumnFinding,
            ]),
            rows,
            total: None,
            text_columns: 3,
            notes: Vec::new(),
        })
    }

    fn payouts_section(&self, words: &Words<'_>) -> Option<Section> {
        if self.statements.is_empty() {
            return None;
        }
        let mut rows = Vec::new();
        for statement in &self.statements {
            for line in &statement.lines {
                rows.push(Row {
                    cells: row_of([
                        &statement.member,
                        &statement.name,
                        words.team(&statement.team),
                        line.explanation_in(words.locale),
                        &group_thousands(line.amount),
                    ]),
                    data: vec![
                        ("member", statement.member.to_string()),
                        ("amount", line.amount.to_string()),
                    ],
                    attainment: None,
                });
            }
            // True-ups of settled periods, after the period's own lines.
            #[cfg(feature = "pay-cycle")]
            for adjustment in &statement.adjustments {
                rows.push(Row {
                    cells: row_of([
                        &statement.member,
                        &statement.name,
                        words.team(&statement.team),
                        adjustment.explanation_in(words.locale),
                        &group_thousands(adjustment.amount),
                    ]),
                    data: vec![
                        ("member", statement.member.to_string()),
                        ("amount", adjustment.amount.to_string()),
                        ("adjusts", adjustment.period.to_string()),
                    ],
                    attainment: None,
                });
            }
            // Open disputes: no amount yet.
            #[cfg(feature = "pay-cycle")]
            for dispute in &statement.disputes {
                rows.push(Row {
                    cells: row_of([
                        &statement.member,
                        &statement.name,
                        words.team(&statement.team),
                        &open_dispute(dispute, words.locale),
                        "",
                    ]),
                    data: vec![
                        ("member", statement.member.to_string()),
                        ("dispute", dispute.id.clone()),
                    ],
                    attainment: None,
                });
            }
        }
        Some(Section {
            kind: SectionKind::Payouts,
            title: words.say(Message::TitlePayouts).to_owned(),
            header: words.header(&[
                Message::ColumnMember,
                Message::ColumnName,
                Message::ColumnTeam,
                Message::ColumnLine,
                Message::ColumnPayout,
            ]),
            rows,
            total: Some(Row {
                cells: row_of([
                    words.say(Message::RowTotal),
                    "",
                    "",
                    "",
                    &group_thousands(self.total_payout()),
                ]),
                data: Vec::new(),
                attainment: None,
            }),
            text_columns: 4,
            notes: Vec::new(),
        })
    }
}

/// One goal's table. While the period runs, a `Projected` column shows where the run
/// rate leads (projected attainment and status).
fn scorecard_section(
    words: &Words<'_>,
    rows: &[&ScorecardRow],
    total: Option<&ScorecardRow>,
) -> Section {
    let first = rows[0];
    let locale = words.locale;
    let title = scorecard_title(words, first);
    let paced = rows.iter().any(|r| r.pacing.is_some());
    let mut columns = vec![
        Message::ColumnScope,
        Message::ColumnName,
        Message::ColumnTeam,
        Message::ColumnActual,
        Message::ColumnTarget,
        Message::ColumnAttainment,
        Message::ColumnStatus,
        Message::ColumnRank,
    ];
    if paced {
        columns.push(Message::ColumnProjected);
    }
    // A goal that forecasts shows what its open deals bring (closed is the actual).
    let forecast = rows
        .iter()
        .copied()
        .chain(total)
        .any(|r| r.forecast.is_some());
    if forecast {
        columns.extend([
            Message::ColumnCommit,
            Message::ColumnBestCase,
            Message::ColumnWeighted,
            Message::ColumnCoverage,
            Message::ColumnForecast,
        ]);
    }
    let scored = |label: [&str; 3], row: &ScorecardRow, rank: bool| {
        let mut cells = vec![
            label[0].to_owned(),
            label[1].to_owned(),
            label[2].to_owned(),
            row.actual.map(|v| display(row.unit, v)).unwrap_or_default(),
            row.target.map(|v| display(row.unit, v)).unwrap_or_default(),
            row.attainment.map(as_percent).unwrap_or_default(),
            row.status
                .map(|s| s.label(locale).to_owned())
                .unwrap_or_default(),
            if rank {
                row.rank.map(|r| r.to_string()).unwrap_or_default()
            } else {
                String::new()
            },
        ];
        if paced {
            cells.push(
                row.pacing
                    .as_ref()
                    .and_then(|p| p.projected_attainment.zip(p.projected_status))
                    .map(|(a, s)| format!("{} {}", as_percent(a), s.label(locale)))
                    .unwrap_or_default(),
            );
        }
        let exact = |v: Option<Decimal>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut data = vec![
            ("goal", row.goal.to_string()),
            ("id", row.id.to_string()),
            ("actual", exact(row.actual)),
            ("target", exact(row.target)),
            ("attainment", exact(row.attainment)),
            (
                "status",
                row.status
                    .map(super::Status::name)
                    .unwrap_or_default()
                    .to_owned(),
            ),
        ];
        if forecast {
            forecast_cells(row, locale, &mut cells, &mut data);
        }
        Row {
            cells,
            data,
            attainment: row.attainment,
        }
    };
    let body = rows
        .iter()
        .map(|row| {
            let (scope, name) = words.scope_and_name(row);
            let team = row.team.as_deref().map_or("", |t| words.team(t));
            scored([scope, name, team], row, true)
        })
        .collect();
    // The roll-up is the metric over everyone (a sum, or an average recomputed from all
    // facts), against the sum of the targets.
    let total = total.map(|total| scored([words.say(Message::RowTotal), "", ""], total, false));
    Section {
        kind: SectionKind::Scorecard,
        title,
        header: words.header(&columns),
        rows: body,
        total,
        text_columns: 3,
        notes: notes(words, rows),
    }
}

/// A forecasting goal's columns (commit, best case, weighted pipeline, coverage, forecast
/// attainment) and their exact values, blank for a row without a forecast.
fn forecast_cells(
    row: &ScorecardRow,
    locale: Locale,
    cells: &mut Vec<String>,
    data: &mut Vec<(&'static str, String)>,
) {
    let f = row.forecast.as_ref();
    let money = |v: Option<Decimal>| v.map(|v| display(row.unit, v)).unwrap_or_default();
    cells.extend([
        money(f.map(|f| f.commit)),
        money(f.map(|f| f.best_case)),
        money(f.map(|f| f.weighted)),
        // Two decimals, rounded as money is; `倍` rather than `×`, whose width East Asian
        // terminals disagree on.
        f.and_then(|f| f.coverage)
            .map(|c| {
                let times = if locale.is_chinese() { "倍" } else { "×" };
                format!("{}{times}", display(crate::formula::Unit::Money, c))
            })
            .unwrap_or_default(),
        f.and_then(|f| f.attainment)
            .map(as_percent)
            .unwrap_or_default(),
    ]);
    let exact = |v: Option<Decimal>| v.map(|v| v.to_string()).unwrap_or_default();
    data.extend([
        ("forecast_commit", exact(f.map(|f| f.commit))),
        ("forecast_best_case", exact(f.map(|f| f.best_case))),
        ("forecast_weighted", exact(f.map(|f| f.weighted))),
        ("forecast_coverage", exact(f.and_then(|f| f.coverage))),
        ("forecast_attainment", exact(f.and_then(|f| f.attainment))),
    ]);
}

/// `Scorecard: Revenue (metric Revenue, lower is better)`, `目标：…（指标：…，越低越好）`.
fn scorecard_title(words: &Words<'_>, first: &ScorecardRow) -> String {
    let locale = words.locale;
    let goal = words.labels.goal(&first.goal, locale);
    let metric = words.labels.metric(&first.metric, locale);
    let lower = first.direction == crate::metric::Direction::Lower;
    let [colon, open, comma, close] = match locale {
        Locale::En => [": ", " (", ", ", ")"],
        Locale::ZhCn => ["：", "（", "，", "）"],
    };
    let mut title = String::new();
    for part in [
        words.say(Message::TitleScorecard),
        colon,
        goal,
        open,
        words.say(Message::TitleMetric),
        if locale.is_chinese() { "：" } else { " " },
        metric,
    ] {
        title.push_str(part);
    }
    if lower {
        title.push_str(comma);
        title.push_str(words.say(Message::NoteLowerIsBetter));
    }
    title.push_str(close);
    title
}

/// A long-term goal's progress in words: the span's target, the checkpoint due, and
/// the pace to the span's end.
fn long_term_note(locale: Locale, row: &ScorecardRow, long_term: &LongTerm) -> String {
    let zh = locale.is_chinese();
    let label = |p: &str| crate::period::label_in(p, locale);
    let amount = |d: Decimal| display(row.unit, d);
    // The words of each locale around the values, in the order they are written.
    let [
        goal,
        due_by,
        due_end,
        elapsed,
        elapsed_end,
        to_go,
        to_go_end,
        pace,
        now,
        open,
        close,
    ] = if zh {
        [
            "目标 ",
            "：",
            "末应达 ",
            "；已过 ",
            "",
            "，尚差 ",
            "",
            "，按当前进度预计 ",
            "，目前为 ",
            "（",
            "）",
        ]
    } else {
        [
            " goal ",
            ": ",
            " due by the end of ",
            "; ",
            " of the span elapsed",
            ", ",
            " to go",
            ", on pace for ",
            ", now ",
            " (",
            ")",
        ]
    };
    let (checkpoint, due) = (
        label(&long_term.checkpoint),
        amount(long_term.checkpoint_target),
    );
    // English puts the amount before the checkpoint, Chinese after it.
    let (first, second) = if zh {
        (checkpoint, due)
    } else {
        (due, checkpoint)
    };
    let mut note = [
        &label(&long_term.period),
        goal,
        &amount(long_term.target),
        due_by,
        &first,
        due_end,
        &second,
        elapsed,
        &as_percent(long_term.elapsed),
        elapsed_end,
    ]
    .concat();
    if let Some(left) = long_term.remaining {
        note.push_str(to_go);
        note.push_str(&amount(left));
        note.push_str(to_go_end);
    }
    if let Some(projected) = long_term.projected {
        // A running total is projected to the span's end; a level is what it is now.
        note.push_str(if long_term.remaining.is_some() {
            pace
        } else {
            now
        });
        note.push_str(&amount(projected));
        if let Some(a) = long_term.projected_attainment {
            note.push_str(open);
            note.push_str(&as_percent(a));
            note.push_str(close);
        }
    }
    note
}

/// Adds `name` to the note, or the note with `name`.
fn add<'r>(notes: &mut Vec<(String, Vec<&'r str>)>, note: String, name: &'r str) {
    match notes.iter_mut().find(|(n, _)| *n == note) {
        Some((_, names)) => names.push(name),
        None => notes.push((note, vec![name])),
    }
}

/// The notes under a goal's table: why rows have no target, and the adjustments in
/// force with their reasons, each once with the scopes it concerns.
fn notes(words: &Words<'_>, rows: &[&ScorecardRow]) -> Vec<String> {
    let locale = words.locale;
    let mut notes: Vec<(String, Vec<&str>)> = Vec::new();
    for row in rows {
        let (_, name) = words.scope_and_name(row);
        if let Some(why) = &row.no_target {
            let reason = why.message(locale, words.labels);
            let colon = if locale.is_chinese() { "：" } else { ": " };
            add(
                &mut notes,
                [words.say(Message::NoteNoTarget), colon, &reason].concat(),
                name,
            );
        }
        if let Some(long_term) = &row.long_term {
            add(&mut notes, long_term_note(locale, row, long_term), name);
        }
        if let Some(fallback) = row.fallback {
            add(
                &mut notes,
                match (fallback, locale) {
                    (Fallback::TeamAverage, Locale::En) => {
                        "no baseline of its own: the target grows the team's average baseline"
                    }
                    (Fallback::TeamAverage, Locale::ZhCn) => "无自身基线：目标按团队平均基线增长",
                    (Fallback::Target, Locale::En) => {
                        "no baseline of its own: the plan's target for this case"
                    }
                    (Fallback::Target, Locale::ZhCn) => "无自身基线：采用计划为此设定的目标",
                }
                .to_owned(),
                name,
            );
        }
        if let Some(full) = row.full_target {
            let full = display(row.unit, full);
            add(
                &mut notes,
                match locale {
                    Locale::En => {
                        format!("target prorated for ramp-up or leave (full target {full})")
                    }
                    Locale::ZhCn => format!("目标按新人爬坡或休假折算（全额目标 {full}）"),
                },
                name,
            );
        }
        if let (Some(reason), Some(original)) = (&row.adjustment, row.original_target) {
            let was = display(row.unit, original);
            add(
                &mut notes,
                match locale {
                    Locale::En => format!("target adjusted (was {was}): {reason}"),
                    Locale::ZhCn => format!("目标已调整（原为 {was}）：{reason}"),
                },
                name,
            );
        }
    }
    notes
        .into_iter()
        .map(|(note, names)| {
            const SHOWN: usize = 6;
            let separator = if locale.is_chinese() { "、" } else { ", " };
            let mut who = names
                .iter()
                .take(SHOWN)
                .copied()
                .collect::<Vec<_>>()
                .join(separator);
            if names.len() > SHOWN {
                let more = names.len() - SHOWN;
                let _ = match locale {
                    Locale::En => write!(who, " and {more} more"),
                    Locale::ZhCn => write!(who, " 等 {} 个", names.len()),
                };
            }
            match locale {
                Locale::En => format!("{who}: {note}"),
                Locale::ZhCn => format!("{who}：{note}"),
            }
        })
        .collect()
}

/// `open dispute d-7 on 2026-01 ("o-1299 was mine", claims 300.00)`, or in Chinese.
#[cfg(feature = "pay-cycle")]
fn open_dispute(dispute: &super::Dispute, locale: Locale) -> String {
    let reason = crate::decimal::shorten(&dispute.reason, 80);
    let claim = dispute.claimed.map(group_thousands);
    match (locale, claim) {
        (Locale::ZhCn, Some(claim)) => format!(
            "待处理申诉 {}（{}：“{reason}”，申请 {claim}）",
            dispute.id, dispute.period
        ),
        (Locale::ZhCn, None) => format!(
            "待处理申诉 {}（{}：“{reason}”）",
            dispute.id, dispute.period
        ),
        (Locale::En, Some(claim)) => format!(
            "open dispute {} on {} (\"{reason}\", claims {claim})",
            dispute.id, dispute.period
        ),
        (Locale::En, None) => format!(
            "open dispute {} on {} (\"{reason}\")",
            dispute.id, dispute.period
        ),
    }
}
