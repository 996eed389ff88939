//! The deterministic generator of the sample company's facts (`facts.jsonl`).
//!
//! 星辰科技 (Xingchen Technology) sells industrial software in three regions. Its 12 reps
//! log 24 months (2024-11 to 2026-10) of customers won, leads, deals, orders, payments
//! (回款), refunds and satisfaction surveys, and the market's size each month. One former
//! rep, `huang.lei`, still owns orders after leaving the org: the report shows them as
//! `unassigned`.
//!
//! The generator uses only integer arithmetic on a fixed-seed `SplitMix64` stream, so it
//! writes the same bytes on every platform. `cargo test -p kpi-core --test sample` checks
//! that the committed file is what it writes; `KPI_BLESS=1` rewrites the file.

use std::fmt::Write as _;

use chrono::{Days, Months, NaiveDate};

/// (member id, their team, skill in percent: how their sales compare to the average rep).
pub const REPS: [(&str, &str, u64); 12] = [
    ("zhang.san", "east", 118),
    ("li.si", "east", 96),
    ("emily.chen", "east", 104),
    ("wang.wu", "east", 82),
    ("zhao.liu", "north", 110),
    ("david.wang", "north", 91),
    ("chen.jing", "north", 127),
    ("liu.yang", "north", 76),
    ("sun.li", "south", 101),
    ("michael.li", "south", 88),
    ("zhou.min", "south", 122),
    ("sarah.zhang", "south", 93),
];

/// A rep who left before the plan year; their orders stay in the CRM.
pub const FORMER_REP: &str = "huang.lei";

/// The first month of data and the number of months.
pub const FIRST_MONTH: (i32, u32) = (2024, 11);
/// How many months of facts.
pub const MONTHS: u32 = 24;

/// `SplitMix64`: small, fast, and identical everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[low, high]`.
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.range(1, 100) <= percent
    }
}

/// Cents as a decimal string: 1234567 → "12345.67".
fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

struct Writer {
    out: String,
    serial: u64,
    last_day: NaiveDate,
}

impl Writer {
    fn id(&mut self, prefix: &str) -> String {
        self.serial += 1;
        format!("{prefix}-{:06}", self.serial)
    }

    /// Writes one JSON line. Fields are written in a fixed order; values never need
    /// escaping (ids and statuses are ASCII words).
    fn fact(
        &mut self,
        fields: &[(&str, Option<&str>)],
        date: NaiveDate,
        attributes: &[(&str, &str)],
    ) {
        if date > self.last_day {
            return;
        }
        self.out.push('{');
        for (name, value) in fields {
            if let Some(value) = value {
                let _ = write!(self.out, "\"{name}\": \"{value}\", ");
            }
        }
        let _ = write!(self.out, "\"date\": \"{date}\"");
        if !attributes.is_empty() {
            self.out.push_str(", \"attributes\": {");
            for (i, (name, value)) in attributes.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                let _ = write!(self.out, "\"{name}\": {value}");
            }
            self.out.push('}');
        }
        self.out.push_str("}\n");
    }
}

/// One month of the calendar: picks days in it.
#[derive(Clone, Copy)]
struct Month {
    start: NaiveDate,
    days: u64,
}

impl Month {
    fn day(self, rng: &mut Rng) -> NaiveDate {
        self.start + Days::new(rng.range(0, self.days - 1))
    }
}

/// The generator's state: the output, the random stream and the customers won so far.
struct Company {
    writer: Writer,
    rng: Rng,
    customers: Vec<(String, &'static str)>,
    /// Customers who have ordered: their later orders are existing business.
    ordered: std::collections::HashSet<String>,
}

impl Company {
    /// New customers: 3 to 7 a month, better reps win more; 12% churn later.
    fn customers(&mut self, rep: &'static str, skill: u64, month: Month) {
        let count = self.rng.range(3, 5) + u64::from(skill > 100) + u64::from(skill > 115);
        for _ in 0..count {
            let customer = self.writer.id("C");
            let acquired = month.day(&mut self.rng);
            let churn = self
                .rng
                .chance(12)
                .then(|| acquired + Days::new(self.rng.range(90, 500)));
            let churned = churn.map(|d| format!("\"{d}\""));
            let segment = if self.rng.chance(30) {
                "\"enterprise\""
            } else {
                "\"smb\""
            };
            let churned_by_now = churn.is_some_and(|d| d <= self.writer.last_day);
            let mut attributes = vec![("segment", segment)];
            // A churn date is known only once it has happened.
            if let (Some(churned), true) = (&churned, churned_by_now) {
                attributes.push(("churned", churned.as_str()));
            }
            let status = if churned_by_now { "churned" } else { "active" };
            let fields = [
                ("id", Some(customer.as_str())),
                ("kind", Some("customer")),
                ("owner", Some(rep)),
                ("customer", Some(customer.as_str())),
                ("status", Some(status)),
            ];
            self.writer.fact(&fields, acquired, &attributes);
            self.customers.push((customer, rep));
        }
    }

    /// Leads: 10 to 18 a month; about a third convert.
    fn leads(&mut self, rep: &str, month: Month) {
        for _ in 0..self.rng.range(10, 18) {
            let id = self.writer.id("L");
            let status = match self.rng.range(1, 100) {
                1..=33 => "converted",
                34..=70 => "open",
                _ => "disqualified",
            };
            let date = month.day(&mut self.rng);
            let fields = [
                ("id", Some(id.as_str())),
                ("kind", Some("lead")),
                ("owner", Some(rep)),
                ("status", Some(status)),
            ];
            self.writer.fact(&fields, date, &[]);
        }
    }

    fn own_customers(&self, rep: &str) -> Vec<String> {
        self.customers
            .iter()
            .filter(|(_, owner)| *owner == rep)
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// Deals: 8 to 12 a month, 35% lost. A won deal books an order (3% are cancelled),
    /// paid 15 to 75 days later (1 in 10 in part); 1 in 50 orders is partly refunded.
    fn deals(&mut self, rep: &str, skill: u64, growth: u64, month: Month, own: &[String]) {
        for _ in 0..self.rng.range(8, 12) {
            let customer = own[(self.rng.next() % own.len() as u64) as usize].as_str();
            let cents = self.rng.range(1_500_000, 8_500_000) * skill * growth / 10_000;
            let date = month.day(&mut self.rng);
            let deal = self.writer.id("D");
            let lost = self.rng.chance(35);
            let created = format!("\"{}\"", date - Days::new(self.rng.range(10, 120)));
            let stage = if lost {
                "\"Closed Lost\""
            } else {
                "\"Closed Won\""
            };
            let amount = money(cents);
            let fields = [
                ("id", Some(deal.as_str())),
                ("kind", Some("deal")),
                ("owner", Some(rep)),
                ("customer", Some(customer)),
                ("amount", Some(amount.as_str())),
                ("status", Some(if lost { "lost" } else { "won" })),
            ];
            self.writer
                .fact(&fields, date, &[("created", &created), ("stage", stage)]);
            if lost {
                continue;
            }
            let order = self.writer.id("O");
            let cancelled = self.rng.chance(3);
            let fields = [
                ("id", Some(order.as_str())),
                ("kind", Some("order")),
                ("owner", Some(rep)),
                ("customer", Some(customer)),
                ("amount", Some(amount.as_str())),
                ("status", Some(if cancelled { "cancelled" } else { "won" })),
            ];
            // The CRM's deal type: a customer's first order is new business.
            let business = if self.ordered.insert(customer.to_owned()) {
                "\"new\""
            } else {
                "\"existing\""
            };
            self.writer.fact(&fields, date, &[("business", business)]);
            if !cancelled {
                self.payment_and_refund(rep, customer, &order, cents, date);
            }
        }
    }

    fn payment_and_refund(
        &mut self,
        rep: &str,
        customer: &str,
        order: &str,
        cents: u64,
        date: NaiveDate,
    ) {
        let order_ref = format!("\"{order}\"");
        let paid = if self.rng.chance(10) {
            cents * self.rng.range(30, 90) / 100
        } else {
            cents
        };
        let payment = self.writer.id("P");
        let paid_on = date + Days::new(self.rng.range(15, 75));
        let amount = money(paid);
        let fields = [
            ("id", Some(payment.as_str())),
            ("kind", Some("payment")),
            ("owner", Some(rep)),
            ("customer", Some(customer)),
            ("amount", Some(amount.as_str())),
        ];
        self.writer.fact(&fields, paid_on, &[("order", &order_ref)]);
        if self.rng.chance(2) {
            let refund = self.writer.id("R");
            let refunded_on = date + Days::new(self.rng.range(5, 60));
            let amount = money(cents * self.rng.range(10, 100) / 100);
            let fields = [
                ("id", Some(refund.as_str())),
                ("kind", Some("refund")),
                ("owner", Some(rep)),
                ("customer", Some(customer)),
                ("amount", Some(amount.as_str())),
            ];
            self.writer
                .fact(&fields, refunded_on, &[("order", &order_ref)]);
        }
    }

    /// Surveys: 3 to 6 answers a month from the rep's customers; CSAT 1–5, mostly 4–5.
    fn surveys(&mut self, rep: &str, month: Month, own: &[String]) {
        for _ in 0..self.rng.range(3, 6) {
            let customer = own[(self.rng.next() % own.len() as u64) as usize].as_str();
            let score: u8 = match self.rng.range(1, 100) {
                1..=3 => 1,
                4..=7 => 2,
                8..=14 => 3,
                15..=50 => 4,
                _ => 5,
            };
            let score_text = score.to_string();
            let id = self.writer.id("S");
            let date = month.day(&mut self.rng);
            let feedback = if score >= 4 {
                "\"positive\""
            } else {
                "\"negative\""
            };
            let fields = [
                ("id", Some(id.as_str())),
                ("kind", Some("survey")),
                ("owner", Some(rep)),
                ("customer", Some(customer)),
            ];
            self.writer.fact(
                &fields,
                date,
                &[("feedback", feedback), ("score", &score_text)],
            );
        }
    }
}

impl Company {
    /// The market's size each month (kind `market`, no owner), from an analyst's report:
    /// about 90 million, growing a little faster than the company in its first year.
    /// A separate random stream, so the other facts do not depend on it.
    fn market(&mut self, first: NaiveDate) {
        let mut rng = Rng(7_500);
        for index in 0..MONTHS {
            let start = first + Months::new(index);
            let id = format!("M-{}", start.format("%Y-%m"));
            let cents = rng.range(8_600_000_000, 9_200_000_000) * (200 + u64::from(index)) / 200;
            let amount = money(cents);
            let fields = [
                ("id", Some(id.as_str())),
                ("kind", Some("market")),
                ("amount", Some(amount.as_str())),
            ];
            self.writer
                .fact(&fields, start, &[("source", "\"analyst\"")]);
        }
    }
}

/// The sample company's facts as JSON Lines, sorted by date then id.
pub fn facts_jsonl() -> String {
    let first = NaiveDate::from_ymd_opt(FIRST_MONTH.0, FIRST_MONTH.1, 1).expect("valid");
    let end = first + Months::new(MONTHS);
    let mut company = Company {
        writer: Writer {
            out: String::new(),
            serial: 0,
            last_day: end.pred_opt().expect("valid"),
        },
        rng: Rng(20_261_127),
        customers: Vec::new(),
        ordered: std::collections::HashSet::new(),
    };
    for index in 0..MONTHS {
        let start = first + Months::new(index);
        let days = ((start + Months::new(1)) - start).num_days() as u64;
        let month = Month { start, days };
        // Sales grow about 1% a month, so this year beats last year.
        let growth = 100 + u64::from(index);
        let mut sellers: Vec<(&'static str, u64)> =
            REPS.iter().map(|(id, _, skill)| (*id, *skill)).collect();
        if index < 22 {
            sellers.push((FORMER_REP, 60));
        }
        for (rep, skill) in sellers {
            company.customers(rep, skill, month);
            company.leads(rep, month);
            let own = company.own_customers(rep);
            company.deals(rep, skill, growth, month, &own);
            company.surveys(rep, month, &own);
        }
    }
    company.market(first);
    sort_by_date(&company.writer.out)
}

/// Sorts JSON lines by their `date` (then id), as a CRM export would list them.
fn sort_by_date(text: &str) -> String {
    let mut lines: Vec<(&str, &str, &str)> = text
        .lines()
        .map(|line| {
            let date_at = line.find("\"date\": \"").expect("every fact has a date") + 9;
            let id_at = line.find("\"id\": \"").expect("every fact has an id") + 7;
            let id_end = id_at + line[id_at..].find('"').expect("closed");
            (&line[date_at..date_at + 10], &line[id_at..id_end], line)
        })
        .collect();
    lines.sort_unstable();
    let mut out = String::with_capacity(text.len());
    for (_, _, line) in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}
