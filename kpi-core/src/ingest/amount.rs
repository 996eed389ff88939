//! Amounts as exports write them, read strictly in the notation a mapping declares.
//!
//! An amount is an optional sign (`-` or `+`), an integer part, and optionally the decimal
//! separator and at least one digit. The integer part is plain digits (`1234567`) or
//! grouped by thousands (`1,234,567`): a first group of one to three digits that does not
//! start with 0, then groups of exactly three, all separated by the same character (the
//! other of `.` and `,`, a space, a no-break space or a narrow no-break space). Anything
//! else is refused rather than guessed: `1,5` under `.` (not a thousands group), `1.234,56`
//! under `.` (a separator after the decimal separator), `1e5`, `1_000`, `(1,200.00)`,
//! `1200-`, `$1,200`, `１２`, a 29th decimal place or a value beyond the decimal range.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::exact::{Digits, Inexact};

/// Spaces that group thousands in either notation.
const SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Reads `text` (already trimmed) as an amount whose decimal separator is `decimal`
/// (`.` or `,`), exactly.
pub(crate) fn read(text: &str, decimal: char) -> Result<Decimal, Inexact> {
    let thousands = if decimal == ',' { '.' } else { ',' };
    // A character no amount has is named first: `1,200 USD` is about its currency, not
    // about its space.
    let foreign = |c: &char| {
        !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | ',') || SPACES.contains(c))
    };
    if let Some(c) = text.chars().find(foreign) {
        return Err(Inexact::Syntax(hint(c)));
    }
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Err(syntax("it has no digits"));
    }
    let groups_of_three = || {
        Inexact::Syntax(Cow::Owned(format!(
            "thousands are grouped by three digits (1{thousands}234{thousands}567{decimal}89), after a first group that does not start with 0"
        )))
    };
    let mut chars = text.chars().peekable();
    let negative = match chars.peek() {
        Some('-') => {
            chars.next();
            true
        }
        Some('+') => {
            chars.next();
            false
        }
        _ => false,
    };
    let mut digits = Digits::default();
    // The grouping character, once one is seen; separators seen; digits in the current
    // group (of the integer part); whether the first group starts with 0.
    let mut separator: Option<char> = None;
    let mut groups = 0usize;
    let mut in_group = 0usize;
    let mut leading_zero = false;
    let mut fraction: Option<usize> = None;
    for c in chars {
        match c {
            '0'..='9' => {
                let digit = c as u8 - b'0';
                if let Some(places) = fraction.as_mut() {
                    *places += 1;
                } else {
                    if groups == 0 && in_group == 0 {
                        leading_zero = digit == 0;
                    }
                    in_group += 1;
                }
                digits.push(digit, fraction.is_some());
            }
            c if c == decimal => {
                if fraction.is_some() {
                    return Err(syntax("it has two decimal separators"));
                }
                if groups > 0 && in_group != 3 {
                    return Err(groups_of_three());
                }
                fraction = Some(0);
            }
            c if c == thousands || SPACES.contains(&c) => {
                if fraction.is_some() {
                    return Err(syntax(
                        "a thousands separator comes after the decimal separator: is it written in the other notation?",
                    ));
                }
                if separator.is_some_and(|s| s != c) {
                    return Err(syntax("it mixes two thousands separators"));
                }
                let well_formed = if groups == 0 {
                    (1..=3).contains(&in_group) && !leading_zero
                } else {
                    in_group == 3
                };
                if !well_formed {
                    return Err(groups_of_three());
                }
                separator = Some(c);
                groups += 1;
                in_group = 0;
            }
            _ => return Err(syntax("the sign goes first, once")),
        }
    }
    if fraction.is_none() && groups > 0 && in_group != 3 {
        return Err(groups_of_three());
    }
    if fraction == Some(0) {
        return Err(syntax("no digits follow the decimal separator"));
    }
    if digits.count() == 0 {
        return Err(syntax("it has no digits"));
    }
    digits.finish(negative, 0)
}

/// A syntax error with a fixed hint.
fn syntax(hint: &'static str) -> Inexact {
    Inexact::Syntax(Cow::Borrowed(hint))
}

/// What a character that has no place in an amount suggests.
fn hint(c: char) -> Cow<'static, str> {
    Cow::Borrowed(match c {
        'e' | 'E' => "exponents (1e5) are not amounts: write the digits out",
        '(' | ')' => "write a negative amount with a leading minus, not in parentheses",
        '_' => "underscores do not group thousands",
        c if c.is_numeric() => "only the digits 0-9 are read",
        _ => {
            return Cow::Owned(format!(
                "{c:?} has no place in an amount (digits, a leading sign, the decimal separator and thousands separators; a currency goes in its own field)"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dot(text: &str) -> Result<String, Inexact> {
        read(text, '.').map(|d| d.to_string())
    }

    fn comma(text: &str) -> Result<String, Inexact> {
        read(text, ',').map(|d| d.to_string())
    }

    #[test]
    fn declared_notation_reads_exactly() {
        assert_eq!(dot("1,200,000.50").unwrap(), "1200000.50");
        assert_eq!(dot("1234.5").unwrap(), "1234.5");
        assert_eq!(dot("1,234").unwrap(), "1234");
        assert_eq!(dot("1 234.5").unwrap(), "1234.5");
        assert_eq!(dot("1\u{a0}234").unwrap(), "1234");
        assert_eq!(dot("-1,234.50").unwrap(), "-1234.50");
        assert_eq!(dot("+5").unwrap(), "5");
        assert_eq!(dot(".5").unwrap(), "0.5");
        assert_eq!(dot("007.5").unwrap(), "7.5");
        assert_eq!(dot("0").unwrap(), "0");
        assert_eq!(dot("-0.00").unwrap(), "0.00");
        assert_eq!(comma("1.234,56").unwrap(), "1234.56");
        assert_eq!(comma("1 000,5").unwrap(), "1000.5");
        assert_eq!(comma("1,5").unwrap(), "1.5");
        assert_eq!(comma("1.000,00").unwrap(), "1000.00");
        assert_eq!(comma("1.234").unwrap(), "1234");
        assert_eq!(comma(",5").unwrap(), "0.5");
    }

    #[test]
    fn ambiguous_or_foreign_text_is_refused() {
        for text in [
            "1.234,56",
            "1.000,00",
            "1,5",
            "1,23",
            "1,2345",
            "12,34,567",
            "1,234,5",
            "0,123",
            "1,,234",
            ",234",
            "1,234 567",
            "1.2.3",
            "1.",
            "",
            "-",
            "+",
            "--1",
            "- 1",
            "1e5",
            "1E5",
            "1_000",
            "(1,200.00)",
            "1200-",
            "$1,200",
            "1,200 USD",
            "¥100",
            "１２３",
            "٣",
            "NaN",
            "inf",
            "0x10",
            "1/2",
            "5%",
            "1'000",
            "−5",
        ] {
            assert!(
                matches!(read(text, '.'), Err(Inexact::Syntax(_))),
                "{text:?}"
            );
        }
        for text in [
            "1,000.00", "1.5", "1.23", "1,2,3", "1 000.5", "1,", "1.2345",
        ] {
            assert!(
                matches!(read(text, ','), Err(Inexact::Syntax(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nothing_is_rounded() {
        assert_eq!(
            read("0.0000000000000000000000000001", '.')
                .unwrap()
                .to_string(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            read("0.00000000000000000000000000001", '.'),
            Err(Inexact::Places(29))
        );
        assert_eq!(
            read("79,228,162,514,264,337,593,543,950,335", '.')
                .unwrap()
                .to_string(),
            "79228162514264337593543950335"
        );
        assert_eq!(
            read("79,228,162,514,264,337,593,543,950,336", '.'),
            Err(Inexact::Range)
        );
        assert_eq!(
            read("12.0000000000000000000000000001", '.'),
            Err(Inexact::Range)
        );
    }

    /// Writes `units / 10^places` grouped by thousands in a notation.
    fn grouped(units: i128, places: u32, decimal: char, separator: char) -> String {
        let digits = units.unsigned_abs().to_string();
        let places = places as usize;
        let padded = format!("{digits:0>width$}", width = places + 1);
        let (integer, fraction) = padded.split_at(padded.len() - places);
        let mut out = String::new();
        for (i, c) in integer.chars().enumerate() {
            if i > 0 && (integer.len() - i) % 3 == 0 {
                out.push(separator);
            }
            out.push(c);
        }
        if places > 0 {
            out.push(decimal);
            out.push_str(fraction);
        }
        if units < 0 {
            out.insert(0, '-');
        }
        out
    }

    proptest! {
        /// Any decimal, written with thousands groups in either notation, reads back as
        /// exactly the same number with the same places.
        #[test]
        fn grouped_numbers_read_back_exactly(
            units in -(1i128 << 96) + 1..(1i128 << 96),
            places in 0u32..=28,
            comma_decimals in any::<bool>(),
            spaces in 0usize..4,
        ) {
            let (decimal, thousands) = if comma_decimals { (',', '.') } else { ('.', ',') };
            let separator = [thousands, ' ', '\u{a0}', '\u{202f}'][spaces];
            let want = Decimal::from_i128_with_scale(units, places);
            let text = grouped(units, places, decimal, separator);
            prop_assert_eq!(read(&text, decimal), Ok(want), "{}", text);
            let plain = grouped(units, places, decimal, '\0').replace('\0', "");
            prop_assert_eq!(read(&plain, decimal), Ok(want), "{}", plain);
            // With decimal places other than three, the text reads in no other notation
            // (`1,234.5` and `1.5` are refused under `,`); with three (`123.456`), only the
            // declared notation tells the two readings apart.
            let other = if comma_decimals { '.' } else { ',' };
            if places > 0 && places != 3 {
                prop_assert!(read(&text, other).is_err(), "{}", text);
            }
        }

        /// No text reads as a number other than its digits say: whatever is accepted has
        /// the same digits, in order, as the text.
        #[test]
        fn accepted_text_keeps_its_digits(text in "[-+]?[0-9., \u{a0}]{0,12}") {
            for decimal in ['.', ','] {
                if let Ok(value) = read(&text, decimal) {
                    let written: String = text.chars().filter(char::is_ascii_digit).collect();
                    let written = written.trim_start_matches('0');
                    let mantissa = value.mantissa().unsigned_abs().to_string();
                    let mantissa = mantissa.trim_start_matches('0');
                    prop_assert_eq!(written, mantissa, "{:?}", text);
                    let places = text.rsplit_once(decimal).map_or(0, |(_, f)| f.len());
                    prop_assert_eq!(value.scale() as usize, places, "{:?}", text);
                }
            }
        }
    }
}
