//! Target setting from JavaScript: `targets.grow`, `targets.fromMarketShare`,
//! `targets.allocate` and `targets.capacity`, with decimals as strings (or exact numbers).

use kpi_core as core;
use rust_decimal::Decimal;
use wasm_bindgen::prelude::*;

use crate::{boundary, document, map_err, read_options, to_js, to_js_err};

/// A decimal argument: a string or an exact number (a binary float only with
/// `allow_float`, read through its shortest round-trip text).
fn decimal(value: &JsValue, name: &str, allow_float: bool) -> Result<Decimal, JsValue> {
    let json = boundary::document(value, allow_float, name)?;
    parse_decimal(&json, name)
}

fn parse_decimal(json: &serde_json::Value, name: &str) -> Result<Decimal, JsValue> {
    let invalid = |text: String| {
        to_js_err(
            &core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!("{text} is not a decimal"),
            )
            .at_path(name),
        )
    };
    match json {
        // The same reading as an amount in a record or a plan.
        serde_json::Value::String(_) | serde_json::Value::Number(_) => {
            serde::Deserialize::deserialize(json).map_err(|_| invalid(json.to_string()))
        }
        other => Err(invalid(other.to_string())),
    }
}

fn decimals(values: &JsValue, name: &str, allow_float: bool) -> Result<Vec<Decimal>, JsValue> {
    let serde_json::Value::Array(items) = boundary::document(values, allow_float, name)? else {
        return Err(boundary::wrong(values, name, "an array of decimals"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_decimal(item, &format!("{name}[{i}]")))
        .collect()
}

/// Target setting: growth over a baseline, market share in revenue, exact splits for
/// cascades and phasing, and the capacity check.
#[wasm_bindgen(js_name = targets)]
#[derive(Debug)]
pub struct TargetsApi;

#[wasm_bindgen(js_class = targets)]
impl TargetsApi {
    /// `baseline × (1 + growth)`, as a decimal string.
    pub fn grow(
        #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] baseline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] growth: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let baseline = decimal(&baseline, "baseline", allow_float)?;
        let growth = decimal(&growth, "growth", allow_float)?;
        Ok(map_err(core::goal::targets::grow(baseline, growth))?.to_string())
    }

    /// `share × marketSize`, as a decimal string.
    #[wasm_bindgen(js_name = fromMarketShare)]
    pub fn from_market_share(
        #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] share: JsValue,
        #[wasm_bindgen(js_name = marketSize, unchecked_param_type = "string | number | bigint")]
        market_size: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let share = decimal(&share, "share", allow_float)?;
        let market_size = decimal(&market_size, "marketSize", allow_float)?;
        Ok(map_err(core::goal::targets::from_market_share(share, market_size))?.to_string())
    }

    /// Splits `total` by `weights` to `places` decimals (a whole number from 0 to 10,
    /// default 2); the parts sum exactly to `total`.
    pub fn allocate(
        #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] total: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(string | number | bigint)[]")] weights: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] places: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<Vec<String>, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let places =
            boundary::optional_integer(&places.unwrap_or(JsValue::UNDEFINED), "places", 0, 10)?;
        let total = decimal(&total, "total", allow_float)?;
        let weights = decimals(&weights, "weights", allow_float)?;
        // 0..=10, checked just above.
        #[allow(clippy::cast_possible_truncation)]
        let places = places.unwrap_or(2) as u32;
        let parts = map_err(core::goal::targets::allocate(total, &weights, places))?;
        Ok(parts.iter().map(ToString::to_string).collect())
    }

    /// A team target against its members' targets.
    #[wasm_bindgen(unchecked_return_type = "Capacity")]
    pub fn capacity(
        #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] target: JsValue,
        #[wasm_bindgen(js_name = memberTargets, unchecked_param_type = "(string | number | bigint)[]")]
        member_targets: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let target = decimal(&target, "target", allow_float)?;
        let members = decimals(&member_targets, "memberTargets", allow_float)?;
        to_js(&map_err(core::goal::targets::capacity(target, &members))?)
    }
}

fn rounding(value: Option<JsValue>) -> Result<core::Rounding, JsValue> {
    match value.filter(|v| !boundary::is_absent(v)) {
        Some(value) => document(
            &value,
            "rounding",
            false,
            core::ErrorKind::PlanInvalid,
            "not a rounding policy",
        ),
        None => Ok(core::Rounding::default()),
    }
}

/// The component and its inputs (decimals as strings or exact numbers).
fn component_and_inputs(
    component: &JsValue,
    inputs: &JsValue,
    allow_float: bool,
) -> Result<(core::Component, core::ComponentInputs), JsValue> {
    let component = document(
        component,
        "component",
        allow_float,
        core::ErrorKind::PlanInvalid,
        "not an incentive component",
    )?;
    let inputs = document(
        inputs,
        "inputs",
        allow_float,
        core::ErrorKind::PlanInvalid,
        "not component inputs",
    )?;
    Ok((component, inputs))
}

/// Prices one incentive component (an object, as in a plan) from `inputs` (`actual`,
/// `target`, `attainment`, `by_attainment`, `target_incentive`, `gates`): the what-if of
/// a statement line. Returns `{ amount, lines }`.
#[wasm_bindgen(js_name = evaluateComponent, unchecked_return_type = "ComponentResult")]
pub fn evaluate_component(
    #[wasm_bindgen(unchecked_param_type = "Component")] component: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ComponentInputs")] inputs: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Rounding | null")] rounding: Option<JsValue>,
    #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let allow_float = read_options(options)?.allow_float;
    let (component, inputs) = component_and_inputs(&component, &inputs, allow_float)?;
    let rounding = self::rounding(rounding)?;
    to_js(&map_err(core::evaluate_component(
        &component, &inputs, rounding,
    ))?)
}

/// The component's payout at `steps + 1` attainments from `start` to `stop`, for
/// plotting: `[attainment, payout]` pairs of decimal strings. `steps` is a whole number
/// from 1 to 10,000.
#[wasm_bindgen(js_name = sampleCurve, unchecked_return_type = "[string, string][]")]
pub fn sample_curve(
    #[wasm_bindgen(unchecked_param_type = "Component")] component: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ComponentInputs")] inputs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] start: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | number | bigint")] stop: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] steps: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Rounding | null")] rounding: Option<JsValue>,
    #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let allow_float = read_options(options)?.allow_float;
    let (component, inputs) = component_and_inputs(&component, &inputs, allow_float)?;
    let start = decimal(&start, "start", allow_float)?;
    let stop = decimal(&stop, "stop", allow_float)?;
    // Within u32 (checked just above); the core takes 1 to 10,000 steps.
    #[allow(clippy::cast_possible_truncation)]
    let steps = boundary::integer(&steps, "steps", 0, u32::MAX.into())? as u32;
    let rounding = self::rounding(rounding)?;
    let points = map_err(core::incentive::sample_curve(
        &component,
        &inputs,
        rounding,
        (start, stop, steps),
    ))?;
    let pairs: Vec<(String, String)> = points
        .iter()
        .map(|(a, p)| (a.to_string(), p.to_string()))
        .collect();
    to_js(&pairs)
}

/// Plan cost modelling: the component's total payout over members at `attainments`.
#[wasm_bindgen(js_name = modelCost)]
pub fn model_cost(
    #[wasm_bindgen(unchecked_param_type = "Component")] component: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ComponentInputs")] inputs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(string | number | bigint)[]")] attainments: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Rounding | null")] rounding: Option<JsValue>,
    #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let allow_float = read_options(options)?.allow_float;
    let (component, inputs) = component_and_inputs(&component, &inputs, allow_float)?;
    let attainments = decimals(&attainments, "attainments", allow_float)?;
    let rounding = self::rounding(rounding)?;
    let total = map_err(core::incentive::model_cost(
        &component,
        &inputs,
        rounding,
        &attainments,
    ))?;
    Ok(total.to_string())
}
