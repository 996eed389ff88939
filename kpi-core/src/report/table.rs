//! A report's tables as flat rows of typed cells: what data frames are built from
//! (`to_pandas`, `to_polars`, `to_arrow` and `rows` in Python), decided once here so that
//! every binding gives the same columns.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{PayoutLine, Report, ScoreRow, ScorecardRow, Statement};
use crate::error::{Error, ErrorKind};
use crate::formula::Type;
use crate::metric::Direction;

/// One of a report's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportTable {
    /// One row per goal and scope ([`Report::scorecards`]).
    Scorecards,
    /// The company roll-ups ([`Report::rollups`]).
    Rollups,
    /// The leaderboard ([`Report::scores`]).
    Scores,
    /// One row per payout line, with its statement's member, name and team first.
    Statements,
}

impl ReportTable {
    /// Every table, in the order they are named.
    pub const ALL: [ReportTable; 4] = [
        ReportTable::Scorecards,
        ReportTable::Rollups,
        ReportTable::Scores,
        ReportTable::Statements,
    ];

    /// The table's name: `scorecards`, `rollups`, `scores` or `statements`.
    pub const fn name(self) -> &'static str {
        match self {
            ReportTable::Scorecards => "scorecards",
            ReportTable::Rollups => "rollups",
            ReportTable::Scores => "scores",
            ReportTable::Statements => "statements",
        }
    }
}

impl fmt::Display for ReportTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ReportTable {
    type Err = Error;

    /// The table named `name`; another name is `data.unsupported_value`, listing them.
    fn from_str(name: &str) -> Result<ReportTable, Error> {
        ReportTable::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::DataUnsupportedValue,
                    format!("no table `{name}`: use scorecards, rollups, scores or statements"),
                )
            })
    }
}

/// One cell of a report table, typed as its field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// No value.
    Null,
    /// Text: an id, a name, a unit, a status, an explanation.
    Text(&'a str),
    /// An exact number: an actual, a target, an attainment, an amount.
    Decimal(Decimal),
    /// A count, a rank or a position.
    Integer(u64),
    /// A day.
    Date(NaiveDate),
}

/// A row of a report table: (column, cell) pairs in column order.
pub type TableRow<'a> = Vec<(&'static str, Cell<'a>)>;

/// The columns that flatten a scorecard row's pacing, each `pacing_` and the field.
const PACING: [&str; 8] = [
    "pacing_as_of",
    "pacing_elapsed",
    "pacing_remaining_days",
    "pacing_projected",
    "pacing_projected_attainment",
    "pacing_projected_status",
    "pacing_remaining",
    "pacing_required_per_day",
];

/// The columns that flatten a scorecard row's forecast, each `forecast_` and the field.
const FORECAST: [&str; 9] = [
    "forecast_closed",
    "forecast_commit",
    "forecast_best_case",
    "forecast_pipeline",
    "forecast_open",
    "forecast_weighted",
    "forecast_remaining",
    "forecast_coverage",
    "forecast_attainment",
];

impl Report {
    /// The rows of one of the report's tables, flat: each row holds the fields of its
    /// document (a [`ScorecardRow`], a [`ScoreRow`], a statement's [`PayoutLine`] after
    /// the statement's `member`, `name` and `team`), nested values as columns of their
    /// own.
    ///
    /// Scorecard and roll-up rows always have `original_target`, `adjustment`,
    /// `baseline` and `full_target` (null when absent, after the ones present), the eight `pacing_*`
    /// columns (null when the period has ended) and the nine `forecast_*` columns last
    /// (null when the goal does not forecast), so a data frame gets the same columns
    /// whatever the as-of date and the goals. The order within a row is the one the Python
    /// binding's rows have always had: in a row with pacing, the last of those four
    /// columns takes the place pacing has in the document. Payout lines leave out the
    /// fields they do not have (`metric`, `goal`, `rate`, `tier`), as their documents do.
    ///
    /// ```
    /// use kpi_core::report::{Cell, ReportTable};
    /// # let plan = kpi_core::Plan::from_toml(include_str!("../../testdata/sample/plan.toml"))?;
    /// # let facts = kpi_core::FactTable::from_json_lines(include_str!("../../testdata/sample/facts.jsonl"))?;
    /// # let period = plan.calendar.parse_period("FY2027-Q2")?;
    /// let report = plan.evaluate(&facts, &period)?;
    /// let rows = report.table_rows("statements".parse::<ReportTable>()?);
    /// let (column, cell) = rows[0][0];
    /// assert_eq!((column, cell), ("member", Cell::Text(&report.statements[0].member)));
    /// # Ok::<(), kpi_core::Error>(())
    /// ```
    pub fn table_rows(&self, table: ReportTable) -> Vec<TableRow<'_>> {
        match table {
            ReportTable::Scorecards => self.scorecards.iter().map(scorecard_row).collect(),
            ReportTable::Rollups => self.rollups.iter().map(scorecard_row).collect(),
            ReportTable::Scores => self.scores.iter().map(score_row).collect(),
            ReportTable::Statements => self
                .statements
                .iter()
                .flat_map(|s| s.lines.iter().map(move |line| line_row(s, line)))
                .collect(),
        }
    }
}

fn decimal<'a>(value: Option<Decimal>) -> Cell<'a> {
    value.map_or(Cell::Null, Cell::Decimal)
}

fn text(value: Option<&str>) -> Cell<'_> {
    value.map_or(Cell::Null, Cell::Text)
}

fn integer<'a>(value: Option<impl Into<u64>>) -> Cell<'a> {
    value.map_or(Cell::Null, |v| Cell::Integer(v.into()))
}

fn scorecard_row(row: &ScorecardRow) -> TableRow<'_> {
    let direction = match row.direction {
        Direction::Higher => "higher",
        Direction::Lower => "lower",
    };
    let mut cells = vec![
        ("goal", Cell::Text(&row.goal)),
        ("metric", Cell::Text(&row.metric)),
        ("unit", Cell::Text(Type::Number(row.unit).name())),
        ("scope", Cell::Text(row.scope.name())),
        ("id", Cell::Text(&row.id)),
        ("name", Cell::Text(&row.name)),
        ("team", text(row.team.as_deref())),
        ("actual", decimal(row.actual)),
        ("target", decimal(row.target)),
        ("attainment", decimal(row.attainment)),
        ("direction", Cell::Text(direction)),
        ("gap", decimal(row.gap)),
        ("status", text(row.status.map(super::Status::name))),
        ("rank", integer(row.rank)),
        ("weight", Cell::Decimal(row.weight)),
    ];
    let optional = [
        ("original_target", row.original_target.map(Cell::Decimal)),
        ("adjustment", row.adjustment.as_deref().map(Cell::Text)),
        ("baseline", row.baseline.map(Cell::Decimal)),
        ("full_target", row.full_target.map(Cell::Decimal)),
    ];
    // The document's optional fields that are present, its pacing, then the absent
    // ones as nulls; the pacing's place goes to the last column, and pacing is flattened
    // at the end.
    cells.extend(optional.iter().filter_map(|&(k, c)| c.map(|c| (k, c))));
    let pacing_at = row.pacing.as_ref().map(|_| {
        cells.push(("pacing", Cell::Null));
        cells.len() - 1
    });
    cells.extend(
        optional
            .iter()
            .filter(|(_, c)| c.is_none())
            .map(|&(k, _)| (k, Cell::Null)),
    );
    if let Some(at) = pacing_at {
        cells.swap_remove(at);
    }
    let pacing = row.pacing.as_ref();
    let values = [
        pacing.map_or(Cell::Null, |p| Cell::Date(p.as_of)),
        pacing.map_or(Cell::Null, |p| Cell::Decimal(p.elapsed)),
        integer(pacing.map(|p| p.remaining_days)),
        decimal(pacing.and_then(|p| p.projected)),
        decimal(pacing.and_then(|p| p.projected_attainment)),
        text(
            pacing
                .and_then(|p| p.projected_status)
                .map(super::Status::name),
        ),
        decimal(pacing.and_then(|p| p.remaining)),
        decimal(pacing.and_then(|p| p.required_per_day)),
    ];
    cells.extend(PACING.into_iter().zip(values));
    let forecast = row.forecast.as_ref();
    let amount = |field: fn(&super::Forecast) -> Decimal| decimal(forecast.map(field));
    let ratio = |field: fn(&super::Forecast) -> Option<Decimal>| decimal(forecast.and_then(field));
    let values = [
        amount(|f| f.closed),
        amount(|f| f.commit),
        amount(|f| f.best_case),
        amount(|f| f.pipeline),
        amount(|f| f.open),
        amount(|f| f.weighted),
        ratio(|f| f.remaining),
        ratio(|f| f.coverage),
        ratio(|f| f.attainment),
    ];
    cells.extend(FORECAST.into_iter().zip(values));
    cells
}

fn score_row(row: &ScoreRow) -> TableRow<'_> {
    vec![
        ("scope", Cell::Text(row.scope.name())),
        ("id", Cell::Text(&row.id)),
        ("name", Cell::Text(&row.name)),
        ("team", text(row.team.as_deref())),
        ("score", decimal(row.score)),
        ("goals", Cell::Integer(u64::from(row.goals))),
        ("rank", integer(row.rank)),
    ]
}

fn line_row<'a>(statement: &'a Statement, line: &'a PayoutLine) -> TableRow<'a> {
    let mut cells = vec![
        ("member", Cell::Text(&statement.member)),
        ("name", Cell::Text(&statement.name)),
        ("team", Cell::Text(&statement.team)),
        ("incentive", Cell::Text(&line.incentive)),
        ("component", integer(line.component.map(|c| c as u64))),
        ("kind", Cell::Text(&line.kind)),
    ];
    if let Some(metric) = &line.metric {
        cells.push(("metric", Cell::Text(metric)));
    }
    if let Some(goal) = &line.goal {
        cells.push(("goal", Cell::Text(goal)));
    }
    cells.push(("basis", Cell::Decimal(line.basis)));
    if let Some(rate) = line.rate {
        cells.push(("rate", Cell::Decimal(rate)));
    }
    if let Some(tier) = line.tier {
        cells.push(("tier", Cell::Integer(tier as u64)));
    }
    cells.push(("amount", Cell::Decimal(line.amount)));
    cells.push(("explanation", Cell::Text(&line.explanation)));
    cells.push(("explanation_zh", Cell::Text(&line.explanation_zh)));
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::Unit;
    use crate::org::ScopeKind;
    use crate::report::{Name, Pacing, Status};

    fn row() -> ScorecardRow {
        ScorecardRow {
            goal: Name::new("revenue"),
            metric: Name::new("revenue"),
            unit: Unit::Money,
            scope: ScopeKind::Member,
            id: Name::new("li"),
            name: Name::new("Li"),
            team: Some(Name::new("east")),
            actual: Some(Decimal::new(300, 0)),
            target: Some(Decimal::new(1000, 0)),
            attainment: Some(Decimal::new(3, 1)),
            direction: Direction::Higher,
            gap: Some(Decimal::new(700, 0)),
            status: Some(Status::OffTrack),
            rank: Some(1),
            weight: Decimal::ONE,
            original_target: None,
            adjustment: None,
            full_target: None,
            no_target: None,
            fallback: None,
            long_term: None,
            forecast: None,
            baseline: None,
            pacing: None,
        }
    }

    fn columns(row: &ScorecardRow) -> Vec<&'static str> {
        scorecard_row(row).into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn scorecard_rows_always_have_the_optional_pacing_and_forecast_columns() {
        let plain = row();
        let cells = scorecard_row(&plain);
        assert_eq!(cells.len(), 36);
        assert_eq!(&columns(&plain)[27..], FORECAST);
        assert_eq!(
            &columns(&plain)[15..20],
            [
                "original_target",
                "adjustment",
                "baseline",
                "full_target",
                "pacing_as_of"
            ]
        );
        assert!(cells[15..].iter().all(|(_, c)| *c == Cell::Null));
        assert_eq!(cells[2], ("unit", Cell::Text("money")));
        assert_eq!(cells[12], ("status", Cell::Text("off_track")));
        assert_eq!(cells[13], ("rank", Cell::Integer(1)));

        // A baseline that is present comes first; with pacing, the last column takes the
        // place pacing has in the document.
        let based = ScorecardRow {
            baseline: Some(Decimal::new(250, 0)),
            ..row()
        };
        assert_eq!(
            &columns(&based)[15..18],
            ["baseline", "original_target", "adjustment"]
        );
        let as_of = NaiveDate::from_ymd_opt(2026, 8, 20).unwrap();
        let paced = ScorecardRow {
            adjustment: Some("reorg".into()),
            pacing: Some(Pacing {
                as_of,
                elapsed: Decimal::new(5, 1),
                remaining_days: 46,
                projected: Some(Decimal::new(600, 0)),
                projected_attainment: Some(Decimal::new(6, 1)),
                projected_status: Some(Status::AtRisk),
                remaining: Some(Decimal::new(700, 0)),
                required_per_day: None,
            }),
            ..row()
        };
        let cells = scorecard_row(&paced);
        assert_eq!(
            &columns(&paced)[15..20],
            [
                "adjustment",
                "full_target",
                "original_target",
                "baseline",
                "pacing_as_of"
            ]
        );
        assert_eq!(cells[19].1, Cell::Date(as_of));
        assert_eq!(cells[21], ("pacing_remaining_days", Cell::Integer(46)));
        assert_eq!(
            cells[24],
            ("pacing_projected_status", Cell::Text("at_risk"))
        );
        assert_eq!(cells[26], ("pacing_required_per_day", Cell::Null));

        // A forecast's amounts and ratios, after the pacing.
        let forecast = ScorecardRow {
            forecast: Some(crate::report::Forecast {
                closed: Decimal::new(300, 0),
                commit: Decimal::new(200, 0),
                best_case: Decimal::new(100, 0),
                pipeline: Decimal::new(50, 0),
                open: Decimal::new(350, 0),
                weighted: Decimal::new(215, 0),
                remaining: Some(Decimal::new(700, 0)),
                coverage: Some(Decimal::new(5, 1)),
                attainment: None,
            }),
            ..row()
        };
        let cells = scorecard_row(&forecast);
        assert_eq!(
            cells[27],
            ("forecast_closed", Cell::Decimal(Decimal::new(300, 0)))
        );
        assert_eq!(
            cells[32],
            ("forecast_weighted", Cell::Decimal(Decimal::new(215, 0)))
        );
        assert_eq!(
            cells[34],
            ("forecast_coverage", Cell::Decimal(Decimal::new(5, 1)))
        );
        assert_eq!(cells[35], ("forecast_attainment", Cell::Null));
    }

    #[test]
    fn tables_are_named() {
        for table in ReportTable::ALL {
            assert_eq!(table.name().parse::<ReportTable>().unwrap(), table);
        }
        let err = "lines".parse::<ReportTable>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataUnsupportedValue);
        assert!(
            err.message()
                .contains("scorecards, rollups, scores or statements")
        );
    }
}
