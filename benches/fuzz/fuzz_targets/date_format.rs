//! Fuzz target: the date formats of a column mapping (`date_formats`), against chrono.
//! The input's first line is a format, the rest the text of a record's date.
//!
//! Invariants: a mapping with the format loads or gives a coded `data.invalid_mapping`
//! error at `date_formats[0]`, never a panic; a format kpi accepts is one chrono accepts;
//! the record is accepted with exactly the day chrono reads from the (trimmed) text when
//! that day is a supported one, and rejected (with its reason) otherwise.
#![no_main]

use chrono::{Datelike, NaiveDate};
use kpi_core::FactTable;
use kpi_core::ingest::ColumnMapping;
use kpi_fuzz::{check_accounting, check_error, text};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Some(input) = text(data) else { return };
    let (format, written) = input.split_once('\n').unwrap_or((input, ""));
    let mapping = json!({
        "fields": { "id": "id", "kind": { "value": "order" }, "date": "day" },
        "date_formats": [format],
    });
    let mapping = match ColumnMapping::from_json_value(mapping) {
        Ok(mapping) => mapping,
        Err(e) => {
            check_error(&e);
            assert_eq!(
                e.location().path.as_deref(),
                Some("date_formats[0]"),
                "{e:?}"
            );
            return;
        }
    };
    assert!(
        !chrono::format::StrftimeItems::new(format)
            .any(|item| matches!(item, chrono::format::Item::Error)),
        "kpi accepts {format:?}, chrono does not"
    );
    let mut facts = FactTable::new();
    let line = json!({ "id": "r-1", "day": written }).to_string();
    let report = facts
        .append_json_lines_mapped(&line, &mapping, false)
        .expect("a lenient read reports rows");
    check_accounting(&report);
    let trimmed = written.trim();
    let expected = NaiveDate::parse_from_str(trimmed, format)
        .ok()
        .filter(|day| (1000..=9998).contains(&day.year()))
        .filter(|_| !trimmed.is_empty());
    match expected {
        Some(day) => {
            assert_eq!(report.accepted, 1, "{format:?} {written:?}: {report:?}");
            let fact = facts.record(0).expect("the accepted fact");
            assert_eq!(fact.date, day, "{format:?} {written:?}");
        }
        None => {
            assert_eq!(report.accepted, 0, "{format:?} {written:?}: {facts:?}");
            assert_eq!(report.rejected.len(), 1, "{format:?} {written:?}");
        }
    }
});
