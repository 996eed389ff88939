//! A report as plain-text tables with aligned columns and totals, for terminals and logs.

use std::fmt::Write as _;

use super::document::SectionKind;
use super::{Locale, Report};

impl Report {
    /// The report as text in `locale`: one scorecard table per goal (with totals over
    /// members or teams, status and rank, and pacing while the period runs), the
    /// leaderboard of weighted scores, then the payout table with its total. Every word
    /// comes from the message catalogue ([`Message`](super::Message)) and every metric, goal and team is
    /// called by its display name ([`Report::labels`]). Columns stay aligned with Chinese
    /// names, which take two terminal cells per character.
    pub fn to_text(&self, locale: Locale) -> String {
        let document = self.document(locale);
        let mut out = document.heading;
        out.push_str("\n\n");
        let count = document.sections.len();
        for (i, section) in document.sections.iter().enumerate() {
            if section.kind == SectionKind::Attention {
                continue; // the review says it in text; documents list it
            }
            let _ = writeln!(out, "{}", section.title);
            let mut table = Vec::with_capacity(section.rows.len() + 2);
            table.push(section.header.clone());
            table.extend(
                section
                    .rows
                    .iter()
                    .map(|r| r.cells.iter().map(|c| one_line(c)).collect()),
            );
            if let Some(total) = &section.total {
                table.push(total.cells.clone());
            }
            render(
                &mut out,
                &table,
                section.text_columns,
                section.total.is_some(),
            );
            for note in &section.notes {
                let _ = writeln!(out, "  * {}", one_line(note));
            }
            // A blank line between sections; the payouts or the findings end the report.
            if i + 1 < count
                || !matches!(
                    section.kind,
                    SectionKind::Payouts | SectionKind::Findings | SectionKind::Design
                )
            {
                out.push('\n');
            }
        }
        out
    }
}

/// A cell on one line: a report handed back (from JavaScript or JSON) can hold any text,
/// and a line break or tab in a cell would break the table's alignment.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
fn render(out: &mut String, table: &[Vec<String>], text_columns: usize, total: bool) {
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
        if total && i == table.len() - 1 {
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
    use crate::report::words::row_of;

    #[test]
    fn cells_are_kept_on_one_line() {
        assert_eq!(one_line("a\nb\r\tc\u{7}d"), "a b  c d");
        assert_eq!(one_line("华东 east"), "华东 east");
    }

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
            false,
        );
        assert_eq!(
            out,
            "Name   Amount\n-----  ------\n张三        1\nEmily      22\n"
        );
    }
}
