//! CRM readers for Python: `kpi_core.ingest.zoho`, `fxiaoke` and `csv` (in
//! `python/kpi_core/ingest.py`) drive a `CrmReader` page by page, so pages stream from
//! any iterable.

use kpi_core as core;
use pyo3::prelude::*;

use crate::FactTable;
use crate::convert::{serde_to_python, to_json, to_py_err};

/// Reads CRM pages one at a time into a fact table (`kpi_core.ingest` drives it).
#[pyclass(module = "kpi_core")]
pub(crate) struct CrmReader {
    reader: Option<core::ingest::CrmIngest>,
    /// The table the facts go back into when the reader finishes.
    target: Py<FactTable>,
}

fn mappings(mapping: &Bound<'_, PyAny>) -> PyResult<core::ingest::CrmMappings> {
    let result = match mapping.extract::<String>() {
        Ok(text) => core::ingest::CrmMappings::from_toml(&text),
        Err(_) => core::ingest::CrmMappings::from_json_value(to_json(mapping, false)?),
    };
    result.map_err(to_py_err)
}

impl CrmReader {
    fn reader(&mut self) -> PyResult<&mut core::ingest::CrmIngest> {
        self.reader
            .as_mut()
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the reader has finished"))
    }
}

#[pymethods]
impl CrmReader {
    /// A reader of `crm` ("zoho" or "fxiaoke") pages of `module` (Zoho: required;
    /// Fxiaoke: for records that do not name their object) into `facts`, with `mapping`
    /// (TOML text or a dict of module → column mapping) over the built-in mappings.
    #[new]
    #[pyo3(signature = (crm, facts, *, module = None, mapping = None, strict = false, home_currency = None))]
    fn new(
        crm: &str,
        facts: Py<FactTable>,
        module: Option<&str>,
        mapping: Option<&Bound<'_, PyAny>>,
        strict: bool,
        home_currency: Option<&str>,
        py: Python<'_>,
    ) -> PyResult<Self> {
        let crm = match crm {
            "zoho" => core::ingest::Crm::Zoho,
            "fxiaoke" => core::ingest::Crm::Fxiaoke,
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "unknown CRM {other:?}: \"zoho\" or \"fxiaoke\""
                )));
            }
        };
        let mut reader = core::ingest::CrmIngest::new(crm, module).strict(strict);
        if let Some(mapping) = mapping {
            reader = reader.with_mappings(mappings(mapping)?);
        }
        if let Some(currency) = home_currency {
            reader = reader.home_currency(currency);
        }
        // The reader holds the table while it reads; `finish` puts it back.
        let table = std::mem::take(&mut facts.borrow_mut(py).inner);
        Ok(CrmReader {
            reader: Some(reader.into_table(table)),
            target: facts,
        })
    }

    /// Reads one API response page (JSON text).
    fn page(&mut self, text: &str) -> PyResult<()> {
        self.reader()?.page(text).map_err(to_py_err)
    }

    /// Reads a CSV export of the module (Zoho: display labels or API names).
    fn csv(&mut self, text: &str) -> PyResult<()> {
        self.reader()?.csv(text).map_err(to_py_err)
    }

    /// Puts the facts back into the table and returns the ingest report.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let reader = self
            .reader
            .take()
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the reader has finished"))?;
        let (table, report) = reader.finish();
        self.target.borrow_mut(py).inner = table;
        serde_to_python(py, &report)
    }
}

/// The built-in mappings of `crm` ("zoho" or "fxiaoke") as TOML-ready dicts.
#[pyfunction]
pub(crate) fn crm_presets<'py>(py: Python<'py>, crm: &str) -> PyResult<Bound<'py, PyAny>> {
    let crm = match crm {
        "zoho" => core::ingest::Crm::Zoho,
        _ => core::ingest::Crm::Fxiaoke,
    };
    serde_to_python(py, &crm.presets().0)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CrmReader>()?;
    m.add_function(wrap_pyfunction!(crm_presets, m)?)?;
    m.add(
        "REJECTION_REASONS",
        core::ingest::REJECTION_REASONS.to_vec(),
    )?;
    Ok(())
}
