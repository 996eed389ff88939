//! The workload of the peer comparison (benches/compare): "the quarterly commission run".
//! Every value comes from integer formulas of the row number, so the Python side
//! (`benches/compare/run.py`, numpy) builds exactly the same facts.
//!
//! - 10M order facts (or any number), 5,000 reps in 100 teams of 50, 1M customers;
//! - dates over two April fiscal years from 2025-04-01 (730 days);
//! - status won, won, lost, open, won, won (two thirds won);
//! - amounts 0.00 to 99,999.99;
//! - a quota of 750,000 per rep per quarter; marginal tiers on attainment: 5%, 8% above
//!   100%, 12% above 150%; each line rounded half-up to cents; team roll-ups.

use chrono::{Days, NaiveDate};
use kpi_core::fact::{AmountColumn, ColumnBatch, Texts, UnitColumn};
use kpi_core::{FactTable, Plan};

/// The generated workload's dictionaries (reps, teams, customers) and its size.
#[derive(Debug)]
pub struct Workload {
    /// How many facts.
    pub facts: usize,
    /// Rep ids `r0` … `r4999`.
    pub reps: Vec<String>,
    /// Customer ids `c0` … `c999999`.
    pub customers: Vec<String>,
}

/// The workload's columns as integers (codes into the workload's dictionaries).
#[derive(Debug)]
pub struct Columns {
    /// Fact ids `o0` … .
    pub ids: Vec<String>,
    /// Rep of each fact.
    pub owner: Vec<u32>,
    /// Customer of each fact.
    pub customer: Vec<u32>,
    /// Index into [`Workload::STATUSES`].
    pub status: Vec<u8>,
    /// Amount in cents.
    pub cents: Vec<i64>,
    /// Days after 2025-04-01.
    pub day: Vec<u32>,
}

impl Workload {
    /// Reps in the org.
    pub const REPS: u64 = 5_000;
    /// Customers.
    pub const CUSTOMERS: u64 = 1_000_000;
    /// Statuses by `row % 6`.
    pub const STATUSES: [&'static str; 6] = ["won", "won", "lost", "open", "won", "won"];
    /// The quarter the run pays.
    pub const QUARTER: &'static str = "FY2026-Q3";

    /// The workload of `facts` facts.
    pub fn new(facts: usize) -> Workload {
        Workload {
            facts,
            reps: (0..Self::REPS).map(|r| format!("r{r}")).collect(),
            customers: (0..Self::CUSTOMERS).map(|c| format!("c{c}")).collect(),
        }
    }

    /// Row `i`'s values: (rep, customer, status, cents, day).
    pub fn row(i: u64) -> (u32, u32, u8, i64, u32) {
        let rep = (i.wrapping_mul(7_919) ^ (i >> 3)) % Self::REPS;
        let customer = i.wrapping_mul(104_729) % Self::CUSTOMERS;
        let status = i % 6;
        let cents = i.wrapping_mul(2_654_435_761) % 10_000_000;
        let day = i.wrapping_mul(48_271) % 730;
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)] // all below 2^31
        (
            rep as u32,
            customer as u32,
            status as u8,
            cents as i64,
            day as u32,
        )
    }

    /// Every column.
    pub fn columns(&self) -> Columns {
        let n = self.facts;
        let mut columns = Columns {
            ids: Vec::with_capacity(n),
            owner: Vec::with_capacity(n),
            customer: Vec::with_capacity(n),
            status: Vec::with_capacity(n),
            cents: Vec::with_capacity(n),
            day: Vec::with_capacity(n),
        };
        for i in 0..n as u64 {
            let (rep, customer, status, cents, day) = Workload::row(i);
            columns.ids.push(format!("o{i}"));
            columns.owner.push(rep);
            columns.customer.push(customer);
            columns.status.push(status);
            columns.cents.push(cents);
            columns.day.push(day);
        }
        columns
    }
}

/// The commission plan: 100 teams of 50 reps, a quarterly quota of 750,000 per rep and
/// 37,500,000 per team, marginal tiers 5% / 8% from 100% / 12% from 150% of the quota,
/// lines rounded half-up to cents, on an April fiscal year.
pub fn commission_plan(workload: &Workload) -> Plan {
    Plan::from_toml(&commission_toml(workload)).expect("the comparison plan is valid")
}

/// The trend workload's plan: the commission plan with monthly quotas too (250,000 per
/// rep, 12,500,000 per team), so that a dashboard's trend shows every rep's and team's
/// months and quarters (`benches/compare/run.py --workload trend` writes the same text).
pub fn trend_plan(workload: &Workload) -> Plan {
    let mut text = commission_toml(workload);
    text.push_str(TREND_GOALS);
    Plan::from_toml(&text).expect("the trend plan is valid")
}

/// The trend workload's span and grains: every month and fiscal quarter of two years.
pub const TREND_SPAN: &str = "FY2026..FY2027";

const TREND_GOALS: &str = r#"
[[goals]]
id = "monthly-quota"
metric = "revenue"
scope = "member"
period = "month"
target = "250000"
[[goals]]
id = "monthly-team-quota"
metric = "revenue"
scope = "team"
period = "month"
target = "12500000"
"#;

fn commission_toml(workload: &Workload) -> String {
    let mut text = String::from(
        "version = 1\n[calendar]\nfiscal_year_start_month = 4\n[rounding]\nmode = \"half-up\"\nplaces = 2\n",
    );
    text.push_str(&crate::org_toml(workload.reps.len()));
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
id = "team-quota"
metric = "revenue"
scope = "team"
period = "quarter"
target = "37500000"
[[incentives]]
id = "commission"
applies_to = "members"
period = "quarter"
components = [
  { kind = "tiered", metric = "revenue", goal = "quota", on = "attainment", mode = "marginal",
    tiers = [{ from = "0", rate = "0.05" }, { from = "1", rate = "0.08" }, { from = "1.5", rate = "0.12" }] },
]
"#,
    );
    text
}

/// Amounts in integer cents, read in place.
struct Cents<'a>(&'a [i64]);

impl UnitColumn for Cents<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, row: usize) -> Option<i128> {
        Some(i128::from(self.0[row]))
    }
}

/// Loads the workload's columns into a fact table, by column, as a native service holds
/// them: reps, customers and statuses as indices into their lists (dictionary-encoded),
/// amounts as integer cents read in place.
pub fn load(workload: &Workload, columns: &Columns) -> FactTable {
    let start = NaiveDate::from_ymd_opt(2025, 4, 1).expect("a valid date");
    let cents = Cents(&columns.cents);
    let keys = |codes: &[u32]| codes.to_vec();
    let batch = ColumnBatch {
        id: columns.ids.iter().map(String::as_str).collect(),
        kind: Texts::Dictionary {
            values: vec!["order"],
            keys: vec![0; columns.ids.len()],
        },
        owner: Some(Texts::Dictionary {
            values: workload.reps.iter().map(String::as_str).collect(),
            keys: keys(&columns.owner),
        }),
        customer: Some(Texts::Dictionary {
            values: workload.customers.iter().map(String::as_str).collect(),
            keys: keys(&columns.customer),
        }),
        status: Some(Texts::Dictionary {
            values: Workload::STATUSES.to_vec(),
            keys: columns.status.iter().map(|&s| u32::from(s)).collect(),
        }),
        amount: Some(AmountColumn::Units {
            column: &cents,
            scale: 2,
        }),
        date: columns
            .day
            .iter()
            .map(|&d| start + Days::new(u64::from(d)))
            .collect(),
        attributes: std::collections::BTreeMap::new(),
    };
    let mut table = FactTable::new();
    table.append_columns(batch).expect("unique ids");
    table
}
