//! Fuzz target: fact records as JSON (`FactTable::from_json`, an array) and JSON Lines
//! (`FactTable::from_json_lines`). Any text gives a table or a coded error; every record
//! of a table reads back as written: its text fields, and its amount, credit shares and
//! number attributes to the digit (a refund's amount made negative), on a day within the
//! supported range.
#![no_main]

use kpi_core::fact::NEGATIVE_KINDS;
use kpi_core::period::{MAX_DATE, MIN_DATE};
use kpi_core::{Attribute, FactRecord, FactTable};
use kpi_fuzz::{Entries, check_error, same_number, string, text};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

/// A number as written: the text of a JSON string, or a JSON number's own text.
fn written(raw: &RawValue) -> String {
    string(raw).unwrap_or_else(|| raw.get().to_owned())
}

fn present(raw: Option<&RawValue>) -> Option<&RawValue> {
    raw.filter(|r| r.get() != "null")
}

fn check_record(raw: &RawValue, record: &FactRecord, row: usize) {
    let entries = Entries::of(raw).expect("an accepted record is an object");
    let text_of = |key: &str| present(entries.get(key)).map(|r| string(r).expect("a string"));
    assert_eq!(
        text_of("id").as_deref(),
        Some(record.id.as_str()),
        "[{row}].id"
    );
    assert_eq!(
        text_of("kind").as_deref(),
        Some(record.kind.as_str()),
        "[{row}].kind"
    );
    assert_eq!(text_of("owner"), record.owner, "[{row}].owner");
    assert_eq!(text_of("customer"), record.customer, "[{row}].customer");
    assert_eq!(text_of("status"), record.status, "[{row}].status");
    let negative = NEGATIVE_KINDS.contains(&record.kind.as_str());
    match (present(entries.get("amount")), record.amount) {
        (None, None) => {}
        (Some(raw), Some(amount)) => {
            let written = written(raw);
            assert!(
                same_number(&written, amount, negative),
                "[{row}].amount: {written} was read as {amount}"
            );
        }
        (raw, amount) => panic!("[{row}].amount: {raw:?} was read as {amount:?}"),
    }
    if let Some(owners) = present(entries.get("owners")) {
        let owners: Vec<&RawValue> = serde_json::from_str(owners.get()).expect("a list");
        assert_eq!(owners.len(), record.owners.len(), "[{row}].owners");
        for (raw, credit) in owners.iter().zip(&record.owners) {
            let credit_entries = Entries::of(raw).expect("an object");
            let share = written(credit_entries.get("share").expect("a share"));
            assert!(
                same_number(&share, credit.share, false),
                "[{row}].owners: the share {share} was read as {}",
                credit.share
            );
        }
    }
    assert!(
        (MIN_DATE..=MAX_DATE).contains(&record.date),
        "[{row}].date: {} is outside the supported days",
        record.date
    );
    let attributes =
        present(entries.get("attributes")).map(|raw| Entries::of(raw).expect("an object"));
    let written_names = attributes.as_ref().map_or(0, |a| {
        let mut names: Vec<&str> = a.0.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    });
    assert_eq!(record.attributes.len(), written_names, "[{row}].attributes");
    for (name, value) in &record.attributes {
        let raw = attributes
            .as_ref()
            .and_then(|a| a.get(name))
            .unwrap_or_else(|| panic!("[{row}].attributes.{name} was not written"));
        match value {
            Attribute::Bool(b) => assert_eq!(raw.get(), b.to_string(), "[{row}].attributes.{name}"),
            Attribute::Text(t) => {
                assert_eq!(string(raw).as_ref(), Some(t), "[{row}].attributes.{name}")
            }
            Attribute::Number(n) => {
                let written = written(raw);
                assert!(
                    same_number(&written, *n, false),
                    "[{row}].attributes.{name}: {written} was read as {n}"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    match FactTable::from_json(text) {
        Ok(table) => {
            let items: Vec<&RawValue> =
                serde_json::from_str(text).expect("facts that load are a JSON array");
            assert_eq!(items.len(), table.len(), "records in, facts out");
            for (row, (raw, record)) in items.iter().zip(table.records()).enumerate() {
                check_record(raw, &record, row);
            }
        }
        Err(e) => check_error(&e),
    }
    match FactTable::from_json_lines(text) {
        Ok(table) => {
            let items: Vec<&RawValue> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).expect("a line that loads is JSON"))
                .collect();
            assert_eq!(items.len(), table.len(), "lines in, facts out");
            for (row, (raw, record)) in items.iter().zip(table.records()).enumerate() {
                check_record(raw, &record, row);
            }
        }
        Err(e) => check_error(&e),
    }
});
