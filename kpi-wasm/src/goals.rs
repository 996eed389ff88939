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
        Ok(
            core::goal::targets::grow(decimal(baseline, "baseline")?, decimal(growth, "growth")?)
                .to_string(),
        )
    }

    /// `share × marketSize`, as a decimal string.
    #[wasm_bindgen(js_name = fromMarketShare)]
    pub fn from_market_share(
        #[wasm_bindgen(unchecked_param_type = "string | number")] share: JsValue,
        #[wasm_bindgen(js_name = marketSize, unchecked_param_type = "string | number")]
        market_size: JsValue,
    ) -> Result<String, JsValue> {
        Ok(core::goal::targets::from_market_share(
            decimal(share, "share")?,
            decimal(market_size, "marketSize")?,
        )
        .to_string())
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
        to_js(&core::goal::targets::capacity(
            decimal(target, "target")?,
            &decimals(member_targets, "memberTargets")?,
        ))
    }
}
