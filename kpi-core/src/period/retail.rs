//! Retail (52/53-week) calendars: years that end on a fixed weekday, months of 4 or 5
//! weeks in a 4-4-5, 4-5-4 or 5-4-4 pattern, and a 53rd week every five or six years.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// How the last day of a retail year is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum YearEnd {
    /// The last `weekday` of `month` (pandas `FY5253(variation="last")`).
    Last,
    /// The `weekday` nearest the last day of `month`, up to three days into the next month
    /// (pandas `FY5253(variation="nearest")`; the NRF 4-5-4 calendar).
    Nearest,
}

crate::shape::by_name!(YearEnd { "last" => Last, "nearest" => Nearest });

/// The weeks per month within each quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum WeekPattern {
    /// 4, 4 and 5 weeks.
    #[serde(rename = "4-4-5")]
    P445,
    /// 4, 5 and 4 weeks (the NRF calendar).
    #[serde(rename = "4-5-4")]
    P454,
    /// 5, 4 and 4 weeks.
    #[serde(rename = "5-4-4")]
    P544,
}

crate::shape::by_name!(WeekPattern { "4-4-5" => P445, "4-5-4" => P454, "5-4-4" => P544 });

impl WeekPattern {
    fn weeks(self) -> [u32; 3] {
        match self {
            WeekPattern::P445 => [4, 4, 5],
            WeekPattern::P454 => [4, 5, 4],
            WeekPattern::P544 => [5, 4, 4],
        }
    }
}

/// A retail calendar, under `[calendar.retail]` in a plan.
///
/// ```toml
/// [calendar.retail]          # the NRF 4-5-4 calendar
/// year_end = "nearest"
/// weekday = "saturday"
/// month = 1                  # years end on the Saturday nearest the end of January
/// pattern = "4-5-4"
/// leap_week_quarter = 4      # the 53rd week goes to the last month of Q4
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct RetailCalendar {
    /// Last weekday of the month, or the weekday nearest its end.
    pub year_end: YearEnd,
    /// The weekday years end on (`saturday`, …).
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Weekday"))]
    #[serde(with = "weekday_name")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub weekday: Weekday,
    /// The month (1–12) years end in.
    pub month: u32,
    /// Weeks per month in each quarter.
    pub pattern: WeekPattern,
    /// The quarter (1–4) whose last month takes the 53rd week; 4 when omitted.
    #[serde(default = "RetailCalendar::default_leap_week_quarter")]
    pub leap_week_quarter: u32,
}

impl RetailCalendar {
    const fn default_leap_week_quarter() -> u32 {
        4
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !(1..=12).contains(&self.month) {
            return Err(Error::new(
                ErrorKind::PeriodInvalidCalendar,
                format!("retail month must be 1 to 12, not {}", self.month),
            )
            .at_path("calendar.retail.month"));
        }
        if !(1..=4).contains(&self.leap_week_quarter) {
            return Err(Error::new(
                ErrorKind::PeriodInvalidCalendar,
                format!(
                    "leap_week_quarter must be 1 to 4, not {}",
                    self.leap_week_quarter
                ),
            )
            .at_path("calendar.retail.leap_week_quarter"));
        }
        Ok(())
    }

    /// The last day of the retail year that ends in `month` of civil year `year`.
    pub(crate) fn year_end(&self, year: i32) -> Option<NaiveDate> {
        let first_of_next = if self.month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, self.month + 1, 1)?
        };
        let last_day = first_of_next.pred_opt()?;
        let from = last_day.weekday().num_days_from_monday();
        let to = self.weekday.num_days_from_monday();
        let ahead = (to + 7 - from) % 7; // days from last_day forward to the weekday
        match self.year_end {
            YearEnd::Last => last_day.checked_sub_days(Days::new(u64::from((7 - ahead) % 7))),
            YearEnd::Nearest if ahead <= 3 => {
                last_day.checked_add_days(Days::new(u64::from(ahead)))
            }
            YearEnd::Nearest => last_day.checked_sub_days(Days::new(u64::from(7 - ahead))),
        }
    }

    /// The nominal year (the civil year of its end month) of the retail year holding
    /// `date`, and that year's first day and first day after.
    pub(crate) fn year_of(&self, date: NaiveDate) -> Option<(i32, NaiveDate, NaiveDate)> {
        for year in date.year() - 1..=date.year() + 1 {
            let start = self.year_end(year - 1)?.succ_opt()?;
            let end = self.year_end(year)?.succ_opt()?;
            if start <= date && date < end {
                return Some((year, start, end));
            }
        }
        None
    }

    /// First day and first day after of the nominal retail year `year`.
    pub(crate) fn year_bounds(&self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        Some((
            self.year_end(year - 1)?.succ_opt()?,
            self.year_end(year)?.succ_opt()?,
        ))
    }

    /// Weeks in each of the twelve months of a year of `weeks` weeks (52 or 53).
    pub(crate) fn month_weeks(&self, weeks: u32) -> [u32; 12] {
        let pattern = self.pattern.weeks();
        let mut months = [0; 12];
        for (i, m) in months.iter_mut().enumerate() {
            *m = pattern[i % 3];
        }
        if weeks == 53 {
            months[(self.leap_week_quarter * 3 - 1) as usize] += 1;
        }
        months
    }
}

/// Weekdays in plans are lowercase English names: `monday` … `sunday`.
pub(crate) mod weekday_name {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(crate) const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];

    pub(crate) fn name(day: Weekday) -> &'static str {
        NAMES[day.num_days_from_monday() as usize].0
    }

    pub(crate) fn parse(text: &str) -> Option<Weekday> {
        NAMES.iter().find(|(n, _)| *n == text).map(|(_, d)| *d)
    }

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes fields by reference
    pub(crate) fn serialize<S: Serializer>(
        day: &Weekday,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(name(*day))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Weekday, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| {
            D::Error::custom(format!("`{text}` is not a weekday: use monday … sunday"))
        })
    }

    /// For `Vec<Weekday>` fields.
    pub(crate) mod list {
        use chrono::Weekday;
        use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::SerializeSeq};

        pub(crate) fn serialize<S: Serializer>(
            days: &[Weekday],
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            let mut seq = serializer.serialize_seq(Some(days.len()))?;
            for day in days {
                seq.serialize_element(super::name(*day))?;
            }
            seq.end()
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Vec<Weekday>, D::Error> {
            Vec::<String>::deserialize(deserializer)?
                .iter()
                .map(|text| {
                    super::parse(text).ok_or_else(|| {
                        D::Error::custom(format!("`{text}` is not a weekday: use monday … sunday"))
                    })
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nrf() -> RetailCalendar {
        RetailCalendar {
            year_end: YearEnd::Nearest,
            weekday: Weekday::Sat,
            month: 1,
            pattern: WeekPattern::P454,
            leap_week_quarter: 4,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn nrf_years_end_on_the_saturday_nearest_january_31() {
        // NRF fiscal 2023: 2023-01-29 .. 2024-02-03, a 53-week year.
        assert_eq!(nrf().year_end(2023), Some(date(2023, 1, 28)));
        assert_eq!(nrf().year_end(2024), Some(date(2024, 2, 3)));
        let (year, start, end) = nrf().year_of(date(2023, 6, 1)).unwrap();
        assert_eq!(
            (year, start, end),
            (2024, date(2023, 1, 29), date(2024, 2, 4))
        );
        assert_eq!(end.signed_duration_since(start).num_days(), 371);
        let weeks = nrf().month_weeks(53);
        assert_eq!(weeks, [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 5]);
        assert_eq!(weeks.iter().sum::<u32>(), 53);
    }

    #[test]
    fn last_weekday_of_the_month() {
        let cal = RetailCalendar {
            year_end: YearEnd::Last,
            ..nrf()
        };
        // The last Saturday of January 2024 is the 27th; of January 2026, the 31st.
        assert_eq!(cal.year_end(2024), Some(date(2024, 1, 27)));
        assert_eq!(cal.year_end(2026), Some(date(2026, 1, 31)));
    }
}
