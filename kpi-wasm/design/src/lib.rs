//! The plan design checks for JavaScript, as a second WebAssembly module loaded on demand
//! (`kpi-core/design`): the main module stays within its download budget, and a page that
//! checks plan designs loads this one too (docs/architecture.md, "The wasm size budget").
//!
//! Plans arrive as the main module writes them (`Plan.toJson()`), arguments as JSON text
//! the wrapper (`kpi-wasm/design/api.mjs`) has checked, and results leave as JSON text;
//! an error is the JSON of its class, code, message and location, which the wrapper throws
//! as the main module's error classes, so `instanceof KpiError` holds across both.

use kpi_core::Plan;
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// An error as JSON: `{"class", "code", "message", "path", "line", "column", "row"}`.
fn error_json(err: &kpi_core::Error) -> String {
    let at = err.location();
    serde_json::json!({
        "class": err.kind().family().class_name(),
        "code": err.code(),
        "message": err.to_string(),
        "path": at.path,
        "line": at.line,
        "column": at.column,
        "row": at.row,
    })
    .to_string()
}

/// Every zone name is known here, at offset 0: plans come from the main module, which has
/// checked their zone with the browser's `Intl`, and neither the design check nor the cost
/// simulation reads a time stamp.
#[allow(clippy::unnecessary_wraps)] // the signature kpi_core::zone::OffsetProvider asks for
fn any_zone(_zone: &str, _millis: i64) -> Option<i32> {
    Some(0)
}

fn plan(json: &str) -> Result<Plan, String> {
    kpi_core::zone::set_offset_provider(any_zone);
    Plan::from_json(json).map_err(|e| error_json(&e))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    kpi_core::bindings::json_for_javascript(value).map_err(|e| e.to_string())
}

/// The design findings of the plan `plan_json`, as JSON.
#[wasm_bindgen(js_name = designCheck)]
pub fn design_check(plan_json: &str) -> Result<String, String> {
    let findings = plan(plan_json)?
        .design_check()
        .map_err(|e| error_json(&e))?;
    to_json(&findings)
}

/// The design findings as text in `locale` (`en` or `zh-CN`).
#[wasm_bindgen(js_name = designText)]
pub fn design_text(plan_json: &str, locale: &str) -> Result<String, String> {
    let locale: kpi_core::Locale = locale.parse().map_err(|e| error_json(&e))?;
    let findings = plan(plan_json)?
        .design_check()
        .map_err(|e| error_json(&e))?;
    Ok(kpi_core::design::design_text(&findings, locale))
}

/// The plan's simulated cost: `attainment_json` a distribution, `seed` decimal digits of
/// a 64-bit seed, `members` the org's people when absent.
#[wasm_bindgen(js_name = simulateCost)]
pub fn simulate_cost(
    plan_json: &str,
    attainment_json: &str,
    trials: u32,
    seed: &str,
    members: Option<u32>,
) -> Result<String, String> {
    let plan = plan(plan_json)?;
    let value: serde_json::Value =
        serde_json::from_str(attainment_json).map_err(|e| e.to_string())?;
    let attainment =
        kpi_core::design::Attainment::from_json_value(&value).map_err(|e| error_json(&e))?;
    let seed: u64 = seed
        .parse()
        .map_err(|_| format!("seed {seed} is not a 64-bit seed"))?;
    let members = members.map(|m| usize::try_from(m).unwrap_or(usize::MAX));
    let cost = plan
        .simulate_cost(&attainment, trials, seed, members)
        .map_err(|e| error_json(&e))?;
    to_json(&cost)
}
