//! Every way facts come in applies one rule to their dates: a supported day (1000-01-01
//! to 9998-12-31) or `period.out_of_range` at the fact's row (a rejection,
//! `date_out_of_range`, through a mapping); text that is not `YYYY-MM-DD` is
//! `data.invalid_fact` with a message that says what to write. A refused batch leaves
//! the table as it was.

use chrono::{Datelike, NaiveDate};
use kpi_core::fact::ColumnBatch;
use kpi_core::ingest::ColumnMapping;
use kpi_core::period::{Calendar, MAX_DATE, MIN_DATE};
use kpi_core::{Error, FactRecord, FactTable};
use serde_json::json;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn record(id: &str, day: NaiveDate) -> FactRecord {
    FactRecord {
        id: id.into(),
        kind: "order".into(),
        owner: None,
        owners: Vec::new(),
        customer: None,
        amount: None,
        status: None,
        date: day,
        attributes: std::collections::BTreeMap::new(),
    }
}

fn at(err: &Error) -> (&str, Option<&str>, Option<u64>) {
    (
        err.code(),
        err.location().path.as_deref(),
        err.location().row,
    )
}

/// The days outside the range, at both ends and at chrono's.
fn outside() -> [NaiveDate; 5] {
    [
        MIN_DATE.pred_opt().unwrap(),
        MAX_DATE.succ_opt().unwrap(),
        date(0, 1, 1),
        NaiveDate::MIN,
        NaiveDate::MAX,
    ]
}

#[test]
fn records_json_and_json_lines_refuse_days_outside_the_range() {
    for day in outside() {
        let text = json!([
            {"id": "a", "kind": "order", "date": "2026-03-01"},
            {"id": "b", "kind": "order", "date": day.to_string()},
        ]);
        let err = FactTable::from_json(&text.to_string()).unwrap_err();
        let want = if (0..=9999).contains(&day.year()) {
            ("period.out_of_range", Some("[1].date"), Some(1))
        } else {
            // `+10000-01-01` and `-262143-…` are not YYYY-MM-DD.
            ("data.invalid_fact", Some("[1].date"), Some(1))
        };
        assert_eq!(at(&err), want, "{day}: {err}");

        let lines = format!(
            "{{\"id\": \"a\", \"kind\": \"order\", \"date\": \"2026-03-01\"}}\n{{\"id\": \"b\", \"kind\": \"order\", \"date\": \"{day}\"}}\n"
        );
        let err = FactTable::from_json_lines(&lines).unwrap_err();
        assert_eq!(at(&err), want, "{day}: {err}");
        assert_eq!(err.location().line, Some(2));

        let mut table = FactTable::from_records([record("a", date(2026, 3, 1))]).unwrap();
        let err = table.push(record("b", day)).unwrap_err();
        assert_eq!(
            at(&err),
            ("period.out_of_range", Some("[1].date"), Some(1)),
            "{day}"
        );
        assert_eq!(table.len(), 1);
    }
    // The edges themselves are facts.
    let edges = FactTable::from_records([record("a", MIN_DATE), record("b", MAX_DATE)]).unwrap();
    assert_eq!(edges.date_range(), Some((MIN_DATE, MAX_DATE)));
}

#[test]
fn appends_are_all_or_nothing() {
    let mut table = FactTable::from_records([record("a", date(2026, 3, 1))]).unwrap();
    let err = table
        .append_json_value(
            json!([
                {"id": "b", "kind": "order", "date": "2026-03-02"},
                {"id": "c", "kind": "order", "date": "0999-12-31"},
            ]),
            None,
        )
        .unwrap_err();
    assert_eq!(at(&err), ("period.out_of_range", Some("[1].date"), Some(1)));
    assert_eq!(table.len(), 1);

    let err = table
        .append_columns(ColumnBatch {
            id: vec!["b", "c", "d"].into(),
            kind: vec!["order"; 3].into(),
            date: vec![
                date(2026, 3, 2),
                date(2026, 3, 3),
                MAX_DATE.succ_opt().unwrap(),
            ],
            ..ColumnBatch::default()
        })
        .unwrap_err();
    assert_eq!(at(&err), ("period.out_of_range", Some("date[2]"), Some(2)));
    assert_eq!(table.len(), 1);
    assert!(!table.contains_id("b"));
}

#[test]
fn timestamps_landing_outside_the_range_are_refused() {
    let shanghai = Calendar {
        timezone: Some("Asia/Shanghai".into()),
        ..Calendar::default()
    };
    // 16:00 UTC on 9999-12-31 is 10000-01-01 in Shanghai; the last millisecond of
    // 9998-12-31 there is 15:59:59.999 UTC.
    for stamp in [
        json!("9999-12-31T20:00:00Z"),
        json!(253_402_300_799_999_i64),
        json!("9998-12-31T16:00:00Z"),
        json!(i64::MAX),
        json!("0999-12-31T15:00:00Z"),
    ] {
        let err = FactTable::from_json_value_in(
            json!([{"id": "a", "kind": "order", "date": stamp}]),
            &shanghai,
        )
        .unwrap_err();
        assert_eq!(
            at(&err),
            ("period.out_of_range", Some("[0].date"), Some(0)),
            "{stamp}: {err}"
        );
    }
    let last = FactTable::from_json_value_in(
        json!([{"id": "a", "kind": "order", "date": "9998-12-31T15:59:59.999Z"}]),
        &shanghai,
    )
    .unwrap();
    assert_eq!(last.date_range(), Some((MAX_DATE, MAX_DATE)));
}

#[test]
fn dates_that_are_not_yyyy_mm_dd_say_what_to_write() {
    for (text, says) in [
        (" 2026-03-02", "remove the spaces around it (use YYYY-MM-DD"),
        ("2026-03-02 ", "remove the spaces around it"),
        ("2026-3-2", "with two-digit months and days: 2026-03-02"),
        ("2026-02-30", "there is no such day"),
        ("02/03/2026", "use YYYY-MM-DD, such as 2026-03-02"),
        ("+10000-01-01", "use YYYY-MM-DD"),
        ("2026-03-02T10:00:00Z", "this date is a timestamp"),
        ("2026-03-02 10:00", "this date is a timestamp"),
        ("２０２６-03-02", "use YYYY-MM-DD"),
    ] {
        let err = FactTable::from_json_value(json!([{"id": "a", "kind": "order", "date": text}]))
            .unwrap_err();
        assert_eq!(
            at(&err),
            ("data.invalid_fact", Some("[0].date"), Some(0)),
            "{text}"
        );
        assert!(err.message().contains(says), "{text}: {err}");
    }
    // With a calendar, a date with a space before it is still not a timestamp.
    let err = FactTable::from_json_value_in(
        json!([{"id": "a", "kind": "order", "date": " 2026-03-02"}]),
        &Calendar::default(),
    )
    .unwrap_err();
    assert!(err.message().contains("remove the spaces"), "{err}");
}

#[test]
fn mappings_reject_days_outside_the_range_and_keep_counting() {
    let mapping = ColumnMapping::from_toml(
        "date_formats = [\"%Y-%m-%d\", \"%m/%d/%Y\"]\n[fields]\nid = \"Id\"\nkind = { value = \"deal\" }\ndate = \"Closed\"\n\"attributes.created\" = { column = \"Created\", as = \"date\" }\n",
    )
    .unwrap();
    let csv = "Id,Closed,Created\nA,2026-03-01,2026-02-01\nB,0999-12-31,\nC,12/31/9999,\nD,2026-03-01,0000-01-01\nE,not a day,\n";
    let mut table = FactTable::new();
    let report = table.append_csv(csv, &mapping, false).unwrap();
    assert_eq!((report.read, report.accepted), (5, 1));
    let reasons: Vec<(&str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.field.as_str(), r.reason.code()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("date", "date_out_of_range"),
            ("date", "date_out_of_range"),
            ("attributes.created", "date_out_of_range"),
            ("date", "unparseable_date"),
        ]
    );
    let strict = FactTable::new()
        .append_csv(csv, &mapping, true)
        .unwrap_err();
    assert_eq!(strict.code(), "data.rejected_record");
    assert!(strict.message().contains("date_out_of_range"), "{strict}");
}

#[test]
fn measures_read_back_with_an_as_of_day_outside_the_range_are_refused() {
    let plan = kpi_core::Plan::from_toml(
        "version = 1\n[metrics.revenue]\naggregate = \"sum\"\nfield = \"amount\"\n",
    )
    .unwrap();
    let facts = FactTable::from_records([record("a", date(2026, 3, 2))]).unwrap();
    let march = plan.parse_period("2026-03").unwrap();
    let mut measures = plan
        .measure_as_of(&facts, &march, date(2026, 3, 10))
        .unwrap();
    assert!(plan.evaluate_measures(&measures).is_ok());
    measures.as_of = Some(NaiveDate::MAX);
    let err = plan.evaluate_measures(&measures).unwrap_err();
    assert_eq!(at(&err), ("period.out_of_range", Some("as_of"), None));
    let err = plan
        .measure_as_of(&facts, &march, MIN_DATE.pred_opt().unwrap())
        .unwrap_err();
    assert_eq!(at(&err), ("period.out_of_range", Some("as_of"), None));
}
