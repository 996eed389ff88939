//! Report tables as flat rows, and as pandas or Polars data frames.

use kpi_core as core;
use pyo3::prelude::*;
use serde_json::{Map, Value, json};

/// Flattens nested objects into `parent_child` columns (pacing → `pacing_elapsed` …).
fn flatten(value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let mut out = Map::new();
    for (key, item) in map {
        match item {
            Value::Object(inner) => {
                for (k, v) in inner {
                    out.insert(format!("{key}_{k}"), v);
                }
            }
            other => {
                out.insert(key, other);
            }
        }
    }
    Value::Object(out)
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    // The core's documents have string keys only, so they always serialise.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The rows of one report table. Pacing columns are present on every row (null when
/// the period has ended), so frames get the same columns whatever the as-of date.
pub(crate) fn table_rows(report: &core::Report, table: &str) -> core::Result<Vec<Value>> {
    let scorecard = |row: &core::ScorecardRow| {
        let mut value = to_value(row);
        if let Value::Object(map) = &mut value {
            for key in ["original_target", "adjustment", "baseline"] {
                map.entry(key).or_insert(Value::Null);
            }
            let pacing = map.remove("pacing").unwrap_or(Value::Null);
            for key in [
                "as_of",
                "elapsed",
                "remaining_days",
                "projected",
                "projected_attainment",
                "projected_status",
                "remaining",
                "required_per_day",
            ] {
                map.insert(
                    format!("pacing_{key}"),
                    pacing.get(key).cloned().unwrap_or(Value::Null),
                );
            }
        }
        value
    };
    Ok(match table {
        "scorecards" => report.scorecards.iter().map(scorecard).collect(),
        "rollups" => report.rollups.iter().map(scorecard).collect(),
        "scores" => report.scores.iter().map(to_value).collect(),
        "statements" => report
            .statements
            .iter()
            .flat_map(|s| {
                s.lines.iter().map(move |line| {
                    let mut row = json!({"member": s.member, "name": s.name, "team": s.team});
                    if let (Value::Object(row), Value::Object(line)) = (&mut row, to_value(line)) {
                        row.extend(line);
                    }
                    row
                })
            })
            .collect(),
        other => {
            return Err(core::Error::new(
                core::ErrorKind::DataUnsupportedValue,
                format!("no table `{other}`: use scorecards, rollups, scores or statements"),
            ));
        }
    })
}

/// The review's items as flat rows.
pub(crate) fn review_rows(review: &core::Review) -> Value {
    Value::Array(
        review
            .items
            .iter()
            .map(|item| flatten(to_value(item)))
            .collect(),
    )
}

/// A data frame of `rows` (a list of dicts) from `library` (`pandas` or `polars`), which
/// the caller installs: neither is a dependency of kpi.
pub(crate) fn frame<'py>(
    py: Python<'py>,
    library: &str,
    rows: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import(library).map_err(|_| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "{library} is not installed: pip install {library}"
        ))
    })?;
    match library {
        // Polars infers Decimal columns from decimal.Decimal values.
        "polars" => module.call_method1("from_dicts", (rows,)),
        _ => module.call_method1("DataFrame", (rows,)),
    }
}

/// Calls `kpi_core.frames.<function>(data[, table])`: the frame conversions live in
/// Python, next to the libraries they return.
pub(crate) fn python_frames<'py>(
    py: Python<'py>,
    function: &str,
    data: &Bound<'py, PyAny>,
    table: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import("kpi_core.frames")?;
    match table {
        Some(table) => module.call_method1(function, (data, table)),
        None => module.call_method1(function, (data,)),
    }
}
