//! A period's label for people, in a locale: `FY2027-Q2` is `2027财年第2季度` in Chinese.
//!
//! English keeps the label as written (`FY2027-Q2`, `2026-06`). Chinese writes the
//! conventional forms: `2026年6月`, `2026年第3季度`, `2027财年第2季度`, `2026年上半年`,
//! `2026年第5周`, `2026年3月15日`; a span or range joins its two ends with `至`. A fiscal
//! month of a non-retail calendar is labelled as its civil month already (`2026-06`); a
//! retail fiscal month is `2027财年第3期` (its 4- or 5-week period).

use chrono::{Datelike, NaiveDate};

use super::PeriodInfo;
use crate::text::Locale;

/// A period label in `locale` (see the module notes): for labels held as text.
pub fn label_in(label: &str, locale: Locale) -> String {
    match locale {
        Locale::En => label.to_owned(),
        Locale::ZhCn => chinese_label(label),
    }
}

impl PeriodInfo {
    /// The period's label in `locale` (see the module notes).
    pub fn label_in(&self, locale: Locale) -> String {
        match locale {
            Locale::En => self.label.clone(),
            Locale::ZhCn => chinese_label(&self.label),
        }
    }
}

/// A day as people write it: `2026-07-01` in English, `2026年7月1日` in Chinese.
pub fn date_in(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::En => day.to_string(),
        Locale::ZhCn => format!("{}年{}月{}日", day.year(), day.month(), day.day()),
    }
}

/// A label in Chinese; a form it does not know stays as written.
fn chinese_label(label: &str) -> String {
    if let Some((from, to)) = label.split_once("..") {
        // One range, two plain labels: anything else (a label read back from a report
        // document, say) stays as written, and nothing recurses on it.
        if from.contains("..") || to.contains("..") {
            return label.to_owned();
        }
        return format!("{}至{}", chinese_label(from), chinese_label(to));
    }
    let (fiscal, rest) = match label.strip_prefix("FY") {
        Some(rest) => (true, rest),
        None => (false, label),
    };
    let (year, part) = match rest.split_once('-') {
        Some((year, part)) => (year, Some(part)),
        None => (rest, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return label.to_owned();
    }
    let year_word = if fiscal {
        format!("{year}财年")
    } else {
        format!("{year}年")
    };
    let number = |digits: &str| -> Option<u32> {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    let Some(part) = part else {
        return year_word;
    };
    let named = match part.as_bytes().first() {
        Some(b'Q') => number(&part[1..]).map(|q| format!("第{q}季度")),
        Some(b'H') => match number(&part[1..]) {
            Some(1) => Some("上半年".to_owned()),
            Some(2) => Some("下半年".to_owned()),
            _ => None,
        },
        Some(b'W') => number(&part[1..]).map(|w| format!("第{w}周")),
        Some(b'M') => number(&part[1..]).map(|m| format!("第{m}期")),
        _ => match part.split_once('-') {
            Some((month, day)) => number(month)
                .zip(number(day))
                .map(|(m, d)| format!("{m}月{d}日")),
            None => number(part).map(|m| format!("{m}月")),
        },
    };
    // `part` starts with an ASCII letter or digit here, so `[1..]` is a character
    // boundary; anything unexpected keeps the label as written.
    named.map_or_else(|| label.to_owned(), |n| format!("{year_word}{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_chinese() {
        for (label, zh) in [
            ("FY2027-Q2", "2027财年第2季度"),
            ("2026-Q3", "2026年第3季度"),
            ("FY2027", "2027财年"),
            ("2026", "2026年"),
            ("2026-06", "2026年6月"),
            ("2026-H1", "2026年上半年"),
            ("FY2027-H2", "2027财年下半年"),
            ("2026-W05", "2026年第5周"),
            ("FY2027-M03", "2027财年第3期"),
            ("2026-03-15", "2026年3月15日"),
            ("FY2027..FY2029", "2027财年至2029财年"),
            ("2024-01-01..2024-04-01", "2024年1月1日至2024年4月1日"),
            ("custom", "custom"),
            ("2026-Qx", "2026-Qx"),
            ("FY20é7", "FY20é7"),
            ("2026..2027..2028", "2026..2027..2028"),
            ("2026-é", "2026-é"),
        ] {
            assert_eq!(chinese_label(label), zh, "{label}");
        }
        // A hostile label (from a report document) is kept, in linear time.
        let dots = ".".repeat(200_000);
        assert_eq!(chinese_label(&dots), dots);
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(date_in(day, Locale::ZhCn), "2026年7月1日");
        assert_eq!(date_in(day, Locale::En), "2026-07-01");
    }
}
