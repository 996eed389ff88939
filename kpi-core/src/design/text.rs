//! Words for design findings: where a component is, what a result is, and the findings
//! as text.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::DesignFinding;
use super::subject::Subject;
use crate::text::{Locale, group_thousands, percent};

/// Words in both languages, `[English, Chinese]`.
pub(super) type Words = [String; 2];

/// The same text in both languages (an amount).
pub(super) fn same(text: String) -> Words {
    [text.clone(), text]
}

/// Both templates filled: `{0}` … `{9}` in each is the value at that position, in the
/// template's language (the languages order their words differently).
pub(super) fn say(templates: [&str; 2], values: &[Words]) -> Words {
    [fill(templates[0], values, 0), fill(templates[1], values, 1)]
}

/// `template` with each `{n}` replaced by `values[n][language]`. The templates are
/// kpi's own text; the values are appended whole.
fn fill(template: &str, values: &[Words], language: usize) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let index = after.chars().next().and_then(|c| c.to_digit(10));
        if let (Some(i), Some("}")) = (index, after.get(1..2)) {
            if let Some(value) = values.get(i as usize) {
                out.push_str(&value[language]);
            }
            rest = &after[2..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A component kind in Chinese.
fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "rate" => "费率",
        "tiered" => "阶梯",
        "curve" => "曲线",
        "bonus" => "奖金",
        "pool" => "奖金池",
        "matrix" => "矩阵",
        _ => "",
    }
}

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
    /// The component as messages call it, `[English, Chinese]`: its name in each
    /// locale, else its incentive's name (or id) and its kind, `commission, tiered` /
    /// `commission的阶梯组件`.
    pub(super) fn labels(&self) -> Words {
        let label = |locale: Locale| {
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
                Locale::ZhCn => format!("{name}的{}组件", kind_zh(kind)),
            }
        };
        [label(Locale::En), label(Locale::ZhCn)]
    }

    /// A result in words, `[English, Chinese]`: `at 99.99% attainment` /
    /// `达成率 99.99% 时` when the component reads a goal, the amount otherwise.
    pub(super) fn describe(&self, actual: Decimal) -> Words {
        let [en, zh] = self.state(actual);
        ["at ".to_owned() + &en, zh + " 时"]
    }

    /// A result as a state: `99.99% attainment` / `达成率 99.99%`, or the amount.
    pub(super) fn state(&self, actual: Decimal) -> Words {
        self.change(actual, None)
    }

    /// A result that moves, `99% → 98% attainment` / `达成率 99% → 98%` (the amounts
    /// without a goal), or stays when `to` is `None`.
    pub(super) fn change(&self, from: Decimal, to: Option<Decimal>) -> Words {
        let word = |actual: Decimal| {
            if self.in_amounts {
                money(actual)
            } else {
                pct(self.position(actual))
            }
        };
        let text = match to {
            Some(to) => format!("{} → {}", word(from), word(to)),
            None => word(from),
        };
        if self.in_amounts {
            [text.clone(), format!("业绩 {text}")]
        } else {
            [format!("{text} attainment"), format!("达成率 {text}")]
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
