//! Target setting from JavaScript: `targets.grow`, `targets.fromMarketShare`,
//! `targets.allocate` and `targets.capacity`, with decimals as strings.

use kpi_core as core;
use rust_decimal::Decimal;
use wasm_bindgen::prelude::*;

use crate::{from_js, map_err, to_js, to_js_err};

/// A decimal argument: a string or a number (read through its shortest form).
fn decimal(value: JsValue, name: &str) -> Result<Decimal, JsValue> {
    let json = from_js(value)?;
    let text = json
        .as_str()
        .map_or_else(|| json.to_string(), str::to_owned);
    text.parse().map_err(|_| {
        to_js_err(
            &core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!("{text} is not a decimal"),
            )
            .at_path(name),
        )
    })
}

fn decimals(values: JsValue, name: &str) -> Result<Vec<Decimal>, JsValue> {
    let serde_json::Value::Array(items) = from_js(values)? else {
        return Err(to_js_err(
            &core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                "an array of decimals",
            )
            .at_path(name),
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let text = item
                .as_str()
                .map_or_else(|| item.to_string(), str::to_owned);
            text.parse().map_err(|_| {
                to_js_err(
                    &core::Error::new(
                        core::ErrorKind::DataUnsupportedValue,
                        format!("{text} is not a decimal"),
                    )
                    .at_path(format!("{name}[{i}]")),
                )
            })
        })
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
        #[wasm_bindgen(unchecked_param_type = "string | number")] baseline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | number")] growth: JsValue,
    ) -> Result<String, JsValue> {
        let grown =
            core::goal::targets::grow(decimal(baseline, "baseline")?, decimal(growth, "growth")?);
        Ok(map_err(grown)?.to_string())
    }

    /// `share × marketSize`, as a decimal string.
    #[wasm_bindgen(js_name = fromMarketShare)]
    pub fn from_market_share(
        #[wasm_bindgen(unchecked_param_type = "string | number")] share: JsValue,
        #[wasm_bindgen(js_name = marketSize, unchecked_param_type = "string | number")]
        market_size: JsValue,
    ) -> Result<String, JsValue> {
        let target = core::goal::targets::from_market_share(
            decimal(share, "share")?,
            decimal(market_size, "marketSize")?,
        );
        Ok(map_err(target)?.to_string())
    }

    /// Splits `total` by `weights` to `places` decimals (default 2); the parts sum
    /// exactly to `total`.
    pub fn allocate(
        #[wasm_bindgen(unchecked_param_type = "string | number")] total: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(string | number)[]")] weights: JsValue,
        places: Option<u32>,
    ) -> Result<Vec<String>, JsValue> {
        let parts = map_err(core::goal::targets::allocate(
            decimal(total, "total")?,
            &decimals(weights, "weights")?,
            places.unwrap_or(2),
        ))?;
        Ok(parts.iter().map(ToString::to_string).collect())
    }

    /// A team target against its members' targets.
    #[wasm_bindgen(unchecked_return_type = "Capacity")]
    pub fn capacity(
        #[wasm_bindgen(unchecked_param_type = "string | number")] target: JsValue,
        #[wasm_bindgen(js_name = memberTargets, unchecked_param_type = "(string | number)[]")]
        member_targets: JsValue,
    ) -> Result<JsValue, JsValue> {
        to_js(&map_err(core::goal::targets::capacity(
            decimal(target, "target")?,
            &decimals(member_targets, "memberTargets")?,
        ))?)
    }
}

/// A serde document from a JS value (decimals as strings or numbers).
fn document<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_json::from_value(from_js(value)?).map_err(|e| {
        to_js_err(&core::Error::new(
            core::ErrorKind::PlanInvalid,
            format!("not {what}: {e}"),
        ))
    })
}

fn rounding(value: JsValue) -> Result<core::Rounding, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(core::Rounding::default())
    } else {
        document(value, "a rounding policy")
    }
}

/// Prices one incentive component (an object, as in a plan) from `inputs` (`actual`,
/// `target`, `attainment`, `by_attainment`, `target_incentive`, `gates`): the what-if of
/// a statement line. Returns `{ amount, lines }`.
#[wasm_bindgen(js_name = evaluateComponent, unchecked_return_type = "ComponentResult")]
pub fn evaluate_component(
    #[wasm_bindgen(unchecked_param_type = "Component")] component: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ComponentInputs")] inputs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Rounding | undefined")] rounding: JsValue,
) -> Result<JsValue, JsValue> {
    let component: core::Component = document(component, "an incentive component")?;
    let inputs: core::ComponentInputs = document(inputs, "component inputs")?;
    to_js(&map_err(core::evaluate_component(
        &component,
        &inputs,
        self::rounding(rounding)?,
    ))?)
}

/// The component's payout at `steps + 1` attainments from `start` to `stop`, for
/// plotting: `[attainment, payout]` pairs of decimal strings.
#[wasm_bindgen(js_name = sampleCurve, unchecked_return_type = "[string, string][]")]
pub fn sample_curve(
    #[wasm_bindgen(unchecked_param_type = "Component")] component: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ComponentInputs")] inputs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | number")] start: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | number")] stop: JsValue,
    steps: u32,
    #[wasm_bindgen(unchecked_param_type = "Rounding | undefined")] rounding: JsValue,
) -> Result<JsValue, JsValue> {
    let component: core::Component = document(component, "an incentive component")?;
    let inputs: core::ComponentInputs = document(inputs, "component inputs")?;
    let points = map_err(core::incentive::sample_curve(
        &component,
        &inputs,
        self::rounding(rounding)?,
        (decimal(start, "start")?, decimal(stop, "stop")?, steps),
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
    #[wasm_bindgen(unchecked_param_type = "(string | number)[]")] attainments: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Rounding | undefined")] rounding: JsValue,
) -> Result<String, JsValue> {
    let component: core::Component = document(component, "an incentive component")?;
    let inputs: core::ComponentInputs = document(inputs, "component inputs")?;
    let total = map_err(core::incentive::model_cost(
        &component,
        &inputs,
        self::rounding(rounding)?,
        &decimals(attainments, "attainments")?,
    ))?;
    Ok(total.to_string())
}
