//! RFC 3339 time stamps (`2026-03-31T23:30:00-08:00`), read exactly as chrono 0.4 reads
//! them (`DateTime::parse_from_rfc3339`): `T`, `t` or a space between date and time, a
//! leap second, any number of fraction digits (nanoseconds kept), and `Z`, `z` or an
//! offset of `±HH:MM` under a day (the minus also as U+2212). kpi reads them itself so
//! that chrono's general parser and its error texts stay out of the browser module; a
//! property test compares the two readers.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};

/// The instant a time stamp names, or `None` where chrono refuses it.
pub(crate) fn instant(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    let digit = |i: usize| {
        bytes
            .get(i)
            .filter(|b| b.is_ascii_digit())
            .map(|b| u32::from(b - b'0'))
    };
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let at = |i: usize, expected: &[u8]| bytes.get(i).is_some_and(|b| expected.contains(b));
    let separated = at(4, b"-")
        && at(7, b"-")
        && at(10, b"Tt ")
        && at(13, b":")
        && at(16, b":")
        && bytes.len() >= 19;
    if !separated {
        return None;
    }
    let year = i32::try_from(two(0)? * 100 + two(2)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, two(5)?, two(8)?)?;
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    // A leap second is the last second's second half, as chrono keeps it.
    let (second, mut nano) = match second {
        60 => (59, 1_000_000_000),
        s => (s, 0),
    };
    let mut rest = bytes.get(19..)?;
    if let [b'.', fraction @ ..] = rest {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        // Nanoseconds: the first nine digits, the rest ignored.
        let mut fraction_nanos = 0u32;
        for place in 0..9 {
            let value = fraction
                .get(place)
                .filter(|_| place < digits)
                .map_or(0, |b| u32::from(b - b'0'));
            fraction_nanos = fraction_nanos * 10 + value;
        }
        nano += fraction_nanos;
        rest = fraction.get(digits..)?;
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    let offset = offset_seconds(rest)?;
    // The offset is whole minutes, so a leap second stays in second 59 of its UTC minute:
    // subtract it from the time without the leap, then put the leap back.
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano % 1_000_000_000)?;
    date.and_time(time)
        .checked_sub_signed(TimeDelta::seconds(offset.into()))?
        .with_nanosecond(nano)
        .map(|utc| utc.and_utc())
}

/// `Z`, `z`, or `+HH:MM` / `-HH:MM` / `−HH:MM` (minutes 00–59) under a day, and nothing
/// after it: the offset east of UTC in seconds.
fn offset_seconds(text: &[u8]) -> Option<i32> {
    let (negative, digits) = match text {
        [b'Z' | b'z'] => return Some(0),
        [b'+', rest @ ..] => (false, rest),
        // A hyphen, or U+2212 MINUS SIGN.
        [b'-', rest @ ..] | [0xE2, 0x88, 0x92, rest @ ..] => (true, rest),
        _ => return None,
    };
    let [h1, h2, b':', m1 @ b'0'..=b'5', m2] = digits else {
        return None;
    };
    if ![h1, h2, m2].iter().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |a: &u8, b: &u8| i32::from(a - b'0') * 10 + i32::from(b - b'0');
    let seconds = number(h1, h2) * 3600 + number(m1, m2) * 60;
    (seconds < 86_400).then_some(if negative { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chrono_reads(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Texts near time stamps: each part picked from valid, edge and broken choices.
    fn near_stamps() -> impl Strategy<Value = String> {
        let year = prop_oneof![Just("2026".to_owned()), "[0-9]{4}", "[0-9]{3}", "2026x"];
        let month = prop_oneof![Just("03".to_owned()), "[0-9]{2}", "1"];
        let day = prop_oneof![Just("31".to_owned()), "[0-9]{2}", "29"];
        let sep = prop_oneof![Just("T"), Just("t"), Just(" "), Just("_"), Just("")];
        let hms = prop_oneof![
            Just("23:30:00".to_owned()),
            "[0-2][0-9]:[0-6][0-9]:[0-6][0-9]",
            Just("23:59:60".to_owned()),
            Just("24:00:00".to_owned()),
            "[0-9]{2}:[0-9]{2}"
        ];
        let fraction = prop_oneof![
            Just(String::new()),
            "\\.[0-9]{1,12}",
            Just(".".to_owned()),
            Just(".5x".to_owned())
        ];
        let offset = prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            "[+-][0-2][0-9]:[0-9][0-9]",
            "−[0-9]{2}:[0-9]{2}",
            Just("+0800".to_owned()),
            Just("+08".to_owned()),
            Just("+08:00 ".to_owned()),
            Just("UTC".to_owned()),
            Just(String::new()),
            "[+-][0-9]{2}:[0-9]{2}[0-9a-z]?"
        ];
        (year, month, day, sep, hms, fraction, offset)
            .prop_map(|(y, m, d, s, t, f, o)| format!("{y}-{m}-{d}{s}{t}{f}{o}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// kpi's reader and chrono's agree on every text near a time stamp.
        #[test]
        fn reads_as_chrono_does(text in near_stamps()) {
            prop_assert_eq!(instant(&text), chrono_reads(&text), "{}", text);
        }

        /// And on any text at all (they both refuse almost all of it).
        #[test]
        fn refuses_as_chrono_does(text in "\\PC{0,40}") {
            prop_assert_eq!(instant(&text), chrono_reads(&text), "{}", text);
        }

        /// Every instant chrono writes is read back.
        #[test]
        fn reads_what_chrono_writes(
            seconds in -62_135_596_800i64..253_402_300_799,
            nanos in 0u32..1_000_000_000,
            offset_minutes in -1439i32..1440,
        ) {
            let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let utc = DateTime::from_timestamp(seconds, nanos).unwrap();
            let text = utc.with_timezone(&offset).to_rfc3339();
            if let Some(expected) = chrono_reads(&text) {
                prop_assert_eq!(instant(&text), Some(expected), "{}", text);
            }
        }
    }

    #[test]
    fn reads_the_documented_forms() {
        let utc = |text: &str| instant(text).map(|t| t.to_rfc3339());
        assert_eq!(
            utc("2026-03-31T23:30:00-08:00").as_deref(),
            Some("2026-04-01T07:30:00+00:00")
        );
        assert_eq!(
            utc("2026-03-31 23:30:00.5z").as_deref(),
            Some("2026-03-31T23:30:00.500+00:00")
        );
        assert_eq!(
            utc("2026-12-31t23:59:60Z").as_deref(),
            Some("2026-12-31T23:59:60+00:00")
        );
        assert_eq!(utc("2026-03-31T23:30:00+24:00"), None);
        assert_eq!(utc("2026-02-29T00:00:00Z"), None);
        assert_eq!(utc("２０２６-03-31T23:30:00Z"), None);
    }
}
