//! A report as a document to send: Markdown for chat tools and wikis, and one
//! self-contained HTML file (inline CSS and SVG, no scripts, prints on A4).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::document::{Row, Section, SectionKind};
use super::{Locale, Report};

impl Report {
    /// The report as Markdown in `locale`: the period as a heading, then a section per
    /// goal (its table, totals in bold, and its notes as a list), the goals that need
    /// attention, the leaderboard and the payout lines. User text is escaped, so a name
    /// with `|` or `*` stays as written.
    pub fn to_markdown(&self, locale: Locale) -> String {
        let document = self.document(locale);
        let mut out = format!("# {}\n", escape_markdown(&document.heading));
        for section in &document.sections {
            let _ = write!(out, "\n## {}\n\n", escape_markdown(&section.title));
            markdown_row(&mut out, &section.header, None);
            out.push('|');
            for column in 0..section.header.len() {
                out.push_str(if column < section.text_columns {
                    " :--- |"
                } else {
                    " ---: |"
                });
            }
            out.push('\n');
            for row in &section.rows {
                markdown_row(&mut out, &row.cells, None);
            }
            if let Some(total) = &section.total {
                markdown_row(&mut out, &total.cells, Some("**"));
            }
            if !section.notes.is_empty() {
                out.push('\n');
                for note in &section.notes {
                    let _ = writeln!(out, "- {}", escape_markdown(note));
                }
            }
        }
        out
    }

    /// The report as one self-contained HTML file in `locale`: the period, an attainment
    /// chart (SVG bars with the 100% line) and table per goal with its roll-up and notes,
    /// the goals that need attention, the leaderboard and each member's payout lines.
    /// Inline CSS and SVG, no scripts; it prints on A4. Rows carry the exact values in
    /// `data-` attributes (`data-attainment="0.925…"`), for pages and tests that read
    /// numbers rather than text.
    pub fn to_html(&self, locale: Locale) -> String {
        let document = self.document(locale);
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            locale.tag(),
            escape_html(&document.heading),
            escape_html(&document.heading)
        );
        for section in &document.sections {
            html_section(&mut out, section);
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// The HTML file's style: readable on screen, and on A4 paper.
const CSS: &str = "\
@page{size:A4}\
body{font:13px/1.45 \"Noto Sans CJK SC\",sans-serif;color:#123;margin:24px auto;max-width:1100px}\
h2{font-size:15px;margin:22px 0 8px}\
table{border-collapse:collapse;width:100%}\
th,td{padding:3px 8px;border-bottom:1px solid #dde;text-align:left}\
th{background:#eef}.n{text-align:right}.total{font-weight:600}tr{break-inside:avoid}\
.bar{fill:#58e}.below{fill:#e95}.line{stroke:#123;stroke-dasharray:4}svg{font-size:11px}\
.st-achieved{color:#170}.st-on_track{color:#26e}.st-at_risk{color:#b50}\
.st-off_track,.st-missed{color:#b11}";

fn html_section(out: &mut String, section: &Section) {
    let class = match section.kind {
        SectionKind::Scorecard => "scorecard",
        SectionKind::Attention => "attention",
        SectionKind::Leaderboard => "leaderboard",
        SectionKind::Payouts => "payouts",
        SectionKind::Findings => "findings",
        SectionKind::Design => "design",
    };
    let _ = write!(
        out,
        "<section class=\"{class}\">\n<h2>{}</h2>\n",
        escape_html(&section.title)
    );
    if section.kind == SectionKind::Scorecard {
        attainment_chart(out, section);
    }
    out.push_str("<table>\n<thead><tr>");
    for (column, cell) in section.header.iter().enumerate() {
        let numeric = column >= section.text_columns;
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if numeric { " class=\"n\"" } else { "" },
            escape_html(cell)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &section.rows {
        html_row(out, section, row, false);
    }
    if let Some(total) = &section.total {
        html_row(out, section, total, true);
    }
    out.push_str("</tbody>\n</table>\n");
    if !section.notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for note in &section.notes {
            let _ = writeln!(out, "<li>{}</li>", escape_html(note));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn html_row(out: &mut String, section: &Section, row: &Row, total: bool) {
    out.push_str(if total { "<tr class=\"total\"" } else { "<tr" });
    for (key, value) in &row.data {
        let _ = write!(out, " data-{key}=\"{}\"", escape_html(value));
    }
    out.push('>');
    // The status cell takes the status's colour.
    let status_column = (section.kind == SectionKind::Scorecard).then_some(6);
    let status = row
        .data
        .iter()
        .find(|(key, _)| *key == "status")
        .map(|(_, s)| s.as_str())
        .filter(|s| !s.is_empty());
    for (column, cell) in row.cells.iter().enumerate() {
        let mut classes = String::new();
        if column >= section.text_columns {
            classes.push('n');
        }
        if let (Some(status), true) = (status, status_column == Some(column)) {
            if !classes.is_empty() {
                classes.push(' ');
            }
            let _ = write!(classes, "st-{status}");
        }
        if classes.is_empty() {
            let _ = write!(out, "<td>{}</td>", escape_html(cell));
        } else {
            let _ = write!(out, "<td class=\"{classes}\">{}</td>", escape_html(cell));
        }
    }
    out.push_str("</tr>\n");
}

/// A goal's attainments as horizontal bars, with a dashed line at 100%. The scale runs
/// to the largest attainment shown, at least 150% and at most 300% (longer bars are
/// cut at the edge: the table has the number). Coordinates are whole pixels, computed
/// in decimals: no float formatting in the module.
fn attainment_chart(out: &mut String, section: &Section) {
    const WIDTH: u32 = 640;
    const LEFT: u32 = 160;
    const ROW: u32 = 18;
    let bars: Vec<(&str, Decimal)> = section
        .rows
        .iter()
        .filter_map(|row| Some((row.cells.get(1).map_or("", String::as_str), row.attainment?)))
        .collect();
    if bars.is_empty() {
        return;
    }
    let most = bars
        .iter()
        .map(|(_, a)| *a)
        .fold(Decimal::new(15, 1), Decimal::max)
        .min(Decimal::new(3, 0));
    let span = Decimal::from(WIDTH - LEFT - 10);
    // Pixels from the left edge of the bars: `attainment / most × span`, whole.
    let x = |attainment: Decimal| -> u32 {
        let part = attainment
            .clamp(Decimal::ZERO, most)
            .checked_div(most)
            .and_then(|share| share.checked_mul(span))
            .unwrap_or_default();
        LEFT.saturating_add(u32::try_from(part.round().mantissa()).unwrap_or(0))
    };
    let count = u32::try_from(bars.len()).unwrap_or(u32::MAX / ROW);
    let bottom = count.saturating_mul(ROW);
    let height = bottom.saturating_add(14);
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\">"
    );
    for (i, (label, attainment)) in (0u32..).zip(&bars) {
        let y = i.saturating_mul(ROW);
        let _ = write!(out, "<text x=\"0\" y=\"{}\">", y.saturating_add(13));
        out.push_str(&escape_html(label));
        out.push_str(if *attainment >= Decimal::ONE {
            "</text><rect class=\"bar\""
        } else {
            "</text><rect class=\"bar below\""
        });
        let _ = writeln!(
            out,
            " x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"12\"/>",
            y.saturating_add(3),
            x(*attainment) - LEFT
        );
    }
    let line = x(Decimal::ONE);
    let _ = writeln!(
        out,
        "<line class=\"line\" x1=\"{line}\" x2=\"{line}\" y1=\"0\" y2=\"{bottom}\"/>\
         <text x=\"{}\" y=\"{}\">100%</text>\n</svg>",
        line + 3,
        bottom.saturating_add(12)
    );
}

fn markdown_row(out: &mut String, cells: &[String], strong: Option<&str>) {
    out.push('|');
    for cell in cells {
        let text = escape_markdown(cell);
        match strong {
            Some(mark) if !text.is_empty() => {
                let _ = write!(out, " {mark}{text}{mark} |");
            }
            _ => {
                let _ = write!(out, " {text} |");
            }
        }
    }
    out.push('\n');
}

/// Text for an HTML element or attribute value.
fn escape_html(text: &str) -> String {
    escape(text, false)
}

/// Text for a Markdown table cell or list item: what Markdown would read as formatting
/// is escaped, and a line break is a space (a cell is one line).
fn escape_markdown(text: &str) -> String {
    escape(text, true)
}

/// One pass for both escapes: HTML's entities, or Markdown's backslashes.
fn escape(text: &str, markdown: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let entity = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => "",
        };
        if markdown {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
            ) {
                out.push('\\');
            }
            out.push(if c == '\n' || c == '\r' { ' ' } else { c });
        } else if entity.is_empty() {
            out.push(c);
        } else {
            out.push_str(entity);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            escape_html(r#"<b>"R&D" 'x'</b>"#),
            "&lt;b&gt;&quot;R&amp;D&quot; &#39;x&#39;&lt;/b&gt;"
        );
        assert_eq!(escape_markdown("a|b *c* _d_\nx"), r"a\|b \*c\* \_d\_ x");
        assert_eq!(escape_markdown("华东"), "华东");
    }
}
