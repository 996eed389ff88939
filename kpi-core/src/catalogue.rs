//! The catalogue of standard sales KPIs: one documented definition of each, ready to
//! include in a plan (`catalogue = ["win_rate", "csat"]`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::metric::MetricDef;

/// One KPI of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CatalogueEntry {
    /// The KPI's id, which is also the id of its metric.
    pub id: String,
    /// Its English name.
    pub name: String,
    /// Its Simplified Chinese name.
    pub name_zh: String,
    /// What it measures, with its formula written out.
    pub description: String,
    /// The metrics it defines: its own (named `id`) and those it reads.
    #[cfg_attr(feature = "typescript", tsify(type = "Record<string, MetricDef>"))]
    pub metrics: BTreeMap<String, MetricDef>,
}

#[derive(Deserialize)]
struct File {
    kpi: Vec<CatalogueEntry>,
}

/// Every KPI of the catalogue, in documentation order.
pub fn entries() -> &'static [CatalogueEntry] {
    static ENTRIES: OnceLock<Vec<CatalogueEntry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        const TEXT: &[u8] =
            &crate::toml_doc::without_comment_lines(include_bytes!("catalogue.toml"));
        crate::toml_doc::from_toml::<File>(
            std::str::from_utf8(TEXT).expect("the embedded catalogue is UTF-8"),
            crate::error::ErrorKind::PlanSyntax,
            crate::error::ErrorKind::PlanInvalid,
        )
        .expect("the embedded catalogue is valid (a test checks it)")
        .kpi
    })
}

/// The catalogue KPI with this id.
pub fn entry(id: &str) -> Option<&'static CatalogueEntry> {
    entries().iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_defines_its_own_metric_and_checks() {
        assert!(entries().len() >= 15);
        for entry in entries() {
            assert!(entry.metrics.contains_key(&entry.id), "{}", entry.id);
            crate::measure::MetricBook::new(&entry.metrics)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.id));
        }
        // Shared metrics are defined the same way wherever they appear.
        let mut seen: BTreeMap<&str, &MetricDef> = BTreeMap::new();
        for entry in entries() {
            for (id, def) in &entry.metrics {
                if let Some(other) = seen.insert(id, def) {
                    assert_eq!(other, def, "{id} differs between entries");
                }
            }
        }
    }

    #[test]
    fn docs_metrics_md_writes_out_every_entry() {
        let docs = include_str!("../../docs/metrics.md");
        for entry in entries() {
            let row = docs
                .lines()
                .find(|line| line.starts_with(&format!("| `{}` |", entry.id)))
                .unwrap_or_else(|| panic!("docs/metrics.md has no row for {}", entry.id));
            let own = &entry.metrics[&entry.id];
            if let Some(formula) = &own.formula {
                assert!(row.contains(formula.as_str()), "{}: {row}", entry.id);
            }
            assert!(row.contains(&entry.name_zh), "{}: {row}", entry.id);
        }
    }
}
