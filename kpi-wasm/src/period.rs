//! JavaScript classes `Calendar` and `Period`: conversion and delegation to
//! `kpi_core::period`. Dates are `"YYYY-MM-DD"` strings.

use kpi_core::period as core;
use wasm_bindgen::prelude::*;

use crate::{boundary, map_err, to_js};
use kpi_core::error::Location;

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
    pub(crate) inner: core::Period,
}

impl From<core::Period> for Period {
    fn from(inner: core::Period) -> Self {
        Period { inner }
    }
}

impl boundary::Class for Calendar {
    const NAME: &'static str = "Calendar";
}

impl boundary::Class for Period {
    const NAME: &'static str = "Period";
}

fn grain(value: &JsValue) -> Result<core::Grain, JsValue> {
    map_err(core::Grain::from_name(&boundary::text(value, "grain")?))
}

fn basis(value: Option<JsValue>) -> Result<core::DayBasis, JsValue> {
    let name = boundary::optional_text(&value.unwrap_or(JsValue::UNDEFINED), "basis")?;
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
        #[wasm_bindgen(unchecked_optional_param_type = "CalendarSettings | null")] settings: Option<
            JsValue,
        >,
    ) -> Result<Calendar, JsValue> {
        let value = match settings.filter(|s| !boundary::is_absent(s)) {
            Some(settings) => crate::object_at(&settings, "settings", "calendar", false)?,
            None => serde_json::json!({}),
        };
        map_err(core::Calendar::from_json_value(value)).map(|inner| Calendar { inner })
    }

    /// The period of `grain` (`"day"` … `"year"`) that contains `date` (`"YYYY-MM-DD"` or
    /// a `Date` at midnight UTC).
    #[wasm_bindgen(js_name = periodOf)]
    pub fn period_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Date")] date: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Grain")] grain: JsValue,
    ) -> Result<Period, JsValue> {
        let date = boundary::day(&date, "date")?;
        period(self.inner.period_of(date, self::grain(&grain)?))
    }

    /// Parses a label: `2026-03`, `2026-Q1`, `2026-W05`, `FY2027-Q2`, `FY2027..FY2029`, …
    #[wasm_bindgen(js_name = parsePeriod)]
    pub fn parse_period(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] label: JsValue,
    ) -> Result<Period, JsValue> {
        period(self.inner.parse_period(&boundary::text(&label, "label")?))
    }

    /// The to-date window of `grain` as of `asOf` (month-, quarter-, year-to-date).
    #[wasm_bindgen(js_name = toDate)]
    pub fn to_date(
        &self,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Grain")] grain: JsValue,
    ) -> Result<Period, JsValue> {
        let as_of = boundary::day(&as_of, "asOf")?;
        period(self.inner.to_date(as_of, self::grain(&grain)?))
    }

    /// Whether `date` is neither a weekend day nor a holiday.
    #[wasm_bindgen(js_name = isBusinessDay)]
    pub fn is_business_day(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Date")] date: JsValue,
    ) -> Result<bool, JsValue> {
        Ok(self.inner.is_business_day(boundary::day(&date, "date")?))
    }

    /// Days in `[start, end)`, counting `"calendar"` (default) or `"business"` days.
    #[wasm_bindgen(js_name = countDays)]
    pub fn count_days(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Date")] start: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Date")] end: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "\"calendar\" | \"business\"")]
        basis: Option<JsValue>,
    ) -> Result<u32, JsValue> {
        let start = boundary::day(&start, "start")?;
        let end = boundary::day(&end, "end")?;
        Ok(self.inner.count_days(start, end, self::basis(basis)?))
    }

    /// The elapsed share of `period` at the end of day `asOf`, as a decimal string (or
    /// `null` when the period has no day of that basis).
    #[wasm_bindgen(js_name = elapsedFraction)]
    pub fn elapsed_fraction(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Period")] period: JsValue,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "\"calendar\" | \"business\"")]
        basis: Option<JsValue>,
    ) -> Result<Option<String>, JsValue> {
        let as_of = boundary::day(&as_of, "asOf")?;
        let basis = self::basis(basis)?;
        let period = boundary::instance::<Period>(&period, "period", None)?;
        let fraction = self.inner.elapsed_fraction(&period.inner, as_of, basis);
        Ok(fraction.map(|d| d.to_string()))
    }

    /// The local date, in the calendar's time zone, of a timestamp: Unix milliseconds (a
    /// whole number, as `Date.now()` gives), a `Date`, or an RFC 3339 string with an
    /// offset.
    #[wasm_bindgen(js_name = localDate)]
    pub fn local_date(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | Date | string")] timestamp: JsValue,
    ) -> Result<String, JsValue> {
        let timestamp = boundary::timestamp_argument(&timestamp, "timestamp")?;
        let day = match timestamp.as_f64() {
            // A safe integer (checked by boundary.js), so the conversion is exact.
            #[allow(clippy::cast_possible_truncation)]
            Some(millis) => self.inner.local_date_of_millis(millis as i64),
            None => self
                .inner
                .local_date_of_rfc3339(&boundary::text(&timestamp, "timestamp")?),
        };
        map_err(day).map(|d| d.to_string())
    }

    /// Maps dates to periods of `grain` in bulk: `{ periods, index }` where `index[i]` is
    /// the position in `periods` of `dates[i]`'s period.
    #[wasm_bindgen(js_name = periodIndex, unchecked_return_type = "{ periods: PeriodInfo[]; index: Uint32Array }")]
    pub fn period_index(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(string | Date)[]")] dates: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Grain")] grain: JsValue,
    ) -> Result<JsValue, JsValue> {
        let grain = self::grain(&grain)?;
        let given: Vec<serde_json::Value> =
            serde_json::from_str(&boundary::day_list(&dates, "dates")?)
                .map_err(|e| boundary::invalid_argument(format!("dates: {e}")))?;
        let mut days = Vec::new();
        for (i, item) in given.iter().enumerate() {
            let name = format!("dates[{i}]");
            let date = match item {
                serde_json::Value::String(text) => {
                    map_err(core::parse_date(text).map_err(|e| e.at(Location::path(name.clone()))))?
                }
                other => boundary::epoch_day(other.as_f64().unwrap_or(f64::NAN), &name)?,
            };
            days.push(core::day_number(boundary::in_range(date, &name)?));
        }
        let mapped = map_err(self.inner.index_days(&days, grain))?;
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
    /// Whether `date` (`"YYYY-MM-DD"` or a `Date` at midnight UTC) is in `[start, end)`.
    pub fn contains(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Date")] date: JsValue,
    ) -> Result<bool, JsValue> {
        Ok(self.inner.contains(boundary::day(&date, "date")?))
    }
    /// The next period.
    pub fn next(&self) -> Result<Period, JsValue> {
        period(self.inner.next())
    }
    /// The previous period.
    pub fn prev(&self) -> Result<Period, JsValue> {
        period(self.inner.prev())
    }
    /// The period `n` steps away: `n` is a whole number (a fraction, `NaN` or a number
    /// beyond ±2^31 is refused).
    pub fn shift(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    ) -> Result<Period, JsValue> {
        let n = boundary::integer(&n, "n", i32::MIN.into(), i32::MAX.into())?;
        period(self.inner.shift(n))
    }
    /// The same period one year earlier.
    #[wasm_bindgen(js_name = samePeriodLastYear)]
    pub fn same_period_last_year(&self) -> Result<Period, JsValue> {
        period(self.inner.same_period_last_year())
    }
    /// The period of the coarser `grain` that contains this one.
    pub fn parent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Grain")] grain: JsValue,
    ) -> Result<Period, JsValue> {
        period(self.inner.parent(self::grain(&grain)?))
    }
    /// The periods of the finer `grain` that tile this one.
    pub fn children(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Grain")] grain: JsValue,
    ) -> Result<Vec<Period>, JsValue> {
        let children = map_err(self.inner.children(self::grain(&grain)?))?;
        Ok(children.into_iter().map(|inner| Period { inner }).collect())
    }
    /// The `n` periods ending with this one, as a span (`n` a whole number from 1).
    pub fn trailing(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    ) -> Result<Period, JsValue> {
        let n = boundary::integer(&n, "n", 1, u32::MAX.into())?;
        // In range of u32 (checked just above).
        #[allow(clippy::cast_possible_truncation)]
        period(self.inner.trailing(n as u32))
    }
    /// Whether `other` is the same period (false for anything but a `Period`).
    pub fn equals(&self, other: JsValue) -> Result<bool, JsValue> {
        if !boundary::is_instance::<Period>(&other) {
            return Ok(false);
        }
        // A freed Period is an error, not a different period.
        let other = boundary::instance::<Period>(&other, "other", None)?;
        Ok(self.inner == other.inner)
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
