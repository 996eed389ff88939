//! Time zones from the JavaScript engine's `Intl` (the IANA data every browser and Node
//! ship), so the wasm file leaves out the tz database. Offsets are cached per zone and
//! hour, since a zone's offset changes a few times a year at most.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::prelude::*;

thread_local! {
    /// Zone → its `Intl.DateTimeFormat` (or `None` for a name `Intl` rejects).
    static FORMATS: RefCell<HashMap<String, Option<JsValue>>> = RefCell::new(HashMap::new());
    /// (zone, hour since the epoch) → offset in seconds.
    static OFFSETS: RefCell<HashMap<(String, i64), i32>> = RefCell::new(HashMap::new());
}

fn set(object: &JsValue, key: &str, value: &JsValue) -> Option<()> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value)
        .ok()
        .map(|_| ())
}

/// An `Intl.DateTimeFormat` for `zone` giving numeric parts in a 24-hour clock.
fn format_for(zone: &str) -> Option<JsValue> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = js_sys::Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = js_sys::Object::new();
    set(&options, "timeZone", &zone.into())?;
    set(&options, "hourCycle", &"h23".into())?;
    for part in ["year", "month", "day", "hour", "minute", "second"] {
        set(&options, part, &"numeric".into())?;
    }
    let arguments = js_sys::Array::of2(&"en-US".into(), &options);
    // A name Intl does not know throws a RangeError: caught here, as `None`.
    js_sys::Reflect::construct(&constructor, &arguments).ok()
}

/// Seconds east of UTC of `zone` at `millis`, from `Intl`'s local wall time.
fn intl_offset(format: &JsValue, millis: i64) -> Option<i32> {
    #[allow(clippy::cast_precision_loss)] // epoch milliseconds are far below 2^53
    let date = js_sys::Date::new(&JsValue::from_f64(millis as f64));
    let to_parts: js_sys::Function = js_sys::Reflect::get(format, &"formatToParts".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let parts: js_sys::Array = to_parts.call1(format, &date).ok()?.dyn_into().ok()?;
    let mut fields = [0i64; 6];
    for part in parts.iter() {
        let kind = js_sys::Reflect::get(&part, &"type".into())
            .ok()?
            .as_string()?;
        let value = js_sys::Reflect::get(&part, &"value".into())
            .ok()?
            .as_string()?;
        let slot = match kind.as_str() {
            "year" => 0,
            "month" => 1,
            "day" => 2,
            "hour" => 3,
            "minute" => 4,
            "second" => 5,
            _ => continue,
        };
        fields[slot] = value.parse().ok()?;
    }
    let [year, month, day, hour, minute, second] = fields;
    let local = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?
    .and_hms_opt(
        u32::try_from(hour % 24).ok()?,
        u32::try_from(minute).ok()?,
        u32::try_from(second).ok()?,
    )?;
    let local_millis = local.and_utc().timestamp_millis();
    let utc_seconds = millis.div_euclid(1000);
    i32::try_from(local_millis.checked_div(1000)?.checked_sub(utc_seconds)?).ok()
}

/// The provider kpi-core asks for offsets (see `kpi_core::zone`).
fn offset(zone: &str, millis: i64) -> Option<i32> {
    let hour = millis.div_euclid(3_600_000);
    let key = (zone.to_owned(), hour);
    if let Some(offset) = OFFSETS.with(|o| o.borrow().get(&key).copied()) {
        return Some(offset);
    }
    let format = FORMATS.with(|f| {
        f.borrow_mut()
            .entry(zone.to_owned())
            .or_insert_with(|| format_for(zone))
            .clone()
    })?;
    let offset = intl_offset(&format, millis)?;
    OFFSETS.with(|o| o.borrow_mut().insert(key, offset));
    Some(offset)
}

/// Registers `Intl` as kpi-core's time zone source (when the module loads).
pub(crate) fn register_time_zones() {
    kpi_core::zone::set_offset_provider(offset);
}
