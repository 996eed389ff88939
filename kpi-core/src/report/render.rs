//! A report as plain-text tables with aligned columns and totals, for terminals and logs.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use chrono::NaiveDate;

use super::{Labels, Locale, Message, Report, ScoreRow, ScorecardRow, group_thousands};
use crate::decimal::TryArithmetic;
use crate::formula::Unit;
use crate::org::ScopeKind;
use crate::period::{PeriodInfo, date_in};

impl Report {
    /// The report as text in `locale`: one scorecard table per goal (with totals over
    /// members or teams, status and rank, and pacing while the period runs), the
    /// leaderboard of weighted scores, then the payout table with its total. Every word
    /// comes from the message catalogue ([`Message`]) and every metric, goal and team is
    /// called by its display name ([`Report::labels`]). Columns stay aligned with Chinese
    /// names, which take two terminal cells per character.
    pub fn to_text(&self, locale: Locale) -> String {
        let words = Words {
            locale,
            labels: &self.labels,
        };
        let mut out = String::new();
        out.push_str(&words.period_line(&self.period, self.as_of));
        out.push_str("\n\n");
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
            scorecard_table(&mut out, &words, &rows, total);
        }
        self.leaderboard(&mut out, &words);
        self.payouts(&mut out, &words);
        out
    }

    fn leaderboard(&self, out: &mut String, words: &Words<'_>) {
        let mut members: Vec<&ScoreRow> = self
            .scores
            .iter()
            .filter(|s| s.scope == crate::org::ScopeKind::Member && s.score.is_some())
            .collect();
        if members.is_empty() {
            return;
        }
        members.sort_by_key(|s| s.rank.unwrap_or(u32::MAX));
        let _ = writeln!(
            out,
            "{}{}",
            words.say(Message::TitleLeaderboard),
            words.parenthesised(words.say(Message::TitleLeaderboardNote))
        );
        let mut table = vec![words.header(&[
            Message::ColumnRank,
            Message::ColumnMember,
            Message::ColumnName,
            Message::ColumnTeam,
            Message::ColumnGoals,
            Message::ColumnScore,
        ])];
        for s in members {
            table.push(row_of([
                &s.rank.map(|r| r.to_string()).unwrap_or_default(),
                &s.id,
                &s.name,
                s.team.as_deref().map_or("", |t| words.team(t)),
                &s.goals.to_string(),
                &s.score.map(as_percent).unwrap_or_default(),
            ]));
        }
        render(out, &table, 4);
        out.push('\n');
    }

    fn payouts(&self, out: &mut String, words: &Words<'_>) {
        if self.statements.is_empty() {
            return;
        }
        let _ = writeln!(out, "{}", words.say(Message::TitlePayouts));
        let mut table = vec![words.header(&[
            Message::ColumnMember,
            Message::ColumnName,
            Message::ColumnTeam,
            Message::ColumnLine,
            Message::ColumnPayout,
        ])];
        for statement in &self.statements {
            for line in &statement.lines {
                table.push(row_of([
                    &statement.member,
                    &statement.name,
                    words.team(&statement.team),
                    line.explanation_in(words.locale),
                    &group_thousands(line.amount),
                ]));
            }
        }
        table.push(row_of([
            words.say(Message::RowTotal),
            "",
            "",
            "",
            &group_thousands(self.total_payout()),
        ]));
        render(out, &table, 4);
    }
}

/// What the text of a report is written with: the locale and the plan's names.
pub(crate) struct Words<'a> {
    pub locale: Locale,
    pub labels: &'a Labels,
}

impl<'a> Words<'a> {
    pub fn say(&self, message: Message) -> &'static str {
        message.text(self.locale)
    }

    pub fn header(&self, columns: &[Message]) -> Vec<String> {
        columns.iter().map(|m| self.say(*m).to_owned()).collect()
    }

    /// ` (note)` in English, `（note）` in Chinese.
    pub fn parenthesised(&self, note: &str) -> String {
        match self.locale {
            Locale::En => format!(" ({note})"),
            Locale::ZhCn => format!("（{note}）"),
        }
    }

    pub fn team(&self, id: &'a str) -> &'a str {
        self.labels.team(id, self.locale)
    }

    /// A scorecard row's scope and name, in the locale: the company and `unassigned`
    /// rows in the catalogue's words, a team by its label.
    pub fn scope_and_name<'r>(&self, row: &'r ScorecardRow) -> (&'static str, &'r str)
    where
        'a: 'r,
    {
        let scope = scope_word(row.scope).text(self.locale);
        if row.id == crate::org::UNASSIGNED {
            return (
                Message::ScopeUnassigned.text(self.locale),
                Message::NameUnassigned.text(self.locale),
            );
        }
        match row.scope {
            ScopeKind::Company => (scope, Message::NameCompany.text(self.locale)),
            ScopeKind::Team => (scope, self.labels.team(&row.id, self.locale)),
            _ => (scope, &row.name),
        }
    }

    /// `Period FY2027-Q2 (2026-07-01 .. 2026-10-01, end exclusive), as of 2026-09-15`, or
    /// `期间 2027财年第2季度（2026年7月1日至2026年9月30日），截至 2026年9月15日`.
    pub fn period_line(&self, period: &PeriodInfo, as_of: Option<NaiveDate>) -> String {
        let mut line = match self.locale {
            Locale::En => format!(
                "Period {} ({} .. {}, end exclusive)",
                period.label, period.start, period.end
            ),
            Locale::ZhCn => {
                let last = period.end.pred_opt().unwrap_or(period.end);
                format!(
                    "期间 {}（{}至{}）",
                    period.label_in(self.locale),
                    date_in(period.start, self.locale),
                    date_in(last, self.locale)
                )
            }
        };
        if let Some(day) = as_of {
            let _ = match self.locale {
                Locale::En => write!(line, ", as of {day}"),
                Locale::ZhCn => write!(line, "，截至 {}", date_in(day, self.locale)),
            };
        }
        line
    }
}

/// The catalogue's word for a kind of scope.
pub(crate) fn scope_word(scope: ScopeKind) -> Message {
    match scope {
        ScopeKind::Company => Message::ScopeCompany,
        ScopeKind::Team => Message::ScopeTeam,
        ScopeKind::Member => Message::ScopeMember,
        ScopeKind::Dimension => Message::ScopeDimension,
    }
}

/// One goal's table. While the period runs, a `Projected` column shows where the run
/// rate leads (projected attainment and status).
fn scorecard_table(
    out: &mut String,
    words: &Words<'_>,
    rows: &[&ScorecardRow],
    total: Option<&ScorecardRow>,
) {
    let first = rows[0];
    let locale = words.locale;
    let goal = words.labels.goal(&first.goal, locale);
    let metric = words.labels.metric(&first.metric, locale);
    let lower = first.direction == crate::metric::Direction::Lower;
    let _ = match locale {
        Locale::En => writeln!(
            out,
            "Scorecard: {goal} (metric {metric}{})",
            if lower { ", lower is better" } else { "" }
        ),
        Locale::ZhCn => writeln!(
            out,
            "目标：{goal}（指标：{metric}{}）",
            if lower { "，越低越好" } else { "" }
        ),
    };
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
    let mut table = vec![words.header(&columns)];
    let cells = |label: [&str; 3], row: &ScorecardRow, rank: bool| {
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
        cells
    };
    for row in rows {
        let (scope, name) = words.scope_and_name(row);
        let team = row.team.as_deref().map_or("", |t| words.team(t));
        table.push(cells([scope, name, team], row, true));
    }
    // The roll-up is the metric over everyone (a sum, or an average recomputed from all
    // facts), against the sum of the targets.
    if let Some(total) = total {
        table.push(cells([words.say(Message::RowTotal), "", ""], total, false));
    }
    render(out, &table, 3);
    notes(out, words, rows);
    out.push('\n');
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
fn notes(out: &mut String, words: &Words<'_>, rows: &[&ScorecardRow]) {
    let locale = words.locale;
    let mut notes: Vec<(String, Vec<&str>)> = Vec::new();
    for row in rows {
        let (_, name) = words.scope_and_name(row);
        if let Some(why) = &row.no_target {
            let reason = why.message(locale, words.labels);
            add(
                &mut notes,
                match locale {
                    Locale::En => format!("no target: {reason}"),
                    Locale::ZhCn => format!("无目标：{reason}"),
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
    for (note, names) in notes {
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
        let _ = match locale {
            Locale::En => writeln!(out, "  * {who}: {note}"),
            Locale::ZhCn => writeln!(out, "  * {who}：{note}"),
        };
    }
}

fn row_of<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// A value for people: percentages as `94.1%`, money with thousands separators and two
/// decimals, other numbers with separators (display only: the report keeps exact values).
fn display(unit: Unit, value: Decimal) -> String {
    match unit {
        Unit::Percent => as_percent(value),
        Unit::Money => {
            let mut cents = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            cents.rescale(2);
            group_thousands(cents)
        }
        _ => group_thousands(value.normalize()),
    }
}

/// `0.900001` → `90.0%` (display only: the report keeps the exact value).
fn as_percent(ratio: Decimal) -> String {
    // A ratio too large to be written in percent keeps all its digits instead.
    let Some(percent) = ratio.try_mul(Decimal::ONE_HUNDRED) else {
        return super::percent(ratio);
    };
    let percent = percent.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    format!("{percent:.1}%")
}

/// Terminal cells a string takes: East Asian wide characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// Writes `table` with aligned columns: the first `text_columns` left-aligned, the rest
/// (numbers) right-aligned; a rule under the header and above a final total row.
fn render(out: &mut String, table: &[Vec<String>], text_columns: usize) {
    let columns = table[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            table
                .iter()
                .map(|row| display_width(&row[c]))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| "-".repeat(*w))
        .collect::<Vec<_>>()
        .join("  ");
    for (i, row) in table.iter().enumerate() {
        if i == table.len() - 1
            && Locale::ALL
                .iter()
                .any(|l| row[0] == Message::RowTotal.text(*l))
        {
            let _ = writeln!(out, "{rule}");
        }
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - display_width(cell));
            if c > 0 {
                line.push_str("  ");
            }
            if c < text_columns {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if i == 0 {
            let _ = writeln!(out, "{rule}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_cells() {
        assert_eq!(display_width("张三"), 4);
        assert_eq!(display_width("Emily"), 5);
        assert_eq!(display_width("华东 East"), 9);
        let mut out = String::new();
        render(
            &mut out,
            &[
                row_of(["Name", "Amount"]),
                row_of(["张三", "1"]),
                row_of(["Emily", "22"]),
            ],
            1,
        );
        assert_eq!(
            out,
            "Name   Amount\n-----  ------\n张三        1\nEmily      22\n"
        );
    }

    #[test]
    fn percent_display_rounds_to_one_place() {
        assert_eq!(as_percent(Decimal::new(900_001, 6)), "90.0%");
        assert_eq!(as_percent(Decimal::new(12345, 4)), "123.5%");
    }
}
