//! Runs the shared ingestion vectors (testdata/vectors/ingest), which pytest and
//! node --test run too. `KPI_BLESS=1` writes the current results as the expected ones
//! (check them by hand before committing).
#![cfg(feature = "ingest")]

use kpi_core::FactTable;
use kpi_core::ingest::{ColumnMapping, CrmIngest, CrmMappings, IngestReport};
use serde_json::{Value, json};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/ingest/ingest.json"
);

/// A CRM case: pages (objects or text, one at a time) or a CSV export, read by one reader.
fn run_crm(case: &Value) -> kpi_core::Result<Value> {
    let mut reader = match case["crm"].as_str().unwrap() {
        "zoho" => CrmIngest::zoho(case["module"].as_str().unwrap()),
        _ => CrmIngest::fxiaoke(),
    };
    if let Some(mapping) = case["mapping_toml"].as_str() {
        reader = reader.with_mappings(CrmMappings::from_toml(mapping)?);
    }
    if let Some(currency) = case["home_currency"].as_str() {
        reader = reader.home_currency(currency);
    }
    let mut reader = reader.strict(case["strict"].as_bool().unwrap_or(false));
    if let Some(csv) = case["csv"].as_str() {
        reader.csv(csv)?;
    }
    for page in case["pages"].as_array().into_iter().flatten() {
        match page {
            Value::String(text) => reader.page(text)?,
            object => reader.page(&object.to_string())?,
        }
    }
    let (facts, report) = reader.finish();
    assert_eq!(
        report.read,
        report.accepted + report.superseded + (report.skipped.len() + report.rejected.len()) as u64,
        "the counts add up"
    );
    assert_eq!(facts.len() as u64, report.accepted - report.replaced);
    Ok(json!({"report": report, "facts": facts.records().collect::<Vec<_>>()}))
}

fn run(case: &Value) -> kpi_core::Result<Value> {
    if case.get("crm").is_some() {
        return run_crm(case);
    }
    let mapping = ColumnMapping::from_toml(case["mapping_toml"].as_str().unwrap())?;
    let input = case["input"].as_str().unwrap();
    let strict = case["strict"].as_bool().unwrap_or(false);
    let mut facts = FactTable::new();
    let report: IngestReport = match case["format"].as_str().unwrap() {
        "csv" => facts.append_csv(input, &mapping, strict)?,
        _ => facts.append_json_lines_mapped(input, &mapping, strict)?,
    };
    assert_eq!(
        report.read,
        report.accepted + report.superseded + (report.skipped.len() + report.rejected.len()) as u64,
        "the counts add up"
    );
    assert_eq!(facts.len() as u64, report.accepted - report.replaced);
    Ok(json!({"report": report, "facts": facts.records().collect::<Vec<_>>()}))
}

#[test]
fn ingestion_matches_the_vectors() {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for case in file["cases"].as_array_mut().unwrap() {
        let name = case["name"].as_str().unwrap().to_owned();
        match (run(case), case.get("error")) {
            (Err(err), Some(want)) => {
                assert_eq!(err.code(), want["code"], "{name}: {err}");
                let location = err.location();
                if let Some(path) = want.get("path") {
                    assert_eq!(location.path.as_deref(), path.as_str(), "{name}: {err}");
                }
                if let Some(row) = want.get("row") {
                    assert_eq!(location.row, row.as_u64(), "{name}: {err}");
                }
                if let Some(line) = want.get("line") {
                    assert_eq!(location.line.map(u64::from), line.as_u64(), "{name}: {err}");
                }
            }
            (Ok(result), None) if bless => case["expected"] = result,
            (Ok(result), None) => assert_eq!(result, case["expected"], "{name}"),
            (result, _) => panic!("{name}: unexpected {result:?}"),
        }
    }
    if bless {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}

mod properties {
    use kpi_core::ingest::CrmIngest;
    use proptest::prelude::*;
    use serde_json::json;

    /// A Fxiaoke order record: id from a small set (so ids repeat), a modification time,
    /// and sometimes a broken amount or a voided life status.
    fn record() -> impl Strategy<Value = serde_json::Value> {
        (0u8..6, 0i64..4, 0u8..10).prop_map(|(id, modified, flavour)| {
            json!({
                "_id": format!("o{id}"),
                "object_describe_api_name": if flavour == 9 { "PaymentObj" } else { "SalesOrderObj" },
                "owner": ["zhang.san"],
                "order_amount": if flavour == 0 { "x".to_owned() } else { format!("{}.50", u32::from(id) * 10 + u32::from(flavour)) },
                "payment_amount": "1.00",
                "order_time": 1_774_972_800_000_i64,
                "payment_time": 1_774_972_800_000_i64,
                "life_status": if flavour == 9 { "invalid" } else { "normal" },
                "order_status": "7",
                "last_modified_time": 1_774_980_000_000_i64 + modified,
            })
        })
    }

    fn page(records: &[serde_json::Value]) -> String {
        json!({"errorCode": 0, "data": {"dataList": records}}).to_string()
    }

    proptest! {
        /// Every record is counted once, and reading the same pages again changes
        /// nothing: every record of the second pass is superseded.
        #[test]
        fn counts_add_up_and_reingestion_is_idempotent(
            pages in proptest::collection::vec(proptest::collection::vec(record(), 0..8), 1..5)
        ) {
            let mut reader = CrmIngest::fxiaoke();
            for p in &pages {
                reader.page(&page(p)).unwrap();
            }
            let first = reader.report().clone();
            let total = pages.iter().map(Vec::len).sum::<usize>() as u64;
            prop_assert_eq!(first.read, total);
            prop_assert_eq!(
                first.read,
                first.accepted + first.superseded + (first.skipped.len() + first.rejected.len()) as u64
            );
            prop_assert_eq!(reader.facts().len() as u64, first.accepted - first.replaced);
            let before: Vec<_> = reader.facts().records().collect();
            for p in &pages {
                reader.page(&page(p)).unwrap();
            }
            let (facts, second) = reader.finish();
            prop_assert_eq!(facts.records().collect::<Vec<_>>(), before);
            prop_assert_eq!(second.accepted, first.accepted);
            prop_assert_eq!(second.superseded - first.superseded, first.accepted + first.superseded);
        }
    }
}

/// Properties over hostile input: every record is accounted for, and no amount is read as
/// another number than the one written.
mod hostile {
    use std::fmt::Write as _;

    use kpi_core::FactTable;
    use kpi_core::ingest::{ColumnMapping, CrmIngest, IngestReport};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn adds_up(report: &IngestReport) -> bool {
        report.read
            == report.accepted
                + report.superseded
                + (report.skipped.len() + report.rejected.len()) as u64
    }

    /// What a written amount says, independently of any notation: its digits (without
    /// leading zeros), the digits after `decimal`, and its sign.
    fn written(text: &str, decimal: char) -> (String, usize, bool) {
        let text = text.trim();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let places = text
            .rsplit_once(decimal)
            .map_or(0, |(_, f)| f.chars().filter(char::is_ascii_digit).count());
        let digits = digits.trim_start_matches('0').to_owned();
        let negative = text.starts_with('-') && !digits.is_empty();
        (digits, places, negative)
    }

    fn said(amount: Decimal) -> (String, usize, bool) {
        let mantissa = amount.mantissa().unsigned_abs().to_string();
        (
            mantissa.trim_start_matches('0').to_owned(),
            amount.scale() as usize,
            amount.is_sign_negative() && !amount.is_zero(),
        )
    }

    /// Amount-like text: digits, separators, signs and the characters exports get wrong.
    fn amount_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[-+]?[0-9]{1,3}([,. \u{a0}][0-9]{1,4}){0,4}",
            "[-+(]?[0-9.,_eE' $€¥\u{a0}\u{ff11}]{0,14}[)-]?",
            "[0-9]{25,32}(\\.[0-9]{0,31})?",
        ]
    }

    proptest! {
        /// Any rows of amounts through a mapping in either notation: the accounting adds
        /// up, and every accepted amount has exactly the written digits, places and sign.
        #[test]
        fn csv_amounts_are_exact_or_rejected(
            amounts in proptest::collection::vec(amount_text(), 1..12),
            comma in any::<bool>(),
            broken in proptest::collection::vec(any::<bool>(), 12),
        ) {
            let decimal = if comma { ',' } else { '.' };
            let mapping = ColumnMapping::from_toml(&format!(
                "delimiter = \";\"\ndecimal_separator = \"{decimal}\"\n[fields]\nid = \"id\"\nkind = {{ value = \"order\" }}\ndate = {{ value = \"2026-03-31\" }}\namount = \"amount\"\n"
            )).unwrap();
            let mut csv = String::from("id;amount\n");
            for (i, amount) in amounts.iter().enumerate() {
                let quoted = amount.replace('"', "\"\"");
                if broken[i] && i % 3 == 0 {
                    // A line with a field too many.
                    let _ = writeln!(csv, "r{i};\"{quoted}\";x");
                } else {
                    let _ = writeln!(csv, "r{i};\"{quoted}\"");
                }
            }
            let mut facts = FactTable::new();
            let report = facts.append_csv(&csv, &mapping, false).unwrap();
            prop_assert!(adds_up(&report), "{:?}", report);
            prop_assert_eq!(report.read, amounts.len() as u64);
            prop_assert_eq!(facts.len() as u64, report.accepted);
            for record in facts.records() {
                let i: usize = record.id[1..].parse().unwrap();
                match record.amount {
                    Some(amount) => prop_assert_eq!(
                        said(amount),
                        written(&amounts[i], decimal),
                        "{:?}",
                        amounts[i]
                    ),
                    // Only an empty field is no amount.
                    None => prop_assert!(amounts[i].trim().is_empty(), "{:?}", amounts[i]),
                }
            }
        }

        /// JSON numbers read from JSON Lines keep their digits, whatever the notation.
        #[test]
        fn json_numbers_keep_their_digits(
            units in any::<i64>(),
            places in 0u32..=28,
            comma in any::<bool>(),
        ) {
            let want = Decimal::from_i128_with_scale(i128::from(units), places);
            let sep = if comma { "," } else { "." };
            let mapping = ColumnMapping::from_toml(&format!(
                "decimal_separator = \"{sep}\"\n[fields]\nid = \"id\"\nkind = {{ value = \"order\" }}\ndate = {{ value = \"2026-03-31\" }}\namount = \"value\"\n\"attributes.n\" = \"value\"\n"
            )).unwrap();
            let line = format!("{{\"id\": \"a\", \"value\": {want}}}\n");
            let mut facts = FactTable::new();
            let report = facts.append_json_lines_mapped(&line, &mapping, true).unwrap();
            prop_assert_eq!(report.accepted, 1);
            let record = facts.records().next().unwrap();
            prop_assert_eq!(record.amount.unwrap().to_string(), want.to_string());
            prop_assert_eq!(
                &record.attributes["n"],
                &kpi_core::fact::Attribute::Number(want)
            );
            let facts = FactTable::from_json(&format!(
                "[{{\"id\": \"a\", \"kind\": \"order\", \"date\": \"2026-03-31\", \"amount\": {want}, \"attributes\": {{\"n\": {want}}}}}]"
            )).unwrap();
            let record = facts.records().next().unwrap();
            prop_assert_eq!(record.amount.unwrap().to_string(), want.to_string());
            prop_assert_eq!(&record.attributes["n"], &kpi_core::fact::Attribute::Number(want));
        }

        /// A Zoho page cut anywhere, or with anything after it, is an error or a report that
        /// accounts for every record it could read; a whole page is read whole.
        #[test]
        fn cut_and_padded_pages_are_accounted_for(
            n in 0usize..5,
            cut in any::<prop::sample::Index>(),
            tail in "[\\[\\]{},:\" a-z0-9]{0,12}",
        ) {
            let records: Vec<String> = (0..n)
                .map(|i| format!(
                    "{{\"id\": \"d{i}\", \"Owner\": {{\"id\": \"o\"}}, \"Amount\": {i}.5, \"Closing_Date\": \"2026-03-31\", \"Stage\": \"Closed Won\"}}"
                ))
                .collect();
            let page = format!("{{\"data\": [{}], \"info\": {{\"count\": {n}}}}}", records.join(", "));
            let whole = {
                let mut reader = CrmIngest::zoho("Deals");
                reader.page(&page).unwrap();
                reader.finish().1
            };
            prop_assert_eq!((whole.read, whole.accepted), (n as u64, n as u64));
            let at = cut.index(page.len() + 1);
            for text in [format!("{}{tail}", &page[..at]), format!("{page}{tail}")] {
                let mut reader = CrmIngest::zoho("Deals");
                match reader.page(&text) {
                    Ok(()) => {
                        let (facts, report) = reader.finish();
                        prop_assert!(adds_up(&report), "{:?}", report);
                        prop_assert!(report.accepted <= n as u64);
                        prop_assert_eq!(facts.len() as u64, report.accepted);
                        let one_value = serde_json::from_str::<serde_json::Value>(&text).is_ok();
                        if !one_value && !text.trim().is_empty() {
                            // Not one response: something says so.
                            prop_assert!(
                                report.rejected.iter().any(|r| r.reason == "malformed_record"),
                                "{text:?} {report:?}"
                            );
                        }
                    }
                    Err(e) => prop_assert_eq!(e.code(), "data.crm_error"),
                }
            }
        }
    }
}
