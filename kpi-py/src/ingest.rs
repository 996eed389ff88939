//! CRM readers for Python: `kpi_core.ingest.zoho`, `fxiaoke` and `csv` (in
//! `python/kpi_core/ingest.py`) drive a `CrmReader` page by page, so pages stream from
//! any iterable.

use std::sync::{Mutex, PoisonError};

use kpi_core as core;
use pyo3::prelude::*;

use crate::FactTable;
use crate::args;
use crate::convert::{Reading, invalid_argument, serde_to_python, to_json_at, to_py_err};

/// Reads CRM pages one at a time into a fact table (`kpi_core.ingest` drives it). While
/// it reads, the table is its own: using the table meanwhile is an error
/// (`data.invalid_argument`) until `finish()` puts the facts back.
#[pyclass(frozen, module = "kpi_core")]
pub(crate) struct CrmReader {
    /// The reader, until it finishes.
    reader: Mutex<Option<core::ingest::CrmIngest>>,
    /// The table the facts go back into when the reader finishes.
    target: Py<FactTable>,
}

/// The CRM named by `value`: the core reads the name (`data.invalid_argument` at `crm`,
/// listing the names, for another).
fn crm(value: &Bound<'_, PyAny>) -> PyResult<core::ingest::Crm> {
    args::text(value, "crm")?
        .parse()
        .map_err(|e: core::Error| to_py_err(e.at_path("crm")))
}

fn mappings(mapping: &Bound<'_, PyAny>) -> PyResult<core::ingest::CrmMappings> {
    let result = if mapping.is_instance_of::<pyo3::types::PyString>() {
        core::ingest::CrmMappings::from_toml(&args::text(mapping, "mapping")?)
    } else {
        core::ingest::CrmMappings::from_json_value(to_json_at(
            mapping,
            Reading::exact(),
            "mapping",
        )?)
    };
    result.map_err(to_py_err)
}

fn finished() -> PyErr {
    invalid_argument("", "the reader has finished: start a new one")
}

impl CrmReader {
    /// Runs `f` on the reader without the GIL (waiting for it without the GIL too).
    fn with<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut core::ingest::CrmIngest) -> core::Result<R> + Send,
    ) -> PyResult<R> {
        let outcome = py.detach(|| {
            let mut reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
            reader.as_mut().map(f)
        });
        outcome.ok_or_else(finished)?.map_err(to_py_err)
    }
}

#[pymethods]
impl CrmReader {
    /// A reader of `crm` ("zoho" or "fxiaoke") pages of `module` (Zoho: "Deals" when
    /// omitted; Fxiaoke: for records that do not name their object) into `facts`, with `mapping`
    /// (TOML text or a dict of module → column mapping) over the built-in mappings.
    #[new]
    #[pyo3(signature = (crm, facts, *, module = None, mapping = None, strict = None, home_currency = None))]
    fn new(
        crm: &Bound<'_, PyAny>,
        facts: &Bound<'_, PyAny>,
        module: Option<&Bound<'_, PyAny>>,
        mapping: Option<&Bound<'_, PyAny>>,
        strict: Option<&Bound<'_, PyAny>>,
        home_currency: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let py = crm.py();
        let crm = self::crm(crm)?;
        let facts = crate::facts_arg(facts, "facts")?;
        let module = args::opt_text(module, "module")?;
        let strict = args::flag(strict, "strict", false)?;
        let home_currency = args::opt_text(home_currency, "home_currency")?;
        let mut reader = core::ingest::CrmIngest::new(crm, module.as_deref()).strict(strict);
        if let Some(mapping) = mapping.filter(|m| !m.is_none()) {
            reader = reader.with_mappings(mappings(mapping)?);
        }
        if let Some(currency) = home_currency {
            reader = reader.home_currency(&currency);
        }
        // The reader holds the table while it reads; `finish` puts it back.
        let table = facts.get().lend(py)?;
        Ok(CrmReader {
            reader: Mutex::new(Some(reader.into_table(table))),
            target: facts.unbind(),
        })
    }

    /// Reads one API response page (JSON text).
    fn page(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = args::text(text, "text")?;
        self.with(py, |reader| reader.page(&text))
    }

    /// Reads text that is one API response page (a JSON object) or else a CSV export of
    /// the module; the core tells which.
    fn page_or_csv(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = args::text(text, "text")?;
        self.with(py, |reader| reader.page_or_csv(&text))
    }

    /// Reads a CSV export of the module (Zoho: display labels or API names).
    fn csv(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = args::text(text, "text")?;
        self.with(py, |reader| reader.csv(&text))
    }

    /// Puts the facts back into the table and returns the ingest report.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let reader = py
            .detach(|| {
                self.reader
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take()
            })
            .ok_or_else(finished)?;
        let (table, report) = reader.finish();
        self.target.get().give_back(py, table);
        ingest_report(py, &report)
    }
}

/// An ingest report as `kpi_core.ingest.IngestReport`: a dict with every count, whose
/// fields read as attributes too.
pub(crate) fn ingest_report<'py>(
    py: Python<'py>,
    report: &core::ingest::IngestReport,
) -> PyResult<Bound<'py, PyAny>> {
    let dict = serde_to_python(py, report)?;
    py.import("kpi_core.ingest")?
        .getattr("IngestReport")?
        .call1((dict,))
}

impl Drop for CrmReader {
    /// A reader dropped before `finish()` still puts the facts back, so the table is
    /// usable again.
    fn drop(&mut self) {
        let reader = self
            .reader
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(reader) = reader {
            let (table, _) = reader.finish();
            Python::attach(|py| self.target.get().give_back(py, table));
        }
    }
}

/// The built-in mappings of `crm` ("zoho" or "fxiaoke") as TOML-ready dicts.
#[pyfunction]
pub(crate) fn crm_presets<'py>(
    py: Python<'py>,
    crm: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    serde_to_python(py, &self::crm(crm)?.presets().0)
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
