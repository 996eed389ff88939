//! Writes the sample company (`facts.jsonl`) as each source would export it:
//!
//! - `zoho/<Module>.pages.jsonl`: Zoho CRM API pages (one response per line, 200
//!   records a page) of Deals, `Sales_Orders`, Accounts, Leads and the custom modules
//!   Payments and Refunds; `zoho/<Module>.csv`: the same modules as CSV exports (display
//!   labels, US dates, local times);
//! - `fxiaoke/pages.jsonl`: Fxiaoke query responses (100 records a page) of
//!   `NewOpportunityObj`, `SalesOrderObj`, `PaymentObj`, `RefundObj`, `AccountObj` and
//!   `LeadsObj`, with a few voided payments and stale versions from an incremental sync
//!   that ingestion must skip or supersede;
//! - `facts.csv`: every fact as plain CSV; `other.csv`: the facts no CRM holds
//!   (satisfaction surveys, the market's size).
//!
//! The sample keeps its own record numbers as CRM ids (`D-000081`) and member ids as CRM
//! user ids (`zhang.san`), so every source yields the same facts. Deterministic:
//! `cargo test -p kpi-core --features ingest --test sample_exports` checks the committed
//! files, `KPI_BLESS=1` rewrites them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{NaiveDate, TimeZone as _};
use kpi_core::fact::{Attribute, FactRecord};
use serde_json::{Value, json};

/// The modules of the Zoho export, in the order the quickstart reads them.
pub const ZOHO_MODULES: [&str; 6] = [
    "Accounts",
    "Leads",
    "Deals",
    "Sales_Orders",
    "Payments",
    "Refunds",
];

/// The kinds no CRM holds.
pub const OTHER_KINDS: [&str; 2] = ["survey", "market"];

const ZOHO_PAGE: usize = 200;
const FXIAOKE_PAGE: usize = 100;

/// Every export file: (path under testdata/sample, contents).
pub fn exports(records: &[FactRecord]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for module in ZOHO_MODULES {
        let rows: Vec<&FactRecord> = records
            .iter()
            .filter(|r| zoho_module(&r.kind) == Some(module))
            .collect();
        files.push((
            format!("zoho/{module}.pages.jsonl"),
            zoho_pages(module, &rows),
        ));
        files.push((format!("zoho/{module}.csv"), zoho_csv(module, &rows)));
    }
    files.push(("fxiaoke/pages.jsonl".into(), fxiaoke_pages(records)));
    files.push(("facts.csv".into(), plain_csv(records, |_| true)));
    files.push((
        "other.csv".into(),
        plain_csv(records, |r| OTHER_KINDS.contains(&r.kind.as_str())),
    ));
    files
}

fn zoho_module(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "customer" => "Accounts",
        "lead" => "Leads",
        "deal" => "Deals",
        "order" => "Sales_Orders",
        "payment" => "Payments",
        "refund" => "Refunds",
        _ => return None,
    })
}

/// `zhang.san` → `Zhang San`.
fn display_name(member: &str) -> String {
    member
        .split('.')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().collect::<String>() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn account_name(customer: &str) -> String {
    format!("客户 {customer}")
}

fn text(record: &FactRecord, name: &str) -> Option<String> {
    match record.attributes.get(name)? {
        Attribute::Text(t) => Some(t.clone()),
        Attribute::Number(n) => Some(n.to_string()),
        Attribute::Bool(b) => Some(b.to_string()),
    }
}

fn shanghai() -> chrono_tz::Tz {
    chrono_tz::Asia::Shanghai
}

/// A local time on `date` in Shanghai, as RFC 3339 (Zoho JSON).
fn rfc3339(date: NaiveDate, hour: u32) -> String {
    shanghai()
        .from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
        .unwrap()
        .to_rfc3339()
}

/// A local time on `date` in Shanghai, as Unix milliseconds (Fxiaoke).
fn millis(date: NaiveDate, hour: u32) -> i64 {
    shanghai()
        .from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
        .unwrap()
        .timestamp_millis()
}

fn amount(record: &FactRecord) -> Option<rust_decimal::Decimal> {
    record.amount.map(|a| a.abs())
}

/// An amount as Zoho's JSON writes currency: a floating-point number, without trailing
/// zeros (`27990.9` for the record's `27990.90`, `28608.0` for `28608.00`).
fn zoho_amount(record: &FactRecord) -> Value {
    amount(record).map_or(Value::Null, |a| {
        let mut text = a.normalize().to_string();
        if !text.contains('.') {
            text.push_str(".0");
        }
        serde_json::from_str(&text).expect("a decimal is a JSON number")
    })
}

fn lookup(name: &str, id: &str) -> Value {
    json!({ "name": name, "id": id })
}

fn owner(record: &FactRecord) -> Value {
    record.owner.as_deref().map_or(
        Value::Null,
        |o| json!({ "name": display_name(o), "id": o, "email": format!("{o}@xingchen.example") }),
    )
}

fn account(record: &FactRecord) -> Value {
    record
        .customer
        .as_deref()
        .map_or(Value::Null, |c| lookup(&account_name(c), c))
}

fn date_of(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("sample dates are ISO")
}

/// One Zoho record of `module` (API names).
fn zoho_record(module: &str, r: &FactRecord) -> Value {
    let modified = rfc3339(r.date, 18);
    let mut record = json!({
        "id": r.id,
        "Owner": owner(r),
        "Modified_Time": modified,
        "$currency_symbol": "¥",
    });
    let fields = match module {
        "Deals" => json!({
            "Deal_Name": format!("{} {}", account_name(r.customer.as_deref().unwrap_or("")), r.id),
            "Account_Name": account(r),
            "Amount": zoho_amount(r),
            "Currency": "CNY",
            "Exchange_Rate": 1,
            "Closing_Date": r.date.to_string(),
            "Stage": text(r, "stage"),
            "Created_Time": rfc3339(date_of(&text(r, "created").unwrap()), 10),
        }),
        "Sales_Orders" => json!({
            "Subject": format!("SO {}", r.id),
            "Account_Name": account(r),
            "Grand_Total": zoho_amount(r),
            "Currency": "CNY",
            "Exchange_Rate": 1,
            "Status": if r.status.as_deref() == Some("cancelled") { "Cancelled" } else { "Delivered" },
            "Created_Time": rfc3339(r.date, 10),
            "Business_Type": text(r, "business"),
        }),
        "Payments" | "Refunds" => {
            let order = text(r, "order").unwrap_or_default();
            let date_key = if module == "Payments" {
                "Payment_Date"
            } else {
                "Refund_Date"
            };
            let mut fields = json!({
                "Name": r.id,
                "Account_Name": account(r),
                "Amount": zoho_amount(r),
                "Sales_Order": lookup(&format!("SO {order}"), &order),
            });
            fields[date_key] = json!(r.date.to_string());
            fields
        }
        "Accounts" => json!({
            "Account_Name": account_name(&r.id),
            "Created_Time": rfc3339(r.date, 9),
            "Customer_Status": r.status,
            "Segment": text(r, "segment"),
            "Churn_Date": text(r, "churned"),
        }),
        "Leads" => json!({
            "Last_Name": format!("Lead {}", r.id),
            "Created_Time": rfc3339(r.date, 11),
            "Lead_Status": match r.status.as_deref() {
                Some("converted") => "Converted",
                Some("disqualified") => "Not Qualified",
                _ => "Contacted",
            },
        }),
        _ => unreachable!("not a Zoho module of the sample"),
    };
    if let (Value::Object(record), Value::Object(fields)) = (&mut record, fields) {
        record.extend(fields);
    }
    sorted(record)
}

/// Objects with their keys in order, whatever `serde_json`'s `preserve_order` is.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let ordered: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn zoho_pages(module: &str, rows: &[&FactRecord]) -> String {
    let pages = rows.chunks(ZOHO_PAGE).count();
    let mut out = String::new();
    for (i, chunk) in rows.chunks(ZOHO_PAGE).enumerate() {
        let page = json!({
            "data": chunk.iter().map(|r| zoho_record(module, r)).collect::<Vec<_>>(),
            "info": sorted(json!({
                "per_page": ZOHO_PAGE,
                "count": chunk.len(),
                "page": i + 1,
                "more_records": i + 1 < pages,
            })),
        });
        writeln!(out, "{}", sorted(page)).unwrap();
    }
    out
}

/// A CSV export of `module`: Zoho's display labels, lookups as name plus `.id`, dates
/// as MM/dd/yyyy and times as local `yyyy-MM-dd HH:mm:ss`.
fn zoho_csv(module: &str, rows: &[&FactRecord]) -> String {
    let owner_label = match module {
        "Deals" => "Deal Owner",
        "Sales_Orders" => "Sales Order Owner",
        "Accounts" => "Account Owner",
        "Leads" => "Lead Owner",
        "Payments" => "Payment Owner",
        _ => "Refund Owner",
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let (extra_labels, extra_keys): (Vec<&str>, Vec<&str>) =
        csv_columns(module).iter().copied().unzip();
    let mut header = vec!["Record Id", owner_label, &*format!("{owner_label}.id")]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    header.extend(extra_labels.iter().map(|l| (*l).to_owned()));
    header.push("Modified Time".into());
    writer.write_record(&header).unwrap();
    for r in rows {
        let record = zoho_record(module, r);
        let Value::Object(object) = &record else {
            unreachable!()
        };
        let cell = |key: &str| -> String {
            let value = match key.split_once('.') {
                Some((head, tail)) => object.get(head).and_then(|v| v.get(tail)),
                None => object.get(key).map(|v| v.get("name").unwrap_or(v)),
            };
            let text = match value {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            };
            csv_cell(key, &text)
        };
        let mut row = vec![cell("id"), cell("Owner"), cell("Owner.id")];
        row.extend(extra_keys.iter().map(|k| cell(k)));
        row.push(cell("Modified_Time"));
        writer.write_record(&row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// The columns of a module's CSV export after the id and owner: (label, API name).
fn csv_columns(module: &str) -> &'static [(&'static str, &'static str)] {
    match module {
        "Deals" => &[
            ("Deal Name", "Deal_Name"),
            ("Account Name", "Account_Name"),
            ("Account Name.id", "Account_Name.id"),
            ("Amount", "Amount"),
            ("Currency", "Currency"),
            ("Exchange Rate", "Exchange_Rate"),
            ("Closing Date", "Closing_Date"),
            ("Stage", "Stage"),
            ("Created Time", "Created_Time"),
        ],
        "Sales_Orders" => &[
            ("Subject", "Subject"),
            ("Account Name", "Account_Name"),
            ("Account Name.id", "Account_Name.id"),
            ("Grand Total", "Grand_Total"),
            ("Currency", "Currency"),
            ("Exchange Rate", "Exchange_Rate"),
            ("Status", "Status"),
            ("Created Time", "Created_Time"),
            ("Business Type", "Business_Type"),
        ],
        "Payments" => &[
            ("Name", "Name"),
            ("Account Name", "Account_Name"),
            ("Account Name.id", "Account_Name.id"),
            ("Amount", "Amount"),
            ("Payment Date", "Payment_Date"),
            ("Sales Order", "Sales_Order"),
            ("Sales Order.id", "Sales_Order.id"),
        ],
        "Refunds" => &[
            ("Name", "Name"),
            ("Account Name", "Account_Name"),
            ("Account Name.id", "Account_Name.id"),
            ("Amount", "Amount"),
            ("Refund Date", "Refund_Date"),
            ("Sales Order", "Sales_Order"),
            ("Sales Order.id", "Sales_Order.id"),
        ],
        "Accounts" => &[
            ("Account Name", "Account_Name"),
            ("Created Time", "Created_Time"),
            ("Customer Status", "Customer_Status"),
            ("Segment", "Segment"),
            ("Churn Date", "Churn_Date"),
        ],
        _ => &[
            ("Last Name", "Last_Name"),
            ("Created Time", "Created_Time"),
            ("Lead Status", "Lead_Status"),
        ],
    }
}

/// How a CSV export writes a value: dates as MM/dd/yyyy, times as local
/// `yyyy-MM-dd HH:mm:ss`.
fn csv_cell(key: &str, text: &str) -> String {
    if key.ends_with("_Time") {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return t.format("%Y-%m-%d %H:%M:%S").to_string();
        }
    }
    if key.ends_with("_Date") && !text.is_empty() {
        return date_of(text).format("%m/%d/%Y").to_string();
    }
    text.to_owned()
}

/// One Fxiaoke record (API names; people fields as lists, money as strings, times in ms).
fn fxiaoke_record(r: &FactRecord) -> Option<Value> {
    let (object, fields) = match r.kind.as_str() {
        "deal" => (
            "NewOpportunityObj",
            json!({
                "name": format!("{} {}", account_name(r.customer.as_deref().unwrap_or("")), r.id),
                "amount": amount(r).map(|a| a.to_string()),
                "close_date": millis(r.date, 0),
                "sales_stage": match text(r, "stage").as_deref() {
                    Some("Closed Won") => "7",
                    Some("Closed Lost") => "8",
                    _ => "3",
                },
                "sales_stage__r": text(r, "stage"),
                "sales_status": match r.status.as_deref() {
                    Some("won") => "2",
                    Some("lost") => "3",
                    _ => "1",
                },
                "create_time": millis(date_of(&text(r, "created").unwrap()), 10),
            }),
        ),
        "order" => (
            "SalesOrderObj",
            json!({
                "name": format!("SO{}", r.id.trim_start_matches("O-")),
                "order_amount": amount(r).map(|a| a.to_string()),
                "order_time": millis(r.date, 10),
                "order_status": if r.status.as_deref() == Some("cancelled") { "99" } else { "7" },
                "business_type__c": text(r, "business"),
            }),
        ),
        "payment" | "refund" => {
            let order = text(r, "order").unwrap_or_default();
            let (object, amount_key, time_key) = if r.kind == "payment" {
                ("PaymentObj", "payment_amount", "payment_time")
            } else {
                ("RefundObj", "refund_amount", "refund_time")
            };
            let mut fields = json!({
                "name": r.id,
                "order_id": order,
                "order_id__r": format!("SO{}", order.trim_start_matches("O-")),
            });
            fields[amount_key] = json!(amount(r).map(|a| a.to_string()));
            fields[time_key] = json!(millis(r.date, 14));
            (object, fields)
        }
        "customer" => (
            "AccountObj",
            json!({
                "name": account_name(&r.id),
                "create_time": millis(r.date, 9),
                "account_status__c": r.status,
                "segment__c": text(r, "segment"),
                "churn_date__c": text(r, "churned").map(|d| millis(date_of(&d), 0)),
            }),
        ),
        "lead" => (
            "LeadsObj",
            json!({
                "name": format!("Lead {}", r.id),
                "create_time": millis(r.date, 11),
                "biz_status": match r.status.as_deref() {
                    Some("converted") => "transformed",
                    Some("disqualified") => "invalid",
                    _ => "processing",
                },
            }),
        ),
        _ => return None,
    };
    let mut record = json!({
        "_id": r.id,
        "object_describe_api_name": object,
        "owner": r.owner.iter().collect::<Vec<_>>(),
        "owner__r": r.owner.as_deref().map(|o| json!({ "name": display_name(o) })),
        "last_modified_time": millis(r.date, 18),
        "life_status": "normal",
    });
    if let Some(c) = &r.customer {
        record["account_id"] = json!(c);
        record["account_id__r"] = json!(account_name(c));
    }
    if let (Value::Object(record), Value::Object(fields)) = (&mut record, fields) {
        record.extend(fields);
    }
    Some(sorted(record))
}

fn fxiaoke_page(records: &[Value], offset: usize, total: usize) -> String {
    let page = json!({
        "errorCode": 0,
        "errorMessage": "OK",
        "errorDescription": "success",
        "data": {
            "dataList": records,
            "total": total,
            "offset": offset,
            "limit": FXIAOKE_PAGE,
        },
    });
    sorted(page).to_string()
}

/// The Fxiaoke export, object by object, then an incremental-sync page with voided
/// payments (skipped) and stale versions of records already read (superseded).
fn fxiaoke_pages(records: &[FactRecord]) -> String {
    let order = ["customer", "lead", "deal", "order", "payment", "refund"];
    let mut out = String::new();
    for kind in order {
        let rows: Vec<Value> = records
            .iter()
            .filter(|r| r.kind == kind)
            .filter_map(fxiaoke_record)
            .collect();
        for (i, chunk) in rows.chunks(FXIAOKE_PAGE).enumerate() {
            writeln!(out, "{}", fxiaoke_page(chunk, i * FXIAOKE_PAGE, rows.len())).unwrap();
        }
    }
    let mut sync = Vec::new();
    for r in records.iter().filter(|r| r.kind == "payment").step_by(250) {
        let mut voided = fxiaoke_record(r).unwrap();
        voided["_id"] = json!(format!("{}-V", r.id));
        voided["life_status"] = json!("invalid");
        sync.push(voided);
    }
    for r in records.iter().filter(|r| r.kind == "order").step_by(300) {
        let mut stale = fxiaoke_record(r).unwrap();
        stale["order_amount"] = json!("1.00");
        stale["last_modified_time"] = json!(millis(r.date, 9));
        sync.push(stale);
    }
    writeln!(out, "{}", fxiaoke_page(&sync, 0, sync.len())).unwrap();
    out
}

/// The facts that `keep` as plain CSV: the fact fields, then every attribute of the
/// sample as its own column (one header, so one mapping reads every such file).
fn plain_csv(records: &[FactRecord], keep: impl Fn(&FactRecord) -> bool) -> String {
    let attributes: std::collections::BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r.attributes.keys().map(String::as_str))
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "id", "kind", "owner", "customer", "amount", "status", "date",
    ];
    header.extend(attributes.iter().copied());
    writer.write_record(&header).unwrap();
    for r in records.iter().filter(|r| keep(r)) {
        let mut row = vec![
            r.id.clone(),
            r.kind.clone(),
            r.owner.clone().unwrap_or_default(),
            r.customer.clone().unwrap_or_default(),
            amount(r).map(|a| a.to_string()).unwrap_or_default(),
            r.status.clone().unwrap_or_default(),
            r.date.to_string(),
        ];
        row.extend(attributes.iter().map(|a| text(r, a).unwrap_or_default()));
        writer.write_record(&row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}
