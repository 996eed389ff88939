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

/// The `[org]` of the bench plans: reps `r0` … in teams `t0` … of 50.
pub fn org_toml(reps: usize) -> String {
    let mut text = String::from("[org]\nteams = [\n");
    for t in 0..reps.div_ceil(50) {
        let _ = writeln!(text, "  {{ id = \"t{t}\", name = \"Team {t}\" }},");
    }
    text.push_str("]\nmembers = [\n");
    for r in 0..reps {
        let _ = writeln!(
            text,
            "  {{ id = \"r{r}\", name = \"Rep {r}\", team = \"t{}\" }},",
            r / 50
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
