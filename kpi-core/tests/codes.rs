//! The vocabulary of stable codes, written from kpi-core's enums into the shared vector
//! `testdata/vectors/codes/codes.json`, which the Python and JavaScript suites compare their
//! lists with. The test fails when the file and the enums differ (`KPI_BLESS=1` rewrites
//! it), so the three languages cannot drift apart.

use kpi_core::ingest::{REJECTION_REASONS, RejectionReason};
use kpi_core::{ErrorKind, FINDING_CODES, FindingCode};
use serde_json::{Value, json};

/// The vocabulary as JSON. Keys are written in sorted order, so the text is the same
/// whether `serde_json` keeps insertion order (its `preserve_order` feature, which another
/// crate of a workspace build may turn on) or sorts.
fn vocabulary() -> Value {
    json!({
        "error_codes": ErrorKind::ALL
            .iter()
            .map(|kind| json!({"class": kind.family().class_name(), "code": kind.code()}))
            .collect::<Vec<_>>(),
        "finding_codes": FindingCode::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        "rejection_reasons": REJECTION_REASONS,
    })
}

#[test]
fn the_codes_vector_is_written_from_the_enums() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/vectors/codes/codes.json"
    );
    let expected = serde_json::to_string_pretty(&vocabulary()).unwrap() + "\n";
    if std::env::var_os("KPI_BLESS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        "{path} differs from kpi-core's codes; rerun with KPI_BLESS=1 to rewrite it"
    );
}

#[test]
fn the_string_lists_follow_the_enums() {
    let codes: Vec<&str> = FindingCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(FINDING_CODES.as_slice(), codes.as_slice());
    let reasons: Vec<&str> = RejectionReason::ALL
        .iter()
        .filter(|r| r.is_rejection())
        .map(|r| r.code())
        .collect();
    assert_eq!(REJECTION_REASONS.as_slice(), reasons.as_slice());
}

#[test]
fn finding_codes_are_unique_well_formed_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for code in FindingCode::ALL {
        let text = code.code();
        assert!(seen.insert(text), "duplicate finding code {text}");
        let rest = text.strip_prefix("smart.").expect("smart.…");
        assert!(
            rest.split('.')
                .all(|part| !part.is_empty()
                    && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
            "{text}"
        );
        assert_eq!(text.parse::<FindingCode>(), Ok(*code));
        assert_eq!(code.to_string(), text);
        assert_eq!(*code, text);
        assert_eq!(serde_json::to_value(code).unwrap(), json!(text));
        assert_eq!(
            serde_json::from_value::<FindingCode>(json!(text)).unwrap(),
            *code
        );
    }
    let err = "smart.nope".parse::<FindingCode>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataInvalidArgument);
    assert!(
        err.message().contains("`smart.plan_invalid`"),
        "{}",
        err.message()
    );
}

#[test]
fn rejection_reasons_are_unique_well_formed_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for reason in RejectionReason::ALL {
        let text = reason.code();
        assert!(seen.insert(text), "duplicate rejection reason {text}");
        assert!(!text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert_eq!(text.parse::<RejectionReason>(), Ok(*reason));
        assert_eq!(reason.to_string(), text);
        assert_eq!(serde_json::to_value(reason).unwrap(), json!(text));
        assert_eq!(
            serde_json::from_value::<RejectionReason>(json!(text)).unwrap(),
            *reason
        );
    }
    assert_eq!(
        "lots".parse::<RejectionReason>().unwrap_err().kind(),
        ErrorKind::DataInvalidArgument
    );
}

#[test]
fn every_finding_code_is_documented_in_the_guide() {
    let guide = include_str!("../../docs/guide.md");
    for code in FindingCode::ALL {
        let row = format!("| `{}` |", code.code());
        assert!(guide.contains(&row), "docs/guide.md has no row for {row}");
    }
}

#[test]
fn every_rejection_reason_is_documented_in_the_ingest_page() {
    let page = include_str!("../../docs/ingest.md");
    for reason in RejectionReason::ALL {
        let row = format!("| `{}` |", reason.code());
        assert!(page.contains(&row), "docs/ingest.md has no row for {row}");
    }
}

#[test]
fn crm_names_parse_or_list_the_crms() {
    use kpi_core::ingest::Crm;
    for crm in Crm::ALL {
        assert_eq!(crm.name().parse::<Crm>(), Ok(*crm));
    }
    let err = "zohoo".parse::<Crm>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataInvalidArgument);
    assert!(
        err.message().contains("\"zoho\"") && err.message().contains("\"fxiaoke\""),
        "{}",
        err.message()
    );
    assert_eq!(Crm::Zoho.default_module(), Some("Deals"));
    assert_eq!(Crm::Fxiaoke.default_module(), None);
    assert!(kpi_core::ingest::is_page("  {\"data\": []}"));
    assert!(!kpi_core::ingest::is_page("Deal Id,Amount\n"));
}
