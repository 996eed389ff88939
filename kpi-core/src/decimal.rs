//! Money and ratio helpers over `rust_decimal`: exact parsing of decimal text, checked
//! arithmetic, and the explicit rounding policy.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// The largest number of decimal places a plan's rounding policy may keep. Rounding to
/// `places` writes every payout with that many decimals, which must fit beside the
/// amount's integer digits in 28 significant digits.
pub const MAX_ROUNDING_PLACES: u32 = 10;

/// Why a text is not an exact decimal ([`parse_exact`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotExact {
    /// Not a decimal number at all (`12a`, `1_000`, `NaN`, an empty text).
    Syntax,
    /// Exact only with more significant digits than a decimal keeps (28 or 29: the
    /// mantissa is below 2^96), so reading it would round it.
    TooPrecise,
    /// Beyond ±79,228,162,514,264,337,593,543,950,335.
    OutOfRange,
}

impl NotExact {
    /// A sentence about `text` (cut to 40 characters when longer).
    pub fn describe(self, text: &str) -> String {
        let shown = shorten(text, 40);
        match self {
            NotExact::Syntax => match percent_as_fraction(text) {
                Some(fraction) => format!(
                    "{shown:?} is not a decimal number: write a percentage as a fraction, {fraction} for {}",
                    shown.trim()
                ),
                None => format!(
                    "{shown:?} is not a decimal number: write digits with an optional sign, decimal point and exponent, such as \"-1234.56\""
                ),
            },
            NotExact::TooPrecise => format!(
                "{shown:?} needs more digits than kpi keeps exactly (28 significant digits, at most 28 after the point); it would be rounded"
            ),
            NotExact::OutOfRange => format!(
                "{shown:?} is beyond the exact decimal range (±79,228,162,514,264,337,593,543,950,335)"
            ),
        }
    }
}

/// `0.03` for `3%` (or `3 %`), when `text` is a decimal followed by a percent sign.
fn percent_as_fraction(text: &str) -> Option<Decimal> {
    let digits = text.trim().strip_suffix('%')?.trim_end();
    let mut value = parse_exact(digits).ok()?;
    // ÷ 100, exactly: two more decimal places on the same digits.
    let scale = value.scale().checked_add(2).filter(|s| *s <= 28)?;
    value.set_scale(scale).ok()?;
    Some(value.normalize())
}

/// The first `max` characters of `text`, with `…` when it was longer (never cut inside a
/// character).
pub(crate) fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

/// Reads decimal text exactly: an optional sign, digits with an optional decimal point,
/// and an optional exponent (`-1234.56`, `0.10`, `1E+5`, as Python's `str(Decimal)`
/// writes them). The written scale is kept (`100.50` stays `100.50`). Anything that would
/// be rounded to fit a `Decimal` (a 29th decimal place, even a zero; a value beyond
/// ±79,228,162,514,264,337,593,543,950,335) is refused, as are underscores, spaces and
/// `NaN`.
///
/// `rust_decimal`'s own `FromStr` rounds a 29th decimal place and accepts `1_000`; every
/// decimal kpi reads from users (plans, facts, bindings) goes through this function
/// instead.
pub fn parse_exact(text: &str) -> Result<Decimal, NotExact> {
    crate::exact::decimal_text(text).map_err(|why| match why {
        crate::exact::Inexact::Syntax(_) => NotExact::Syntax,
        crate::exact::Inexact::Places(_) => NotExact::TooPrecise,
        crate::exact::Inexact::Range => NotExact::OutOfRange,
    })
}

/// The key of the one-member object that stands for a number by its digits in a JSON value
/// kpi reads: `{"$kpi::number": "90071992547409.93"}`. A `serde_json::Value` holds a
/// number as an `f64` (which reads that one as …94), so JSON text, TOML floats and the
/// bindings' decimals keep a number's written digits this way; every decimal field (and a
/// fact attribute) reads it as the number it is.
pub const EXACT_NUMBER_KEY: &str = "$kpi::number";

/// A JSON value for the number written `digits` (valid JSON or TOML number text, such as
/// `"0.10"` or `"1.5e3"`): a plain number when it is an integer that fits 64 bits,
/// otherwise the number by its digits (see [`EXACT_NUMBER_KEY`]).
pub(crate) fn exact_number_value(digits: &str) -> serde_json::Value {
    if let Ok(n) = digits.parse::<i64>() {
        return serde_json::Value::from(n);
    }
    if let Ok(n) = digits.parse::<u64>() {
        return serde_json::Value::from(n);
    }
    let mut object = serde_json::Map::new();
    object.insert(
        EXACT_NUMBER_KEY.to_owned(),
        serde_json::Value::String(digits.to_owned()),
    );
    serde_json::Value::Object(object)
}

/// Reads decimal text exactly ([`parse_exact`]) as a kpi error of `kind`.
pub fn parse(text: &str, kind: ErrorKind) -> Result<Decimal> {
    parse_exact(text).map_err(|why| Error::new(kind, why.describe(text)))
}

/// An overflow error: `what` says what was being computed, as a noun phrase
/// ("the sum of `revenue` for `li`").
#[cold]
#[inline(never)]
pub(crate) fn overflow(what: impl fmt::Display) -> Error {
    Error::new(
        ErrorKind::DataOverflow,
        format!(
            "{what} is beyond the exact decimal range (±79,228,162,514,264,337,593,543,950,335, with as many decimal places as the 29 digits leave)"
        ),
    )
}

/// Checked arithmetic that names what overflowed: `a.checked_add(b).or_overflow(|| …)?`.
pub(crate) trait OrOverflow<T> {
    /// The value, or a `data.overflow` error about `what()`.
    fn or_overflow<W: fmt::Display>(self, what: impl FnOnce() -> W) -> Result<T>;
}

impl<T> OrOverflow<T> for Option<T> {
    #[inline]
    fn or_overflow<W: fmt::Display>(self, what: impl FnOnce() -> W) -> Result<T> {
        match self {
            Some(value) => Ok(value),
            None => Err(overflow_of(what)),
        }
    }
}

/// The overflow error, out of line: building its message is rare and not small.
#[cold]
#[inline(never)]
fn overflow_of<W: fmt::Display>(what: impl FnOnce() -> W) -> Error {
    overflow(what())
}

/// Checked decimal arithmetic, `None` beyond the exact range. Near the range's end a sum
/// of numbers with decimals keeps 28 significant digits, as ratios and scores must; sums
/// of facts' amounts use [`exact_add`], which refuses to round.
///
/// `rust_decimal` inlines its whole algorithm into every `checked_*` call (`#[inline(always)]`
/// inside), 1 to 1.5 KB of code each; these call it once, out of line in the size-built
/// WebAssembly module (about 100 KB smaller), and inline natively.
pub(crate) trait TryArithmetic: Sized {
    /// `self + other`.
    fn try_add(self, other: Self) -> Option<Self>;
    /// `self - other`.
    fn try_sub(self, other: Self) -> Option<Self>;
    /// `self × other`.
    fn try_mul(self, other: Self) -> Option<Self>;
    /// `self / other` (`None` for a zero divisor too).
    fn try_div(self, other: Self) -> Option<Self>;
}

impl TryArithmetic for Decimal {
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn try_add(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(other)
    }
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn try_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_sub(other)
    }
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn try_mul(self, other: Decimal) -> Option<Decimal> {
        self.checked_mul(other)
    }
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn try_div(self, other: Decimal) -> Option<Decimal> {
        self.checked_div(other)
    }
}

/// `a + b`, exactly, or `None`: `rust_decimal` keeps the finer scale of the two unless the
/// digits do not fit 96 bits, and then rounds to a coarser one
/// (`79228162514264337593543950335 - 0.4` would be the first number again). For sums of
/// facts' amounts that would make a total depend on the order of the facts, and measures
/// merged from partitions disagree with the whole, so these sums refuse to round.
pub(crate) fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let result = a.try_add(b)?;
    let kept = result.scale();
    if kept >= a.scale().max(b.scale()) {
        return Some(result);
    }
    let whole_at =
        |d: Decimal| d.round_dp_with_strategy(kept, rust_decimal::RoundingStrategy::ToZero) == d;
    (whole_at(a) && whole_at(b)).then_some(result)
}

/// The sum of `values`, checked.
pub(crate) fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, TryArithmetic::try_add)
}

/// Serde helpers that read decimals exactly ([`parse_exact`]): text, integers, and
/// numbers of JSON documents by their written digits. Every decimal field of a document
/// kpi reads (plans, facts, inputs) uses one of them instead of `rust_decimal`'s own
/// `Deserialize`, which rounds.
pub mod exact {
    use std::collections::BTreeMap;

    use crate::maps::IntoMap;
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, Visitor};

    /// The key under which `serde_json` hands over a number whose digits an `f64` does not
    /// keep, when some crate of a build turns its `arbitrary_precision` feature on.
    const NUMBER_TOKEN: &str = "$serde_json::private::Number";

    /// The exact reader of a decimal, for readers of values that may be numbers.
    pub(crate) struct Exact;

    impl<'de> Visitor<'de> for Exact {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number (text such as \"1234.56\", or a number)")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
            super::parse_exact(text).map_err(|why| E::custom(why.describe(text)))
        }

        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(n))
        }

        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(n))
        }

        fn visit_i128<E: de::Error>(self, n: i128) -> Result<Decimal, E> {
            Decimal::try_from_i128_with_scale(n, 0)
                .map_err(|_| E::custom(super::NotExact::OutOfRange.describe(&n.to_string())))
        }

        fn visit_u128<E: de::Error>(self, n: u128) -> Result<Decimal, E> {
            i128::try_from(n)
                .map_err(|_| E::custom(super::NotExact::OutOfRange.describe(&n.to_string())))
                .and_then(|n| self.visit_i128(n))
        }

        /// A number whose shortest text reads back as this `f64`: its digits are that
        /// text (`serde_json` hands a JSON number over this way only when they agree).
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<Decimal, E> {
            if !n.is_finite() {
                return Err(E::custom(format!("{n} is not a finite number")));
            }
            self.visit_str(&n.to_string())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
            let not_a_number = || de::Error::invalid_type(de::Unexpected::Map, &Exact);
            match map.next_key::<String>()? {
                Some(key) if key == super::EXACT_NUMBER_KEY || key == NUMBER_TOKEN => {
                    let text: String = map.next_value()?;
                    // The number is the object's only member.
                    if map.next_key::<de::IgnoredAny>()?.is_some() {
                        return Err(not_a_number());
                    }
                    self.visit_str(&text)
                }
                _ => Err(not_a_number()),
            }
        }
    }

    /// Whether `key` is the only key of an object that hands a number over by its digits.
    pub(crate) fn is_number_key(key: &str) -> bool {
        key == super::EXACT_NUMBER_KEY || key == NUMBER_TOKEN
    }

    /// A number handed over by its digits (see [`super::EXACT_NUMBER_KEY`]), for visitors
    /// of values that may be numbers, such as formula values.
    pub(crate) fn number_from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Decimal, A::Error> {
        Exact.visit_map(map)
    }

    /// A number handed over as an `f64` whose shortest text is its digits.
    pub(crate) fn number_from_f64<E: de::Error>(n: f64) -> Result<Decimal, E> {
        Exact.visit_f64(n)
    }

    /// A decimal, exactly.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(Exact)
    }

    /// A wrapper that reads a decimal exactly, for containers.
    struct Item(Decimal);

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(Exact).map(Item)
        }
    }

    /// An optional decimal (`null` or absent is `None`), exactly.
    pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<Item>::deserialize(deserializer)?.map(|item| item.0))
    }

    /// A list of decimals, exactly.
    pub fn vec<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Decimal>, D::Error> {
        Ok(Vec::<Item>::deserialize(deserializer)?
            .into_iter()
            .map(|item| item.0)
            .collect())
    }

    /// A table of decimals (rows of columns), exactly.
    pub fn matrix<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Vec<Decimal>>, D::Error> {
        Ok(Vec::<Vec<Item>>::deserialize(deserializer)?
            .into_iter()
            .map(|row| row.into_iter().map(|item| item.0).collect())
            .collect())
    }

    /// A map of names to maps of names to decimals (carried balances by incentive and
    /// member), exactly.
    pub fn nested_map<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, BTreeMap<String, Decimal>>, D::Error> {
        Ok(
            BTreeMap::<String, BTreeMap<String, Item>>::deserialize(deserializer)?
                .into_iter()
                .map(|(key, inner)| {
                    let inner = inner.into_iter().map(|(k, item)| (k, item.0)).into_map();
                    (key, inner)
                })
                .into_map(),
        )
    }

    /// A map of names to decimals, exactly.
    pub fn map<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, Decimal>, D::Error> {
        Ok(BTreeMap::<String, Item>::deserialize(deserializer)?
            .into_iter()
            .map(|(key, item)| (key, item.0))
            .into_map())
    }
}

/// How a value exactly halfway between two representable values is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum RoundingMode {
    /// Away from zero: 0.125 → 0.13, −0.125 → −0.13 (the commercial convention).
    #[default]
    HalfUp,
    /// To the even neighbour: 0.125 → 0.12, 0.135 → 0.14 (banker's rounding).
    HalfEven,
}

crate::unit_enum::by_name!(RoundingMode { "half-up" => HalfUp, "half-even" => HalfEven });

/// The rounding policy of a plan: a mode and a number of decimal places.
///
/// Payout amounts are rounded with it, line by line; actuals, targets and attainment are
/// never rounded, so a tier boundary is never crossed by rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Rounding {
    /// The rounding mode; `half-up` when omitted.
    #[serde(default)]
    pub mode: RoundingMode,
    /// Decimal places kept; 2 (cents) when omitted.
    #[serde(default = "Rounding::default_places")]
    pub places: u32,
    /// Where payouts are rounded: each `line` (the default), or only the statement's
    /// `total` (lines keep their exact amounts).
    #[serde(default, skip_serializing_if = "RoundingPlace::is_line")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub apply_to: RoundingPlace,
}

/// Where a rounding policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum RoundingPlace {
    /// Each payout line is rounded; the total is their sum.
    #[default]
    Line,
    /// Lines keep their exact amounts; the total is rounded once.
    Total,
}

crate::unit_enum::by_name!(RoundingPlace { "line" => Line, "total" => Total });

impl RoundingPlace {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
    fn is_line(&self) -> bool {
        *self == RoundingPlace::Line
    }
}

impl Default for Rounding {
    fn default() -> Self {
        Self {
            mode: RoundingMode::HalfUp,
            places: Self::default_places(),
            apply_to: RoundingPlace::Line,
        }
    }
}

impl Rounding {
    const fn default_places() -> u32 {
        2
    }

    /// Rounds a payout line under this policy: to exactly `places` decimals when the
    /// policy rounds lines, else the exact amount (normalised) for the total to round.
    pub fn apply_line(&self, value: Decimal) -> Result<Decimal> {
        match self.apply_to {
            RoundingPlace::Line => self.apply(value),
            RoundingPlace::Total => Ok(value.normalize()),
        }
    }

    /// Rounds `value` under this policy, keeping exactly `places` decimals (so 5 becomes
    /// `5.00` at two places: statements show cents consistently). An error
    /// (`data.overflow`) when the value has too many integer digits to be written with
    /// `places` decimals in 28 significant digits.
    pub fn apply(&self, value: Decimal) -> Result<Decimal> {
        let strategy = match self.mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let places = self.places.min(28);
        let mut rounded = value.round_dp_with_strategy(places, strategy);
        rounded.rescale(places);
        (rounded.scale() == self.places)
            .then_some(rounded)
            .or_overflow(|| format!("{value} written with {} decimal places", self.places))
    }

    /// Checks the policy's settings: `places` is 0 to [`MAX_ROUNDING_PLACES`].
    pub fn check(&self) -> Result<()> {
        if self.places > MAX_ROUNDING_PLACES {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "rounding keeps 0 to {MAX_ROUNDING_PLACES} decimal places, not {}",
                    self.places
                ),
            )
            .at_path("rounding.places"));
        }
        Ok(())
    }
}

/// `numerator / denominator`, or `None` when the denominator is zero (never a panic, never
/// infinity). The quotient keeps Decimal's full 28-significant-digit precision and is
/// normalised (no trailing zeros: `0.7`, not `0.70`), so a ratio has one written form.
pub fn ratio(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    if denominator == Decimal::ONE {
        // A weighted mean of one goal: no long division.
        return Some(numerator.normalize());
    }
    numerator.checked_div(denominator).map(|q| q.normalize())
}

/// Reads decimal text exactly: an optional sign, digits with an optional point, and an
/// optional exponent (`1.5`, `-0.25`, `1E+3`, `2.5e-3`). A value with more than 28
/// decimal places, or beyond the decimal range (a 96-bit integer of units), is refused;
/// nothing is rounded. The error says why, for a message: the Arrow reader and the
/// Python binding word their errors with it.
pub(crate) fn exact_decimal(text: &str) -> Result<Decimal, String> {
    let not_a_number = || format!("{text:?} is not a decimal number");
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = || whole.bytes().chain(fraction.bytes());
    if whole.len() + fraction.len() == 0 || !digits().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    // The exponent, saturated: anything beyond a few hundred is out of range anyway.
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let (sign, e) = match e.as_bytes().first() {
                Some(b'-') => (-1, &e[1..]),
                Some(b'+') => (1, &e[1..]),
                _ => (1, e),
            };
            if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_a_number());
            }
            let magnitude = e
                .trim_start_matches('0')
                .parse::<i64>()
                .unwrap_or(if e.trim_start_matches('0').is_empty() {
                    0
                } else {
                    i64::from(u32::MAX)
                })
                .min(i64::from(u32::MAX));
            sign * magnitude
        }
    };
    let limit: u128 = 1 << 96;
    let too_large = || format!("{text} is beyond the decimal range (about ±7.9e28)");
    let mut units: u128 = 0;
    for b in digits() {
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(u128::from(b - b'0')))
            .filter(|u| *u < limit)
            .ok_or_else(too_large)?;
    }
    let mut scale = fraction.len() as i64 - exponent;
    if scale < 0 {
        if units != 0 {
            for _ in 0..-scale {
                units = units
                    .checked_mul(10)
                    .filter(|u| *u < limit)
                    .ok_or_else(too_large)?;
            }
        }
        scale = 0;
    }
    if scale > 28 {
        return Err(format!(
            "{text} has more than 28 decimal places, which a decimal cannot hold exactly"
        ));
    }
    let units = i128::try_from(units).map_err(|_| too_large())?;
    let units = if negative { -units } else { units };
    Decimal::try_from_i128_with_scale(units, scale as u32).map_err(|_| too_large())
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    #[test]
    fn a_percentage_is_answered_with_its_fraction() {
        use super::{Decimal, NotExact, percent_as_fraction};
        assert_eq!(percent_as_fraction("3%"), Some(Decimal::new(3, 2)));
        assert_eq!(percent_as_fraction(" 12.5 % "), Some(Decimal::new(125, 3)));
        assert_eq!(percent_as_fraction("-0.5%"), Some(Decimal::new(-5, 3)));
        assert_eq!(percent_as_fraction("3"), None);
        assert_eq!(percent_as_fraction("%"), None);
        assert_eq!(percent_as_fraction("3%%"), None);
        // 28 decimal places already: two more do not fit, so no hint rather than a wrong one.
        assert_eq!(
            percent_as_fraction(&format!("0.{}1%", "0".repeat(27))),
            None
        );
        assert!(
            NotExact::Syntax
                .describe("3%")
                .ends_with("write a percentage as a fraction, 0.03 for 3%")
        );
    }

    #[test]
    fn sums_are_exact_or_none() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        // The digits fit: exact, at the finer scale.
        assert_eq!(exact_add(d("1.5"), d("2.25")), Some(d("3.75")));
        // 29 digits and a fraction do not fit: rust_decimal would round, kpi refuses.
        assert_eq!(Decimal::MAX.checked_sub(d("0.4")), Some(Decimal::MAX));
        assert_eq!(exact_add(Decimal::MAX, d("-0.4")), None);
        assert_eq!(
            exact_add(d("79228162514264337593518339869"), d("0.5")),
            None
        );
        // A coarser result that loses nothing is exact: the fraction's digits are zeros.
        assert_eq!(
            exact_add(Decimal::MAX, d("-1.000")),
            Some(d("79228162514264337593543950334"))
        );
        assert_eq!(exact_add(d("-0.00"), d("0")), Some(d("0.00")));
    }

    proptest::proptest! {
        /// A sum that succeeds is exact: subtracting either part gives the other back, and
        /// the order of a three-term sum does not change it.
        #[test]
        fn successful_sums_are_exact_and_associative(
            a in (proptest::num::i64::ANY, 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
            b in (proptest::num::u32::ANY, proptest::num::u32::ANY, proptest::num::u32::ANY, proptest::bool::ANY, 0u32..=28)
                .prop_map(|(l, m, h, n, s)| Decimal::from_parts(l, m, h, n, s)),
            c in (proptest::num::i64::ANY, 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        ) {
            if let Some(sum) = exact_add(a, b) {
                proptest::prop_assert_eq!(sum.checked_sub(a), Some(b));
            }
            if let (Some(left), Some(right)) = (exact_add(a, b).and_then(|x| exact_add(x, c)), exact_add(b, c).and_then(|x| exact_add(a, x))) {
                proptest::prop_assert_eq!(left, right);
            }
        }
    }

    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn half_up_and_half_even_differ_only_at_midpoints() {
        let up = Rounding::default();
        let even = Rounding {
            mode: RoundingMode::HalfEven,
            ..Rounding::default()
        };
        let up_ = |s: &str| up.apply(d(s)).unwrap().to_string();
        assert_eq!(up_("0.125"), "0.13");
        assert_eq!(even.apply(d("0.125")).unwrap().to_string(), "0.12");
        assert_eq!(up_("-0.125"), "-0.13");
        assert_eq!(even.apply(d("0.135")).unwrap().to_string(), "0.14");
        assert_eq!(up_("0.1249"), "0.12");
        assert_eq!(up_("5"), "5.00");
        // Too many integer digits for two places: an error, not a coarser amount.
        let err = up.apply(Decimal::MAX).unwrap_err();
        assert_eq!(err.code(), "data.overflow");
    }

    #[test]
    fn exact_text_keeps_its_digits_and_scale() {
        for (text, want) in [
            ("100.50", "100.50"),
            ("-0.05", "-0.05"),
            ("+7", "7"),
            ("-0", "0"),
            ("0.00", "0.00"),
            ("1E+5", "100000"),
            ("1.50e1", "15.0"),
            ("2.5E-3", "0.0025"),
            (".5", "0.5"),
            ("5.", "5"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "-79228162514264337593543950335",
                "-79228162514264337593543950335",
            ),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
        ] {
            assert_eq!(parse_exact(text).unwrap().to_string(), want, "{text}");
        }
    }

    #[test]
    fn text_that_would_be_rounded_or_is_not_a_number_is_refused() {
        for (text, why) in [
            ("1.00000000000000000000000000001", NotExact::TooPrecise),
            ("0.12345678901234567890123456789", NotExact::TooPrecise),
            ("79228162514264337593543950335.4", NotExact::OutOfRange),
            ("0.00000000000000000000000000001", NotExact::TooPrecise),
            // A 29th place is refused even when it is a zero: the written form is kept.
            ("1.00000000000000000000000000000", NotExact::TooPrecise),
            ("79228162514264337593543950336", NotExact::OutOfRange),
            ("1e29", NotExact::OutOfRange),
            ("1e1000000000000", NotExact::OutOfRange),
            ("1e-1000000000000", NotExact::TooPrecise),
            ("1_000", NotExact::Syntax),
            (" 1", NotExact::Syntax),
            ("1 ", NotExact::Syntax),
            ("", NotExact::Syntax),
            ("-", NotExact::Syntax),
            (".", NotExact::Syntax),
            ("1e", NotExact::Syntax),
            ("1.2.3", NotExact::Syntax),
            ("NaN", NotExact::Syntax),
            ("Infinity", NotExact::Syntax),
            ("0x10", NotExact::Syntax),
            ("１２", NotExact::Syntax),
            ("--1", NotExact::Syntax),
        ] {
            assert_eq!(parse_exact(text), Err(why), "{text}");
        }
        let long = format!("1.{}", "é".repeat(100));
        assert!(NotExact::Syntax.describe(&long).contains('…'));
    }

    proptest::proptest! {
        /// Every decimal's text reads back as itself, digits and scale.
        #[test]
        fn every_decimal_reads_back_exactly(mantissa in proptest::num::i128::ANY, scale in 0u32..=28) {
            let mantissa = mantissa % (i128::from(u64::MAX) << 32);
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            let back = parse_exact(&value.to_string()).unwrap();
            proptest::prop_assert_eq!((back, back.scale()), (value, value.scale()));
        }

        /// Text is refused, or read as exactly the number written: appending a digit
        /// to a number either is refused or changes its value.
        #[test]
        fn a_further_digit_is_never_rounded_away(
            digits in "[1-9][0-9]{0,40}",
            point in 0usize..42,
            last in 1u8..=9,
        ) {
            let point = point.min(digits.len());
            let text = format!("{}.{}", &digits[..point], &digits[point..]);
            let longer = format!("{text}{last}");
            if let (Ok(a), Ok(b)) = (parse_exact(&text), parse_exact(&longer)) {
                proptest::prop_assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn exact_documents_read_json_numbers_by_their_digits() {
        #[derive(Deserialize)]
        struct Doc {
            #[serde(deserialize_with = "exact::deserialize")]
            a: Decimal,
            #[serde(default, deserialize_with = "exact::option")]
            b: Option<Decimal>,
        }
        let read = |text: &str| crate::json::parse(text).unwrap().to_value();
        let doc: Doc =
            serde_json::from_value(read(r#"{"a": 90071992547409.93, "b": 0.10}"#)).unwrap();
        assert_eq!(doc.a.to_string(), "90071992547409.93");
        assert_eq!(doc.b.unwrap().to_string(), "0.10");
        let doc: Doc = serde_json::from_value(serde_json::json!({"a": "1E+2"})).unwrap();
        assert_eq!((doc.a.to_string(), doc.b), ("100".to_owned(), None));
        let err = serde_json::from_value::<Doc>(read(r#"{"a": 1.00000000000000000000000000001}"#))
            .err()
            .unwrap();
        assert!(err.to_string().contains("would be rounded"), "{err}");
    }

    #[test]
    fn ratio_by_zero_is_none() {
        assert_eq!(ratio(d("1"), Decimal::ZERO), None);
        assert_eq!(ratio(d("3"), d("4")), Some(d("0.75")));
        assert_eq!(ratio(d("7000.00"), d("10000")).unwrap().to_string(), "0.7");
        assert_eq!(
            ratio(d("2"), d("6")).unwrap().to_string(),
            "0.3333333333333333333333333333"
        );
    }
}
