//! Numbers and sentences written for people: thousands separators, percentages, and the
//! lazily written [`Sentence`]. A leaf: pricing, goals, the plan checks and the report all
//! write through it, and it imports nothing of kpi.

mod locale;
mod messages;
mod names;
mod sentence;

pub use locale::Locale;
pub use messages::Message;
pub use names::Names;
pub(crate) use names::name_problem;
pub use sentence::Sentence;

use rust_decimal::Decimal;

/// Formats a decimal with thousands separators: `1234567.8` → `1,234,567.8`.
pub fn group_thousands(value: Decimal) -> String {
    let mut text = String::with_capacity(24);
    write_decimal(&mut text, value, true);
    text
}

/// Formats a rate as a percentage: `0.05` → `5%`, `0.125` → `12.5%`.
pub fn percent(rate: Decimal) -> String {
    let mut text = String::with_capacity(8);
    // The decimal point moved two places right, so no rate overflows the multiplication.
    let rate = rate.normalize();
    if let Some(scale) = rate.scale().checked_sub(2) {
        write_decimal(
            &mut text,
            Decimal::from_i128_with_scale(rate.mantissa(), scale),
            false,
        );
    } else {
        // `1.5` is `150%`: the mantissa's digits, then the zeros the scale lacks.
        write_decimal(
            &mut text,
            Decimal::from_i128_with_scale(rate.mantissa(), 0),
            false,
        );
        if !rate.is_zero() {
            text.push_str(&"00"[rate.scale() as usize..]);
        }
    }
    text.push('%');
    text
}

/// Writes `value` as `Display` does (every digit of its scale), with a comma before
/// each group of three whole digits when `grouped`. Reports write thousands of figures:
/// the digits come straight from the mantissa, without the formatting machinery.
fn write_decimal(out: &mut String, value: Decimal, grouped: bool) {
    let scale = value.scale() as usize;
    let mantissa = value.mantissa();
    // The digits, last first: a 96-bit mantissa has at most 29, the scale at most 28.
    let mut digits = [b'0'; 40];
    let mut len = 0;
    let mut rest = mantissa.unsigned_abs();
    // 128-bit division is a library call: only the digits beyond 64 bits take it.
    while rest > u128::from(u64::MAX) {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let mut rest = u64::try_from(rest).unwrap_or_default();
    while rest > 0 {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let len = len.max(scale + 1); // `0.05`: zeros up to the unit digit
    // The text, first first: sign, whole digits with their commas, point, fraction.
    let mut text = [0u8; 72];
    let mut at = 0;
    if mantissa < 0 {
        text[at] = b'-';
        at += 1;
    }
    let whole = len - scale;
    for (i, &digit) in digits[scale..len].iter().rev().enumerate() {
        if grouped && i > 0 && (whole - i) % 3 == 0 {
            text[at] = b',';
            at += 1;
        }
        text[at] = digit;
        at += 1;
    }
    if scale > 0 {
        text[at] = b'.';
        at += 1;
        for &digit in digits[..scale].iter().rev() {
            text[at] = digit;
            at += 1;
        }
    }
    out.push_str(std::str::from_utf8(&text[..at]).unwrap_or_default());
}

/// The parts joined into one string, allocated once: report lines are built from a
/// handful of figures and words, thousands of times.
pub(crate) fn join(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn formats_numbers_for_people() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(group_thousands(d("1234567.89")), "1,234,567.89");
        assert_eq!(group_thousands(d("-1000")), "-1,000");
        assert_eq!(group_thousands(d("999.5")), "999.5");
        assert_eq!(group_thousands(d("0.05")), "0.05");
        assert_eq!(group_thousands(d("-123456")), "-123,456");
        assert_eq!(percent(d("0.05")), "5%");
        assert_eq!(percent(d("0.125")), "12.5%");
        assert_eq!(group_thousands(d("0.00")), "0.00");
        assert_eq!(group_thousands(d("-0.001")), "-0.001");
        assert_eq!(
            group_thousands(Decimal::MAX),
            "79,228,162,514,264,337,593,543,950,335"
        );
        assert_eq!(percent(d("1.5")), "150%");
        assert_eq!(percent(d("2")), "200%");
        assert_eq!(percent(d("0")), "0%");
        assert_eq!(percent(d("0.10")), "10%");
        assert_eq!(percent(Decimal::MAX), "7922816251426433759354395033500%");
    }

    proptest::proptest! {
        /// Grouping only inserts a comma before each group of three whole digits.
        #[test]
        fn grouping_keeps_the_digits(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in proptest::num::u32::ANY,
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
        ) {
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            if let Some(hundredfold) = value.checked_mul(Decimal::ONE_HUNDRED) {
                proptest::prop_assert_eq!(percent(value), format!("{}%", hundredfold.normalize()));
            }
            let grouped = group_thousands(value);
            proptest::prop_assert_eq!(grouped.replace(',', ""), value.to_string());
            let whole = grouped.trim_start_matches('-').split('.').next().unwrap_or_default();
            for (i, group) in whole.split(',').enumerate() {
                let fits = if i == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
                proptest::prop_assert!(fits, "{grouped}");
            }
        }
    }
}
