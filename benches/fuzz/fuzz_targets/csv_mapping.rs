//! Fuzz target: CSV (and JSON Lines) through a column mapping: `FactTable::append_csv`
//! and `FactTable::append_json_lines_mapped` into a table that already holds two facts.
//! The first input byte picks the mapping (bits 0-5: the sample's plain mapping and the
//! ingestion vectors' mappings, each also with the other decimal separator), strict mode
//! (bit 6) and JSON Lines (bit 7); the rest is the input.
//!
//! Invariants: the result is a report or a coded error; a report accounts for every
//! record (`read == accepted + superseded + skipped + rejected`) and the table grows by
//! exactly `accepted - replaced` facts (and only replaced facts change); an error leaves
//! the table as it was, and a strict report has no rejection; an amount whose separators are ambiguous under the mapping's
//! decimal separator is never accepted, and an accepted amount is the number written.
#![no_main]

use std::collections::HashMap;
use std::sync::LazyLock;

use kpi_core::FactTable;
use kpi_core::fact::NEGATIVE_KINDS;
use kpi_core::ingest::{ColumnMapping, IngestReport, Source};
use kpi_fuzz::{
    Entries, Notation, check_error, check_growth, data, read_amount, same_number, string, text,
};
use libfuzzer_sys::fuzz_target;

/// The mappings: the sample's plain one (0), then the mapping of each ingestion vector
/// case that has one (2 + 2n), each followed by its variant with the other decimal
/// separator (and `;` as the delimiter where `,` was). A mapping that does not load
/// (a case about mapping errors) is replaced by the plain one, so that the numbering
/// stays as `seed.py` has it.
static MAPPINGS: LazyLock<Vec<ColumnMapping>> = LazyLock::new(|| {
    let mut texts = vec![data::PLAIN_MAPPING.to_owned()];
    let vectors: serde_json::Value = serde_json::from_str(data::INGEST).expect("JSON");
    for case in vectors["cases"].as_array().expect("cases") {
        if let Some(mapping) = case["mapping_toml"].as_str() {
            texts.push(mapping.to_owned());
        }
    }
    let plain = ColumnMapping::from_toml(data::PLAIN_MAPPING).expect("the plain mapping");
    let mut mappings = Vec::new();
    for text in texts {
        let Ok(mapping) = ColumnMapping::from_toml(&text) else {
            mappings.extend([plain.clone(), plain.clone()]);
            continue;
        };
        let other = if mapping.decimal_separator == "," {
            text.replace("decimal_separator = \",\"", "decimal_separator = \".\"")
        } else if mapping.delimiter == "," {
            format!("decimal_separator = \",\"\ndelimiter = \";\"\n{text}")
        } else {
            format!("decimal_separator = \",\"\n{text}")
        };
        let other = ColumnMapping::from_toml(&other).unwrap_or_else(|_| mapping.clone());
        mappings.extend([mapping, other]);
    }
    mappings
});

const EXISTING: &str = r#"[
    {"id": "D1", "kind": "deal", "date": "2026-03-01", "amount": "5", "status": "won"},
    {"id": "1", "kind": "order", "date": "2026-03-01", "owner": "a"}
]"#;

/// The column a field reads, when it reads one as written.
fn column(mapping: &ColumnMapping, field: &str) -> Option<String> {
    match mapping.fields.get(field)? {
        Source::Column(column) => Some(column.clone()),
        _ => None,
    }
}

/// Each written amount by record id, for ids written once: (text, a JSON number?).
fn written_amounts(
    text: &str,
    mapping: &ColumnMapping,
    json: bool,
) -> HashMap<String, (String, bool)> {
    let (Some(id), Some(amount)) = (column(mapping, "id"), column(mapping, "amount")) else {
        return HashMap::new();
    };
    let mut seen: HashMap<String, Option<(String, bool)>> = HashMap::new();
    let mut add = |key: String, value: (String, bool)| {
        seen.entry(key)
            .and_modify(|v| *v = None)
            .or_insert(Some(value));
    };
    if json {
        // kpi skips a byte-order mark at the start of JSON Lines, as it does for CSV.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            let Ok(raw) = serde_json::from_str::<&serde_json::value::RawValue>(line) else {
                continue;
            };
            let Some(entries) = Entries::of(raw) else {
                continue;
            };
            let as_text = |raw: &serde_json::value::RawValue| match string(raw) {
                Some(s) => Some((s, false)),
                None => raw
                    .get()
                    .parse::<f64>()
                    .is_ok()
                    .then(|| (raw.get().to_owned(), true)),
            };
            if let (Some((key, _)), Some(value)) = (
                entries.get(&id).and_then(as_text),
                entries.get(&amount).and_then(as_text),
            ) {
                add(key.trim().to_owned(), value);
            }
        }
    } else {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(mapping.delimiter.as_bytes()[0])
            .flexible(true)
            .from_reader(text.as_bytes());
        let Ok(headers) = reader.headers() else {
            return HashMap::new();
        };
        let position = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
        };
        let (Some(id_at), Some(amount_at)) = (position(&id), position(&amount)) else {
            return HashMap::new();
        };
        let columns = headers.len();
        for record in reader.records().flatten() {
            if record.len() == columns {
                add(
                    record[id_at].trim().to_owned(),
                    (record[amount_at].to_owned(), false),
                );
            }
        }
    }
    seen.into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let mapping = &MAPPINGS[usize::from(flags & 0x3f) % MAPPINGS.len()];
    let strict = flags & 0x40 != 0;
    let json = flags & 0x80 != 0;
    let mut table = FactTable::from_json(EXISTING).expect("the facts load");
    let before: Vec<_> = table.records().collect();
    let result = if json {
        table.append_json_lines_mapped(text, mapping, strict)
    } else {
        table.append_csv(text, mapping, strict)
    };
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            check_error(&e);
            let after: Vec<_> = table.records().collect();
            assert_eq!(before, after, "a failed ingestion changed the table");
            return;
        }
    };
    check_growth(&IngestReport::default(), &report, before.len(), table.len());
    if strict {
        assert!(
            report.rejected.is_empty(),
            "a strict ingestion reported rejections"
        );
    }
    let changed = before
        .iter()
        .zip(table.records())
        .filter(|(old, new)| *old != new)
        .count();
    assert!(
        changed as u64 <= report.replaced,
        "{changed} facts changed, {} replaced",
        report.replaced
    );
    // Amounts: only where the mapping reads the amount as written, in the fact's currency.
    if mapping.home_currency.is_some() {
        return;
    }
    let written = written_amounts(text, mapping, json);
    let decimal = if mapping.decimal_separator == "," {
        ','
    } else {
        '.'
    };
    for record in table.records().skip(before.len()) {
        let (Some(amount), Some((text, number))) = (record.amount, written.get(&record.id)) else {
            continue;
        };
        let negative = NEGATIVE_KINDS.contains(&record.kind.as_str());
        let notation = if *number {
            Notation::Number(text.clone())
        } else {
            read_amount(text, decimal)
        };
        match notation {
            Notation::Number(plain) => assert!(
                same_number(&plain, amount, negative),
                "fact {}: the amount {text:?} (decimal separator {decimal:?}) was read as {amount}",
                record.id
            ),
            Notation::Ambiguous(why) => panic!(
                "fact {}: the amount {text:?} has {why} (decimal separator {decimal:?}), yet was read as {amount}",
                record.id
            ),
            Notation::Unknown => {}
        }
    }
});
