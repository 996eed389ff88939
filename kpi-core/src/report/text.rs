//! A report as plain-text tables with aligned columns and totals, for terminals and logs.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Report, group_thousands};
use crate::formula::Unit;

impl Report {
    /// The report as text: one scorecard table per goal (with totals over members or
    /// teams), then the payout table with its total. Columns stay aligned with Chinese
    /// names, which take two terminal cells per character.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Period {} ({} .. {}, end exclusive)\n",
            self.period.label, self.period.start, self.period.end
        );
        let mut goals: Vec<&str> = Vec::new();
        for row in &self.scorecards {
            if !goals.contains(&row.goal.as_str()) {
                goals.push(&row.goal);
            }
        }
        for goal in goals {
            let rows: Vec<_> = self.scorecards.iter().filter(|r| r.goal == goal).collect();
            let _ = writeln!(out, "Scorecard: {goal} (metric {})", rows[0].metric);
            let mut table = vec![row_of([
                "Scope",
                "Name",
                "Team",
                "Actual",
                "Target",
                "Attainment",
            ])];
            for row in &rows {
                table.push(row_of([
                    row.scope.name(),
                    &row.name,
                    row.team.as_deref().unwrap_or(""),
                    &row.actual.map(|v| display(row.unit, v)).unwrap_or_default(),
                    &row.target.map(|v| display(row.unit, v)).unwrap_or_default(),
                    &row.attainment.map(as_percent).unwrap_or_default(),
                ]));
            }
            // The roll-up is the metric over everyone (a sum, or an average recomputed
            // from all facts), against the sum of the targets.
            if let Some(total) = self.rollups.iter().find(|r| r.goal == goal) {
                table.push(row_of([
                    "Total",
                    "",
                    "",
                    &total
                        .actual
                        .map(|v| display(total.unit, v))
                        .unwrap_or_default(),
                    &total
                        .target
                        .map(|v| display(total.unit, v))
                        .unwrap_or_default(),
                    &total.attainment.map(as_percent).unwrap_or_default(),
                ]));
            }
            render(&mut out, &table, 3);
            out.push('\n');
        }
        if !self.statements.is_empty() {
            let _ = writeln!(out, "Payouts");
            let mut table = vec![row_of([
                "Member", "Name", "Team", "Basis", "Rate", "Payout",
            ])];
            for statement in &self.statements {
                for line in &statement.lines {
                    table.push(row_of([
                        &statement.member,
                        &statement.name,
                        &statement.team,
                        &group_thousands(line.basis),
                        &super::percent(line.rate),
                        &group_thousands(line.amount),
                    ]));
                }
            }
            table.push(row_of([
                "Total",
                "",
                "",
                "",
                "",
                &group_thousands(self.total_payout()),
            ]));
            render(&mut out, &table, 3);
        }
        out
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
    let percent = (ratio * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
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
