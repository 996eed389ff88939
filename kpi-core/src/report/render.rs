//! A report as plain-text tables with aligned columns and totals, for terminals and logs.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Report, ScoreRow, ScorecardRow, group_thousands};
use crate::decimal::TryArithmetic;
use crate::formula::Unit;

impl Report {
    /// The report as text: one scorecard table per goal (with totals over members or
    /// teams, status and rank, and pacing while the period runs), the leaderboard of
    /// weighted scores, then the payout table with its total. Columns stay aligned with
    /// Chinese names, which take two terminal cells per character.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "Period {} ({} .. {}, end exclusive)",
            self.period.label, self.period.start, self.period.end
        );
        match self.as_of {
            Some(day) => {
                let _ = writeln!(out, ", as of {day}\n");
            }
            None => out.push_str("\n\n"),
        }
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
            scorecard_table(&mut out, &rows, total);
        }
        self.leaderboard(&mut out);
        self.payouts(&mut out);
        out
    }

    fn leaderboard(&self, out: &mut String) {
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
            "Leaderboard (weighted score across each member's goals)"
        );
        let mut table = vec![row_of(["Rank", "Member", "Name", "Team", "Goals", "Score"])];
        for s in members {
            table.push(row_of([
                &s.rank.map(|r| r.to_string()).unwrap_or_default(),
                &s.id,
                &s.name,
                s.team.as_deref().unwrap_or(""),
                &s.goals.to_string(),
                &s.score.map(as_percent).unwrap_or_default(),
            ]));
        }
        render(out, &table, 4);
        out.push('\n');
    }

    fn payouts(&self, out: &mut String) {
        if self.statements.is_empty() {
            return;
        }
        let _ = writeln!(out, "Payouts");
        let mut table = vec![row_of(["Member", "Name", "Team", "Line", "Payout"])];
        for statement in &self.statements {
            for line in &statement.lines {
                table.push(row_of([
                    &statement.member,
                    &statement.name,
                    &statement.team,
                    &line.explanation,
                    &group_thousands(line.amount),
                ]));
            }
        }
        table.push(row_of([
            "Total",
            "",
            "",
            "",
            &group_thousands(self.total_payout()),
        ]));
        render(out, &table, 4);
    }
}

/// One goal's table. While the period runs, a `Projected` column shows where the run
/// rate leads (projected attainment and status).
fn scorecard_table(out: &mut String, rows: &[&ScorecardRow], total: Option<&ScorecardRow>) {
    let first = rows[0];
    let _ = write!(out, "Scorecard: {} (metric {}", first.goal, first.metric);
    if first.direction == crate::metric::Direction::Lower {
        out.push_str(", lower is better");
    }
    out.push_str(")\n");
    let paced = rows.iter().any(|r| r.pacing.is_some());
    let mut header = vec![
        "Scope",
        "Name",
        "Team",
        "Actual",
        "Target",
        "Attainment",
        "Status",
        "Rank",
    ];
    if paced {
        header.push("Projected");
    }
    let mut table = vec![header.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    let cells = |label: [&str; 3], row: &ScorecardRow, rank: bool| {
        let mut cells = vec![
            label[0].to_owned(),
            label[1].to_owned(),
            label[2].to_owned(),
            row.actual.map(|v| display(row.unit, v)).unwrap_or_default(),
            row.target.map(|v| display(row.unit, v)).unwrap_or_default(),
            row.attainment.map(as_percent).unwrap_or_default(),
            row.status
                .map(|s| s.name().replace('_', " "))
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
                    .map(|(a, s)| format!("{} {}", as_percent(a), s.name().replace('_', " ")))
                    .unwrap_or_default(),
            );
        }
        cells
    };
    for row in rows {
        table.push(cells(
            [
                row.scope.name(),
                &row.name,
                row.team.as_deref().unwrap_or(""),
            ],
            row,
            true,
        ));
    }
    // The roll-up is the metric over everyone (a sum, or an average recomputed from all
    // facts), against the sum of the targets.
    if let Some(total) = total {
        table.push(cells(["Total", "", ""], total, false));
    }
    render(out, &table, 3);
    out.push('\n');
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
        if i == table.len() - 1 && row[0] == "Total" {
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
