//! Leaderboards: ranks within each goal, and a weighted score across each member's and
//! each team's goals.

use rust_decimal::Decimal;

use crate::decimal::TryArithmetic;
use crate::org::{ScopeKind, UNASSIGNED};
use crate::report::{ScoreRow, ScorecardRow};

/// Competition ranks ("1, 2, 2, 4") by descending value; no value, no rank.
///
/// Leaderboards have thousands of rows and decimal comparisons are slow, so the values
/// are sorted by their `f64` approximations first; an insertion pass with exact
/// comparisons then fixes the few neighbours the approximation may have swapped (values
/// within a rounding error of each other), in near-linear time.
fn competition_ranks(values: &[Option<Decimal>]) -> Vec<Option<u32>> {
    // (key, position): 16 bytes to move while sorting; the decimals are looked up.
    let mut order: Vec<(f64, usize)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (sort_key(v), i)))
        .collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let value = |(_, i): (f64, usize)| values[i].unwrap_or_default();
    // Keys clearly apart are in the decimals' order and unequal: only near keys are
    // compared exactly (a decimal comparison costs as much as a hundred float ones).
    let before = |a: (f64, usize), b: (f64, usize)| !apart(a.0, b.0) && value(a) < value(b);
    let same = |a: (f64, usize), b: (f64, usize)| !apart(a.0, b.0) && value(a) == value(b);
    for sorted in 1..order.len() {
        let mut j = sorted;
        while j > 0 && before(order[j - 1], order[j]) {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut ranks = vec![None; values.len()];
    let mut rank = None;
    for (position, &entry) in order.iter().enumerate() {
        // Ties share the rank of the first of them.
        if position == 0 || !same(order[position - 1], entry) {
            rank = u32::try_from(position + 1).ok();
        }
        ranks[entry.1] = rank;
    }
    ranks
}

/// Whether two sort keys are too far apart for [`sort_key`]'s rounding (a few parts in
/// 10^16) to have swapped or merged their decimals.
fn apart(a: f64, b: f64) -> bool {
    (a - b).abs() > 1e-12 * a.abs().max(b.abs())
}

/// An `f64` near `value` that orders values as they are ordered, except that values
/// closer together than an `f64` tells apart may tie or swap (the exact pass after the sort
/// puts those right). `Decimal::to_f64` is exact to the last bit and several times slower;
/// the mantissa over a power of ten is close enough for sorting.
fn sort_key(value: Decimal) -> f64 {
    const POWERS: [f64; 29] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28,
    ];
    // Lossy by design: a mantissa has up to 96 bits, and the key needs only the order.
    #[allow(clippy::cast_precision_loss)]
    let mantissa = value.mantissa() as f64;
    mantissa / POWERS[value.scale() as usize]
}

/// Ranks the rows of each goal and scope kind by attainment, best first; ties share a
/// rank. `unassigned` and the company are not ranked.
pub(crate) fn rank_rows(rows: &mut [ScorecardRow]) {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    {
        let mut group_of: hashbrown::HashMap<(&str, ScopeKind), usize> = hashbrown::HashMap::new();
        // A goal's rows come one after another: the previous row's group, without hashing.
        let mut previous: Option<((&str, ScopeKind), usize)> = None;
        for (i, row) in rows.iter().enumerate() {
            if row.id != UNASSIGNED && row.scope != ScopeKind::Company {
                let key = (row.goal.as_str(), row.scope);
                let group = match previous {
                    Some((last, group)) if last == key => group,
                    _ => *group_of.entry(key).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    }),
                };
                previous = Some((key, group));
                groups[group].push(i);
            }
        }
    }
    for members in &groups {
        let values: Vec<Option<Decimal>> = members.iter().map(|&i| rows[i].attainment).collect();
        for (&i, rank) in members.iter().zip(competition_ranks(&values)) {
            rows[i].rank = rank;
        }
    }
}

/// Each member's and each team's weighted score: the weighted mean of the attainments of
/// their goals in the period (`Σ weight × attainment / Σ weight`, goals without an
/// attainment left out), ranked within members and within teams.
/// `goal_index` finds a goal's position in the plan, for the path of an overflow error.
pub(crate) fn scores(
    rows: &[ScorecardRow],
    goal_index: &dyn Fn(&str) -> Option<usize>,
) -> crate::error::Result<Vec<ScoreRow>> {
    // Σ weight × attainment, Σ weight, goals counted, and the first row of each scope, in
    // the order scopes first appear.
    let mut position: hashbrown::HashMap<(ScopeKind, &str), usize> =
        hashbrown::HashMap::with_capacity(rows.len());
    let mut sums: Vec<(Decimal, Decimal, u32, &ScorecardRow)> = Vec::with_capacity(rows.len());
    for row in rows {
        if row.id == UNASSIGNED || !matches!(row.scope, ScopeKind::Member | ScopeKind::Team) {
            continue;
        }
        let at = *position
            .entry((row.scope, row.id.as_str()))
            .or_insert_with(|| {
                sums.push((Decimal::ZERO, Decimal::ZERO, 0, row));
                sums.len() - 1
            });
        if let Some(a) = row.attainment {
            let entry = &mut sums[at];
            let overflow = || {
                let path = goal_index(&row.goal)
                    .map_or_else(|| "goals".to_owned(), |i| format!("goals[{i}].weight"));
                crate::decimal::overflow(format_args!(
                    "the weighted score of `{}` (goal `{}`, weight {}, attainment {a})",
                    row.id, row.goal, row.weight
                ))
                .at_path(path)
            };
            entry.0 = row
                .weight
                .try_mul(a)
                .and_then(|weighted| entry.0.try_add(weighted))
                .ok_or_else(overflow)?;
            entry.1 = entry.1.try_add(row.weight).ok_or_else(overflow)?;
            entry.2 = entry.2.saturating_add(1);
        }
    }
    let mut out: Vec<ScoreRow> = sums
        .iter()
        .map(|&(weighted, weights, goals, row)| ScoreRow {
            scope: row.scope,
            id: row.id.clone(),
            name: row.name.clone(),
            team: row.team.clone(),
            score: crate::decimal::ratio(weighted, weights),
            goals,
            rank: None,
        })
        .collect();
    for kind in [ScopeKind::Member, ScopeKind::Team] {
        let indices: Vec<usize> = (0..out.len()).filter(|&i| out[i].scope == kind).collect();
        let values: Vec<Option<Decimal>> = indices.iter().map(|&i| out[i].score).collect();
        for (&i, rank) in indices.iter().zip(competition_ranks(&values)) {
            out[i].rank = rank;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The sorted ranking equals counting, for every value, how many are greater:
        /// also for equal values written at different scales, and for values closer
        /// together than an `f64` can tell apart.
        #[test]
        fn ranks_count_the_values_ahead(values in proptest::collection::vec(proptest::option::of((-50i64..50, 0u8..3)), 0..60)) {
            let values: Vec<Option<Decimal>> = values
                .into_iter()
                .map(|v| v.map(|(n, form)| match form {
                    0 => Decimal::from(n),
                    1 => Decimal::new(n * 10, 1),
                    _ => Decimal::ONE + Decimal::new(n, 25),
                }))
                .collect();
            let naive: Vec<Option<u32>> = values
                .iter()
                .map(|v| {
                    let v = (*v)?;
                    Some(values.iter().flatten().filter(|o| **o > v).count() as u32 + 1)
                })
                .collect();
            proptest::prop_assert_eq!(competition_ranks(&values), naive);
        }
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        let d = |n: i64| Some(Decimal::from(n));
        assert_eq!(
            competition_ranks(&[d(5), d(9), d(5), None, d(1)]),
            [Some(2), Some(1), Some(2), None, Some(4)]
        );
    }
}
