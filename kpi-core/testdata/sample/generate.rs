//! The deterministic generator of the sample company's facts (`facts.jsonl`).
//!
//! 星辰科技 (Xingchen Technology) sells industrial software in three regions. Its 12 reps
//! log 24 months (2024-11 to 2026-10) of customers won, leads, deals, orders, payments
//! (回款), refunds and satisfaction surveys. One former rep, `huang.lei`, still owns
//! orders after leaving the org: the report shows them as `unassigned`.
//!
//! The generator uses only integer arithmetic on a fixed-seed SplitMix64 stream, so it
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

/// SplitMix64: small, fast, and identical everywhere.
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

/// The sample company's facts as JSON Lines, sorted by date then id.
pub fn facts_jsonl() -> String {
    let first = NaiveDate::from_ymd_opt(FIRST_MONTH.0, FIRST_MONTH.1, 1).expect("valid");
    let end = first + Months::new(MONTHS);
    let mut writer = Writer {
        out: String::new(),
        serial: 0,
        last_day: end.pred_opt().expect("valid"),
    };
    let mut rng = Rng(20_261_127);
    let mut customers: Vec<(String, &str)> = Vec::new();
    for month in 0..MONTHS {
        let month_start = first + Months::new(month);
        let days = ((month_start + Months::new(1)) - month_start).num_days() as u64;
        let day = |rng: &mut Rng| month_start + Days::new(rng.range(0, days - 1));
        // Sales grow about 1% a month, so this year beats last year.
        let growth = 100 + u64::from(month);
        let mut sellers: Vec<(&str, u64)> =
            REPS.iter().map(|(id, _, skill)| (*id, *skill)).collect();
        if month < 22 {
            sellers.push((FORMER_REP, 60));
        }
        for (rep, skill) in sellers {
            // New customers: 3 to 7 a month, better reps win more.
            let new_customers = rng.range(3, 5) + u64::from(skill > 100) + u64::from(skill > 115);
            for _ in 0..new_customers {
                let customer = writer.id("C");
                let acquired = day(&mut rng);
                let churn = rng
                    .chance(12)
                    .then(|| acquired + Days::new(rng.range(90, 500)));
                let churned = churn.map(|d| format!("\"{d}\""));
                let mut attributes = vec![(
                    "segment",
                    if rng.chance(30) {
                        "\"enterprise\""
                    } else {
                        "\"smb\""
                    },
                )];
                if let Some(churned) = &churned {
                    attributes.push(("churned", churned.as_str()));
                }
                let id = customer.clone();
                writer.fact(
                    &[
                        ("id", Some(&id)),
                        ("kind", Some("customer")),
                        ("owner", Some(rep)),
                        ("customer", Some(&customer)),
                        (
                            "status",
                            Some(if churn.is_some_and(|d| d <= writer.last_day) {
                                "churned"
                            } else {
                                "active"
                            }),
                        ),
                    ],
                    acquired,
                    &attributes,
                );
                customers.push((customer, rep));
            }
            // Leads: 10 to 18 a month; about a third convert.
            for _ in 0..rng.range(10, 18) {
                let id = writer.id("L");
                let status = match rng.range(1, 100) {
                    1..=33 => "converted",
                    34..=70 => "open",
                    _ => "disqualified",
                };
                let date = day(&mut rng);
                writer.fact(
                    &[
                        ("id", Some(&id)),
                        ("kind", Some("lead")),
                        ("owner", Some(rep)),
                        ("status", Some(status)),
                    ],
                    date,
                    &[],
                );
            }
            let own: Vec<String> = customers
                .iter()
                .filter(|(_, owner)| *owner == rep)
                .map(|(c, _)| c.clone())
                .collect();
            // Orders: 8 to 12 a month, mostly from the rep's own customers.
            let orders = rng.range(8, 12);
            for _ in 0..orders {
                let customer = own[(rng.next() % own.len() as u64) as usize].clone();
                let cents = rng.range(1_500_000, 8_500_000) * skill * growth / 10_000;
                let date = day(&mut rng);
                let deal = writer.id("D");
                let lost = rng.chance(35);
                let created = date - Days::new(rng.range(10, 120));
                let created_text = format!("\"{created}\"");
                writer.fact(
                    &[
                        ("id", Some(&deal)),
                        ("kind", Some("deal")),
                        ("owner", Some(rep)),
                        ("customer", Some(&customer)),
                        ("amount", Some(&money(cents))),
                        ("status", Some(if lost { "lost" } else { "won" })),
                    ],
                    date,
                    &[
                        ("created", created_text.as_str()),
                        (
                            "stage",
                            if lost {
                                "\"Closed Lost\""
                            } else {
                                "\"Closed Won\""
                            },
                        ),
                    ],
                );
                if lost {
                    continue;
                }
                let order = writer.id("O");
                let cancelled = rng.chance(3);
                writer.fact(
                    &[
                        ("id", Some(&order)),
                        ("kind", Some("order")),
                        ("owner", Some(rep)),
                        ("customer", Some(&customer)),
                        ("amount", Some(&money(cents))),
                        ("status", Some(if cancelled { "cancelled" } else { "won" })),
                    ],
                    date,
                    &[],
                );
                if cancelled {
                    continue;
                }
                // Payment (回款) 15 to 75 days later; 1 in 10 is paid in part.
                let paid = if rng.chance(10) {
                    cents * rng.range(30, 90) / 100
                } else {
                    cents
                };
                let payment = writer.id("P");
                let paid_on = date + Days::new(rng.range(15, 75));
                writer.fact(
                    &[
                        ("id", Some(&payment)),
                        ("kind", Some("payment")),
                        ("owner", Some(rep)),
                        ("customer", Some(&customer)),
                        ("amount", Some(&money(paid))),
                    ],
                    paid_on,
                    &[("order", &format!("\"{order}\""))],
                );
                // A refund of part of the order, within 60 days, for 1 in 40.
                if rng.chance(2) {
                    let refund = writer.id("R");
                    let refunded_on = date + Days::new(rng.range(5, 60));
                    let amount = money(cents * rng.range(10, 100) / 100);
                    writer.fact(
                        &[
                            ("id", Some(&refund)),
                            ("kind", Some("refund")),
                            ("owner", Some(rep)),
                            ("customer", Some(&customer)),
                            ("amount", Some(&amount)),
                        ],
                        refunded_on,
                        &[("order", &format!("\"{order}\""))],
                    );
                }
            }
            // Surveys: 3 to 6 answers a month from the rep's customers; CSAT 1–5.
            for _ in 0..rng.range(3, 6) {
                let customer = own[(rng.next() % own.len() as u64) as usize].clone();
                let score: u8 = match rng.range(1, 100) {
                    1..=3 => 1,
                    4..=7 => 2,
                    8..=14 => 3,
                    15..=50 => 4,
                    _ => 5,
                };
                let score_text = score.to_string();
                let id = writer.id("S");
                let date = day(&mut rng);
                let feedback = if score >= 4 {
                    "\"positive\""
                } else {
                    "\"negative\""
                };
                writer.fact(
                    &[
                        ("id", Some(&id)),
                        ("kind", Some("survey")),
                        ("owner", Some(rep)),
                        ("customer", Some(&customer)),
                    ],
                    date,
                    &[("feedback", feedback), ("score", &score_text)],
                );
            }
        }
    }
    sort_by_date(&writer.out)
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
