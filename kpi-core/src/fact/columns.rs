//! Bulk appends by column (what Arrow record batches hand over): values are interned
//! straight from the caller's buffers, without a `FactRecord` or a `String` per row.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Attribute, FactTable, NEGATIVE_KINDS};
use crate::error::{Error, ErrorKind, Location, Result};

/// One batch of facts by column; every column has one value per row.
#[derive(Debug, Clone, Default)]
pub struct ColumnBatch<'a> {
    /// Fact ids (unique within the table).
    pub id: Vec<&'a str>,
    /// Kinds (`order`, `payment` …).
    pub kind: Vec<&'a str>,
    /// Owners, when the batch has them.
    pub owner: Option<Vec<Option<&'a str>>>,
    /// Customers, when the batch has them.
    pub customer: Option<Vec<Option<&'a str>>>,
    /// Statuses, when the batch has them.
    pub status: Option<Vec<Option<&'a str>>>,
    /// Amounts, when the batch has them (returns are made negative as in
    /// [`FactTable::push`]).
    pub amount: Option<Vec<Option<Decimal>>>,
    /// Dates.
    pub date: Vec<NaiveDate>,
    /// Attributes by name.
    pub attributes: BTreeMap<String, Vec<Option<Attribute>>>,
}

impl ColumnBatch<'_> {
    fn check_lengths(&self) -> Result<usize> {
        let rows = self.id.len();
        let lengths = [
            ("kind", Some(self.kind.len())),
            ("date", Some(self.date.len())),
            ("owner", self.owner.as_ref().map(Vec::len)),
            ("customer", self.customer.as_ref().map(Vec::len)),
            ("status", self.status.as_ref().map(Vec::len)),
            ("amount", self.amount.as_ref().map(Vec::len)),
        ];
        let attributes = self
            .attributes
            .iter()
            .map(|(n, c)| (n.as_str(), Some(c.len())));
        for (name, len) in lengths.into_iter().chain(attributes) {
            if let Some(len) = len.filter(|len| *len != rows) {
                return Err(Error::new(
                    ErrorKind::DataInvalidFact,
                    format!("column `{name}` has {len} values, `id` has {rows}"),
                )
                .at_path(name));
            }
        }
        Ok(rows)
    }
}

/// Below this many rows a batch is stored on one thread.
const PARALLEL_ROWS: usize = 100_000;

/// Interns `ids` and pushes their codes; the batch row of the first repeated id, if any
/// (the codes pushed so far stay, for the caller to roll back).
fn intern_ids(ids: &mut super::Dictionary, codes: &mut Vec<u32>, batch: &[&str]) -> Option<usize> {
    for (row, id) in batch.iter().enumerate() {
        let before = ids.len();
        let code = ids.intern(id);
        if ids.len() == before {
            return Some(row);
        }
        codes.push(code);
    }
    None
}

type Coded<'t> = (&'t mut super::Dictionary, &'t mut Vec<u32>);

/// The columns other than the id, borrowed apart from it.
struct Others<'t> {
    kinds: &'t mut super::Dictionary,
    kind_codes: &'t mut Vec<u32>,
    owners: Coded<'t>,
    customers: Coded<'t>,
    statuses: Coded<'t>,
    amounts: &'t mut super::Amounts,
    dates: &'t mut Vec<NaiveDate>,
}

impl Others<'_> {
    #[allow(clippy::too_many_arguments)] // the batch's columns, moved in one by one
    fn store(
        &mut self,
        rows: usize,
        kind: &[&str],
        owner: Option<Vec<Option<&str>>>,
        customer: Option<Vec<Option<&str>>>,
        status: Option<Vec<Option<&str>>>,
        amount: Option<Vec<Option<Decimal>>>,
        date: Vec<NaiveDate>,
    ) {
        let kinds: Vec<u32> = kind.iter().map(|k| self.kinds.intern(k)).collect();
        let negative: Vec<bool> = (0..self.kinds.len())
            .map(|c| {
                self.kinds
                    .get(u32::try_from(c).unwrap_or(u32::MAX))
                    .is_some_and(|k| NEGATIVE_KINDS.contains(&k))
            })
            .collect();
        for ((dictionary, column), values) in [
            (&mut self.owners, owner),
            (&mut self.customers, customer),
            (&mut self.statuses, status),
        ] {
            match values {
                Some(values) => column.extend(values.into_iter().map(|v| dictionary.intern_opt(v))),
                None => column.extend(std::iter::repeat_n(super::Dictionary::NONE, rows)),
            }
        }
        match amount {
            Some(amounts) => {
                for (amount, kind) in amounts.into_iter().zip(&kinds) {
                    let amount = if negative[*kind as usize] {
                        amount.map(|a| -a.abs())
                    } else {
                        amount
                    };
                    self.amounts.push(amount);
                }
            }
            None => (0..rows).for_each(|_| self.amounts.push(None)),
        }
        self.kind_codes.extend(kinds);
        self.dates.extend(date);
    }
}

/// How long each part of the table was before a batch, to undo it.
struct Mark {
    rows: usize,
    dictionaries: [usize; 5],
    attributes: Vec<String>,
}

impl FactTable {
    /// Appends a batch of facts given by column. All or nothing: a repeated id is an error
    /// (`data.invalid_fact`, at the batch row) and leaves the table as it was.
    pub fn append_columns(&mut self, batch: ColumnBatch<'_>) -> Result<()> {
        let rows = batch.check_lengths()?;
        let mark = Mark {
            rows: self.len(),
            dictionaries: [
                self.ids.len(),
                self.kinds.len(),
                self.owners.len(),
                self.customers.len(),
                self.statuses.len(),
            ],
            attributes: self.attributes.keys().cloned().collect(),
        };
        self.reserve(rows);
        let ColumnBatch {
            id,
            kind,
            owner,
            customer,
            status,
            amount,
            date,
            attributes,
        } = batch;
        // Ids go into their own (large) dictionary while the other columns are stored:
        // on two threads for a large batch, as the two halves touch different fields.
        let (ids, id_codes) = (&mut self.ids, &mut self.id);
        let mut others = Others {
            kinds: &mut self.kinds,
            kind_codes: &mut self.kind,
            owners: (&mut self.owners, &mut self.owner),
            customers: (&mut self.customers, &mut self.customer),
            statuses: (&mut self.statuses, &mut self.status),
            amounts: &mut self.amount,
            dates: &mut self.date,
        };
        let repeated = if rows >= PARALLEL_ROWS && cfg!(not(target_arch = "wasm32")) {
            std::thread::scope(|scope| {
                let job = scope.spawn(|| intern_ids(ids, id_codes, &id));
                others.store(rows, &kind, owner, customer, status, amount, date);
                job.join().expect("interning ids does not panic")
            })
        } else {
            let repeated = intern_ids(ids, id_codes, &id);
            others.store(rows, &kind, owner, customer, status, amount, date);
            repeated
        };
        if let Some(row) = repeated {
            self.roll_back(&mark);
            return Err(Error::new(
                ErrorKind::DataInvalidFact,
                format!("fact id `{}` appears twice", id[row]),
            )
            .at(Location {
                path: Some(format!("id[{row}]")),
                row: Some(row as u64),
                ..Location::default()
            }));
        }
        let len = self.len();
        for column in self.attributes.values_mut() {
            column.resize(len, None);
        }
        for (name, values) in attributes {
            let column = self
                .attributes
                .entry(name)
                .or_insert_with(|| vec![None; len]);
            column.truncate(mark.rows);
            column.extend(values);
        }
        if !self.modified.is_empty() {
            self.modified.resize(len, i64::MIN);
        }
        Ok(())
    }

    /// Undoes a partly appended batch.
    fn roll_back(&mut self, mark: &Mark) {
        for column in [
            &mut self.id,
            &mut self.kind,
            &mut self.owner,
            &mut self.customer,
            &mut self.status,
        ] {
            column.truncate(mark.rows);
        }
        self.date.truncate(mark.rows);
        self.amount.truncate(mark.rows);
        let dictionaries = [
            &mut self.ids,
            &mut self.kinds,
            &mut self.owners,
            &mut self.customers,
            &mut self.statuses,
        ];
        for (dictionary, len) in dictionaries.into_iter().zip(mark.dictionaries) {
            while dictionary.len() > len {
                dictionary.pop();
            }
        }
        self.attributes
            .retain(|name, _| mark.attributes.contains(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FactRecord;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn columns_append_the_same_facts_as_records() {
        let mut by_columns = FactTable::new();
        by_columns
            .append_columns(ColumnBatch {
                id: vec!["o1", "r1"],
                kind: vec!["order", "refund"],
                owner: Some(vec![Some("li.si"), None]),
                customer: None,
                status: Some(vec![Some("won"), None]),
                amount: Some(vec![
                    Some(Decimal::new(1050, 2)),
                    Some(Decimal::new(300, 2)),
                ]),
                date: vec![date(1), date(2)],
                attributes: BTreeMap::from([(
                    "region".to_owned(),
                    vec![Some(Attribute::Text("east".into())), None],
                )]),
            })
            .unwrap();
        let records = [
            r#"{"id": "o1", "kind": "order", "owner": "li.si", "status": "won", "amount": "10.50", "date": "2026-03-01", "attributes": {"region": "east"}}"#,
            r#"{"id": "r1", "kind": "refund", "amount": "3.00", "date": "2026-03-02"}"#,
        ];
        let by_records = FactTable::from_json_lines(&records.join("\n")).unwrap();
        assert_eq!(
            by_columns.records().collect::<Vec<FactRecord>>(),
            by_records.records().collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_repeated_id_leaves_the_table_as_it_was() {
        let mut facts = FactTable::from_json_lines(
            r#"{"id": "o1", "kind": "order", "owner": "li.si", "date": "2026-03-01"}"#,
        )
        .unwrap();
        let before = facts.clone();
        let err = facts
            .append_columns(ColumnBatch {
                id: vec!["o2", "o1"],
                kind: vec!["deal", "deal"],
                owner: Some(vec![Some("new.rep"), None]),
                date: vec![date(1), date(2)],
                attributes: BTreeMap::from([("x".to_owned(), vec![None, None])]),
                ..ColumnBatch::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "data.invalid_fact");
        assert_eq!(err.location().path.as_deref(), Some("id[1]"));
        assert_eq!(facts, before);
        let short = ColumnBatch {
            id: vec!["o3"],
            kind: vec![],
            date: vec![date(1)],
            ..ColumnBatch::default()
        };
        assert_eq!(
            facts
                .append_columns(short)
                .unwrap_err()
                .location()
                .path
                .as_deref(),
            Some("kind")
        );
    }

    #[test]
    fn a_large_batch_is_stored_on_two_threads_and_rolled_back_whole() {
        fn batch<'a>(ids: &'a [String], owners: &'a [String]) -> ColumnBatch<'a> {
            ColumnBatch {
                id: ids.iter().map(String::as_str).collect(),
                kind: vec!["order"; ids.len()],
                owner: Some(
                    owners[..ids.len()]
                        .iter()
                        .map(|o| Some(o.as_str()))
                        .collect(),
                ),
                amount: Some(vec![Some(Decimal::new(12345, 2)); ids.len()]),
                date: vec![date(3); ids.len()],
                ..ColumnBatch::default()
            }
        }
        let ids: Vec<String> = (0..150_000).map(|i| format!("o{i}")).collect();
        let owners: Vec<String> = (0..150_000).map(|i| format!("r{}", i % 77)).collect();
        let mut facts = FactTable::new();
        facts.append_columns(batch(&ids, &owners)).unwrap();
        assert_eq!(facts.len(), 150_000);
        assert_eq!(facts.record(149_999).unwrap().owner.as_deref(), Some("r3")); // 149,999 mod 77
        let before = facts.clone();
        let mut again: Vec<String> = (150_000..300_000).map(|i| format!("o{i}")).collect();
        again[140_000] = "o5".into();
        let err = facts.append_columns(batch(&again, &owners)).unwrap_err();
        assert_eq!(err.location().row, Some(140_000));
        assert_eq!(facts, before);
    }
}
