//! CRM ingestion from JavaScript: `ingest.zoho`, `ingest.fxiaoke` and `ingest.csv`
//! return `{ facts, report }`; `FactTable.appendZoho` / `appendFxiaoke` append to a
//! table. Pages come from any iterable (an array, a generator), one at a time, as JSON
//! text or objects.

use kpi_core as core;
use wasm_bindgen::prelude::*;

use crate::{FactTable, boundary, column_mapping, map_err, to_js};

/// Options of the CRM readers (`IngestOptions`); an unknown option is an error.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Options {
    #[serde(default)]
    module: Option<String>,
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    home_currency: Option<String>,
    #[serde(default)]
    allow_float: bool,
}

fn read_options(value: Option<JsValue>) -> Result<Options, JsValue> {
    boundary::options(&value.unwrap_or(JsValue::UNDEFINED), "options")
}

fn mappings(mapping: Option<JsValue>) -> Result<Option<core::ingest::CrmMappings>, JsValue> {
    let Some(mapping) = mapping.filter(|m| !boundary::is_absent(m)) else {
        return Ok(None);
    };
    let mappings = if mapping.as_string().is_some() {
        core::ingest::CrmMappings::from_toml(&boundary::text(&mapping, "mapping")?)
    } else {
        core::ingest::CrmMappings::from_json_value(crate::object(&mapping, "mapping", false)?)
    };
    map_err(mappings).map(Some)
}

/// Reads `source` (pages, one page, or CSV text) with `crm`'s reader into `facts`.
fn read(
    crm: core::ingest::Crm,
    facts: &mut core::FactTable,
    source: &JsValue,
    mapping: Option<JsValue>,
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = read_options(options)?;
    // Without a module, the core reads the CRM's default one (Zoho's Deals).
    let mut reader =
        core::ingest::CrmIngest::new(crm, options.module.as_deref()).strict(options.strict);
    if let Some(mappings) = mappings(mapping)? {
        reader = reader.with_mappings(mappings);
    }
    if let Some(currency) = &options.home_currency {
        reader = reader.home_currency(currency);
    }
    let mut reader = reader.into_table(std::mem::take(facts));
    let outcome = feed(&mut reader, source, options.allow_float);
    // The table comes back whatever happened: pages before an error stay appended.
    let (table, report) = reader.finish();
    *facts = table;
    outcome?;
    to_js(&report)
}

fn feed(
    reader: &mut core::ingest::CrmIngest,
    source: &JsValue,
    allow_float: bool,
) -> Result<(), JsValue> {
    if source.as_string().is_some() {
        // One page or a CSV export: the core tells which.
        return map_err(reader.page_or_csv(&boundary::text(source, "pages")?));
    }
    let iterator = boundary::page_iterator(source)?;
    if boundary::is_absent(&iterator) {
        return map_err(reader.page(&boundary::page_json(source, "pages", allow_float)?));
    }
    let mut index = 0u32;
    while let Some(page) = boundary::next_page(&iterator, index, allow_float)? {
        map_err(reader.page(&page))?;
        index = index.saturating_add(1);
    }
    Ok(())
}

/// kpi-core's `REJECTION_REASONS`.
pub(crate) fn rejection_reason_list() -> Vec<String> {
    core::ingest::REJECTION_REASONS
        .iter()
        .map(|r| (*r).to_owned())
        .collect()
}

fn result(facts: core::FactTable, report: JsValue) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"facts".into(), &FactTable::from(facts).into())?;
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
            options,
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
            options,
        )?;
        result(facts, report)
    }

    /// Reads any CSV through a column mapping (TOML text or an object).
    #[wasm_bindgen(unchecked_return_type = "{ facts: FactTable; report: IngestReport }")]
    pub fn csv(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | ColumnMapping")] mapping: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "IngestOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let options = read_options(options)?;
        if options.module.is_some() || options.home_currency.is_some() {
            return Err(boundary::invalid_argument(
                "options: module and homeCurrency apply to the CRM readers, not to ingest.csv (its mapping names the columns)",
            ));
        }
        let strict = options.strict;
        let mapping = column_mapping(&mapping)?;
        let text = boundary::text(&text, "text")?;
        let mut facts = core::FactTable::new();
        let report = map_err(facts.append_csv(&text, &mapping, strict))?;
        result(facts, to_js(&report)?)
    }

    /// The built-in mappings of `"zoho"` or `"fxiaoke"`: module → column mapping.
    #[wasm_bindgen(unchecked_return_type = "Record<string, ColumnMapping>")]
    pub fn presets(
        #[wasm_bindgen(unchecked_param_type = "\"zoho\" | \"fxiaoke\"")] crm: JsValue,
    ) -> Result<JsValue, JsValue> {
        let crm: core::ingest::Crm = map_err(
            boundary::text(&crm, "crm")?
                .parse()
                .map_err(|e: core::Error| e.at_path("crm")),
        )?;
        to_js(&crm.presets().0)
    }

    /// Every reason of a rejected record, as the top-level `rejectionReasons()`.
    #[wasm_bindgen(js_name = rejectionReasons, unchecked_return_type = "RejectionReason[]")]
    pub fn rejection_reasons() -> Vec<String> {
        rejection_reason_list()
    }
}

#[wasm_bindgen]
impl FactTable {
    /// Appends Zoho CRM pages or a CSV export, as `ingest.zoho` reads them; repeated ids
    /// resolve by `Modified_Time` against the facts already here. Returns the report.
    #[wasm_bindgen(js_name = appendZoho, unchecked_return_type = "IngestReport")]
    pub fn append_zoho(
        &self,
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
            &mut *self.table_mut()?,
            &pages_or_csv,
            mapping,
            options,
        )
    }

    /// Appends Fxiaoke query responses, as `ingest.fxiaoke` reads them.
    #[wasm_bindgen(js_name = appendFxiaoke, unchecked_return_type = "IngestReport")]
    pub fn append_fxiaoke(
        &self,
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
            &mut *self.table_mut()?,
            &pages,
            mapping,
            options,
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
  /**
   * Pages given as objects: accept binary-float amounts, each read as its shortest
   * round-trip text. Without it they are refused; pass the page as its JSON text
   * (`await response.text()`), which is read exactly.
   */
  allowFloat?: boolean;
}
"#;
