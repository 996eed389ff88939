//! Fuzz target: `FactTable::append_columns`, with column batches built from the input
//! (structured with `arbitrary`): text columns by row, dictionary-encoded (keys in and
//! out of range) or read in place with packed offsets (sometimes inconsistent), amounts
//! as hostile decimals or as integer units at any scale, attributes, dates anywhere, and
//! sometimes a column of the wrong length. Up to three batches go into one table.
//!
//! Invariants: a batch is appended whole or not at all (an error is coded and leaves
//! the table's records and attribute names as they were); every appended fact reads back
//! as given (a refund's amount made negative, units at their scale), on a supported day;
//! the facts already in the table are unchanged.
#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::NaiveDate;
use kpi_core::fact::{
    AmountColumn, ColumnBatch, NEGATIVE_KINDS, Packed, TextColumn, Texts, UnitColumn,
};
use kpi_core::period::{MAX_DATE, MIN_DATE};
use kpi_core::{Attribute, FactTable};
use kpi_fuzz::{Hostile, arbitrary_date, check_error, show};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const WORDS: &[&str] = &[
    "o1",
    "o2",
    "o3",
    "D1",
    "order",
    "refund",
    "credit_note",
    "deal",
    "payment",
    "a",
    "b",
    "zhang.san",
    "won",
    "lost",
    "",
    "客户",
    "é",
    " o1",
    "o1 ",
];

fn word(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(3u8, 4)? {
        (*u.choose(WORDS)?).to_owned()
    } else {
        u.arbitrary()?
    })
}

fn length(u: &mut Unstructured<'_>, rows: usize) -> Result<usize> {
    Ok(if u.ratio(1u8, 16)? {
        rows + usize::from(u.int_in_range(0u8..=2)?)
            - usize::from(u.int_in_range(0u8..=2)?).min(rows)
    } else {
        rows
    })
}

/// A column read in place: values, and the packed layout an Arrow array has.
#[derive(Debug)]
struct InPlace {
    values: Vec<Option<String>>,
    text: String,
    offsets: Vec<i32>,
    packed: bool,
}

impl TextColumn for InPlace {
    fn len(&self) -> usize {
        self.values.len()
    }
    fn get(&self, row: usize) -> Option<&str> {
        self.values[row].as_deref()
    }
    fn packed(&self) -> Option<Packed<'_>> {
        self.packed.then_some(Packed {
            text: &self.text,
            offsets: &self.offsets,
        })
    }
}

#[derive(Debug)]
enum Column {
    Rows(Vec<Option<String>>),
    Dictionary { values: Vec<String>, keys: Vec<u32> },
    InPlace(InPlace),
}

impl Column {
    fn arbitrary(u: &mut Unstructured<'_>, rows: usize, missing: bool) -> Result<Column> {
        let len = length(u, rows)?;
        let value = |u: &mut Unstructured<'_>| -> Result<Option<String>> {
            Ok(if missing && u.ratio(1u8, 10)? {
                None
            } else {
                Some(word(u)?)
            })
        };
        Ok(match u.int_in_range(0u8..=2)? {
            0 => Column::Rows((0..len).map(|_| value(u)).collect::<Result<_>>()?),
            1 => {
                let values: Vec<String> = (0..u.int_in_range(0..=6)?)
                    .map(|_| word(u))
                    .collect::<Result<_>>()?;
                let keys = (0..len)
                    .map(|_| {
                        Ok(if u.ratio(1u8, 12)? {
                            u.arbitrary()?
                        } else {
                            u.int_in_range(0..=values.len() as u32)?
                        })
                    })
                    .collect::<Result<_>>()?;
                Column::Dictionary { values, keys }
            }
            _ => {
                let values: Vec<Option<String>> =
                    (0..len).map(|_| value(u)).collect::<Result<_>>()?;
                let base: i32 = u.int_in_range(0..=64)?;
                let mut text = String::new();
                let mut offsets = vec![base];
                for v in &values {
                    text.push_str(v.as_deref().unwrap_or_default());
                    offsets.push(base + text.len() as i32);
                }
                if u.ratio(1u8, 8)? && !offsets.is_empty() {
                    let at = u.choose_index(offsets.len())?;
                    offsets[at] = u.arbitrary()?;
                }
                Column::InPlace(InPlace {
                    values,
                    text,
                    offsets,
                    packed: u.arbitrary()?,
                })
            }
        })
    }

    fn texts(&self) -> Texts<'_> {
        match self {
            Column::Rows(values) => Texts::Rows(values.iter().map(Option::as_deref).collect()),
            Column::Dictionary { values, keys } => Texts::Dictionary {
                values: values.iter().map(String::as_str).collect(),
                keys: keys.clone(),
            },
            Column::InPlace(column) => Texts::InPlace(column),
        }
    }

    /// The value of `row` as given (`Texts::get`'s reading).
    fn get(&self, row: usize) -> Option<&str> {
        match self {
            Column::Rows(values) => values[row].as_deref(),
            Column::Dictionary { values, keys } => {
                values.get(keys[row] as usize).map(String::as_str)
            }
            Column::InPlace(column) => column.values[row].as_deref(),
        }
    }

    /// Whether the values as given are what the table reads (a packed layout that does
    /// not match its values breaks the caller's side of the contract).
    fn faithful(&self) -> bool {
        match self {
            Column::InPlace(c) => {
                // In i64: a first offset near `i32::MAX` plus the lengths must not wrap
                // here (the harness's own arithmetic, not the table's).
                let mut offset = i64::from(c.offsets.first().copied().unwrap_or_default());
                let mut expected = vec![offset];
                for v in &c.values {
                    offset += v.as_deref().map_or(0, str::len) as i64;
                    expected.push(offset);
                }
                let given: Vec<i64> = c.offsets.iter().map(|&o| i64::from(o)).collect();
                !c.packed || expected == given
            }
            _ => true,
        }
    }
}

#[derive(Debug)]
struct Units(Vec<Option<i128>>);

impl UnitColumn for Units {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn get(&self, row: usize) -> Option<i128> {
        self.0[row]
    }
}

#[derive(Debug)]
enum Amounts {
    Decimals(Vec<Option<Decimal>>),
    Units(Units, u32),
}

impl Amounts {
    fn arbitrary(u: &mut Unstructured<'_>, rows: usize) -> Result<Amounts> {
        let len = length(u, rows)?;
        Ok(if u.arbitrary()? {
            Amounts::Decimals(
                (0..len)
                    .map(|_| Ok(u.arbitrary::<Option<Hostile>>()?.map(|h| h.0)))
                    .collect::<Result<_>>()?,
            )
        } else {
            let limit = 1i128 << 96;
            let values = (0..len)
                .map(|_| {
                    if u.ratio(1u8, 8)? {
                        return Ok(None);
                    }
                    Ok(Some(match u.int_in_range(0u8..=3)? {
                        0 => i128::from(u.arbitrary::<i32>()?),
                        1 => *u.choose(&[
                            limit - 1,
                            -(limit - 1),
                            limit,
                            -limit,
                            i128::MIN,
                            i128::MAX,
                        ])?,
                        _ => u.arbitrary::<i128>()? >> u.int_in_range(0..=127)?,
                    }))
                })
                .collect::<Result<_>>()?;
            let scale = if u.ratio(1u8, 8)? {
                u.arbitrary()?
            } else {
                u.int_in_range(0..=30)?
            };
            Amounts::Units(Units(values), scale)
        })
    }

    fn column(&self) -> AmountColumn<'_> {
        match self {
            Amounts::Decimals(values) => AmountColumn::Decimals(values.clone()),
            Amounts::Units(units, scale) => AmountColumn::Units {
                column: units,
                scale: *scale,
            },
        }
    }

    fn get(&self, row: usize) -> Option<Decimal> {
        match self {
            Amounts::Decimals(values) => values[row],
            Amounts::Units(units, scale) => {
                units.0[row].map(|v| Decimal::from_i128_with_scale(v, *scale))
            }
        }
    }
}

#[derive(Debug)]
struct Batch {
    id: Column,
    kind: Column,
    owner: Option<Column>,
    customer: Option<Column>,
    status: Option<Column>,
    amount: Option<Amounts>,
    date: Vec<NaiveDate>,
    attributes: Vec<(String, Vec<Option<Attribute>>)>,
}

fn attribute(u: &mut Unstructured<'_>) -> Result<Option<Attribute>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => None,
        1 => Some(Attribute::Bool(u.arbitrary()?)),
        2 => Some(Attribute::Text(word(u)?)),
        _ => Some(Attribute::Number(u.arbitrary::<Hostile>()?.0)),
    })
}

impl Batch {
    fn arbitrary(u: &mut Unstructured<'_>) -> Result<Batch> {
        let rows = usize::from(u.int_in_range(0u8..=24)?);
        let optional = |u: &mut Unstructured<'_>| -> Result<Option<Column>> {
            Ok(if u.arbitrary()? {
                Some(Column::arbitrary(u, rows, true)?)
            } else {
                None
            })
        };
        let id = Column::arbitrary(u, rows, true)?;
        let kind = Column::arbitrary(u, rows, true)?;
        let owner = optional(u)?;
        let customer = optional(u)?;
        let status = optional(u)?;
        let amount = if u.arbitrary()? {
            Some(Amounts::arbitrary(u, rows)?)
        } else {
            None
        };
        let date = (0..length(u, rows)?)
            .map(|_| arbitrary_date(u))
            .collect::<Result<_>>()?;
        let mut attributes: Vec<(String, Vec<Option<Attribute>>)> = Vec::new();
        for _ in 0..u.int_in_range(0..=2)? {
            let name = word(u)?;
            let len = length(u, rows)?;
            let values = (0..len).map(|_| attribute(u)).collect::<Result<_>>()?;
            if !attributes.iter().any(|(n, _)| *n == name) {
                attributes.push((name, values));
            }
        }
        Ok(Batch {
            id,
            kind,
            owner,
            customer,
            status,
            amount,
            date,
            attributes,
        })
    }

    fn columns(&self) -> ColumnBatch<'_> {
        ColumnBatch {
            id: self.id.texts(),
            kind: self.kind.texts(),
            owner: self.owner.as_ref().map(Column::texts),
            customer: self.customer.as_ref().map(Column::texts),
            status: self.status.as_ref().map(Column::texts),
            amount: self.amount.as_ref().map(Amounts::column),
            date: self.date.clone(),
            attributes: self.attributes.iter().cloned().collect(),
        }
    }

    /// Checks the facts appended from this batch, from row `first` of the table.
    fn check(&self, table: &FactTable, first: usize) {
        let rows = self.date.len();
        assert_eq!(
            table.len(),
            first + rows,
            "a batch of {rows} rows appended {}",
            table.len() - first
        );
        for row in 0..rows {
            let record = table.record(first + row).expect("an appended row");
            if self.id.faithful() {
                assert_eq!(Some(record.id.as_str()), self.id.get(row), "id[{row}]");
            }
            assert_eq!(
                Some(record.kind.as_str()),
                self.kind.get(row),
                "kind[{row}]"
            );
            let optional = |column: &Option<Column>| {
                column.as_ref().and_then(|c| c.get(row).map(str::to_owned))
            };
            assert_eq!(record.owner, optional(&self.owner), "owner[{row}]");
            assert_eq!(record.customer, optional(&self.customer), "customer[{row}]");
            assert_eq!(record.status, optional(&self.status), "status[{row}]");
            let negative = NEGATIVE_KINDS.contains(&record.kind.as_str());
            let expected = self
                .amount
                .as_ref()
                .and_then(|a| a.get(row))
                .map(|a| if negative { -a.abs() } else { a });
            assert_eq!(record.amount, expected, "amount[{row}]");
            assert_eq!(record.date, self.date[row], "date[{row}]");
            assert!(
                (MIN_DATE..=MAX_DATE).contains(&record.date),
                "date[{row}]: {} is outside the supported days",
                record.date
            );
            let mut given = 0;
            for (name, values) in &self.attributes {
                assert_eq!(
                    record.attributes.get(name),
                    values[row].as_ref(),
                    "attributes.{name}[{row}]"
                );
                given += usize::from(values[row].is_some());
            }
            assert_eq!(record.attributes.len(), given, "attributes[{row}]");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut table = FactTable::new();
    for _ in 0..3 {
        let Ok(batch) = Batch::arbitrary(&mut u) else {
            return;
        };
        if show() {
            eprintln!("{batch:#?}");
        }
        let before: Vec<_> = table.records().collect();
        let names: Vec<String> = table.attribute_names().map(str::to_owned).collect();
        match table.append_columns(batch.columns()) {
            Ok(()) => {
                batch.check(&table, before.len());
                let kept: Vec<_> = table.records().take(before.len()).collect();
                assert_eq!(kept, before, "a batch changed the facts before it");
            }
            Err(e) => {
                check_error(&e);
                let after: Vec<_> = table.records().collect();
                assert_eq!(after, before, "a failed batch changed the facts");
                let after: Vec<String> = table.attribute_names().map(str::to_owned).collect();
                assert_eq!(after, names, "a failed batch changed the attribute names");
            }
        }
    }
});
