//! Time zones: IANA names resolved by the tz database (cargo feature `tz-database`, on by
//! default) or, without it, by an offset provider the host registers. The WebAssembly
//! build leaves the 0.9 MB database out and asks the browser's `Intl` instead, which
//! ships the same IANA data.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Answers "how many seconds east of UTC is `zone` at this instant (Unix milliseconds)?",
/// or `None` for a name it does not know.
pub type OffsetProvider = fn(zone: &str, millis: i64) -> Option<i32>;

#[cfg(not(feature = "tz-database"))]
static PROVIDER: std::sync::OnceLock<OffsetProvider> = std::sync::OnceLock::new();

/// Registers the offset provider used when the tz database is not compiled in (the
/// first registration wins). Without either, only `UTC` is known.
pub fn set_offset_provider(provider: OffsetProvider) {
    #[cfg(not(feature = "tz-database"))]
    let _ = PROVIDER.set(provider);
    #[cfg(feature = "tz-database")]
    let _ = provider;
}

/// A resolved time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone(Inner);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inner {
    Utc,
    #[cfg(feature = "tz-database")]
    Database(chrono_tz::Tz),
    #[cfg(not(feature = "tz-database"))]
    Provided(String),
}

impl Zone {
    /// UTC.
    pub const UTC: Zone = Zone(Inner::Utc);

    /// The zone of an IANA name (`Asia/Shanghai`), or `None` if it is not one.
    pub fn parse(name: &str) -> Option<Zone> {
        if matches!(name, "UTC" | "Etc/UTC" | "Etc/GMT" | "GMT") {
            return Some(Zone::UTC);
        }
        #[cfg(feature = "tz-database")]
        {
            name.parse::<chrono_tz::Tz>()
                .ok()
                .map(|tz| Zone(Inner::Database(tz)))
        }
        #[cfg(not(feature = "tz-database"))]
        {
            let provider = PROVIDER.get()?;
            provider(name, 0).map(|_| Zone(Inner::Provided(name.to_owned())))
        }
    }

    /// Seconds east of UTC at `instant`.
    pub(crate) fn offset_at(&self, instant: DateTime<Utc>) -> i64 {
        match &self.0 {
            Inner::Utc => 0,
            #[cfg(feature = "tz-database")]
            Inner::Database(tz) => {
                use chrono::{Offset as _, TimeZone as _};
                i64::from(
                    tz.offset_from_utc_datetime(&instant.naive_utc())
                        .fix()
                        .local_minus_utc(),
                )
            }
            #[cfg(not(feature = "tz-database"))]
            Inner::Provided(name) => PROVIDER
                .get()
                .and_then(|p| p(name, instant.timestamp_millis()))
                .map_or(0, i64::from),
        }
    }

    /// The local date of `instant` in this zone; `None` at the very ends of chrono's
    /// range, where the local time has no date.
    pub fn local_date(&self, instant: DateTime<Utc>) -> Option<NaiveDate> {
        let offset = chrono::TimeDelta::try_seconds(self.offset_at(instant))?;
        Some(instant.naive_utc().checked_add_signed(offset)?.date())
    }

    /// The instant of a local time in this zone (the earlier one when clocks go back; in
    /// a gap when clocks go forward, the time is read with the offset before the gap).
    pub fn instant_of_local(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        #[cfg(feature = "tz-database")]
        if let Inner::Database(tz) = &self.0 {
            use chrono::TimeZone as _;
            return tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc));
        }
        // Two steps: the offset at the local time read as UTC, then at the instant that
        // gives, which settles except within an hour of a change.
        let guess = local.and_utc();
        let back =
            |at| guess.checked_sub_signed(chrono::TimeDelta::try_seconds(self.offset_at(at))?);
        back(back(guess)?)
    }
}
