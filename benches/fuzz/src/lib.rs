//! What the fuzz targets share: the invariants they check (ingestion accounting, amounts
//! read back exactly, coded errors), hostile decimals for structured inputs, and the
//! repository's test data (plans, calendars, mappings) the targets start from.

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use chrono::NaiveDate;
use kpi_core::ingest::IngestReport;
use kpi_core::{Calendar, Error, ErrorKind};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The input as text; a fuzz input that is not UTF-8 cannot reach a `&str` API.
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Whether to print what a structured input builds (`KPI_FUZZ_SHOW=1`, to turn a crash
/// into a plain test).
pub fn show() -> bool {
    static SHOW: LazyLock<bool> = LazyLock::new(|| std::env::var_os("KPI_FUZZ_SHOW").is_some());
    *SHOW
}

/// An error must carry one of the stable codes and say something.
pub fn check_error(error: &Error) {
    assert!(
        ErrorKind::ALL.contains(&error.kind()),
        "an error without a listed code: {error:?}"
    );
    assert!(
        !error.message().is_empty(),
        "an error without a message: {error:?}"
    );
}

/// `read == accepted + superseded + skipped + rejected`, and `replaced <= accepted`.
pub fn check_accounting(report: &IngestReport) {
    let accounted = report.accepted
        + report.superseded
        + report.skipped.len() as u64
        + report.rejected.len() as u64;
    assert_eq!(
        report.read,
        accounted,
        "the ingestion accounting does not add up: read {} != accepted {} + superseded {} + skipped {} + rejected {}",
        report.read,
        report.accepted,
        report.superseded,
        report.skipped.len(),
        report.rejected.len()
    );
    assert!(
        report.replaced <= report.accepted,
        "replaced {} > accepted {}",
        report.replaced,
        report.accepted
    );
}

/// What an ingestion call added to a report that was `before` it: the new report must
/// account for its records, and the table must have grown by exactly the new facts
/// (accepted, less those that replaced an older version in place).
pub fn check_growth(before: &IngestReport, after: &IngestReport, rows_before: usize, rows: usize) {
    check_accounting(after);
    let accepted = after.accepted - before.accepted;
    let replaced = after.replaced - before.replaced;
    assert_eq!(
        rows as u64,
        rows_before as u64 + accepted - replaced,
        "the table grew from {rows_before} to {rows} rows, but {accepted} records were accepted and {replaced} replaced"
    );
}

/// A number written as text (`-12.50`, `1e5`, `1_000`), exactly: its sign, its
/// significant digits (no leading or trailing zeros) and the power of ten of the last
/// one. Zero is `(false, "", 0)`. `None` when the text is not a plain decimal number.
pub fn exact_number(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => {
            let exponent = &rest[at + 1..];
            match exponent.parse::<i64>() {
                Ok(e) => (&rest[..at], e),
                // Zero times ten to a positive power of any size is zero.
                Err(_)
                    if !exponent.starts_with('-')
                        && exponent
                            .trim_start_matches('+')
                            .bytes()
                            .all(|b| b.is_ascii_digit())
                        && rest[..at].bytes().all(|b| b == b'0' || b == b'.') =>
                {
                    (&rest[..at], 0)
                }
                Err(_) => return None,
            }
        }
        None => (rest, 0),
    };
    let zero = mantissa
        .bytes()
        .all(|b| b == b'0' || b == b'.' || b == b'_');
    if zero && exponent > 0 {
        // Likewise for a positive exponent beyond the range this reader keeps.
        return exact_number(mantissa);
    }
    if exponent.unsigned_abs() > 1_000_000 {
        return None;
    }
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // Underscores between digits are digit separators (as Rust's decimal parser reads
    // them); nothing else is part of a number.
    let digits_of = |part: &str| -> Option<String> {
        if part.starts_with('_') || part.ends_with('_') || part.contains("__") {
            return None;
        }
        let digits: String = part.chars().filter(|c| *c != '_').collect();
        digits.bytes().all(|b| b.is_ascii_digit()).then_some(digits)
    };
    let (whole, fraction) = (digits_of(whole)?, digits_of(fraction)?);
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut digits = whole + &fraction;
    let mut power = exponent - fraction.len() as i64;
    let trimmed = digits.trim_end_matches('0').len();
    power += (digits.len() - trimmed) as i64;
    digits.truncate(trimmed);
    let digits = digits.trim_start_matches('0').to_owned();
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((negative, digits, power))
}

/// Whether `stored` is the number `written` (text, as [`exact_number`] reads it), to
/// the digit; with `negate`, the number made negative (a refund's amount).
pub fn same_number(written: &str, stored: Decimal, negate: bool) -> bool {
    let Some((negative, digits, power)) = exact_number(written) else {
        return false;
    };
    let expected = (negative || (negate && !digits.is_empty()), digits, power);
    exact_number(&stored.to_string()) == Some(expected)
}

/// What a CRM page holds, as an independent reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageShape {
    /// The page parses whole; it holds this many records (in every `data` array of every
    /// response on it, repeated keys included).
    Records(u64),
    /// The page parses whole but is not a clear success (an error code): no record may
    /// be accepted from it.
    Refused(&'static str),
    /// The page does not parse whole (the reader may salvage records from it).
    Broken,
}

/// Feeds `pages` one at a time (as API pages, or as CSV exports with `csv`) and checks
/// each: a page's result is `Ok` or a coded error; after `Ok` the report accounts for
/// every record, the table grew by the new facts, a strict page rejected nothing, and
/// the page's records (per `shape`) were all read; after an error the report and the
/// facts are as before the page.
pub fn ingest_pages(
    ingest: &mut kpi_core::ingest::CrmIngest,
    pages: &[&str],
    csv: bool,
    strict: bool,
    shape: impl Fn(&str) -> PageShape,
) {
    for page in pages {
        let report = ingest.report().clone();
        let facts: Vec<_> = ingest.facts().records().collect();
        let result = if csv {
            ingest.csv(page)
        } else {
            ingest.page(page)
        };
        match result {
            Ok(()) => {
                let now = ingest.report();
                check_growth(&report, now, facts.len(), ingest.facts().len());
                if strict {
                    assert_eq!(
                        now.rejected, report.rejected,
                        "a strict page rejected records"
                    );
                }
                if csv {
                    continue;
                }
                let read = now.read - report.read;
                let accepted = now.accepted - report.accepted;
                match shape(page) {
                    PageShape::Records(n) => assert!(
                        read >= n,
                        "the page holds {n} records, {read} were read: records were lost"
                    ),
                    PageShape::Refused(why) => assert_eq!(
                        accepted, 0,
                        "{accepted} records were accepted from a page that is {why}"
                    ),
                    PageShape::Broken => {}
                }
            }
            Err(e) => {
                check_error(&e);
                assert_eq!(ingest.report(), &report, "a failed page changed the report");
                let after: Vec<_> = ingest.facts().records().collect();
                assert_eq!(after, facts, "a failed page changed the facts");
            }
        }
    }
}

/// The pages of a fuzz input: separated by the ASCII record separator (0x1E).
pub fn pages(text: &str) -> Vec<&str> {
    text.split('\u{1e}').take(8).collect()
}

/// How an amount written as text reads under a declared decimal separator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notation {
    /// A number: the text with its separators resolved (for [`exact_number`]).
    Number(String),
    /// The separators cannot be read unambiguously: the amount must be rejected.
    Ambiguous(&'static str),
    /// Not a plain number (a currency sign, words …): whether it is refused is the
    /// reader's call, but if it is read, nothing is asserted about the value.
    Unknown,
}

/// Reads `written` as an amount with `decimal` (`.` or `,`) as the decimal separator and
/// the other one, spaces and no-break spaces as thousands separators. Thousands
/// separators must group the whole part by three (`1,234,567`) and may not follow the
/// decimal separator; one decimal separator at most.
pub fn read_amount(written: &str, decimal: char) -> Notation {
    let text = written.trim();
    let group = if decimal == '.' { ',' } else { '.' };
    if text.matches(decimal).count() > 1 {
        return Notation::Ambiguous("two decimal separators");
    }
    let (whole, fraction) = text.split_once(decimal).unwrap_or((text, ""));
    if fraction.contains(group) {
        return Notation::Ambiguous("a thousands separator after the decimal separator");
    }
    if whole.contains(group) {
        let unsigned = whole.trim_start_matches(['-', '+']);
        let mut groups = unsigned.split(group);
        let first = groups.next().unwrap_or_default();
        let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
        if !(digits(first) && first.len() <= 3 && groups.all(|g| digits(g) && g.len() == 3)) {
            return Notation::Ambiguous("thousands separators not in groups of three");
        }
    }
    let plain: String = text
        .chars()
        .filter(|c| *c != group && !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    if exact_number(&plain).is_some() {
        Notation::Number(plain)
    } else {
        Notation::Unknown
    }
}

/// The entries of a JSON object in order, repeated keys included, each value as its
/// text (`None`: not an object).
#[derive(Debug)]
pub struct Entries<'a>(pub Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

impl<'a> Entries<'a> {
    /// The entries of `raw` if it is an object.
    pub fn of(raw: &'a RawValue) -> Option<Entries<'a>> {
        serde_json::from_str(raw.get()).ok()
    }

    /// The last value of `key` (what a JSON reader that keeps one value per key sees).
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Every value of `key`, repeated keys included.
    pub fn all(&self, key: &str) -> impl Iterator<Item = &'a RawValue> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| *v)
    }
}

/// The elements of a JSON array (`None`: not an array).
pub fn elements(raw: &RawValue) -> Option<Vec<&RawValue>> {
    serde_json::from_str(raw.get()).ok()
}

/// The JSON documents of `text`, back to back (`None`: the text does not parse whole).
pub fn documents(text: &str) -> Option<Vec<&RawValue>> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<&RawValue>()
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// A string value's text (`None`: not a JSON string).
pub fn string(raw: &RawValue) -> Option<String> {
    serde_json::from_str(raw.get()).ok()
}

/// A decimal chosen to break arithmetic: the extremes, the smallest steps, the largest
/// scale, halfway cases, and any value a decimal can hold.
#[derive(Debug, Clone, Copy)]
pub struct Hostile(pub Decimal);

/// Decimals at the edges of the range and of rounding.
pub const EDGES: [Decimal; 14] = [
    Decimal::MAX,
    Decimal::MIN,
    Decimal::ZERO,
    Decimal::ONE,
    Decimal::NEGATIVE_ONE,
    // 7.9e28 / 2 and just over: sums of two overflow.
    Decimal::from_parts(u32::MAX, u32::MAX, 0x7FFF_FFFF, false, 0),
    Decimal::from_parts(0, 0, 0x8000_0000, false, 0),
    // The smallest steps.
    Decimal::from_parts(1, 0, 0, false, 28),
    Decimal::from_parts(1, 0, 0, true, 28),
    // Halfway cases of rounding to cents.
    Decimal::from_parts(5, 0, 0, false, 3),
    Decimal::from_parts(15, 0, 0, false, 3),
    Decimal::from_parts(25, 0, 0, true, 3),
    // 10^28, and a value with all 28 places.
    Decimal::from_parts(0x1000_0000, 0x3E25_0261, 0x204F_CE5E, false, 0),
    Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, false, 28),
];

impl<'a> Arbitrary<'a> for Hostile {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Hostile(match u.int_in_range(0u8..=4)? {
            0 => *u.choose(&EDGES)?,
            // Money: cents.
            1 => Decimal::new(u.int_in_range(-10_000_000_000i64..=10_000_000_000)?, 2),
            // Any decimal.
            2 => Decimal::from_parts(
                u.arbitrary()?,
                u.arbitrary()?,
                u.arbitrary()?,
                u.arbitrary()?,
                u.int_in_range(0..=28)?,
            ),
            // Near the top of the range, any scale.
            3 => {
                let below: u32 = u.arbitrary()?;
                let mut d =
                    Decimal::from_parts(u32::MAX - below, u32::MAX, u32::MAX, u.arbitrary()?, 0);
                d.rescale(u.int_in_range(0..=28)?);
                d
            }
            // Small integers (counts, shares, scores).
            _ => Decimal::from(u.int_in_range(-5i64..=5)?),
        }))
    }
}

/// A day: mostly near the test data's (2026), sometimes anywhere chrono can hold.
pub fn arbitrary_date(u: &mut Unstructured<'_>) -> arbitrary::Result<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
    Ok(if u.ratio(7u8, 8)? {
        base + chrono::Days::new(u.int_in_range(0..=730)?)
    } else {
        let day: i32 = u.arbitrary()?;
        NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(base)
    })
}

/// The repository's test data, compiled in.
pub mod data {
    /// The sample company's plan.
    pub const SAMPLE_PLAN: &str = include_str!("../../../kpi-core/testdata/sample/plan.toml");
    /// The sample company's facts (JSON Lines).
    pub const SAMPLE_FACTS: &str = include_str!("../../../kpi-core/testdata/sample/facts.jsonl");
    /// The sample's plain CSV mapping.
    pub const PLAIN_MAPPING: &str =
        include_str!("../../../kpi-core/testdata/sample/plain.mapping.toml");
    /// The sample's Zoho mappings (over the built-in ones).
    pub const ZOHO_MAPPINGS: &str =
        include_str!("../../../kpi-core/testdata/sample/zoho/mapping.toml");
    /// The sample's Fxiaoke mappings (over the built-in ones).
    pub const FXIAOKE_MAPPINGS: &str =
        include_str!("../../../kpi-core/testdata/sample/fxiaoke/mapping.toml");
    /// Calendar cases.
    pub const CALENDARS: &str =
        include_str!("../../../kpi-core/testdata/vectors/periods/calendars.json");
    /// Ingestion cases (mappings).
    pub const INGEST: &str = include_str!("../../../kpi-core/testdata/vectors/ingest/ingest.json");
    /// Vector files with a plan, facts and periods.
    pub const PLAN_VECTORS: [&str; 18] = [
        include_str!("../../../kpi-core/testdata/vectors/advances.json"),
        include_str!("../../../kpi-core/testdata/vectors/catalogue.json"),
        include_str!("../../../kpi-core/testdata/vectors/clawbacks.json"),
        include_str!("../../../kpi-core/testdata/vectors/credit_splits.json"),
        include_str!("../../../kpi-core/testdata/vectors/date_field.json"),
        include_str!("../../../kpi-core/testdata/vectors/dimensions.json"),
        include_str!("../../../kpi-core/testdata/vectors/draws.json"),
        include_str!("../../../kpi-core/testdata/vectors/fiscal_quarter_half_even.json"),
        include_str!("../../../kpi-core/testdata/vectors/goals.json"),
        include_str!("../../../kpi-core/testdata/vectors/incentive_plan.json"),
        include_str!("../../../kpi-core/testdata/vectors/incentive_pool.json"),
        include_str!("../../../kpi-core/testdata/vectors/metrics.json"),
        include_str!("../../../kpi-core/testdata/vectors/org_moves.json"),
        include_str!("../../../kpi-core/testdata/vectors/pacing.json"),
        include_str!("../../../kpi-core/testdata/vectors/per_deal.json"),
        include_str!("../../../kpi-core/testdata/vectors/period_functions.json"),
        include_str!("../../../kpi-core/testdata/vectors/refunds.json"),
        include_str!("../../../kpi-core/testdata/vectors/team_moves.json"),
    ];
}

/// Calendars to read labels in: the default, the calendar cases of the test vectors,
/// and a few more (fiscal years named by their start, weeks from Sunday, time zones).
pub static CALENDARS: LazyLock<Vec<Calendar>> = LazyLock::new(|| {
    let mut calendars = vec![Calendar::default()];
    let cases: serde_json::Value = serde_json::from_str(data::CALENDARS).expect("JSON");
    for case in cases["cases"].as_array().expect("cases") {
        if let Ok(calendar) = Calendar::from_json_value(case["calendar"].clone())
            && !calendars.contains(&calendar)
        {
            calendars.push(calendar);
        }
    }
    for extra in [
        r#"{"fiscal_year_start_month": 7, "fiscal_year_named_by": "start"}"#,
        r#"{"fiscal_year_start_month": 12, "week_start": "sunday", "timezone": "America/New_York"}"#,
        r#"{"fiscal_year_start_month": 2, "retail": {"year_end": "last", "weekday": "sunday", "month": 1, "pattern": "5-4-4", "leap_week_quarter": 1}}"#,
    ] {
        let value = serde_json::from_str(extra).expect("JSON");
        calendars.push(Calendar::from_json_value(value).expect("a calendar"));
    }
    calendars
});

/// A plan of the test vectors with its facts and its first period.
#[derive(Debug, Clone)]
pub struct Case {
    /// The plan document, as JSON.
    pub plan: serde_json::Value,
    /// The facts.
    pub facts: kpi_core::FactTable,
    /// A period label to evaluate.
    pub period: String,
}

/// The sample plan (with the first 120 of its facts of FY2027-Q1)
/// and every plan of the vectors with its facts.
pub static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    let sample = kpi_core::Plan::from_toml(data::SAMPLE_PLAN).expect("the sample plan");
    let lines: String = data::SAMPLE_FACTS
        .lines()
        .filter(|l| {
            ["04", "05", "06"]
                .iter()
                .any(|m| l.contains(&format!("\"date\": \"2026-{m}")))
        })
        .take(120)
        .map(|l| format!("{l}\n"))
        .collect();
    let mut cases = vec![Case {
        plan: serde_json::to_value(&sample).expect("a plan serialises"),
        facts: kpi_core::FactTable::from_json_lines(&lines).expect("sample facts"),
        period: "FY2027-Q1".to_owned(),
    }];
    for vector in data::PLAN_VECTORS {
        let vector: serde_json::Value = serde_json::from_str(vector).expect("JSON");
        let Some(toml) = vector["plan_toml"].as_str() else {
            continue;
        };
        let plan = kpi_core::Plan::from_toml(toml).expect("a vector plan");
        let facts =
            kpi_core::FactTable::from_json_value(vector["facts"].clone()).expect("vector facts");
        let period = vector["cases"][0]["period"]
            .as_str()
            .unwrap_or("2026-03")
            .to_owned();
        cases.push(Case {
            plan: serde_json::to_value(&plan).expect("a plan serialises"),
            facts,
            period,
        });
    }
    cases
});

/// The facts of every case in one table (a repeated id keeps its first fact): what a
/// fuzzed plan is evaluated on.
pub static ALL_FACTS: LazyLock<kpi_core::FactTable> = LazyLock::new(|| {
    let mut table = kpi_core::FactTable::new();
    for case in CASES.iter() {
        for record in case.facts.records() {
            let _ = table.push(record);
        }
    }
    table
});

/// Everything a loaded plan offers, on `facts` in the period `label`: it writes back to
/// TOML and JSON and reads back the same; SMART validation, measures, evaluation (also
/// as of a day inside the period), the review and the report's text and JSON give a
/// result or a coded error, never a panic.
pub fn exercise_plan(plan: &kpi_core::Plan, facts: &kpi_core::FactTable, label: &str) {
    let json = plan.to_json();
    match kpi_core::Plan::from_json(&json) {
        Ok(back) => assert_eq!(
            &back, plan,
            "the plan read back from its JSON differs:\n{json}"
        ),
        Err(e) => panic!("the plan's own JSON does not load: {e:?}\n{json}"),
    }
    let toml = plan.to_toml();
    match kpi_core::Plan::from_toml(&toml) {
        Ok(back) => assert_eq!(
            &back, plan,
            "the plan read back from its TOML differs:\n{toml}"
        ),
        Err(e) => panic!("the plan's own TOML does not load: {e:?}\n{toml}"),
    }
    let _ = plan.validate(Some(facts), None);
    exercise_design(plan);
    let period = match plan.parse_period(label) {
        Ok(period) => period,
        Err(e) => return check_error(&e),
    };
    match plan.measure(facts, &period) {
        Ok(measures) => {
            let text = measures.to_json();
            let back = kpi_core::Measures::from_json(&text)
                .unwrap_or_else(|e| panic!("measures do not read back: {e:?}\n{text}"));
            assert_eq!(back, measures, "measures read back differ");
            match plan.evaluate_measures(&measures) {
                Ok(report) => {
                    let _ = report.to_json_pretty();
                    for locale in kpi_core::Locale::ALL {
                        let _ = report.to_text(locale);
                    }
                }
                Err(e) => check_error(&e),
            }
        }
        Err(e) => check_error(&e),
    }
    match plan.evaluate(facts, &period) {
        Ok(report) => {
            let _ = report.to_json_pretty();
            for locale in kpi_core::Locale::ALL {
                let _ = report.to_text(locale);
            }
            let _ = report.total_payout();
        }
        Err(e) => check_error(&e),
    }
    let Some(middle) = period
        .start()
        .checked_add_days(chrono::Days::new(u64::from(period.days() / 2)))
    else {
        return;
    };
    match plan.evaluate_as_of(facts, &period, middle) {
        Ok(report) => {
            let _ = report.to_json_pretty();
        }
        Err(e) => check_error(&e),
    }
    if let Err(e) = plan.review(facts, middle) {
        check_error(&e);
    }
}

/// The plan design check gives findings or a coded error, and every case of every
/// counterexample prices again, by `evaluate_component`, to the amount it states.
pub fn exercise_design(plan: &kpi_core::Plan) {
    let findings = match plan.design_check() {
        Ok(findings) => findings,
        Err(e) => return check_error(&e),
    };
    for locale in kpi_core::Locale::ALL {
        let _ = kpi_core::design::design_text(&findings, locale);
    }
    for finding in &findings {
        let component = plan
            .incentives
            .iter()
            .enumerate()
            .flat_map(|(i, incentive)| {
                incentive
                    .components
                    .iter()
                    .enumerate()
                    .map(move |(j, c)| (format!("incentives[{i}].components[{j}]"), c))
            })
            .find(|(path, _)| *path == finding.path)
            .map(|(_, c)| c)
            .unwrap_or_else(|| panic!("a finding at no component: {}", finding.path));
        for case in &finding.counterexample.cases {
            let priced =
                kpi_core::incentive::evaluate_component(component, &case.inputs, plan.rounding)
                    .unwrap_or_else(|e| panic!("a case does not price again: {e:?}"));
            assert_eq!(priced.amount, case.paid, "{}: {}", finding.path, case.role);
        }
    }
}

/// A draft (an unchecked plan): SMART validation reports on it whatever it holds, and
/// checking it gives a result or a coded error.
pub fn exercise_draft(plan: &kpi_core::Plan) {
    let _ = plan.validate(None, None);
    if let Err(e) = plan.check() {
        check_error(&e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_numbers() {
        assert_eq!(exact_number("0012.3400"), Some((false, "1234".into(), -2)));
        assert_eq!(exact_number("-1e5"), Some((true, "1".into(), 5)));
        assert_eq!(exact_number("1_000"), Some((false, "1".into(), 3)));
        assert_eq!(exact_number("-0.00"), Some((false, String::new(), 0)));
        assert_eq!(exact_number("1,5"), None);
        assert_eq!(exact_number("."), None);
        assert!(same_number("1200.50", "1200.5".parse().unwrap(), false));
        assert!(same_number("5", "-5".parse().unwrap(), true));
        assert!(!same_number(
            "90071992547409.93",
            "90071992547409.92".parse().unwrap(),
            false
        ));
        assert_eq!(
            read_amount("1,234.50", '.'),
            Notation::Number("1234.50".into())
        );
        assert_eq!(
            read_amount("1.234,50", ','),
            Notation::Number("1234.50".into())
        );
        assert_eq!(read_amount(" 1 000 ", ','), Notation::Number("1000".into()));
        assert!(matches!(
            read_amount("1.234,56", '.'),
            Notation::Ambiguous(_)
        ));
        assert!(matches!(read_amount("1,5", '.'), Notation::Ambiguous(_)));
        assert!(matches!(
            read_amount("1,000.00", ','),
            Notation::Ambiguous(_)
        ));
        assert_eq!(read_amount("1,5", ','), Notation::Number("1.5".into()));
        assert_eq!(read_amount("lots", '.'), Notation::Unknown);
    }
}
