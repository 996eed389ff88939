//! JavaScript classes `Calendar` and `Period`: conversion and delegation to
//! `kpi_core::period`. Dates are `"YYYY-MM-DD"` strings.

use kpi_core::period as core;
use wasm_bindgen::prelude::*;

use crate::{from_js, map_err, to_js};

/// A calendar: fiscal year, week start, retail 52/53-week structure, time zone and
/// business days.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Calendar {
    pub(crate) inner: core::Calendar,
}

/// A half-open period `[start, end)`: a day, week, month, quarter, half, year, a span of
/// several, or a date range.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Period {
    inner: core::Period,
}

impl From<core::Period> for Period {
    fn from(inner: core::Period) -> Self {
        Period { inner }
    }
}

fn date(text: &str) -> Result<chrono::NaiveDate, JsValue> {
    map_err(core::parse_date(text))
}

fn grain(name: &str) -> Result<core::Grain, JsValue> {
    map_err(core::Grain::from_name(name))
}

fn basis(name: Option<String>) -> Result<core::DayBasis, JsValue> {
    map_err(core::DayBasis::from_name(
        name.as_deref().unwrap_or("calendar"),
    ))
}

fn period(result: kpi_core::Result<core::Period>) -> Result<Period, JsValue> {
    map_err(result).map(|inner| Period { inner })
}

#[wasm_bindgen]
impl Calendar {
    /// A calendar from settings (the `[calendar]` table of a plan); defaults when omitted.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CalendarSettings | undefined")] settings: JsValue,
    ) -> Result<Calendar, JsValue> {
        let value = if settings.is_undefined() || settings.is_null() {
            serde_json::json!({})
        } else {
            from_js(settings)?
        };
        map_err(core::Calendar::from_json_value(value)).map(|inner| Calendar { inner })
    }

    /// The period of `grain` (`"day"` … `"year"`) that contains `date`.
    #[wasm_bindgen(js_name = periodOf)]
    pub fn period_of(&self, date: &str, grain: &str) -> Result<Period, JsValue> {
        period(self.inner.period_of(self::date(date)?, self::grain(grain)?))
    }

    /// Parses a label: `2026-03`, `2026-Q1`, `2026-W05`, `FY2027-Q2`, `FY2027..FY2029`, …
    #[wasm_bindgen(js_name = parsePeriod)]
    pub fn parse_period(&self, label: &str) -> Result<Period, JsValue> {
        period(self.inner.parse_period(label))
    }

    /// The to-date window of `grain` as of `asOf` (month-, quarter-, year-to-date).
    #[wasm_bindgen(js_name = toDate)]
    pub fn to_date(&self, as_of: &str, grain: &str) -> Result<Period, JsValue> {
        period(self.inner.to_date(date(as_of)?, self::grain(grain)?))
    }

    /// Whether `date` is neither a weekend day nor a holiday.
    #[wasm_bindgen(js_name = isBusinessDay)]
    pub fn is_business_day(&self, date: &str) -> Result<bool, JsValue> {
        Ok(self.inner.is_business_day(self::date(date)?))
    }

    /// Days in `[start, end)`, counting `"calendar"` (default) or `"business"` days.
    #[wasm_bindgen(js_name = countDays)]
    pub fn count_days(
        &self,
        start: &str,
        end: &str,
        basis: Option<String>,
    ) -> Result<u32, JsValue> {
        Ok(self
            .inner
            .count_days(date(start)?, date(end)?, self::basis(basis)?))
    }

    /// The elapsed share of `period` at the end of day `asOf`, as a decimal string (or
    /// `null` when the period has no day of that basis).
    #[wasm_bindgen(js_name = elapsedFraction)]
    pub fn elapsed_fraction(
        &self,
        period: &Period,
        as_of: &str,
        basis: Option<String>,
    ) -> Result<Option<String>, JsValue> {
        let fraction =
            self.inner
                .elapsed_fraction(&period.inner, date(as_of)?, self::basis(basis)?);
        Ok(fraction.map(|d| d.to_string()))
    }

    /// The local date, in the calendar's time zone, of a timestamp: Unix milliseconds (a
    /// number, as `Date.now()` gives) or an RFC 3339 string with an offset.
    #[wasm_bindgen(js_name = localDate)]
    pub fn local_date(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string")] timestamp: JsValue,
    ) -> Result<String, JsValue> {
        let day = if let Some(millis) = timestamp.as_f64() {
            #[allow(clippy::cast_possible_truncation)] // JS timestamps are whole milliseconds
            self.inner.local_date_of_millis(millis as i64)
        } else if let Some(text) = timestamp.as_string() {
            self.inner.local_date_of_rfc3339(&text)
        } else {
            Err(kpi_core::Error::new(
                kpi_core::ErrorKind::DataUnsupportedValue,
                "a timestamp is Unix milliseconds or an RFC 3339 string",
            ))
        };
        map_err(day).map(|d| d.to_string())
    }

    /// Maps dates to periods of `grain` in bulk: `{ periods, index }` where `index[i]` is
    /// the position in `periods` of `dates[i]`'s period.
    #[wasm_bindgen(js_name = periodIndex, unchecked_return_type = "{ periods: PeriodInfo[]; index: Uint32Array }")]
    pub fn period_index(&self, dates: Vec<String>, grain: &str) -> Result<JsValue, JsValue> {
        let days = dates
            .iter()
            .map(|d| date(d).map(core::day_number))
            .collect::<Result<Vec<_>, _>>()?;
        let mapped = map_err(self.inner.index_days(&days, self::grain(grain)?))?;
        let periods: Vec<core::PeriodInfo> =
            mapped.periods.iter().map(core::PeriodInfo::from).collect();
        let result = js_sys::Object::new();
        js_sys::Reflect::set(&result, &"periods".into(), &to_js(&periods)?)?;
        js_sys::Reflect::set(
            &result,
            &"index".into(),
            &js_sys::Uint32Array::from(&mapped.index[..]),
        )?;
        Ok(result.into())
    }

    /// The settings, as a plain object in the plan's `[calendar]` form.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "CalendarSettings")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner)
    }
}

#[wasm_bindgen]
impl Period {
    /// The label, for example `2026-Q3`, `FY2027-Q2` or `2024-01-01..2024-04-01`.
    #[wasm_bindgen(getter)]
    pub fn label(&self) -> String {
        self.inner.label()
    }
    /// `day`, `week`, `month`, `quarter`, `half`, `year`, `span` or `range`.
    #[wasm_bindgen(getter)]
    pub fn grain(&self) -> String {
        self.inner.kind().name().to_owned()
    }
    /// The first day.
    #[wasm_bindgen(getter)]
    pub fn start(&self) -> String {
        self.inner.start().to_string()
    }
    /// The first day after the period (exclusive end).
    #[wasm_bindgen(getter)]
    pub fn end(&self) -> String {
        self.inner.end().to_string()
    }
    /// The number of days.
    #[wasm_bindgen(getter)]
    pub fn days(&self) -> u32 {
        self.inner.days()
    }
    /// Whether `date` is in `[start, end)`.
    pub fn contains(&self, date: &str) -> Result<bool, JsValue> {
        Ok(self.inner.contains(self::date(date)?))
    }
    /// The next period.
    pub fn next(&self) -> Result<Period, JsValue> {
        period(self.inner.next())
    }
    /// The previous period.
    pub fn prev(&self) -> Result<Period, JsValue> {
        period(self.inner.prev())
    }
    /// The period `n` steps away.
    pub fn shift(&self, n: i32) -> Result<Period, JsValue> {
        period(self.inner.shift(i64::from(n)))
    }
    /// The same period one year earlier.
    #[wasm_bindgen(js_name = samePeriodLastYear)]
    pub fn same_period_last_year(&self) -> Result<Period, JsValue> {
        period(self.inner.same_period_last_year())
    }
    /// The period of the coarser `grain` that contains this one.
    pub fn parent(&self, grain: &str) -> Result<Period, JsValue> {
        period(self.inner.parent(self::grain(grain)?))
    }
    /// The periods of the finer `grain` that tile this one.
    pub fn children(&self, grain: &str) -> Result<Vec<Period>, JsValue> {
        let children = map_err(self.inner.children(self::grain(grain)?))?;
        Ok(children.into_iter().map(|inner| Period { inner }).collect())
    }
    /// The `n` periods ending with this one, as a span.
    pub fn trailing(&self, n: u32) -> Result<Period, JsValue> {
        period(self.inner.trailing(n))
    }
    /// Whether two periods are the same.
    pub fn equals(&self, other: &Period) -> bool {
        self.inner == other.inner
    }
    /// `{ label, grain, start, end }`.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "PeriodInfo")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&core::PeriodInfo::from(&self.inner))
    }
    /// The label.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.inner.label()
    }
}
