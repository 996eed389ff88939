//! CRM ingestion from JavaScript: `ingest.zoho`, `ingest.fxiaoke` and `ingest.csv`
//! return `{ facts, report }`; `FactTable.appendZoho` / `appendFxiaoke` append to a
//! table. Pages come from any iterable (an array, a generator), one at a time, as JSON
//! text or objects.

use kpi_core as core;
use wasm_bindgen::prelude::*;

use crate::{FactTable, column_mapping, from_js, map_err, to_js};

/// Options of the CRM readers.
#[derive(Default)]
struct Options {
    module: Option<String>,
    strict: bool,
    home_currency: Option<String>,
}

fn read_options(value: Option<&JsValue>) -> Options {
    let Some(value) = value.filter(|v| v.is_object()) else {
        return Options::default();
    };
    let get = |key: &str| js_sys::Reflect::get(value, &JsValue::from_str(key)).ok();
    Options {
        module: get("module").and_then(|v| v.as_string()),
        strict: get("strict").and_then(|v| v.as_bool()).unwrap_or(false),
        home_currency: get("homeCurrency").and_then(|v| v.as_string()),
    }
}

fn mappings(mapping: Option<JsValue>) -> Result<Option<core::ingest::CrmMappings>, JsValue> {
    let Some(mapping) = mapping.filter(|m| !m.is_undefined() && !m.is_null()) else {
        return Ok(None);
    };
    let mappings = match mapping.as_string() {
        Some(text) => core::ingest::CrmMappings::from_toml(&text),
        None => core::ingest::CrmMappings::from_json_value(from_js(mapping)?),
    };
    map_err(mappings).map(Some)
}

/// A page as JSON text: text as it is, an object through `JSON.stringify`.
fn page_text(page: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = page.as_string() {
        return Ok(text);
    }
    js_sys::JSON::stringify(page)?
        .as_string()
        .ok_or_else(|| JsValue::from(js_sys::Error::new("a page is JSON text or an object")))
}

/// Reads `source` (pages, one page, or CSV text) with `crm`'s reader into `facts`.
fn read(
    crm: core::ingest::Crm,
    facts: &mut core::FactTable,
    source: &JsValue,
    mapping: Option<JsValue>,
    options: Option<&JsValue>,
) -> Result<JsValue, JsValue> {
    let options = read_options(options);
    let module = match (crm, options.module.as_deref()) {
        (core::ingest::Crm::Zoho, None) => Some("Deals"),
        (_, module) => module,
    };
    let mut reader = core::ingest::CrmIngest::new(crm, module).strict(options.strict);
    if let Some(mappings) = mappings(mapping)? {
        reader = reader.with_mappings(mappings);
    }
    if let Some(currency) = &options.home_currency {
        reader = reader.home_currency(currency);
    }
    let mut reader = reader.into_table(std::mem::take(facts));
    let outcome = feed(&mut reader, source);
    // The table comes back whatever happened: pages before an error stay appended.
    let (table, report) = reader.finish();
    *facts = table;
    outcome?;
    to_js(&report)
}

fn feed(reader: &mut core::ingest::CrmIngest, source: &JsValue) -> Result<(), JsValue> {
    if let Some(text) = source.as_string() {
        return if text.trim_start().starts_with('{') {
            map_err(reader.page(&text))
        } else {
            map_err(reader.csv(&text))
        };
    }
    match js_sys::try_iter(source)? {
        Some(pages) => {
            for page in pages {
                map_err(reader.page(&page_text(&page?)?))?;
            }
            Ok(())
        }
        None => map_err(reader.page(&page_text(source)?)),
    }
}

fn result(facts: core::FactTable, report: JsValue) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"facts".into(), &FactTable { inner: facts }.into())?;
    js_sys::Reflect::set(&out, &"report".into(), &report)?;
    Ok(out.into())
}

/// CRM ingestion: `ingest.zoho(pagesOrCsv, mapping?, options?)`,
/// `ingest.fxiaoke(pages, mapping?, options?)`, `ingest.csv(text, mapping, options?)`,
/// each returning `{ facts, report }`.
#[wasm_bindgen(js_name = ingest)]
#[derive(Debug)]
pub struct IngestApi;

#[wasm_bindgen(js_class = ingest)]
impl IngestApi {
    /// Reads Zoho CRM API pages (`{ data, info }`, as text or objects, from any
    /// iterable) or a CSV export (display labels or API names) of `options.module`
    /// (`"Deals"` by default). `mapping` (TOML text or `{ Module: ColumnMapping }`) goes
    /// over the built-in mappings; `options.strict`, `options.homeCurrency`.
    #[wasm_bindgen(unchecked_return_type = "{ facts: FactTable; report: IngestReport }")]
    pub fn zoho(
        #[wasm_bindgen(unchecked_param_type = "string | object | Iterable<string | object>")]
        pages_or_csv: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "string | Record<string, ColumnMapping> | null"
        )]
        mapping: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "IngestOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let mut facts = core::FactTable::new();
        let report = read(
            core::ingest::Crm::Zoho,
            &mut facts,
            &pages_or_csv,
            mapping,
            options.as_ref(),
        )?;
        result(facts, report)
    }

    /// Reads Fxiaoke query responses (`{ errorCode, data: { dataList } }`): each record's
    /// `object_describe_api_name` picks its mapping (`options.module` for records without
    /// one); a non-zero `errorCode` throws `DataError` (`data.crm_error`).
    #[wasm_bindgen(unchecked_return_type = "{ facts: FactTable; report: IngestReport }")]
    pub fn fxiaoke(
        #[wasm_bindgen(unchecked_param_type = "string | object | Iterable<string | object>")]
        pages: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "string | Record<string, ColumnMapping> | null"
        )]
        mapping: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "IngestOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let mut facts = core::FactTable::new();
        let report = read(
            core::ingest::Crm::Fxiaoke,
            &mut facts,
            &pages,
            mapping,
            options.as_ref(),
        )?;
        result(facts, report)
    }

    /// Reads any CSV through a column mapping (TOML text or an object).
    #[wasm_bindgen(unchecked_return_type = "{ facts: FactTable; report: IngestReport }")]
    pub fn csv(
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "string | ColumnMapping")] mapping: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "IngestOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let mapping = column_mapping(mapping)?;
        let mut facts = core::FactTable::new();
        let report =
            map_err(facts.append_csv(text, &mapping, read_options(options.as_ref()).strict))?;
        result(facts, to_js(&report)?)
    }

    /// The built-in mappings of `"zoho"` or `"fxiaoke"`: module → column mapping.
    #[wasm_bindgen(unchecked_return_type = "Record<string, ColumnMapping>")]
    pub fn presets(crm: &str) -> Result<JsValue, JsValue> {
        let crm = match crm {
            "zoho" => core::ingest::Crm::Zoho,
            _ => core::ingest::Crm::Fxiaoke,
        };
        to_js(&crm.presets().0)
    }

    /// Every rejection reason.
    #[wasm_bindgen(js_name = rejectionReasons)]
    pub fn rejection_reasons() -> Vec<String> {
        core::ingest::REJECTION_REASONS
            .iter()
            .map(|r| (*r).to_owned())
            .collect()
    }
}

#[wasm_bindgen]
impl FactTable {
    /// Appends Zoho CRM pages or a CSV export, as `ingest.zoho` reads them; repeated ids
    /// resolve by `Modified_Time` against the facts already here. Returns the report.
    #[wasm_bindgen(js_name = appendZoho, unchecked_return_type = "IngestReport")]
    pub fn append_zoho(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | object | Iterable<string | object>")]
        pages_or_csv: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "string | Record<string, ColumnMapping> | null"
        )]
        mapping: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "IngestOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        read(
            core::ingest::Crm::Zoho,
            &mut self.inner,
            &pages_or_csv,
            mapping,
            options.as_ref(),
        )
    }

    /// Appends Fxiaoke query responses, as `ingest.fxiaoke` reads them.
    #[wasm_bindgen(js_name = appendFxiaoke, unchecked_return_type = "IngestReport")]
    pub fn append_fxiaoke(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | object | Iterable<string | object>")]
        pages: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "string | Record<string, ColumnMapping> | null"
        )]
        mapping: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "IngestOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        read(
            core::ingest::Crm::Fxiaoke,
            &mut self.inner,
            &pages,
            mapping,
            options.as_ref(),
        )
    }
}

#[wasm_bindgen(typescript_custom_section)]
const INGEST_OPTIONS: &str = r#"
/** Options of the CRM readers. */
export interface IngestOptions {
  /** Zoho: the module of the pages or export ("Deals" by default). Fxiaoke: the object of records that do not name theirs. */
  module?: string;
  /** Turn the first rejection into a thrown DataError (data.rejected_record). */
  strict?: boolean;
  /** Convert amounts in other currencies into this one by each record's exchange rate. */
  homeCurrency?: string;
}
"#;
