//! A series: the reports of many periods evaluated in one pass over the facts
//! (`CompiledPlan::evaluate_series`), and their tables as one long table for charts.

use serde::{Deserialize, Serialize};

use super::Report;
use super::table::{Cell, ReportTable, TableRow};

/// The reports of every period of a span at one or more grains (all the months and
/// quarters of two fiscal years …), each the report that evaluating its period alone
/// gives, to the cent. Built by [`crate::CompiledPlan::evaluate_series`].
///
/// ```
/// use kpi_core::{FactTable, Grain, Plan};
/// use kpi_core::report::{Cell, ReportTable};
/// let plan = Plan::from_toml(include_str!("../../testdata/sample/plan.toml"))?.compile()?;
/// let facts = FactTable::from_json_lines(include_str!("../../testdata/sample/facts.jsonl"))?;
/// let year = plan.parse_period("FY2027")?;
/// let series = plan.evaluate_series(&facts, &year, &[Grain::Month, Grain::Quarter])?;
/// assert_eq!(series.reports.len(), 12 + 4);
/// // Each report is the period's own.
/// let q2 = plan.parse_period("FY2027-Q2")?;
/// assert_eq!(series.report(&q2.label()), Some(&plan.evaluate(&facts, &q2)?));
/// // One long table: every scorecard row of every period, its period first.
/// let rows = series.table_rows(ReportTable::Scorecards);
/// assert_eq!(rows[0][0], ("period", Cell::Text("2026-04")));
/// # Ok::<(), kpi_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// One report per period: the periods of the first grain asked for in time order,
    /// then those of the next grain.
    pub reports: Vec<Report>,
}

impl Series {
    /// The report of the period labelled `label` (`FY2027-Q2`), if the series has it.
    pub fn report(&self, label: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.period.label == label)
    }

    /// One of the reports' tables ([`Report::table_rows`]) for every period, one after
    /// the other, each row led by its period's `period` (label) and `grain` columns: the
    /// long (tidy) form that charting and data-frame libraries take.
    pub fn table_rows(&self, table: ReportTable) -> Vec<TableRow<'_>> {
        Series::table_rows_of(&self.reports, table)
    }

    /// [`Series::table_rows`] of reports held elsewhere (a binding keeps each report in
    /// its own object).
    pub fn table_rows_of<'a>(
        reports: impl IntoIterator<Item = &'a Report>,
        table: ReportTable,
    ) -> Vec<TableRow<'a>> {
        let mut rows = Vec::new();
        for report in reports {
            let period = Cell::Text(&report.period.label);
            let grain = Cell::Text(report.period.grain.name());
            rows.extend(report.table_rows(table).into_iter().map(|row| {
                let mut long = Vec::with_capacity(row.len() + 2);
                long.push(("period", period));
                long.push(("grain", grain));
                long.extend(row);
                long
            }));
        }
        rows
    }
}
