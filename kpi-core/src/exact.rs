//! Exact decimals from text: every digit is kept, or the text is refused; nothing is
//! rounded.
//!
//! `rust_decimal`'s own parser rounds a 29th decimal place away, reads `1_000` as 1000 and
//! `1e5` through a second, rounding parser. Amounts are read here instead, digit by digit,
//! into a mantissa and a scale that either fit a [`Decimal`] exactly or are refused with
//! the reason ([`Inexact`]).

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;

/// The most decimal places a [`Decimal`] holds.
pub(crate) const MAX_PLACES: u32 = 28;

/// Mantissas must stay below 2^96.
const MANTISSA_LIMIT: u128 = 1 << 96;

/// Why a text is not an exact decimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inexact {
    /// The text is not a number in the notation expected; the hint says what is wrong.
    Syntax(Cow<'static, str>),
    /// More decimal places than a decimal holds (28).
    Places(u64),
    /// Larger than a decimal holds (about ±7.9 × 10^28, fewer with decimal places).
    Range,
}

impl Inexact {
    /// Whether the text is a number, only one kpi cannot hold exactly (too many places, too
    /// large), rather than no number at all.
    #[cfg(feature = "ingest")]
    pub(crate) fn out_of_range(&self) -> bool {
        matches!(self, Inexact::Places(_) | Inexact::Range)
    }
}

impl fmt::Display for Inexact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Inexact::Syntax(hint) => f.write_str(hint),
            Inexact::Places(places) => write!(
                f,
                "it has {places} decimal places, and kpi keeps at most {MAX_PLACES} (nothing is rounded)"
            ),
            Inexact::Range => f.write_str(
                "it is larger than kpi holds exactly (about ±7.9 × 10^28, less with decimal places)",
            ),
        }
    }
}

/// A decimal read digit by digit: its mantissa and decimal places, exact.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Digits {
    mantissa: u128,
    places: u64,
    count: u64,
    overflow: bool,
}

impl Digits {
    /// Adds the next digit (`0`–`9` as a number) of the integer part, or of the fraction.
    pub(crate) fn push(&mut self, digit: u8, fraction: bool) {
        self.count = self.count.saturating_add(1);
        if fraction {
            self.places = self.places.saturating_add(1);
        }
        if self.overflow {
            return;
        }
        match self
            .mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(u128::from(digit)))
        {
            Some(m) if m < MANTISSA_LIMIT => self.mantissa = m,
            _ => self.overflow = true,
        }
    }

    /// How many digits were pushed.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The decimal `±digits × 10^exponent`, exact, or why it cannot be one.
    pub(crate) fn finish(self, negative: bool, exponent: i64) -> Result<Decimal, Inexact> {
        let places = i64::try_from(self.places)
            .unwrap_or(i64::MAX)
            .saturating_sub(exponent);
        if places > i64::from(MAX_PLACES) {
            return Err(Inexact::Places(places.unsigned_abs()));
        }
        if self.overflow {
            return Err(Inexact::Range);
        }
        let (mantissa, scale) = if places >= 0 {
            (self.mantissa, places as u32)
        } else if self.mantissa == 0 {
            (0, 0)
        } else {
            let factor = u32::try_from(places.unsigned_abs())
                .ok()
                .and_then(|p| 10u128.checked_pow(p))
                .ok_or(Inexact::Range)?;
            let m = self
                .mantissa
                .checked_mul(factor)
                .filter(|m| *m < MANTISSA_LIMIT)
                .ok_or(Inexact::Range)?;
            (m, 0)
        };
        // Below 2^96, so the cast and the construction cannot fail.
        let signed = mantissa as i128;
        let signed = if negative { -signed } else { signed };
        Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| Inexact::Range)
    }
}

/// Reads an exponent's digits (after `e` and its sign), saturating far beyond any exponent
/// a decimal can take.
fn exponent(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0i64, |n, d| {
        d.is_ascii_digit()
            .then(|| n.saturating_mul(10).saturating_add(i64::from(d - b'0')))
    })
}

/// A decimal in machine notation, exact: an optional sign, digits with an optional decimal
/// point, and an optional exponent (`-1200.50`, `+3`, `.5`, `1.5e3`). JSON numbers and the
/// decimal strings of fact records are read this way. No thousands separators, no
/// underscores, no spaces; more than 28 decimal places or a value beyond the decimal range
/// is refused, never rounded.
pub(crate) fn decimal_text(text: &str) -> Result<Decimal, Inexact> {
    const NOT_A_NUMBER: Inexact = Inexact::Syntax(Cow::Borrowed(
        "it is not a decimal number (digits, an optional sign, point and exponent)",
    ));
    let bytes = text.as_bytes();
    let (negative, mut rest) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let mut digits = Digits::default();
    let mut fraction = false;
    let mut exp = 0i64;
    while let Some((&byte, tail)) = rest.split_first() {
        match byte {
            b'0'..=b'9' => digits.push(byte - b'0', fraction),
            b'.' if !fraction => fraction = true,
            b'e' | b'E' => {
                let (negative_exp, exp_digits) = match tail.split_first() {
                    Some((b'-', d)) => (true, d),
                    Some((b'+', d)) => (false, d),
                    _ => (false, tail),
                };
                let value = exponent(exp_digits).ok_or(NOT_A_NUMBER)?;
                exp = if negative_exp { -value } else { value };
                rest = &[];
                continue;
            }
            _ => return Err(NOT_A_NUMBER),
        }
        rest = tail;
    }
    if digits.count() == 0 {
        return Err(NOT_A_NUMBER);
    }
    digits.finish(negative, exp)
}

/// A plain decimal as people and programs write one without a notation to declare: an
/// optional minus, digits without leading zeros, an optional point and fraction
/// (`-12.50`, `0.5`, `7`). `None` for anything else, including `007`, `1e5`, `+1`, `1.`
/// and numbers kpi cannot hold exactly: such text stays text.
#[cfg(feature = "ingest")]
pub(crate) fn plain_number(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (integer, fraction) = match body.iter().position(|b| *b == b'.') {
        Some(point) => (body.get(..point)?, Some(body.get(point + 1..)?)),
        None => (body, None),
    };
    let well_formed = !integer.is_empty()
        && integer.iter().all(u8::is_ascii_digit)
        && (integer.len() == 1 || integer.first() != Some(&b'0'))
        && fraction.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit));
    if !well_formed {
        return None;
    }
    let mut digits = Digits::default();
    for d in integer {
        digits.push(d - b'0', false);
    }
    for d in fraction.unwrap_or_default() {
        digits.push(d - b'0', true);
    }
    digits.finish(negative, 0).ok()
}

/// A JSON number's text as a plain decimal: as written when it has no exponent, else its
/// exact value written out (`1.5e3` → `1500`); as written when kpi cannot hold it exactly
/// (the reader of the field then refuses it).
#[cfg(feature = "ingest")]
pub(crate) fn json_number_text(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b == b'e' || b == b'E') {
        return Cow::Borrowed(text);
    }
    decimal_text(text).map_or(Cow::Borrowed(text), |d| Cow::Owned(d.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> String {
        decimal_text(text).unwrap().to_string()
    }

    #[test]
    fn machine_notation_is_exact() {
        assert_eq!(exact("90071992547409.93"), "90071992547409.93");
        assert_eq!(exact("1200.50"), "1200.50");
        assert_eq!(exact("-0.5"), "-0.5");
        assert_eq!(exact("+3"), "3");
        assert_eq!(exact(".5"), "0.5");
        assert_eq!(exact("1.5e3"), "1500");
        assert_eq!(exact("15E-1"), "1.5");
        assert_eq!(exact("1.50e1"), "15.0");
        assert_eq!(exact("-0"), "0");
        assert_eq!(
            exact("0.0000000000000000000000000001"),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            exact("79228162514264337593543950335"),
            "79228162514264337593543950335"
        );
    }

    #[test]
    fn what_would_round_is_refused() {
        assert_eq!(
            decimal_text("0.00000000000000000000000000001"),
            Err(Inexact::Places(29))
        );
        assert_eq!(decimal_text("1e-29"), Err(Inexact::Places(29)));
        assert_eq!(
            decimal_text("79228162514264337593543950336"),
            Err(Inexact::Range)
        );
        assert_eq!(
            decimal_text("12.0000000000000000000000000001"),
            Err(Inexact::Range)
        );
        assert_eq!(decimal_text("1e29"), Err(Inexact::Range));
        assert_eq!(decimal_text("1e999999999999999999999"), Err(Inexact::Range));
        assert_eq!(decimal_text("0e99999999999"), Ok(Decimal::ZERO));
        for bad in [
            "", "-", ".", "1_000", "1,000", " 1", "1 ", "1e", "1e+", "0x10", "NaN", "inf", "1..2",
            "1.2.3", "１",
        ] {
            assert!(
                matches!(decimal_text(bad), Err(Inexact::Syntax(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    #[cfg(feature = "ingest")]
    fn plain_numbers() {
        assert_eq!(plain_number("12.50").unwrap().to_string(), "12.50");
        assert_eq!(plain_number("-7").unwrap().to_string(), "-7");
        assert_eq!(plain_number("0.5").unwrap().to_string(), "0.5");
        for text in [
            "007",
            "1e5",
            "+1",
            "1.",
            ".5",
            "1_0",
            "",
            "-",
            "1 000",
            "0.00000000000000000000000000001",
        ] {
            assert_eq!(plain_number(text), None, "{text:?}");
        }
    }

    #[test]
    #[cfg(feature = "ingest")]
    fn json_numbers_are_written_out() {
        assert_eq!(json_number_text("1.5e3"), "1500");
        assert_eq!(json_number_text("1774972800000"), "1774972800000");
        assert_eq!(json_number_text("1e400"), "1e400");
    }
}
