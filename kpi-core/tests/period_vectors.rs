//! Runs the shared calendar vectors in testdata/vectors/periods (pytest and node run them
//! too).

use kpi_core::period::{Calendar, DayBasis, Grain, Period, PeriodInfo, parse_date};
use kpi_core::{Error, Result};
use serde_json::{Value, json};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors/periods");

fn info(p: &Period) -> Value {
    serde_json::to_value(PeriodInfo::from(p)).unwrap()
}

fn text(check: &Value, key: &str) -> String {
    check[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {check}"))
        .to_owned()
}

fn grain(check: &Value) -> Result<Grain> {
    Grain::from_name(&text(check, "grain"))
}

/// Runs one check, as every language's runner does.
fn run(calendar: &Value, check: &Value) -> Result<Value> {
    let cal = Calendar::from_json_value(calendar.clone())?;
    let label = || cal.parse_period(&text(check, "label"));
    let date = || parse_date(&text(check, "date"));
    Ok(match text(check, "op").as_str() {
        "period_of" => info(&cal.period_of(date()?, grain(check)?)?),
        "parse" => info(&label()?),
        "next" => info(&label()?.next()?),
        "prev" => info(&label()?.prev()?),
        "shift" => info(&label()?.shift(check["n"].as_i64().unwrap())?),
        "same_period_last_year" => info(&label()?.same_period_last_year()?),
        "parent" => info(&label()?.parent(grain(check)?)?),
        "children" => Value::Array(label()?.children(grain(check)?)?.iter().map(info).collect()),
        "trailing" => info(&label()?.trailing(check["n"].as_u64().unwrap() as u32)?),
        "to_date" => info(&cal.to_date(date()?, grain(check)?)?),
        "elapsed_fraction" => {
            let basis = DayBasis::from_name(&text(check, "basis"))?;
            json!(
                cal.elapsed_fraction(&label()?, date()?, basis)
                    .map(|d| d.to_string())
            )
        }
        "local_date" => {
            let day = match check.get("millis") {
                Some(ms) => cal.local_date_of_millis(ms.as_i64().unwrap())?,
                None => cal.local_date_of_rfc3339(&text(check, "rfc3339"))?,
            };
            json!(day.to_string())
        }
        op => panic!("unknown op {op}"),
    })
}

#[test]
fn every_calendar_vector_passes() {
    let mut checks = 0;
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            for check in case["checks"].as_array().unwrap() {
                let name = format!("{} / {check}", case["name"]);
                match (
                    run(&case["calendar"], check),
                    check.get("expect"),
                    check.get("error"),
                ) {
                    (Ok(got), Some(want), _) => assert_eq!(&got, want, "{name}"),
                    (Err(err), _, Some(code)) => {
                        assert_eq!(err.code(), code, "{name}: {err}");
                        // `message`: a part of the message, the same in every language.
                        if let Some(part) = check.get("message").and_then(Value::as_str) {
                            assert!(err.message().contains(part), "{name}: {err}");
                        }
                    }
                    (Ok(got), _, _) => panic!("{name}: expected an error, got {got}"),
                    (Err(err), _, _) => panic!("{name}: {}", Error::to_string(&err)),
                }
                checks += 1;
            }
        }
    }
    assert!(checks >= 100, "only {checks} checks ran");
}
