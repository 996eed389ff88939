//! The main job: evaluate a sales plan on CRM facts and print the scorecards and payouts.
//!
//! ```text
//! cargo run -p kpi-core --example quickstart                          # the sample company
//! cargo run -p kpi-core --example quickstart -- PLAN.toml FACTS.jsonl # your own data
//! cargo run -p kpi-core --example quickstart -- --period FY2027-Q1    # another period
//! cargo run -p kpi-core --example quickstart -- --from zoho           # the sample's CRM export
//! ```
//!
//! `--format html` (or `markdown`, `json`) prints one report as a document instead: the
//! `--period` given, or the latest complete quarter (`… --locale zh-CN --format html >
//! report.html` is a report a manager can send).
//!
//! `--from` reads the sample company from its exports instead of `facts.jsonl`: `zoho`
//! (API pages), `zoho-csv` (CSV exports), `fxiaoke` (query responses) or `csv` (plain
//! CSV). The report is the same; the ingestion summary comes first.
//!
//! With no files it embeds the sample company (testdata/sample). Facts are a JSON array
//! (`.json`) or JSON Lines (any other extension). Without `--period` it evaluates the
//! latest quarter that the facts cover completely, the pay cycle (the quarter before it
//! closed before its last week's orders arrived, trued up on this quarter's statements,
//! with a dispute resolved after the close),
//! then the fiscal year so far (as of the latest fact, with pacing), the review of that
//! day, the plan's SMART findings and its design findings (`--locale zh-CN` writes it all
//! in Chinese).

use std::process::ExitCode;

use std::fmt::Write as _;

use chrono::Days;
use kpi_core::{FactTable, Grain, Locale, Period, Plan, smart};

const SAMPLE_PLAN: &str = include_str!("../testdata/sample/plan.toml");
const SAMPLE_FACTS: &str = include_str!("../testdata/sample/facts.jsonl");

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let mut files = Vec::new();
    let mut period_label = None;
    let mut locale = Locale::En;
    let mut source = None;
    let mut format = Format::Text;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--period" => period_label = Some(args.next().ok_or("--period needs a label")?),
            "--locale" => {
                let tag = args.next().ok_or("--locale needs en or zh-CN")?;
                locale = Locale::from_tag(&tag)
                    .ok_or_else(|| format!("--locale {tag}: use en or zh-CN"))?;
            }
            "--format" => {
                format = match args.next().as_deref() {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    Some("html") => Format::Html,
                    Some("markdown" | "md") => Format::Markdown,
                    _ => return Err("--format needs text, json, html or markdown".into()),
                };
            }
            "--from" => {
                source = Some(
                    args.next()
                        .ok_or("--from needs zoho, zoho-csv, fxiaoke or csv")?,
                );
            }
            "-h" | "--help" => {
                return Ok("usage: quickstart [PLAN.toml|PLAN.json FACTS.json|FACTS.jsonl] [--from zoho|zoho-csv|fxiaoke|csv] [--period LABEL] [--locale en|zh-CN] [--format text|json|html|markdown]\n".into());
            }
            _ => files.push(arg),
        }
    }
    let mut out = String::new();
    let (plan, facts) = match files.as_slice() {
        [] if source.is_some() => {
            let (facts, summary) = sample_from(source.as_deref().unwrap_or_default())?;
            out.push_str(&summary);
            (
                Plan::from_toml(SAMPLE_PLAN).map_err(|e| e.to_string())?,
                facts,
            )
        }
        [] => (
            Plan::from_toml(SAMPLE_PLAN).map_err(|e| e.to_string())?,
            FactTable::from_json_lines(SAMPLE_FACTS).map_err(|e| e.to_string())?,
        ),
        [plan_path, facts_path] => (load_plan(plan_path)?, load_facts(facts_path)?),
        _ => return Err("give both a plan file and a facts file, or neither".into()),
    };
    if format != Format::Text {
        return document(&plan, &facts, period_label, format, locale);
    }
    let title = plan.name.as_deref().unwrap_or("kpi");
    let _ = match locale {
        Locale::En => writeln!(out, "{title}: {} facts", facts.len()),
        Locale::ZhCn => writeln!(out, "{title}：{} 条数据", facts.len()),
    };
    if let Some(label) = period_label {
        let period = plan.parse_period(&label).map_err(|e| e.to_string())?;
        let report = plan.evaluate(&facts, &period).map_err(|e| e.to_string())?;
        out.push_str(&report.to_text(locale));
        return Ok(out);
    }
    let quarter = latest_complete_quarter(&plan, &facts).ok_or("there are no facts")?;
    let report = plan.evaluate(&facts, &quarter).map_err(|e| e.to_string())?;
    out.push_str(&report.to_text(locale));
    out.push('\n');
    out.push_str(&pay_cycle(&plan, &facts, &quarter, locale)?);
    // The fiscal year so far: the yearly goals, paced to the end of the year.
    let (_, last) = facts.date_range().ok_or("there are no facts")?;
    let year = plan
        .calendar
        .period_of(last, Grain::Year)
        .map_err(|e| e.to_string())?;
    let so_far = plan
        .evaluate_as_of(&facts, &year, last)
        .map_err(|e| e.to_string())?;
    out.push('\n');
    out.push_str(&so_far.to_text(locale));
    // The review of that day: the goal scopes at risk, off track or missed.
    let review = plan.review(&facts, last).map_err(|e| e.to_string())?;
    out.push('\n');
    out.push_str(&review.to_text(locale));
    // The plan's SMART findings, judged on the plan's date with the facts as history.
    out.push('\n');
    out.push_str(&smart::findings_text(
        &plan.validate(Some(&facts), None),
        &plan.labels(),
        locale,
    ));
    // The plan's design findings: each component's pay explored for cliffs, decelerators,
    // sandbagging, splits and unbounded pay (the sample's accelerator is declared intended).
    let design = plan.design_check().map_err(|e| e.to_string())?;
    out.push('\n');
    out.push_str(&kpi_core::design::design_text(&design, locale));
    Ok(out)
}

/// The pay cycle: the quarter before `quarter` closed a week after its end, before the
/// orders of its last week reached the CRM; this quarter's statements true it up, and
/// each adjustment says what changed. A dispute of the closed quarter, resolved after
/// the close, is paid once on this quarter's statement.
fn pay_cycle(
    plan: &Plan,
    facts: &FactTable,
    quarter: &Period,
    locale: Locale,
) -> Result<String, String> {
    use kpi_core::settle::Approval;
    let err = |e: kpi_core::Error| e.to_string();
    let plan = plan.clone().compile().map_err(err)?;
    let before = quarter.prev().map_err(err)?;
    let last_week = before.end() - Days::new(7);
    let known = FactTable::from_records(
        facts
            .records()
            .filter(|r| !(r.kind == "order" && r.date >= last_week && r.date < before.end())),
    )
    .map_err(err)?;
    let closed_on = before.end() + Days::new(6);
    let approval = Approval {
        by: "finance".into(),
        at: format!("{closed_on}T09:00:00+08:00"),
    };
    let settlement = plan
        .close(&known, &before, &[], &[], approval)
        .map_err(err)?;
    // 张三 disputed his statement of the closed quarter (an order credited to a
    // colleague); finance resolved it for part of the claim after the close, so this
    // quarter's statement pays it once, as its own line.
    let raised_on = closed_on + Days::new(3);
    let dispute = kpi_core::report::Dispute {
        id: format!("D-{}-1", before.label()),
        member: "zhang.san".into(),
        period: before.label(),
        incentive: Some("rep-quarterly-commission".into()),
        component: Some(0),
        reason: "客户的订单记在了同事名下".into(),
        claimed: Some(rust_decimal::Decimal::new(120_000, 2)),
        raised_by: "zhang.san".into(),
        raised_at: format!("{raised_on}T10:00:00+08:00"),
        resolution: Some(kpi_core::report::Resolution {
            amount: rust_decimal::Decimal::new(80_000, 2),
            by: "finance".into(),
            at: format!("{}T16:00:00+08:00", raised_on + Days::new(7)),
            note: Some("half of the order was his".into()),
        }),
    };
    let report = plan
        .evaluate_settled(facts, quarter, &[settlement], &[dispute])
        .map_err(err)?;
    let mut out = String::new();
    let late = facts.len() - known.len();
    let _ = match locale {
        Locale::En => writeln!(
            out,
            "Pay cycle: {} closed on {closed_on}, before its last {late} orders arrived; {} trues it up",
            before.label(),
            quarter.label()
        ),
        Locale::ZhCn => writeln!(
            out,
            "结算与补差：{} 于 {closed_on} 结算，其后才录入该期最后 {late} 笔订单；{} 的奖金单补差如下",
            before.label(),
            quarter.label()
        ),
    };
    for statement in &report.statements {
        for adjustment in &statement.adjustments {
            let _ = writeln!(
                out,
                "  {}  {}",
                statement.name,
                adjustment.explanation_in(locale)
            );
        }
    }
    Ok(out)
}

/// One report as a document (JSON, HTML or Markdown): the given period, or the latest
/// complete quarter. A report to send lists the plan's SMART findings after its tables.
fn document(
    plan: &Plan,
    facts: &FactTable,
    period_label: Option<String>,
    format: Format,
    locale: Locale,
) -> Result<String, String> {
    let period = match period_label {
        Some(label) => plan.parse_period(&label).map_err(|e| e.to_string())?,
        None => latest_complete_quarter(plan, facts).ok_or("there are no facts")?,
    };
    let report = plan
        .evaluate(facts, &period)
        .map_err(|e| e.to_string())?
        .with_findings(plan.validate(Some(facts), None));
    Ok(match format {
        Format::Json => report.to_json_pretty() + "\n",
        Format::Html => report.to_html(locale),
        _ => report.to_markdown(locale),
    })
}

/// The sample company read from one of its exports (testdata/sample), and a summary of
/// the ingestion.
fn sample_from(source: &str) -> Result<(FactTable, String), String> {
    use kpi_core::ingest::{ColumnMapping, CrmIngest, CrmMappings, IngestReport};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
    let read = |path: &str| {
        std::fs::read_to_string(format!("{dir}/{path}")).map_err(|e| format!("{path}: {e}"))
    };
    let err = |e: kpi_core::Error| e.to_string();
    let plain = ColumnMapping::from_toml(&read("plain.mapping.toml")?).map_err(err)?;
    let mut facts = FactTable::new();
    let mut reports: Vec<(String, IngestReport)> = Vec::new();
    let modules = [
        "Accounts",
        "Leads",
        "Deals",
        "Sales_Orders",
        "Payments",
        "Refunds",
    ];
    match source {
        "zoho" | "zoho-csv" => {
            let mappings = CrmMappings::from_toml(&read("zoho/mapping.toml")?).map_err(err)?;
            for module in modules {
                let mut reader = CrmIngest::zoho(module)
                    .with_mappings(mappings.clone())
                    .into_table(facts);
                if source == "zoho" {
                    for page in read(&format!("zoho/{module}.pages.jsonl"))?.lines() {
                        reader.page(page).map_err(err)?;
                    }
                } else {
                    reader
                        .csv(&read(&format!("zoho/{module}.csv"))?)
                        .map_err(err)?;
                }
                let (table, report) = reader.finish();
                facts = table;
                reports.push((format!("zoho {module}"), report));
            }
        }
        "fxiaoke" => {
            let mappings = CrmMappings::from_toml(&read("fxiaoke/mapping.toml")?).map_err(err)?;
            let mut reader = CrmIngest::fxiaoke().with_mappings(mappings);
            for page in read("fxiaoke/pages.jsonl")?.lines() {
                reader.page(page).map_err(err)?;
            }
            let (table, report) = reader.finish();
            facts = table;
            reports.push(("fxiaoke".into(), report));
        }
        "csv" => {
            let report = facts
                .append_csv(&read("facts.csv")?, &plain, false)
                .map_err(err)?;
            reports.push(("facts.csv".into(), report));
        }
        other => {
            return Err(format!(
                "--from {other}: use zoho, zoho-csv, fxiaoke or csv"
            ));
        }
    }
    if source != "csv" {
        // Surveys and the market's size live outside the CRM.
        let report = facts
            .append_csv(&read("other.csv")?, &plain, false)
            .map_err(err)?;
        reports.push(("other.csv".into(), report));
    }
    let mut out = String::new();
    for (name, r) in &reports {
        let _ = writeln!(
            out,
            "ingested {name}: {} read, {} facts, {} superseded, {} skipped, {} rejected",
            r.read,
            r.accepted,
            r.superseded,
            r.skipped.len(),
            r.rejected.len()
        );
    }
    Ok((facts, out))
}

/// What the quickstart prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// The quarter, the year so far, the review and the findings, as text tables.
    Text,
    /// The report as JSON (the shape the shared vectors store).
    Json,
    /// The report as one self-contained HTML file.
    Html,
    /// The report as Markdown.
    Markdown,
}

fn load_plan(path: &str) -> Result<Plan, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let plan = if is_json(path) {
        Plan::from_json(&text)
    } else {
        Plan::from_toml(&text)
    };
    plan.map_err(|e| format!("{path}: {e}"))
}

fn load_facts(path: &str) -> Result<FactTable, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let facts = if is_json(path) {
        FactTable::from_json(&text)
    } else {
        FactTable::from_json_lines(&text)
    };
    facts.map_err(|e| format!("{path}: {e}"))
}

fn is_json(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The last quarter of the plan's calendar that ends on or before the day after the
/// latest fact.
fn latest_complete_quarter(plan: &Plan, facts: &FactTable) -> Option<Period> {
    let (_, last) = facts.date_range()?;
    let day_after = last.checked_add_days(Days::new(1))?;
    let quarter = plan.calendar.period_of(last, Grain::Quarter).ok()?;
    if quarter.end() == day_after {
        Some(quarter)
    } else {
        quarter.prev().ok()
    }
}
