use kpi_core::{FactTable, Plan};
use serde_json::Value;
fn main() {
    for path in std::env::args().skip(1) {
        let mut file: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let cases = file["cases"].as_array().unwrap().clone();
        let mut out = Vec::new();
        for mut case in cases {
            if case.get("expected").is_none() {
                out.push(case);
                continue;
            }
            let plan = match case.get("plan_toml").or(file.get("plan_toml")) {
                Some(t) => Plan::from_toml(t.as_str().unwrap()).unwrap(),
                None => {
                    Plan::from_json_value(case.get("plan").or(file.get("plan")).unwrap().clone())
                        .unwrap()
                }
            };
            let facts = FactTable::from_json_value(
                case.get("facts")
                    .or(file.get("facts"))
                    .cloned()
                    .unwrap_or(Value::Array(vec![])),
            )
            .unwrap();
            let period = plan
                .parse_period(
                    case.get("period")
                        .and_then(Value::as_str)
                        .unwrap_or("2026-01"),
                )
                .unwrap();
            let r = plan.evaluate(&facts, &period).unwrap();
            case["expected"] = serde_json::to_value(r).unwrap();
            out.push(case);
        }
        file["cases"] = Value::Array(out);
        let name = std::path::Path::new(&path)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        std::fs::write(
            format!("/tmp/v/{name}"),
            serde_json::to_string_pretty(&file).unwrap() + "\n",
        )
        .unwrap();
    }
}
