//! Fuzz target: plans as JSON values (`Plan::from_json_value`, what the bindings hand
//! over), built by editing the test vectors' plans: each input picks a plan and applies
//! a few edits (set, remove, insert or copy a value anywhere in it). What loads must
//! write back unchanged and evaluate its own facts without a panic.
#![no_main]

use arbitrary::Arbitrary;
use kpi_core::Plan;
use kpi_fuzz::{CASES, Hostile, check_error, exercise_draft, exercise_plan, show};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Keys of the plan document (and a few that are not).
const KEYS: &[&str] = &[
    "version",
    "name",
    "date",
    "calendar",
    "fiscal_year_start_month",
    "fiscal_year_named_by",
    "week_start",
    "timezone",
    "retail",
    "year_end",
    "weekday",
    "month",
    "pattern",
    "leap_week_quarter",
    "weekend",
    "holidays",
    "rounding",
    "mode",
    "places",
    "org",
    "teams",
    "members",
    "id",
    "team",
    "from",
    "until",
    "metrics",
    "aggregate",
    "field",
    "filter",
    "formula",
    "description",
    "unit",
    "dimension",
    "catalogue",
    "objectives",
    "objective",
    "status",
    "thresholds",
    "on_track",
    "at_risk",
    "pacing",
    "smart",
    "goals",
    "metric",
    "scope",
    "period",
    "target",
    "baseline",
    "growth",
    "phase",
    "history",
    "share",
    "market",
    "weight",
    "parent",
    "owner",
    "kind",
    "direction",
    "versions",
    "split",
    "incentives",
    "applies_to",
    "components",
    "rate",
    "tiers",
    "on",
    "cap",
    "multiple",
    "bonus",
    "amount",
    "gate",
    "gates",
    "threshold",
    "draw",
    "recoverable",
    "advance",
    "clawback",
    "of",
    "reversals",
    "days",
    "per_deal",
    "target_incentive",
    "pool",
    "prorate",
    "proration",
    "allow_negative",
    "min",
    "max",
    "max_growth",
    "value",
    "values",
    "ammount",
    "",
];

/// Values that mean something somewhere in a plan.
const VALUES: &[&str] = &[
    "sum",
    "count",
    "count_distinct",
    "average",
    "min",
    "max",
    "median",
    "member",
    "team",
    "company",
    "unassigned",
    "members",
    "teams",
    "day",
    "week",
    "month",
    "quarter",
    "half",
    "year",
    "FY2027",
    "FY2027-Q1",
    "FY2027-H2",
    "FY2027-M03",
    "2026",
    "2026-03",
    "2026-Q1",
    "2026-W05",
    "2026-03-15",
    "FY2027..FY2029",
    "2026-01..2026-03",
    "2024-01-01..2024-04-01",
    "FY2027-é1",
    "half-up",
    "half-even",
    "down",
    "up",
    "marginal",
    "flat",
    "attainment",
    "amount",
    "rate",
    "tiered",
    "bonus",
    "clawback",
    "percent",
    "money",
    "kind == \"order\"",
    "status == \"won\" && amount > 0",
    "revenue / orders",
    "growth(revenue)",
    "yoy(revenue)",
    "a",
    "b",
    "t",
    "u",
    "revenue",
    "orders",
    "quota",
    "monday",
    "sunday",
    "saturday",
    "end",
    "start",
    "nearest",
    "last",
    "4-5-4",
    "Asia/Shanghai",
    "UTC",
    "America/New_York",
    "Mars/Olympus",
    "0",
    "1",
    "-1",
    "0.03",
    "1.5",
    "1e5",
    "1_000",
    "2026-02-30",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "0.00000000000000000000000000001",
    "NaN",
    "",
];

#[derive(Debug, Arbitrary)]
struct Input {
    case: u8,
    edits: Vec<Edit>,
}

#[derive(Debug, Arbitrary)]
struct Edit {
    /// Each step picks a child (modulo the number of children) until a scalar.
    path: Vec<u8>,
    action: Action,
}

#[derive(Debug, Arbitrary)]
enum Action {
    Set(Json),
    Remove,
    Insert(Name, Json),
    Copy,
}

#[derive(Debug, Arbitrary)]
enum Name {
    Known(u8),
    Other(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Known(i) => KEYS[usize::from(*i) % KEYS.len()].to_owned(),
            Name::Other(s) => s.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Known(u8),
    Text(String),
    Decimal(Hostile),
    Array(Vec<Json>),
    Object(Vec<(Name, Json)>),
}

impl Json {
    fn value(&self, depth: u32) -> Value {
        if depth > 24 {
            return Value::Null;
        }
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::from(*i),
            Json::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Known(i) => Value::from(VALUES[usize::from(*i) % VALUES.len()]),
            Json::Text(s) => Value::from(s.as_str()),
            Json::Decimal(d) => Value::from(d.0.to_string()),
            Json::Array(items) => items.iter().map(|j| j.value(depth + 1)).collect(),
            Json::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text(), v.value(depth + 1)))
                    .collect(),
            ),
        }
    }
}

fn apply(root: &mut Value, edit: &Edit) {
    let mut at = root;
    for step in &edit.path {
        let len = match &*at {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if len == 0 {
            break;
        }
        let i = usize::from(*step) % len;
        at = match at {
            Value::Object(map) => map.values_mut().nth(i).expect("in range"),
            Value::Array(items) => &mut items[i],
            _ => unreachable!("a scalar has no children"),
        };
    }
    match &edit.action {
        Action::Set(json) => *at = json.value(0),
        Action::Remove => match at {
            Value::Object(map) => {
                if let Some(key) = map.keys().next().cloned() {
                    map.remove(&key);
                }
            }
            Value::Array(items) => {
                items.pop();
            }
            other => *other = Value::Null,
        },
        Action::Insert(name, json) => match at {
            Value::Object(map) => {
                map.insert(name.text(), json.value(0));
            }
            Value::Array(items) => items.push(json.value(0)),
            other => *other = json.value(0),
        },
        Action::Copy => {
            if let Value::Array(items) = at
                && let Some(first) = items.first().cloned()
            {
                items.push(first);
            }
        }
    }
}

fuzz_target!(|input: Input| {
    let case = &CASES[usize::from(input.case) % CASES.len()];
    let mut value = case.plan.clone();
    for edit in input.edits.iter().take(8) {
        apply(&mut value, edit);
    }
    if show() {
        eprintln!("{value}\nperiod {}", case.period);
    }
    match Plan::draft_from_json_value(value.clone()) {
        Ok(draft) => exercise_draft(&draft),
        Err(e) => check_error(&e),
    }
    match Plan::from_json_value(value) {
        Ok(plan) => exercise_plan(&plan, &case.facts, &case.period),
        Err(e) => check_error(&e),
    }
});
