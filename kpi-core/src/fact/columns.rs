//! Bulk appends by column (what Arrow record batches hand over): values are interned
//! straight from the caller's buffers, without a `FactRecord` or a `String` per row.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::amount::UnitColumn;
use super::texts::Texts;
use super::{Attribute, FactTable, NEGATIVE_KINDS};
use crate::error::{Error, ErrorKind, Location, Result};

/// The amounts of a [`ColumnBatch`].
pub enum AmountColumn<'a> {
    /// One decimal per row (`None`: no amount).
    Decimals(Vec<Option<Decimal>>),
    /// Integers counting units of `10^-scale` (decimal128 at its scale, cents at 2), read
    /// in place and stored without a `Decimal` per row. Every value must fit a decimal
    /// (96 bits) and `scale` must be at most 28.
    Units {
        /// The values.
        column: &'a dyn UnitColumn,
        /// Their scale.
        scale: u32,
    },
}

impl std::fmt::Debug for AmountColumn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AmountColumn::Decimals(values) => f.debug_tuple("Decimals").field(values).finish(),
            AmountColumn::Units { column, scale } => f
                .debug_struct("Units")
                .field("rows", &column.len())
                .field("scale", scale)
                .finish(),
        }
    }
}

impl From<Vec<Option<Decimal>>> for AmountColumn<'_> {
    fn from(values: Vec<Option<Decimal>>) -> Self {
        AmountColumn::Decimals(values)
    }
}

impl AmountColumn<'_> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            AmountColumn::Decimals(values) => values.len(),
            AmountColumn::Units { column, .. } => column.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Integer amounts a decimal cannot hold: the scale, or the first row too large.
    fn check(&self) -> Result<()> {
        let AmountColumn::Units { column, scale } = self else {
            return Ok(());
        };
        if *scale > 28 {
            return Err(Error::new(
                ErrorKind::DataInvalidFact,
                format!("a decimal scale of {scale} is not supported (at most 28)"),
            )
            .at_path("amount"));
        }
        let limit = 1i128 << 96;
        // `unsigned_abs`: `i128::MIN` has no positive counterpart to compare.
        match (0..column.len()).find(|&r| {
            column
                .get(r)
                .is_some_and(|u| u.unsigned_abs() >= limit.unsigned_abs())
        }) {
            Some(row) => Err(Error::new(
                ErrorKind::DataInvalidFact,
                "the amount does not fit a decimal (96 bits)",
            )
            .at(Location {
                path: Some(format!("amount[{row}]")),
                row: Some(row as u64),
                ..Location::default()
            })),
            None => Ok(()),
        }
    }
}

/// One batch of facts by column; every column has one value per row.
///
/// ```
/// use chrono::NaiveDate;
/// use kpi_core::FactTable;
/// use kpi_core::fact::{AmountColumn, ColumnBatch, Texts, UnitColumn};
///
/// /// Amounts in integer cents, read in place.
/// struct Cents(Vec<i64>);
/// impl UnitColumn for Cents {
///     fn len(&self) -> usize {
///         self.0.len()
///     }
///     fn get(&self, row: usize) -> Option<i128> {
///         self.0.get(row).map(|&c| i128::from(c))
///     }
/// }
///
/// let cents = Cents(vec![30_000_000, 15_000_050]);
/// let batch = ColumnBatch {
///     id: vec!["o1", "o2"].into(),
///     kind: vec!["order"; 2].into(),
///     // Owners as codes into their distinct values, as a categorical column holds them.
///     owner: Some(Texts::Dictionary {
///         values: vec!["zhang.san", "li.si"],
///         keys: vec![1, 0],
///     }),
///     amount: Some(AmountColumn::Units {
///         column: &cents,
///         scale: 2,
///     }),
///     date: vec![NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(); 2],
///     ..ColumnBatch::default()
/// };
/// let mut facts = FactTable::new();
/// facts.append_columns(batch)?;
/// let second = facts.record(1).unwrap();
/// assert_eq!(second.owner.as_deref(), Some("zhang.san"));
/// assert_eq!(second.amount.unwrap().to_string(), "150000.50");
/// # Ok::<(), kpi_core::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct ColumnBatch<'a> {
    /// Fact ids (unique within the table; none missing).
    pub id: Texts<'a>,
    /// Kinds (`order`, `payment` …; none missing).
    pub kind: Texts<'a>,
    /// Owners, when the batch has them.
    pub owner: Option<Texts<'a>>,
    /// Customers, when the batch has them.
    pub customer: Option<Texts<'a>>,
    /// Statuses, when the batch has them.
    pub status: Option<Texts<'a>>,
    /// Amounts, when the batch has them (returns are made negative as in
    /// [`FactTable::push`]).
    pub amount: Option<AmountColumn<'a>>,
    /// Dates.
    pub date: Vec<NaiveDate>,
    /// Attributes by name.
    pub attributes: BTreeMap<String, Vec<Option<Attribute>>>,
}

impl Default for Texts<'_> {
    fn default() -> Self {
        Texts::Rows(Vec::new())
    }
}

impl ColumnBatch<'_> {
    fn check_lengths(&self) -> Result<usize> {
        let rows = self.id.len();
        let lengths = [
            ("kind", Some(self.kind.len())),
            ("date", Some(self.date.len())),
            ("owner", self.owner.as_ref().map(Texts::len)),
            ("customer", self.customer.as_ref().map(Texts::len)),
            ("status", self.status.as_ref().map(Texts::len)),
            ("amount", self.amount.as_ref().map(AmountColumn::len)),
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
        // Missing ids are found while they are interned, on their own thread.
        if let Some(row) = self.kind.first_missing() {
            return Err(missing("kind", row));
        }
        for (row, day) in self.date.iter().enumerate() {
            crate::period::check_date(*day).map_err(|e| {
                e.at(Location {
                    path: Some(format!("date[{row}]")),
                    row: Some(row as u64),
                    ..Location::default()
                })
            })?;
        }
        if let Some(amount) = &self.amount {
            amount.check()?;
        }
        Ok(rows)
    }
}

fn missing(column: &str, row: usize) -> Error {
    Error::new(
        ErrorKind::DataInvalidFact,
        format!("a fact needs a {column}"),
    )
    .at(Location {
        path: Some(format!("{column}[{row}]")),
        row: Some(row as u64),
        ..Location::default()
    })
}

/// Below this many rows a batch is stored on one thread.
const PARALLEL_ROWS: usize = 100_000;

/// Interns `ids` (all new) and pushes their codes. A missing or repeated id is an error
/// at its batch row (the values added so far stay, for the caller to roll back).
fn intern_ids(ids: &mut super::Dictionary, codes: &mut Vec<u32>, batch: &Texts<'_>) -> Result<()> {
    if let Some(row) = batch.first_missing() {
        return Err(missing("id", row));
    }
    let rows = batch.len();
    let first = ids.len();
    let packed = match batch {
        Texts::InPlace(column) => column.packed().filter(|p| {
            let (first, last) = (p.offsets.first(), p.offsets.last());
            // Trust the layout only when it is consistent with the text.
            first.zip(last).is_some_and(|(&f, &l)| {
                f >= 0
                    && l >= f
                    && (l - f) as usize == p.text.len()
                    && p.offsets
                        .windows(2)
                        .all(|w| w[0] <= w[1] && p.text.is_char_boundary((w[1] - f) as usize))
            })
        }),
        _ => None,
    };
    let repeated = ids.intern_new(rows, |r| batch.get(r).unwrap_or_default(), packed);
    let first = u32::try_from(first).unwrap_or(u32::MAX);
    codes.extend((0..rows).map(|r| first + r as u32));
    match repeated {
        Some(row) => Err(Error::new(
            ErrorKind::DataInvalidFact,
            format!(
                "fact id `{}` appears twice",
                batch.get(row).unwrap_or_default()
            ),
        )
        .at(Location {
            path: Some(format!("id[{row}]")),
            row: Some(row as u64),
            ..Location::default()
        })),
        None => Ok(()),
    }
}

/// Interns an optional text column (all missing when absent).
fn intern_optional(values: Option<&Texts<'_>>, (dictionary, codes): Coded<'_>, rows: usize) {
    let mut new = Vec::with_capacity(rows);
    match values {
        Some(values) => values.intern_into(dictionary, &mut new),
        None => new.resize(rows, super::Dictionary::NONE),
    }
    // Interned at full width, then stored as narrow as the dictionary allows.
    codes.extend_from(&new);
}

type Coded<'t> = (&'t mut super::Dictionary, &'t mut super::Codes);

/// The columns other than the id, borrowed apart from it.
struct Others<'t> {
    kinds: &'t mut super::Dictionary,
    kind_codes: &'t mut super::Codes,
    owners: Coded<'t>,
    statuses: Coded<'t>,
    amounts: &'t mut super::Amounts,
    dates: &'t mut Vec<NaiveDate>,
}

impl Others<'_> {
    #[allow(clippy::too_many_arguments)] // the batch's columns, moved in one by one
    fn store<'b>(
        &mut self,
        rows: usize,
        kind: &Texts<'b>,
        owner: Option<Texts<'b>>,
        status: Option<Texts<'b>>,
        amount: Option<AmountColumn<'b>>,
        date: Vec<NaiveDate>,
    ) {
        let mut kinds = Vec::with_capacity(rows);
        kind.intern_into(self.kinds, &mut kinds);
        let negative: Vec<bool> = (0..self.kinds.len())
            .map(|c| {
                self.kinds
                    .get(u32::try_from(c).unwrap_or(u32::MAX))
                    .is_some_and(|k| NEGATIVE_KINDS.contains(&k))
            })
            .collect();
        for ((dictionary, codes), values) in
            [(&mut self.owners, owner), (&mut self.statuses, status)]
        {
            intern_optional(values.as_ref(), (dictionary, codes), rows);
        }
        match amount {
            Some(AmountColumn::Units { column, scale }) => {
                self.amounts
                    .extend_units(column, scale, |row| negative[kinds[row] as usize]);
            }
            Some(AmountColumn::Decimals(amounts)) => {
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
        self.kind_codes.extend_from(&kinds);
        self.dates.extend(date);
    }
}

/// How long each part of the table was before a batch, to undo it.
struct Mark {
    rows: usize,
    dictionaries: [usize; 4],
    customers: super::lazy::LazyMark,
    attributes: Vec<String>,
}

impl FactTable {
    /// Appends a batch of facts given by column. All or nothing: a missing or repeated id
    /// is an error (`data.invalid_fact`, at the batch row), a date that is not a supported
    /// day `period.out_of_range` (at `date[row]`), and either leaves the table as it was.
    ///
    /// A large batch is stored on three threads, as the parts touch different fields:
    /// the ids (all new, into the largest dictionary), the customers (the next largest),
    /// and the rest.
    pub fn append_columns(&mut self, batch: ColumnBatch<'_>) -> Result<()> {
        let rows = batch.check_lengths()?;
        let mark = Mark {
            rows: self.len(),
            dictionaries: [
                self.ids.len(),
                self.kinds.len(),
                self.owners.len(),
                self.statuses.len(),
            ],
            customers: self.customer.mark(),
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
        let ids = (&mut self.ids, &mut self.id);
        let customers = &mut self.customer;
        let mut others = Others {
            kinds: &mut self.kinds,
            kind_codes: &mut self.kind,
            owners: (&mut self.owners, &mut self.owner),
            statuses: (&mut self.statuses, &mut self.status),
            amounts: &mut self.amount,
            dates: &mut self.date,
        };
        let stored = if rows >= PARALLEL_ROWS && cfg!(not(target_arch = "wasm32")) {
            std::thread::scope(|scope| {
                let id_job = scope.spawn(|| intern_ids(ids.0, ids.1, &id));
                let customer_job = scope.spawn(|| customers.append(customer.as_ref(), rows));
                others.store(rows, &kind, owner, status, amount, date);
                customer_job
                    .join()
                    .expect("interning customers does not panic");
                id_job.join().expect("interning ids does not panic")
            })
        } else {
            customers.append(customer.as_ref(), rows);
            others.store(rows, &kind, owner, status, amount, date);
            intern_ids(ids.0, ids.1, &id)
        };
        if let Err(e) = stored {
            self.roll_back(&mark);
            return Err(e);
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
        self.id.truncate(mark.rows);
        for column in [&mut self.kind, &mut self.owner, &mut self.status] {
            column.truncate(mark.rows);
        }
        self.customer.roll_back(mark.customers);
        self.date.truncate(mark.rows);
        self.amount.truncate(mark.rows);
        let dictionaries = [
            &mut self.ids,
            &mut self.kinds,
            &mut self.owners,
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
    use crate::fact::{Dictionary, Packed, TextColumn};

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn columns_append_the_same_facts_as_records() {
        let mut by_columns = FactTable::new();
        by_columns
            .append_columns(ColumnBatch {
                id: vec!["o1", "r1"].into(),
                kind: vec!["order", "refund"].into(),
                owner: Some(vec![Some("li.si"), None].into()),
                customer: None,
                status: Some(vec![Some("won"), None].into()),
                amount: Some(vec![Some(Decimal::new(1050, 2)), Some(Decimal::new(300, 2))].into()),
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
    fn dictionary_and_lookup_columns_read_like_rows() {
        struct Cents;
        impl UnitColumn for Cents {
            fn len(&self) -> usize {
                3
            }
            fn get(&self, _: usize) -> Option<i128> {
                Some(100)
            }
        }
        struct Held(Vec<Option<String>>);
        impl TextColumn for Held {
            fn len(&self) -> usize {
                self.0.len()
            }
            fn get(&self, row: usize) -> Option<&str> {
                self.0[row].as_deref()
            }
        }
        let ids = ["o1", "o2", "o3"];
        let held_ids = Held(ids.iter().map(|i| Some((*i).to_owned())).collect());
        let held_statuses = Held(vec![Some("won".into()), None, Some("lost".into())]);
        let held_cents = Cents;
        let batch = |lookup: bool| ColumnBatch {
            id: if lookup {
                Texts::InPlace(&held_ids)
            } else {
                ids.to_vec().into()
            },
            kind: Texts::Dictionary {
                values: vec!["refund", "order"],
                keys: vec![1, 1, 0],
            },
            status: Some(if lookup {
                Texts::InPlace(&held_statuses)
            } else {
                Texts::Dictionary {
                    values: vec!["lost", "won"],
                    keys: vec![1, Dictionary::NONE, 0],
                }
            }),
            amount: Some(if lookup {
                AmountColumn::Units {
                    column: &held_cents,
                    scale: 2,
                }
            } else {
                vec![Some(Decimal::ONE); 3].into()
            }),
            date: vec![date(1); 3],
            ..ColumnBatch::default()
        };
        let mut by_lookup = FactTable::new();
        by_lookup.append_columns(batch(true)).unwrap();
        let mut by_dictionary = FactTable::new();
        by_dictionary.append_columns(batch(false)).unwrap();
        let records: Vec<FactRecord> = by_lookup.records().collect();
        assert_eq!(records, by_dictionary.records().collect::<Vec<_>>());
        assert_eq!(records[1].status, None);
        assert_eq!(records[2].kind, "refund");
        assert_eq!(records[2].amount, Some(-Decimal::ONE)); // a refund is negative
        assert_eq!(records[2].amount.unwrap().to_string(), "-1.00"); // cents at scale 2
        let missing = ColumnBatch {
            id: vec![Some("o1"), None].into(),
            kind: vec!["order"; 2].into(),
            date: vec![date(1); 2],
            ..ColumnBatch::default()
        };
        let err = FactTable::new().append_columns(missing).unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("id[1]"));
    }

    /// Ids held back to back, like an Arrow string array (offsets from 2: a slice).
    struct PackedIds {
        text: String,
        offsets: Vec<i32>,
    }

    impl TextColumn for PackedIds {
        fn len(&self) -> usize {
            self.offsets.len() - 1
        }
        fn get(&self, row: usize) -> Option<&str> {
            let start = (self.offsets[row] - self.offsets[0]) as usize;
            let end = (self.offsets[row + 1] - self.offsets[0]) as usize;
            Some(&self.text[start..end])
        }
        fn packed(&self) -> Option<Packed<'_>> {
            Some(Packed {
                text: &self.text,
                offsets: &self.offsets,
            })
        }
    }

    #[test]
    fn packed_ids_are_copied_whole_and_read_back() {
        let ids: Vec<String> = (0..120_000).map(|i| format!("单{i}")).collect();
        let mut offsets = vec![2];
        for id in &ids {
            offsets.push(offsets.last().unwrap() + id.len() as i32);
        }
        let packed = PackedIds {
            text: ids.concat(),
            offsets,
        };
        let batch = |id| ColumnBatch {
            id,
            kind: vec!["order"; ids.len()].into(),
            date: vec![date(1); ids.len()],
            ..ColumnBatch::default()
        };
        let mut facts =
            FactTable::from_json_lines(r#"{"id": "first", "kind": "order", "date": "2026-03-01"}"#)
                .unwrap();
        let mut by_rows = facts.clone();
        facts
            .append_columns(batch(Texts::InPlace(&packed)))
            .unwrap();
        by_rows
            .append_columns(batch(ids.iter().map(String::as_str).collect()))
            .unwrap();
        assert_eq!(facts, by_rows);
        assert_eq!(facts.record(120_000).unwrap().id, "单119999");
        // A repeat among packed ids is still found.
        let again = PackedIds {
            text: "单5x".into(),
            offsets: vec![0, 4, 5],
        };
        let err = facts
            .append_columns(ColumnBatch {
                id: Texts::InPlace(&again),
                kind: vec!["order"; 2].into(),
                date: vec![date(1); 2],
                ..ColumnBatch::default()
            })
            .unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("id[0]"));
        assert_eq!(facts, by_rows);
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
                id: vec!["o2", "o1"].into(),
                kind: vec!["deal", "deal"].into(),
                owner: Some(vec![Some("new.rep"), None].into()),
                date: vec![date(1), date(2)],
                attributes: BTreeMap::from([("x".to_owned(), vec![None, None])]),
                ..ColumnBatch::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "data.invalid_fact");
        assert_eq!(err.location().path.as_deref(), Some("id[1]"));
        assert_eq!(facts, before);
        let short = ColumnBatch {
            id: vec!["o3"].into(),
            kind: Texts::default(),
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
    fn a_rolled_back_batch_leaves_customers_as_they_were_raw_or_interned() {
        let batch = || ColumnBatch {
            id: vec!["o2", "o1"].into(),
            kind: vec!["deal", "deal"].into(),
            customer: Some(vec![Some("k.new"), Some("k.other")].into()),
            date: vec![date(1), date(2)],
            ..ColumnBatch::default()
        };
        for read_first in [false, true] {
            let mut facts = FactTable::from_json_lines(
                r#"{"id": "o1", "kind": "order", "customer": "k.old", "date": "2026-03-01"}"#,
            )
            .unwrap();
            if read_first {
                // A filter or a distinct count read the customers: they are interned.
                assert_eq!(facts.dictionary(super::super::Column::Customer).len(), 1);
            }
            let before = facts.clone();
            assert!(facts.append_columns(batch()).is_err());
            assert_eq!(facts, before);
            assert_eq!(facts.dictionary(super::super::Column::Customer).len(), 1);
            assert_eq!(facts.record(0).unwrap().customer.as_deref(), Some("k.old"));
        }
    }

    #[test]
    fn a_large_batch_is_stored_on_two_threads_and_rolled_back_whole() {
        fn batch<'a>(ids: &'a [String], owners: &'a [String]) -> ColumnBatch<'a> {
            ColumnBatch {
                id: ids.iter().map(String::as_str).collect(),
                kind: vec!["order"; ids.len()].into(),
                owner: Some(
                    owners[..ids.len()]
                        .iter()
                        .map(|o| Some(o.as_str()))
                        .collect(),
                ),
                amount: Some(vec![Some(Decimal::new(12345, 2)); ids.len()].into()),
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

    struct HeldUnits(Vec<Option<i128>>);

    impl UnitColumn for HeldUnits {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn get(&self, row: usize) -> Option<i128> {
            self.0[row]
        }
    }

    proptest::proptest! {
        /// Integer amounts in place store exactly the decimals they count, in any mix of
        /// scales, signs, missing values and kinds that are made negative.
        #[test]
        fn units_store_the_decimals_they_count(
            batches in proptest::collection::vec(
                (proptest::collection::vec(proptest::option::of(-10_i128.pow(20)..10_i128.pow(20)), 1..40), 0u32..=20),
                1..4,
            ),
        ) {
            let mut by_units = FactTable::new();
            let mut by_decimals = FactTable::new();
            let mut next = 0;
            for (values, scale) in &batches {
                let ids: Vec<String> = (next..next + values.len()).map(|i| format!("f{i}")).collect();
                next += values.len();
                let kinds: Vec<&str> = (0..values.len()).map(|r| if r % 3 == 0 { "refund" } else { "order" }).collect();
                let batch = |amount| ColumnBatch {
                    id: ids.iter().map(String::as_str).collect(),
                    kind: kinds.clone().into(),
                    amount: Some(amount),
                    date: vec![date(1); values.len()],
                    ..ColumnBatch::default()
                };
                let column = HeldUnits(values.clone());
                by_units.append_columns(batch(AmountColumn::Units { column: &column, scale: *scale })).unwrap();
                let decimals = values.iter().map(|v| v.map(|u| Decimal::from_i128_with_scale(u, *scale))).collect::<Vec<_>>();
                by_decimals.append_columns(batch(decimals.into())).unwrap();
            }
            let text = |facts: &FactTable| facts.records().map(|r| r.amount.map(|a| a.to_string())).collect::<Vec<_>>();
            proptest::prop_assert_eq!(text(&by_units), text(&by_decimals));
        }
    }
}
