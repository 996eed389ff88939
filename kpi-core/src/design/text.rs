//! Words for design findings: where a component is, what a result is, and the findings
//! as text.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::DesignFinding;
use super::subject::Subject;
use crate::text::{Locale, group_thousands, percent};

/// `1234.5` → `1,234.50` (always two decimals).
pub(super) fn money(value: Decimal) -> String {
    let mut cents = value.round_dp(2);
    cents.rescale(2);
    group_thousands(cents)
}

/// `0.9999` → `99.99%` (two decimals at most).
pub(super) fn pct(value: Decimal) -> String {
    percent(value.round_dp(4))
}

impl Subject<'_> {
    /// The component as messages call it: its name in `locale`, else its incentive's
    /// name (or id) and its kind, `commission, tiered` / `commission的 tiered 组件`.
    pub(super) fn label(&self, locale: Locale) -> String {
        if let Some(title) = self.component.limits().title(locale) {
            return title.to_owned();
        }
        let incentive = self.incentive;
        let name = incentive
            .names
            .get(locale)
            .or(incentive.name.as_deref())
            .unwrap_or(&incentive.id);
        let kind = self.component.kind();
        match locale {
            Locale::En => format!("{name}, {kind}"),
            Locale::ZhCn => format!("{name}的 {kind} 组件"),
        }
    }

    /// A result in words, `[English, Chinese]`: `at 99.99% attainment` /
    /// `达成率 99.99% 时` when the component reads a goal, the amount otherwise.
    pub(super) fn describe(&self, actual: Decimal) -> [String; 2] {
        let [en, zh] = self.state(actual);
        [format!("at {en}"), format!("{zh} 时")]
    }

    /// A result as a state: `99.99% attainment` / `达成率 99.99%`, or the amount.
    pub(super) fn state(&self, actual: Decimal) -> [String; 2] {
        self.change(actual, None)
    }

    /// A result that moves, `99% → 98% attainment` / `达成率 99% → 98%` (the amounts
    /// without a goal), or stays when `to` is `None`.
    pub(super) fn change(&self, from: Decimal, to: Option<Decimal>) -> [String; 2] {
        let word = |actual: Decimal| match self.target {
            Some(_) => pct(self.position(actual)),
            None => money(actual),
        };
        let text = match to {
            Some(to) => format!("{} → {}", word(from), word(to)),
            None => word(from),
        };
        match self.target {
            Some(_) => [format!("{text} attainment"), format!("达成率 {text}")],
            None => [text.clone(), format!("业绩 {text}")],
        }
    }
}

/// The design findings as text in `locale`: a title with their count, then a line each
/// (severity, path, code, message, and the reason of an intended one).
///
/// ```text
/// Design findings: 1
///   info    incentives[0].components[0] [design.sandbagging] Commission: moving … (intended: …)
/// ```
pub fn design_text(findings: &[DesignFinding], locale: Locale) -> String {
    let mut out = match locale {
        Locale::En => format!("Design findings: {}\n", findings.len()),
        Locale::ZhCn => format!("方案设计检查结果：{}\n", findings.len()),
    };
    for f in findings {
        let severity = f.severity.label(locale);
        let message = match locale {
            Locale::En => &f.message,
            Locale::ZhCn => &f.message_zh,
        };
        let _ = write!(out, "  {severity:<7} {} [{}] {message}", f.path, f.code);
        if let Some(reason) = &f.intended {
            let _ = match locale {
                Locale::En => write!(out, " (intended: {reason})"),
                Locale::ZhCn => write!(out, "（有意为之：{reason}）"),
            };
        }
        out.push('\n');
    }
    out
}
