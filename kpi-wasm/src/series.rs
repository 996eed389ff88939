//! The arguments of `plan.evaluateSeries`, which returns the reports of every period of a
//! span at one or more grains.

use kpi_core as core;
use wasm_bindgen::prelude::*;

use crate::{boundary, map_err};

/// The `grains` argument: a grain name or an array of them, each refused at its path.
pub(crate) fn grains(value: &JsValue) -> Result<Vec<core::Grain>, JsValue> {
    let text = boundary::name_list(value, "grains")?;
    // `nameList` wrote a JSON string or an array of strings.
    let (names, many): (Vec<String>, bool) = match serde_json::from_str::<String>(&text) {
        Ok(one) => (vec![one], false),
        Err(_) => (serde_json::from_str(&text).unwrap_or_default(), true),
    };
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let path = if many {
                format!("grains[{i}]")
            } else {
                "grains".to_owned()
            };
            map_err(core::Grain::from_name(name).map_err(|e| e.at_path(path)))
        })
        .collect()
}
