//! Workloads shared by the benches: synthetic order facts and the plan that measures them.

pub mod compare;

use std::fmt::Write as _;

use kpi_core::{FactRecord, FactTable, Plan};
use rust_decimal::Decimal;

/// A plan for `reps` reps in teams of 50, with a quarterly quota and a flat commission,
/// on an April fiscal year (the workload of the design notes, before tiers exist).
pub fn plan(reps: usize) -> Plan {
    let mut text = String::from("version = 1\n[calendar]\nfiscal_year_start_month = 4\n");
    text.push_str(&org_toml(reps));
    text.push_str(
        r#"
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "750000"
[[goals]]
id = "team"
metric = "revenue"
scope = "team"
period = "quarter"
target = "37500000"
[[incentives]]
id = "commission"
applies_to = "members"
period = "quarter"
components = [{ kind = "rate", metric = "revenue", rate = "0.05" }]
"#,
    );
    Plan::from_toml(&text).expect("the bench plan is valid")
}

/// A plan for `reps` reps with a monthly quota over the fiscal year, and with `prorate`
/// a ramp, a rep in ten hired during the year and a two-week leave in its last quarter
/// for one in five (after any hire: a leave must fall in a stint), all prorated: what
/// ramp and leave cost an evaluation.
pub fn prorated_plan(reps: usize, prorate: bool) -> Plan {
    let mut text = String::from("version = 1\n[calendar]\nfiscal_year_start_month = 4\n");
    text.push_str("[ramp]\nsteps = [\"0.25\", \"0.5\", \"0.75\"]\n");
    text.push_str(&org_toml_hiring(reps, |r| {
        if r % 10 == 0 {
            format!(", from = \"2025-{:02}-15\"", 4 + r % 9)
        } else {
            String::new()
        }
    }));
    text.push_str("leaves = [\n");
    for r in (0..reps).step_by(5) {
        let _ = writeln!(
            text,
            "  {{ member = \"r{r}\", from = \"2026-{m:02}-03\", until = \"2026-{m:02}-17\" }},",
            m = 1 + r % 3
        );
    }
    text.push_str("]\n");
    text.push_str(
        r#"
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "month"
target = "250000"
"#,
    );
    if prorate {
        text.push_str("prorate = [\"ramp\", \"leave\"]\n");
    }
    Plan::from_toml(&text).expect("the bench plan is valid")
}

/// The `[org]` of the bench plans: reps `r0` … in teams `t0` … of 50.
pub fn org_toml(reps: usize) -> String {
    org_toml_hiring(reps, |_| String::new())
}

/// The `[org]` of the bench plans, with `stint(r)` appended to rep `r`'s entry (a hire
/// date, `, from = "…"`, or nothing).
fn org_toml_hiring(reps: usize, stint: impl Fn(usize) -> String) -> String {
    let mut text = String::from("[org]\nteams = [\n");
    for t in 0..reps.div_ceil(50) {
        let _ = writeln!(text, "  {{ id = \"t{t}\", name = \"Team {t}\" }},");
    }
    text.push_str("]\nmembers = [\n");
    for r in 0..reps {
        let _ = writeln!(
            text,
            "  {{ id = \"r{r}\", name = \"Rep {r}\", team = \"t{}\"{} }},",
            r / 50,
            stint(r)
        );
    }
    text.push_str("]\n");
    text
}

/// `n` order facts over two fiscal years, spread over `reps` reps, about two thirds won.
pub fn orders(n: usize, reps: usize) -> FactTable {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).expect("valid");
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    FactTable::from_records((0..n).map(|i| {
        let r = next();
        FactRecord {
            id: format!("o{i}"),
            kind: "order".to_owned(),
            owner: Some(format!("r{}", r as usize % reps)),
            owners: Vec::new(),
            customer: Some(format!("c{}", (r >> 20) % 1_000_000)),
            amount: Some(Decimal::new(((r >> 8) % 10_000_000) as i64, 2)),
            status: Some(
                ["won", "won", "lost", "open", "won", "won"][(r >> 40) as usize % 6].to_owned(),
            ),
            date: start + chrono::Days::new((r >> 32) % 730),
            attributes: std::collections::BTreeMap::default(),
        }
    }))
    .expect("unique ids")
}

/// A plan with `goals` goals for 100 reps in two teams, for timing SMART validation: a
/// mix of member and team goals with fixed and per-member targets, growth over a
/// baseline, cascades from a company goal, goals without a period or a baseline, goals
/// on unknown metrics and on ratios, so that most checks have something to find.
pub fn many_goals_plan(goals: usize) -> Plan {
    let mut text = String::from("version = 1\n");
    text.push_str(&org_toml(100));
    text.push_str(
        r#"
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[metrics.won]
aggregate = "count"
filter = 'kind == "deal" && status == "won"'
[metrics.deals]
aggregate = "count"
filter = 'kind == "deal"'
[metrics.win_rate]
formula = "won / deals"
unit = "percent"
[[goals]]
id = "company"
metric = "revenue"
scope = "company"
period = "FY2027"
target = "100000000"
"#,
    );
    for g in 0..goals {
        let _ = writeln!(text, "[[goals]]\nid = \"g{g}\"");
        match g % 8 {
            0 => text.push_str("metric = \"revenue\"\nscope = \"member\"\nperiod = \"month\"\ntarget = \"500000\"\n"),
            1 => {
                text.push_str("metric = \"revenue\"\nscope = \"member\"\nperiod = \"quarter\"\ntarget = \"1500000\"\n[goals.targets]\n");
                for r in 0..5 {
                    let _ = writeln!(text, "r{} = \"{}\"", (g + r) % 100, 1_000_000 + r);
                }
            }
            2 => text.push_str("metric = \"revenue\"\nscope = \"team\"\nperiod = \"month\"\ntarget = \"5000000\"\n"),
            3 => text.push_str("metric = \"revenue\"\nscope = \"member\"\nperiod = \"FY2027\"\ntarget = { growth = \"0.8\" }\nbaseline = \"1000000\"\n"),
            4 => text.push_str("metric = \"revenue\"\nscope = \"team\"\nperiod = \"FY2027\"\nparent = \"company\"\ntarget = { cascade = \"equal\" }\n"),
            5 => text.push_str("metric = \"win_rate\"\nscope = \"member\"\nperiod = \"quarter\"\ntarget = \"0.4\"\n"),
            6 => text.push_str("metric = \"revenu\"\nscope = \"member\"\nperiod = \"month\"\ntarget = \"1\"\n"),
            _ => text.push_str("metric = \"revenue\"\nscope = \"member\"\ntarget = \"1\"\n"),
        }
    }
    Plan::draft_from_toml(&text).expect("the bench plan reads")
}
