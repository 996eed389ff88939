//! The words and number forms every rendering of a report shares: the locale and the
//! plan's names ([`Words`]), scope words, and figures for people.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Labels, Locale, Message, ScorecardRow, group_thousands};
use crate::decimal::TryArithmetic;
use crate::formula::Unit;
use crate::org::ScopeKind;
use crate::period::{PeriodInfo, date_in};

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
        if row.id == crate::org::UNASSIGNED && row.scope != ScopeKind::Dimension {
            return (
                Message::ScopeUnassigned.text(self.locale),
                Message::NameUnassigned.text(self.locale),
            );
        }
        match row.scope {
            ScopeKind::Company => (scope, Message::NameCompany.text(self.locale)),
            ScopeKind::Team => (scope, self.labels.team(&row.id, self.locale)),
            ScopeKind::Dimension if row.id == super::NO_VALUE => {
                (scope, Message::NameNoValue.text(self.locale))
            }
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

pub(crate) fn row_of<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// A value for people: percentages as `94.1%`, money with thousands separators and two
/// decimals, other numbers with separators (display only: the report keeps exact values).
pub(crate) fn display(unit: Unit, value: Decimal) -> String {
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
pub(crate) fn as_percent(ratio: Decimal) -> String {
    // A ratio too large to be written in percent keeps all its digits instead.
    let Some(percent) = ratio.try_mul(Decimal::ONE_HUNDRED) else {
        return super::percent(ratio);
    };
    let percent = percent.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    format!("{percent:.1}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_display_rounds_to_one_place() {
        assert_eq!(as_percent(Decimal::new(900_001, 6)), "90.0%");
        assert_eq!(as_percent(Decimal::new(12345, 4)), "123.5%");
    }
}
