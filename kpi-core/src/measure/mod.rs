//! Measures: the partial aggregates of every metric per scope for one period. They merge,
//! so facts can be measured in partitions and combined before evaluation.

mod value;

pub(crate) use value::{IndexedMeasures, MetricBook, retained_metrics};

use std::collections::{BTreeMap, BTreeSet};

use hashbrown::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::OrOverflow;
use crate::decimal::TryArithmetic;
use crate::error::{Error, ErrorKind, Result};
use crate::fact::{Attribute, CodeSlice, Column, Dictionary, FactTable, RowScan, ScaledSum};
use crate::metric::{Aggregate, Field, filter::CompiledFilter};
use crate::org::{Org, UNASSIGNED};
use chrono::NaiveDate;

use crate::maps::{IntoMap, IntoSet};
use crate::period::{Period, PeriodInfo};

/// A mergeable partial aggregate. Every aggregate's value can be computed from the
/// merged partials of any partition of the facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Partial {
    /// The sum of the metric's field over the facts that passed the filter.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub sum: Decimal,
    /// How many facts passed the filter.
    pub count: u64,
    /// How many of them had no value for the field (they add nothing to `sum`).
    pub missing: u64,
    /// The correction of `count` for facts credited in part (a 40% credit counts 1 in
    /// `count` and -0.6 here), so counts of split facts add up to 1 across owners.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub count_adjust: Decimal,
    /// The same correction for `missing`.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub missing_adjust: Decimal,
    /// The smallest value (kept for `min`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub min: Option<Decimal>,
    /// The largest value (kept for `max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub max: Option<Decimal>,
    /// The distinct values (kept for `count_distinct`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub distinct: BTreeSet<String>,
    /// Every value (kept for `median`, which no smaller summary can merge exactly).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(type = "string[]", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::vec")]
    pub values: Vec<Decimal>,
    /// The values of facts credited in part (split between owners), by fact id, for
    /// `median`: merging the owners' partials keeps such a fact once, so a team's or the
    /// company's median counts every fact once.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    #[serde(deserialize_with = "crate::decimal::exact::map")]
    pub shared_values: BTreeMap<String, Decimal>,
    /// The sum by customer, for a metric a formula reads with `retained(m)` (net revenue
    /// retention follows the same customers from one year to the next); facts without a
    /// customer are not in it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    #[serde(deserialize_with = "crate::decimal::exact::map")]
    pub by_customer: BTreeMap<String, Decimal>,
}

impl Partial {
    /// The facts credited, with partial credits counted by their share.
    pub fn credited(&self) -> Result<Decimal> {
        Decimal::from(self.count)
            .try_add(self.count_adjust)
            .or_overflow(|| "a count of facts")
    }

    /// The credited facts that had a value for the field.
    pub fn credited_with_values(&self) -> Result<Decimal> {
        self.credited()?
            .try_sub(Decimal::from(self.missing))
            .and_then(|c| c.try_sub(self.missing_adjust))
            .or_overflow(|| "a count of facts")
    }

    /// Adds another partial into this one; an error (`data.overflow`, this partial left
    /// unchanged) when a sum leaves the exact decimal range.
    pub fn merge(&mut self, other: &Partial) -> Result<()> {
        let sum = crate::decimal::exact_add(self.sum, other.sum)
            .or_overflow(|| format!("the sum of {} and {}", self.sum, other.sum))?;
        // A team or company row merges thousands of partials, and most of these parts
        // are empty: they are skipped when adding them would change nothing (a zero
        // adds nothing, unless its scale is larger than the total's).
        let count_adjust = add_unless_noop(self.count_adjust, other.count_adjust)?;
        let missing_adjust = add_unless_noop(self.missing_adjust, other.missing_adjust)?;
        let count = self
            .count
            .checked_add(other.count)
            .or_overflow(|| "a count of facts")?;
        let missing =
            (self.missing.checked_add(other.missing)).or_overflow(|| "a count of facts")?;
        // Every customer's sum is checked before any is changed, so that an error leaves
        // this partial as it was (without copying its map).
        for (customer, value) in &other.by_customer {
            let total = self.by_customer.get(customer).copied().unwrap_or_default();
            crate::decimal::exact_add(total, *value).or_overflow(|| {
                format!("the sum of {total} and {value} for customer `{customer}`")
            })?;
        }
        (self.sum, self.count, self.missing) = (sum, count, missing);
        for (customer, value) in &other.by_customer {
            let total = self.by_customer.entry(customer.clone()).or_default();
            *total = crate::decimal::exact_add(*total, *value).unwrap_or(*total);
        }
        (self.count_adjust, self.missing_adjust) = (count_adjust, missing_adjust);
        if other.min.is_some() {
            self.min = [self.min, other.min].into_iter().flatten().min();
        }
        if other.max.is_some() {
            self.max = [self.max, other.max].into_iter().flatten().max();
        }
        if !other.distinct.is_empty() {
            self.distinct.extend(other.distinct.iter().cloned());
        }
        self.values.extend_from_slice(&other.values);
        // A canonical order, so merged partials compare equal whatever the merge order
        // (checked first: merging an empty part into sorted values need not sort them).
        if !self.values.is_sorted() {
            self.values.sort_unstable();
        }
        if !other.shared_values.is_empty() {
            self.shared_values.extend(
                other
                    .shared_values
                    .iter()
                    .map(|(id, value)| (id.clone(), *value)),
            );
        }
        Ok(())
    }
}

/// `total + part`, skipping the addition when `part` is a zero whose scale the total
/// already has (the sum would be `total` exactly, digits and scale).
fn add_unless_noop(total: Decimal, part: Decimal) -> Result<Decimal> {
    if part.is_zero() && part.scale() <= total.scale() {
        Ok(total)
    } else {
        total.try_add(part).or_overflow(|| "a count of facts")
    }
}

/// Partial aggregates per metric and per scope for one period. A scope is a member's id
/// (`id~2`, `id~3` for their later stints in other teams), or `unassigned`.
///
/// Scopes with no matching fact are absent: their sum is 0 and their count 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
// `Measures` is the JavaScript class; its plain-object form is `MeasuresDocument`.
#[cfg_attr(feature = "typescript", tsify(rename = "MeasuresDocument"))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct Measures {
    /// The period measured.
    pub period: PeriodInfo,
    /// The last day counted, when the period was measured before its end (facts dated
    /// later are left out, so a past day's view can be reproduced).
    #[serde(
        default,
        deserialize_with = "crate::period::date_text::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub as_of: Option<NaiveDate>,
    /// metric id → member id (or `unassigned`) → partial aggregate.
    pub metrics: BTreeMap<String, BTreeMap<String, Partial>>,
    /// The same for the other windows the plan's formulas read (the previous period, the
    /// same period last year, a year to date …), by the window's period label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub windows: BTreeMap<String, BTreeMap<String, BTreeMap<String, Partial>>>,
    /// What each clawback component takes back in the period: incentive id → the
    /// component's position (`"0"`, `"1"` …) → member (or stint) → partial (`sum` the
    /// amount taken back, negative; `count` the reversals). Measured with the facts,
    /// since a reversal reads the sale it reverses.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(
            optional,
            type = "Record<string, Record<string, Record<string, Partial>>>"
        )
    )]
    pub clawbacks: Clawbacks,
}

/// Clawbacks by incentive id, component position and member: see [`Measures::clawbacks`].
/// The position is kept as its text, as JSON writes it: the map then has the type of
/// [`Measures::windows`], whose reading and writing the wasm module already holds.
pub type Clawbacks = BTreeMap<String, BTreeMap<String, BTreeMap<String, Partial>>>;

fn merge_metrics(
    into: &mut BTreeMap<String, BTreeMap<String, Partial>>,
    from: &BTreeMap<String, BTreeMap<String, Partial>>,
) -> Result<()> {
    for (metric, scopes) in from {
        let target = into.entry(metric.clone()).or_default();
        for (scope, partial) in scopes {
            target
                .entry(scope.clone())
                .or_default()
                .merge(partial)
                .map_err(|e| e.context(format_args!("merging metric `{metric}` for `{scope}`")))?;
        }
    }
    Ok(())
}

impl Measures {
    /// Adds `other` into `self`. Both must be for the same period. Merging is associative
    /// and commutative, so partitions can be merged in any order.
    pub fn merge(&mut self, other: &Measures) -> Result<()> {
        if self.period != other.period || self.as_of != other.as_of {
            return Err(Error::new(
                ErrorKind::DataMeasuresMismatch,
                format!(
                    "cannot merge measures of {} with measures of {}",
                    self.period.label, other.period.label
                ),
            ));
        }
        // Into a copy, so that an overflow leaves these measures as they were.
        let mut metrics = self.metrics.clone();
        merge_metrics(&mut metrics, &other.metrics)?;
        let mut windows = self.windows.clone();
        for (label, window) in &other.windows {
            merge_metrics(windows.entry(label.clone()).or_default(), window)?;
        }
        let mut clawbacks = self.clawbacks.clone();
        for (incentive, components) in &other.clawbacks {
            for (index, scopes) in components {
                let into = clawbacks
                    .entry(incentive.clone())
                    .or_default()
                    .entry(index.clone())
                    .or_default();
                for (scope, partial) in scopes {
                    into.entry(scope.clone())
                        .or_default()
                        .merge(partial)
                        .map_err(|e| {
                            e.context(format_args!(
                                "merging clawback {index} of `{incentive}` for `{scope}`"
                            ))
                        })?;
                }
            }
        }
        (self.metrics, self.windows, self.clawbacks) = (metrics, windows, clawbacks);
        Ok(())
    }

    /// The measures as compact JSON, to ship between processes (for example from Spark
    /// workers to the driver).
    pub fn to_json(&self) -> String {
        crate::json::write(self, false, false).expect("measures always serialise")
    }

    /// Reads measures written by [`Measures::to_json`].
    pub fn from_json(text: &str) -> Result<Measures> {
        // Through a JSON value, like every other document: the readers of the types
        // measures share with reports (periods, partial sums) then exist once in the
        // wasm file, not once more for JSON text.
        let json = crate::json::parse(text).map_err(|e| {
            Error::new(ErrorKind::DataInvalidMeasures, e.message).at(crate::error::Location {
                line: u32::try_from(e.line).ok(),
                column: u32::try_from(e.column).ok(),
                ..crate::error::Location::default()
            })
        })?;
        crate::path_de::deserialize(json.to_value()).map_err(|e| {
            Error::new(ErrorKind::DataInvalidMeasures, e.inner().to_string())
                .at_path(e.path().to_string())
        })
    }

    /// The partial of `metric` for `scope`, empty when absent.
    pub fn get(&self, metric: &str, scope: &str) -> Partial {
        self.metrics
            .get(metric)
            .and_then(|scopes| scopes.get(scope))
            .cloned()
            .unwrap_or_default()
    }
}

/// What the measure pass needs of one metric, resolved against one fact table.
#[derive(Clone)]
pub(crate) struct MetricPass<'a> {
    pub id: &'a str,
    pub aggregate: Aggregate,
    pub filter: Option<CompiledFilter>,
    pub field: Option<Field>,
    /// Where the date that places a fact in a period comes from; the fact's date when
    /// `None`.
    pub date: Option<crate::metric::DateSource>,
    /// Whether to keep the sum by customer (`Partial::by_customer`), for `retained(m)`.
    pub by_customer: bool,
}

/// Each owner code's stints (member positions, in org order), in one flat vector rather
/// than a vector per member.
struct StintsByOwner {
    positions: Vec<usize>,
    /// Where each code's positions start in `positions`, and one past the last code's.
    starts: Vec<usize>,
}

impl StintsByOwner {
    fn new(org: &Org, owners: &Dictionary) -> Self {
        let codes: Vec<Option<usize>> = org
            .members
            .iter()
            .map(|m| owners.code(&m.id).map(|c| c as usize))
            .collect();
        let mut starts = vec![0; owners.len() + 1];
        for &code in codes.iter().flatten() {
            starts[code + 1] += 1;
        }
        for code in 0..owners.len() {
            starts[code + 1] += starts[code];
        }
        let mut next = starts.clone();
        let mut positions = vec![0; starts[owners.len()]];
        for (position, code) in codes.into_iter().enumerate() {
            if let Some(code) = code {
                positions[next[code]] = position;
                next[code] += 1;
            }
        }
        StintsByOwner { positions, starts }
    }

    fn of(&self, code: usize) -> &[usize] {
        &self.positions[self.starts[code]..self.starts[code + 1]]
    }
}

/// One pass over the facts of `period`, accumulating every metric per member; `keys` are
/// the org's [`Org::stint_keys`].
pub(crate) fn measure(
    org: &Org,
    keys: &[crate::org::StintKey<'_>],
    facts: &FactTable,
    period: &Period,
    metrics: &[MetricPass<'_>],
    dimensions: &[Field],
) -> Result<Measures> {
    let mut each = measure_each(
        org,
        keys,
        facts,
        &PeriodSet::new(std::slice::from_ref(period)),
        metrics,
        dimensions,
    )?;
    Ok(each.pop().unwrap_or_else(|| empty_measures(period)))
}

fn empty_measures(period: &Period) -> Measures {
    Measures {
        period: PeriodInfo::from(period),
        as_of: None,
        metrics: BTreeMap::new(),
        windows: BTreeMap::new(),
        clawbacks: BTreeMap::new(),
    }
}

/// Periods that do not overlap, in time order: what one pass over the facts measures at
/// once, each fact placed in the period its date falls in.
pub(crate) struct PeriodSet<'a> {
    periods: &'a [Period],
}

impl<'a> PeriodSet<'a> {
    /// The set of `periods`, which must be in time order without overlapping
    /// ([`PeriodSet::layers`] makes such sets).
    pub(crate) fn new(periods: &'a [Period]) -> Self {
        debug_assert!(periods.windows(2).all(|w| w[0].end() <= w[1].start()));
        PeriodSet { periods }
    }

    /// `periods` in sets of periods that do not overlap, each in time order (the months
    /// of a series in one, its quarters in another, a year to date in a third …): each
    /// period joins the first set it overlaps nothing in, at its place in time. A series
    /// has dozens of periods, so the sets are searched rather than sorted (which keeps a
    /// sort's code out of the browser module).
    pub(crate) fn layers(periods: &[Period]) -> Vec<Vec<Period>> {
        let mut layers: Vec<Vec<Period>> = Vec::new();
        for period in periods {
            let overlaps = |p: &Period| p.start() < period.end() && period.start() < p.end();
            match layers.iter_mut().find(|layer| !layer.iter().any(overlaps)) {
                Some(layer) => {
                    let at = layer
                        .iter()
                        .take_while(|p| p.start() < period.start())
                        .count();
                    layer.insert(at, *period);
                }
                None => layers.push(vec![*period]),
            }
        }
        layers
    }

    fn len(&self) -> usize {
        self.periods.len()
    }

    /// The first day of the first period and the last of the last.
    fn span(&self) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
        let (first, last) = (self.periods.first()?, self.periods.last()?);
        Some((first.start(), last.last_day(), last.end()))
    }

    /// The position of the period `date` falls in, if any.
    #[inline]
    fn index_of(&self, date: NaiveDate) -> Option<usize> {
        if let [only] = self.periods {
            return only.contains(date).then_some(0);
        }
        let after = self.periods.partition_point(|p| p.start() <= date);
        let at = after.checked_sub(1)?;
        self.periods[at].contains(date).then_some(at)
    }
}

/// One pass over the facts of every period of `periods`, accumulating every metric per
/// member and period: each fact's date is placed once, in the period it falls in, so a
/// trend of 24 months costs about one month's scan, not 24. The measures of each period,
/// in the set's order, are those [`measure`] gives for it alone.
pub(crate) fn measure_each(
    org: &Org,
    keys: &[crate::org::StintKey<'_>],
    facts: &FactTable,
    periods: &PeriodSet<'_>,
    metrics: &[MetricPass<'_>],
    dimensions: &[Field],
) -> Result<Vec<Measures>> {
    let Some((first, last, end)) = periods.span() else {
        return Ok(Vec::new());
    };
    // Scope slots: one per member stint, then `unassigned`. Each row's slot is found
    // once (its owner's stint on its date), so the per-metric loops do no string work.
    let unassigned = org.members.len();
    let owners: &Dictionary = facts.dictionary(Column::Owner);
    let stints = StintsByOwner::new(org, owners);
    let stints_of_owner: Vec<&[usize]> = (0..owners.len()).map(|c| stints.of(c)).collect();
    let owner_codes = facts.codes(Column::Owner);
    let fixed_slot = fixed_slots(org, &stints_of_owner, first, end);
    let slots = Slots {
        org,
        facts,
        owner_codes,
        stints_of_owner: &stints_of_owner,
        fixed_slot: &fixed_slot,
        unassigned,
        periods,
        first,
        last,
        len: facts.len(),
    };
    let scopes = unassigned + 1;
    // The common metric is summed in one fused scan; the others share per-source rows.
    let fused: Vec<Option<FusedSums>> = metrics
        .iter()
        .map(|metric| fused_sum(&slots, metric, dimensions, scopes))
        .collect();
    let scanned: Vec<&MetricPass<'_>> = metrics
        .iter()
        .zip(&fused)
        .filter(|(_, sums)| sums.is_none())
        .map(|(metric, _)| metric)
        .collect();
    let rows_for = rows_by_date_source(&slots, facts, &scanned);
    // The slots in the order of their keys: the scopes' map is then built from sorted
    // entries, without a sort's worth of string comparisons per metric. Sorted by each
    // key's first eight bytes as an integer first, so that only keys sharing them are
    // compared as strings (the same order: see `byte_prefix`).
    let mut key_order: Vec<(u64, &str, usize)> = (0..=unassigned)
        .map(|slot| {
            let key = keys.get(slot).map_or(UNASSIGNED, |key| &**key);
            (byte_prefix(key), key, slot)
        })
        .collect();
    key_order.sort_unstable();

    let mut each = Vec::with_capacity(periods.len());
    for (index, period) in periods.periods.iter().enumerate() {
        let mut result = BTreeMap::new();
        for (metric, fused) in metrics.iter().zip(&fused) {
            // Dimension values (a region, a channel …) are scopes too, keyed `field=value`.
            let mut by_value: BTreeMap<String, Partial> = BTreeMap::new();
            let mut slots = match fused {
                Some(sums) => sums.partials(index, scopes),
                None => measure_rows(
                    metric,
                    facts,
                    dimensions,
                    &rows_for[&metric.date.as_ref()][index],
                    scopes,
                    &mut by_value,
                )
                .map_err(|e| {
                    e.context(format_args!("measuring metric `{}`", metric.id))
                        .at_path(format!("metrics.{}", metric.id))
                })?,
            };
            let scopes: BTreeMap<String, Partial> = key_order
                .iter()
                .filter_map(|&(_, key, slot)| {
                    let mut p = std::mem::take(&mut slots[slot]);
                    p.values.sort_unstable();
                    (p.count > 0).then(|| (key.to_owned(), p))
                })
                .chain(by_value.into_iter().map(|(key, mut p)| {
                    p.values.sort_unstable();
                    (key, p)
                }))
                .into_map();
            result.insert(metric.id.to_owned(), scopes);
        }
        each.push(Measures {
            metrics: result,
            ..empty_measures(period)
        });
    }
    Ok(each)
}

/// The amounts a metric adds must be in one currency: the plan's (`currency`), or else
/// the same for every fact the metric reads. A fact's currency is its
/// `attributes.currency`; a fact without one is in the plan's currency. An error
/// (`data.currency_mismatch`) names the first fact that breaks the rule.
///
/// Most tables have no `currency` attribute, or one currency throughout (checked in one
/// pass over the column); only a table with several currencies, or another than the
/// plan's, is checked metric by metric, over the facts each metric reads in `period`.
pub(crate) fn check_currencies(
    facts: &FactTable,
    period: &Period,
    metrics: &[MetricPass<'_>],
    plan: Option<&str>,
) -> Result<()> {
    let Some(column) = facts.attribute("currency") else {
        return Ok(());
    };
    let amounts = facts.amounts();
    let currency_of = |row: usize| match column.get(row) {
        Some(Some(Attribute::Text(code))) => Some(code.as_str()),
        _ => None,
    };
    // One currency in the whole table, and the plan's (if it names one): nothing to add
    // up wrongly.
    let mut seen: Option<&str> = None;
    let mixed = (0..facts.len()).any(|row| {
        let Some(code) = currency_of(row).filter(|_| amounts.get(row).is_some()) else {
            return false;
        };
        let first = *seen.get_or_insert(code);
        code != first || plan.is_some_and(|p| p != code)
    });
    if !mixed {
        return Ok(());
    }
    let dates = facts.dates();
    for metric in metrics.iter().filter(|m| m.field == Some(Field::Amount)) {
        let mut expected: Option<(&str, Option<usize>)> = plan.map(|p| (p, None));
        for (row, own) in dates.iter().enumerate() {
            let date = match &metric.date {
                None => Some(*own),
                Some(source) => source.date_of(facts, row),
            };
            if !date.is_some_and(|d| period.contains(d)) || amounts.get(row).is_none() {
                continue;
            }
            if let Some(filter) = &metric.filter
                && !filter.matches(facts, row)?
            {
                continue;
            }
            let Some(code) = currency_of(row).or(plan) else {
                continue;
            };
            match expected {
                None => expected = Some((code, Some(row))),
                Some((want, _)) if want == code => {}
                Some((want, first)) => {
                    let why = match first {
                        None => format!("the plan's amounts are in {want} (`currency`)"),
                        Some(first) => format!(
                            "fact `{}` (row {first}), also summed by it, is in {want}",
                            facts.id_of(first)
                        ),
                    };
                    return Err(Error::new(
                        ErrorKind::DataCurrencyMismatch,
                        format!(
                            "metric `{}` would add amounts of different currencies: fact `{}` is in {code}, but {why}; convert amounts when they are read (a mapping's `home_currency`) or filter the metric to one currency",
                            metric.id,
                            facts.id_of(row)
                        ),
                    )
                    .at(crate::error::Location {
                        path: Some(format!("[{row}].attributes.currency")),
                        row: Some(row as u64),
                        ..crate::error::Location::default()
                    }));
                }
            }
        }
    }
    Ok(())
}

/// The first eight bytes of `key` as a big-endian integer, zero-padded. Keys ordered by it
/// are in the order of their bytes (a string's `Ord`) but for keys it ties, which start
/// with the same eight bytes (or one is the other padded with zero bytes): comparing the
/// strings after it gives exactly the strings' order.
fn byte_prefix(key: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let head = &key.as_bytes()[..key.len().min(8)];
    bytes[..head.len()].copy_from_slice(head);
    u64::from_be_bytes(bytes)
}

/// The partials per slot of one metric over the rows found for its date source, and its
/// dimension values into `by_value`.
fn measure_rows(
    metric: &MetricPass<'_>,
    facts: &FactTable,
    dimensions: &[Field],
    rows: &Rows,
    slot_count: usize,
    by_value: &mut BTreeMap<String, Partial>,
) -> Result<Vec<Partial>> {
    let mut slots = vec![Partial::default(); slot_count];
    let passes = |row: usize| match &metric.filter {
        Some(filter) => filter
            .matches(facts, row)
            .map_err(|e| at_row(e, facts, row)),
        None => Ok(true),
    };
    let whole = if summed_as_integers(metric, dimensions, facts, &rows.whole, &mut slots)
        || distinct_by_codes(metric, dimensions, facts, &rows.whole, &mut slots, passes)?
    {
        &[][..]
    } else {
        &rows.whole[..]
    };
    for &(row, slot) in whole {
        let (row, slot) = (row as usize, slot as usize);
        if !passes(row)? {
            continue;
        }
        accumulate(&mut slots[slot], metric, facts, row, None)?;
        for dimension in dimensions {
            let key = dimension_key(dimension, field_text(facts, dimension, row).as_deref());
            accumulate(by_value.entry(key).or_default(), metric, facts, row, None)?;
        }
    }
    // Split facts: each owner gets their share; a dimension value gets the whole fact.
    let mut previous = None;
    for &(row, slot, share) in &rows.split {
        if !passes(row)? {
            continue;
        }
        accumulate(&mut slots[slot], metric, facts, row, Some(share))?;
        if previous != Some(row) {
            for dimension in dimensions {
                let key = dimension_key(dimension, field_text(facts, dimension, row).as_deref());
                accumulate(by_value.entry(key).or_default(), metric, facts, row, None)?;
            }
        }
        previous = Some(row);
    }
    Ok(slots)
}

/// An error about the fact at `row`: its index and id.
pub(crate) fn at_row(error: Error, facts: &FactTable, row: usize) -> Error {
    let location = crate::error::Location {
        row: Some(row as u64),
        ..error.location().clone()
    };
    error
        .context(format_args!("fact `{}` (row {row})", facts.id_of(row)))
        .at(location)
}

/// The facts of each period for each date source the metrics use (the fact's date, or a
/// date attribute), found once per source.
fn rows_by_date_source<'m>(
    slots: &Slots<'_>,
    facts: &FactTable,
    metrics: &[&'m MetricPass<'_>],
) -> HashMap<Option<&'m crate::metric::DateSource>, Vec<Rows>> {
    let dates = facts.dates();
    let mut rows_for = HashMap::new();
    for metric in metrics {
        let source = metric.date.as_ref();
        if rows_for.contains_key(&source) {
            continue;
        }
        let rows = match source {
            None => slots.rows(|row| Some(dates[row])),
            // A day outside the supported range places the fact nowhere.
            Some(source) => slots.rows(|row| source.date_of(facts, row)),
        };
        rows_for.insert(source, rows);
    }
    rows_for
}

/// The common case, a sum or an average of `amount` with no dimension scopes and a
/// filter that cannot fail: adds the whole facts' amounts as integers into `slots` and
/// returns `true`; `false` (nothing added) when the case does not apply or a sum would
/// not fit a decimal (the row path then says which).
fn summed_as_integers(
    metric: &MetricPass<'_>,
    dimensions: &[Field],
    facts: &FactTable,
    rows: &[(u32, u32)],
    slots: &mut [Partial],
) -> bool {
    let filter = metric.filter.as_ref();
    if !sums_amounts(metric, dimensions) || filter.is_some_and(CompiledFilter::can_fail) {
        return false;
    }
    // The filter cannot fail (checked above), so an error never happens here.
    let passes = |row: usize| filter.is_none_or(|f| f.matches(facts, row).unwrap_or(false));
    facts
        .amounts()
        .sum_by_slot(rows, slots.len(), passes)
        .is_some_and(|(sums, scale)| add_sums(slots, &sums, scale))
}

/// A distinct count of a text column (`customer`, `status` …) with no dimension scopes:
/// counts the whole facts by code, then turns each scope's distinct codes into its set of
/// texts once, instead of a string and a set insertion per fact; returns `true` when it
/// applied (the facts are counted), `false` otherwise (nothing counted).
fn distinct_by_codes(
    metric: &MetricPass<'_>,
    dimensions: &[Field],
    facts: &FactTable,
    rows: &[(u32, u32)],
    slots: &mut [Partial],
    passes: impl Fn(usize) -> Result<bool>,
) -> Result<bool> {
    let (Aggregate::CountDistinct, Some(Field::Column(column)), []) =
        (metric.aggregate, &metric.field, dimensions)
    else {
        return Ok(false);
    };
    let (dictionary, codes) = (facts.dictionary(*column), facts.codes(*column));
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for &(row, slot) in rows {
        if !passes(row as usize)? {
            continue;
        }
        let partial = &mut slots[slot as usize];
        partial.count += 1;
        match codes.get(row as usize) {
            Dictionary::NONE => partial.missing += 1,
            code => pairs.push((slot, code)),
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    for scope in pairs.chunk_by(|a, b| a.0 == b.0) {
        let mut texts: Vec<&str> = scope
            .iter()
            .filter_map(|&(_, code)| dictionary.get(code))
            .collect();
        texts.sort_unstable();
        // Sorted: the set is built in one pass.
        slots[scope[0].0 as usize].distinct = texts.into_iter().map(str::to_owned).into_set();
    }
    Ok(true)
}

/// Whether `metric` is a sum or an average of `amount` with no dimension scopes and no
/// sums by customer: the case summed as integers.
fn sums_amounts(metric: &MetricPass<'_>, dimensions: &[Field]) -> bool {
    dimensions.is_empty()
        && !metric.by_customer
        && matches!(metric.aggregate, Aggregate::Sum | Aggregate::Average)
        && metric.field == Some(Field::Amount)
}

/// Adds integer sums into `slots`; `false` (nothing added) when one does not fit a decimal.
fn add_sums(slots: &mut [Partial], sums: &[ScaledSum], scale: u32) -> bool {
    let Some(values) = sums
        .iter()
        .map(|s| s.to_decimal(scale))
        .collect::<Option<Vec<Decimal>>>()
    else {
        return false;
    };
    // The slots are empty: their sums are the integer sums.
    for ((partial, sum), value) in slots.iter_mut().zip(sums).zip(values) {
        partial.count = sum.count;
        partial.missing = sum.missing;
        partial.sum = value;
    }
    true
}

/// A metric's sums from the fused scan: `slot_count` slots per period, period after
/// period, each known to fit a decimal.
struct FusedSums {
    sums: Vec<ScaledSum>,
    scale: u32,
}

impl FusedSums {
    /// The partials of the `index`-th period's `slot_count` slots.
    fn partials(&self, index: usize, slot_count: usize) -> Vec<Partial> {
        let mut partials = vec![Partial::default(); slot_count];
        let from = index * slot_count;
        // Every sum was checked to fit when the scan ended.
        add_sums(
            &mut partials,
            &self.sums[from..from + slot_count],
            self.scale,
        );
        partials
    }
}

/// The most slots (scopes × periods) one fused scan of several periods sums into: 5,000
/// members over 52 periods. Each slot's sum takes 48 bytes while the metrics of the pass
/// are measured, so beyond this the periods go the row path, whose memory follows the
/// facts rather than the periods.
const SERIES_FUSED_SLOTS: usize = 1 << 18;

/// The sums per slot of a metric summed in one fused scan of the table (see
/// `fact::scan`), or `None` when that does not apply: another aggregate, a date
/// attribute, dimension scopes, credit splits, an owner who changes team between the
/// first and the last day measured (one period's, or a series' several), a filter that
/// is not a conjunction of code tests, too many slots, or a sum that does not fit a
/// decimal (the row path then names the fact).
fn fused_sum(
    slots: &Slots<'_>,
    metric: &MetricPass<'_>,
    dimensions: &[Field],
    slot_count: usize,
) -> Option<FusedSums> {
    let facts = slots.facts;
    if !sums_amounts(metric, dimensions) || metric.date.is_some() || facts.has_splits() {
        return None;
    }
    // The browser module keeps one scan loop: several periods there go the way of the
    // other metrics (one pass over the rows, then a sum per period).
    let periods = slots.periods.len();
    if periods > 1 && cfg!(target_arch = "wasm32") {
        return None;
    }
    let mut slot_of_owner = slots
        .fixed_slot
        .iter()
        .map(|slot| slot.and_then(|s| u32::try_from(s).ok()))
        .collect::<Option<Vec<u32>>>()?;
    slot_of_owner.push(u32::try_from(slots.unassigned).ok()?);
    let tests = match &metric.filter {
        Some(filter) => filter.code_tests(facts)?,
        None => Vec::new(),
    };
    let dates = facts.dates();
    let scan = RowScan {
        dates,
        first: slots.first,
        last: slots.last,
        tests: &tests,
        owners: slots.owner_codes,
        slot_of_owner: &slot_of_owner,
    };
    let total = slot_count.checked_mul(periods)?;
    if periods > 1 && total > SERIES_FUSED_SLOTS {
        return None;
    }
    let (sums, scale) = if periods == 1 {
        facts.amounts().sum_scan(&scan, total, |_, slot| slot)?
    } else {
        // Period after period, `slot_count` slots each; a row dropped by the filter, or
        // dated between two of the periods, goes to the slot left out (`total`).
        let place = |row: usize, slot: usize| match slots.periods.index_of(dates[row]) {
            Some(period) if slot < slot_count => period * slot_count + slot,
            _ => total,
        };
        facts.amounts().sum_scan(&scan, total, place)?
    };
    sums.iter()
        .all(|sum| sum.to_decimal(scale).is_some())
        .then_some(FusedSums { sums, scale })
}

/// The measures key of a dimension value: `attributes.region=华东`; a fact without a value
/// is under `attributes.region=` (shown as `(none)`), so nothing is dropped.
pub(crate) fn dimension_key(field: &Field, value: Option<&str>) -> String {
    format!("{}={}", field.name(), value.unwrap_or(""))
}

/// The slot of each owner who has one for every date from `start` to before `end` (one
/// stint covering them, or none: `unassigned`), so the scan looks it up once rather than
/// per fact.
fn fixed_slots(
    org: &Org,
    stints_of_owner: &[&[usize]],
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<Option<usize>> {
    let unassigned = org.members.len();
    stints_of_owner
        .iter()
        .map(|stints| match stints {
            [] => Some(unassigned),
            [only] if covers_days(&org.members[*only], start, end) => Some(*only),
            _ => None,
        })
        .collect()
}

/// Whether `member`'s stint covers every day from `start` to before `end`.
fn covers_days(member: &crate::org::Member, start: NaiveDate, end: NaiveDate) -> bool {
    member.from.is_none_or(|f| f <= start) && member.until.is_none_or(|u| end <= u)
}

/// From this many facts, a measure pass scans them on two threads.
const PARALLEL_ROWS: usize = 1_000_000;

/// The facts of a period: those credited whole to one scope (row and slot, as `u32` to
/// halve what the per-metric loops read), and the shares of split ones.
#[derive(Default)]
struct Rows {
    whole: Vec<(u32, u32)>,
    split: Vec<(usize, usize, Decimal)>,
}

/// Finds the facts of each period and the scope slot each credits.
struct Slots<'a> {
    org: &'a Org,
    facts: &'a FactTable,
    owner_codes: CodeSlice<'a>,
    stints_of_owner: &'a [&'a [usize]],
    fixed_slot: &'a [Option<usize>],
    unassigned: usize,
    periods: &'a PeriodSet<'a>,
    /// The first day of the first period and the last day of the last.
    first: NaiveDate,
    last: NaiveDate,
    len: usize,
}

impl Slots<'_> {
    /// For each period, the rows whose date (by `date_of`) is in it, with their owner's
    /// stint on that date (or `unassigned`); and, for facts with credit splits, one entry
    /// per owner with its share. Generic, so the common case compiles to a tight loop.
    fn rows(&self, date_of: impl Fn(usize) -> Option<NaiveDate> + Sync) -> Vec<Rows> {
        // The scan over every fact is the pass's heaviest part: two halves on two threads
        // for a large table, joined in row order (the result does not depend on it).
        if self.len >= PARALLEL_ROWS && cfg!(not(target_arch = "wasm32")) {
            let middle = self.len / 2;
            let (mut first, second) = crate::parallel::both(
                || self.rows_in(0..middle, &date_of),
                || self.rows_in(middle..self.len, &date_of),
            );
            for (first, second) in first.iter_mut().zip(second) {
                first.whole.extend(second.whole);
                first.split.extend(second.split);
            }
            return first;
        }
        self.rows_in(0..self.len, &date_of)
    }

    fn rows_in(
        &self,
        range: std::ops::Range<usize>,
        date_of: &impl Fn(usize) -> Option<NaiveDate>,
    ) -> Vec<Rows> {
        let mut each: Vec<Rows> = (0..self.periods.len()).map(|_| Rows::default()).collect();
        let compact = |n: usize| u32::try_from(n).expect("fewer than 2^32 facts and scopes");
        for row in range {
            let Some(date) = date_of(row).filter(|d| (self.first..=self.last).contains(d)) else {
                continue;
            };
            let Some(index) = self.periods.index_of(date) else {
                continue;
            };
            let rows = &mut each[index];
            let code = self.owner_codes.get(row);
            if code != Dictionary::NONE {
                rows.whole
                    .push((compact(row), compact(self.slot(code, date))));
            } else if let Some(credits) = self.facts.splits(row) {
                for &(owner, share) in credits {
                    rows.split.push((row, self.slot(owner, date), share));
                }
            } else {
                rows.whole.push((compact(row), compact(self.unassigned)));
            }
        }
        each
    }

    /// The stint of the owner with dictionary `code` on `date`, or `unassigned`.
    fn slot(&self, code: u32, date: NaiveDate) -> usize {
        if let Some(slot) = self.fixed_slot[code as usize] {
            return slot;
        }
        self.stints_of_owner[code as usize]
            .iter()
            .copied()
            .find(|&i| self.org.members[i].covers(date))
            .unwrap_or(self.unassigned)
    }
}

/// Adds the fact at `row` to `partial`, keeping what `metric`'s aggregate needs. A
/// `share` credits part of the fact: its count and its value are scaled by the share
/// (minimums, maximums and distinct values see the whole fact; a median keeps it once,
/// by its id). An error when a sum leaves the exact decimal range.
#[inline] // so the whole-fact loop can drop the share arithmetic
fn accumulate(
    partial: &mut Partial,
    metric: &MetricPass<'_>,
    facts: &FactTable,
    row: usize,
    share: Option<Decimal>,
) -> Result<()> {
    let overflow = || at_row(crate::decimal::overflow("the sum"), facts, row);
    partial.count = partial.count.checked_add(1).ok_or_else(overflow)?;
    let part_missed = |partial: &mut Partial| -> Result<()> {
        partial.missing = partial.missing.checked_add(1).ok_or_else(overflow)?;
        if let Some(share) = share {
            partial.missing_adjust = (share.try_sub(Decimal::ONE))
                .and_then(|d| partial.missing_adjust.try_add(d))
                .ok_or_else(overflow)?;
        }
        Ok(())
    };
    if let Some(share) = share {
        partial.count_adjust = (share.try_sub(Decimal::ONE))
            .and_then(|d| partial.count_adjust.try_add(d))
            .ok_or_else(overflow)?;
    }
    let Some(field) = &metric.field else {
        return Ok(());
    };
    if metric.aggregate == Aggregate::CountDistinct {
        match field_text(facts, field, row) {
            Some(text) => {
                partial.distinct.insert(text);
            }
            None => part_missed(partial)?,
        }
        return Ok(());
    }
    let value = match field {
        Field::Amount => facts.amounts().get(row),
        Field::Attribute(name) => match facts.attribute(name).and_then(|c| c[row].as_ref()) {
            Some(Attribute::Number(n)) => Some(*n),
            _ => None,
        },
        Field::Column(_) => None,
        Field::Computed(values) => values
            .binary_search_by_key(&row, |(r, _)| *r)
            .ok()
            .and_then(|i| values.get(i))
            .map(|(_, v)| *v),
        Field::Days(from) => days_since(facts, row, from),
    };
    let Some(value) = value else {
        return part_missed(partial);
    };
    let credited = match share {
        Some(share) => value.try_mul(share).ok_or_else(overflow)?,
        None => value,
    };
    partial.sum = crate::decimal::exact_add(partial.sum, credited).ok_or_else(overflow)?;
    if metric.by_customer
        && let Some(customer) = facts
            .dictionary(Column::Customer)
            .get(facts.codes(Column::Customer).get(row))
    {
        let total = partial
            .by_customer
            .entry(customer.to_owned())
            .or_insert(Decimal::ZERO);
        *total = crate::decimal::exact_add(*total, credited).ok_or_else(overflow)?;
    }
    match metric.aggregate {
        Aggregate::Min => partial.min = Some(partial.min.map_or(value, |m| m.min(value))),
        Aggregate::Max => partial.max = Some(partial.max.map_or(value, |m| m.max(value))),
        Aggregate::Median if share.is_some() => {
            let id = facts.id_of(row).to_owned();
            partial.shared_values.insert(id, value);
        }
        Aggregate::Median => partial.values.push(value),
        _ => {}
    }
    Ok(())
}

/// The days from the fact's date attribute `from` to its own date, negative when the
/// attribute is later; `None` when it is missing or not a supported day.
fn days_since(facts: &FactTable, row: usize, from: &str) -> Option<Decimal> {
    let since = crate::metric::attribute_date(facts, row, from)?;
    let date = facts.dates().get(row)?;
    // Both days are in the supported range, so the difference cannot overflow.
    Some(Decimal::from(date.signed_duration_since(since).num_days()))
}

/// The text of a field, for distinct counts.
fn field_text(facts: &FactTable, field: &Field, row: usize) -> Option<String> {
    match field {
        Field::Amount => facts.amounts().get(row).map(|a| a.normalize().to_string()),
        Field::Column(column) => facts
            .dictionary(*column)
            .get(facts.codes(*column).get(row))
            .map(str::to_owned),
        Field::Attribute(name) => match facts.attribute(name).and_then(|c| c[row].as_ref()) {
            Some(Attribute::Text(t)) => Some(t.clone()),
            Some(Attribute::Number(n)) => Some(n.normalize().to_string()),
            Some(Attribute::Bool(b)) => Some(b.to_string()),
            None => None,
        },
        Field::Computed(_) => None,
        Field::Days(from) => days_since(facts, row, from).map(|d| d.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Skipping a zero part gives exactly the sum, scale included: `1.5 + 0.00` is
        /// `1.50`, so that zero is added, and `1.50 + 0` is skipped.
        #[test]
        fn skipped_additions_are_exact(total in -10_000i64..10_000, total_scale in 0u32..6, part in -3i64..3, part_scale in 0u32..6) {
            let (total, part) = (Decimal::new(total, total_scale), Decimal::new(part, part_scale));
            let skipped = add_unless_noop(total, part).unwrap();
            let sum = total + part;
            proptest::prop_assert_eq!((skipped, skipped.scale()), (sum, sum.scale()));
        }
    }

    #[test]
    fn merging_empty_parts_keeps_what_is_kept() {
        let mut total = Partial {
            sum: Decimal::new(150, 1),
            count: 2,
            min: Some(Decimal::ONE),
            values: vec![Decimal::TWO, Decimal::ONE],
            ..Partial::default()
        };
        total.merge(&Partial::default()).unwrap();
        assert_eq!(total.min, Some(Decimal::ONE));
        assert_eq!(total.values, vec![Decimal::ONE, Decimal::TWO], "in order");
        total
            .merge(&Partial {
                count: 1,
                max: Some(Decimal::TEN),
                values: vec![Decimal::ZERO],
                distinct: ["a".to_owned()].into(),
                ..Partial::default()
            })
            .unwrap();
        assert_eq!((total.count, total.max), (3, Some(Decimal::TEN)));
        assert_eq!(
            total.values,
            vec![Decimal::ZERO, Decimal::ONE, Decimal::TWO]
        );
        assert_eq!(total.distinct.len(), 1);
    }

    proptest::proptest! {
        /// Keys sorted by their byte prefix, then as strings, are in the strings' order,
        /// for any keys: short, long, sharing their first eight bytes, with zero bytes or
        /// multi-byte characters.
        #[test]
        fn the_byte_prefix_orders_keys_as_strings(
            keys in proptest::collection::vec("(r|rep-|\\x00|华东)?[a-c0-9\\x00~]{0,12}", 0..60),
        ) {
            let mut by_prefix: Vec<(u64, &str)> = keys.iter().map(|k| (byte_prefix(k), k.as_str())).collect();
            by_prefix.sort_unstable();
            let mut by_string: Vec<&str> = keys.iter().map(String::as_str).collect();
            by_string.sort_unstable();
            let ordered: Vec<&str> = by_prefix.into_iter().map(|(_, k)| k).collect();
            proptest::prop_assert_eq!(ordered, by_string);
        }
    }
}
