//! Ordered maps and sets built one insert at a time.
//!
//! `collect()` into a `BTreeMap` or `BTreeSet` sorts the items first (a stable sort, a
//! dedup and a bulk build, instantiated for each key and value type), and the browser
//! module carries that code once per map type: a few kilobytes each. These helpers give
//! the same result (a later key replaces an earlier one) through `insert`, whose code
//! each map type has anyway. A leaf: it imports nothing of kpi.

use std::collections::{BTreeMap, BTreeSet};

/// `.into_map()` on an iterator of pairs: `collect::<BTreeMap<_, _>>()` without the sort.
pub(crate) trait IntoMap<K: Ord, V>: Iterator<Item = (K, V)> + Sized {
    fn into_map(self) -> BTreeMap<K, V> {
        let mut map = BTreeMap::new();
        for (key, value) in self {
            map.insert(key, value);
        }
        map
    }
}

impl<K: Ord, V, I: Iterator<Item = (K, V)>> IntoMap<K, V> for I {}

/// `.try_into_map()` on an iterator of results of pairs: the map, or the first error.
pub(crate) trait TryIntoMap<K: Ord, V, E>:
    Iterator<Item = Result<(K, V), E>> + Sized
{
    fn try_into_map(self) -> Result<BTreeMap<K, V>, E> {
        let mut map = BTreeMap::new();
        for item in self {
            let (key, value) = item?;
            map.insert(key, value);
        }
        Ok(map)
    }
}

impl<K: Ord, V, E, I: Iterator<Item = Result<(K, V), E>>> TryIntoMap<K, V, E> for I {}

/// `.into_set()` on an iterator: `collect::<BTreeSet<_>>()` without the sort.
pub(crate) trait IntoSet<T: Ord>: Iterator<Item = T> + Sized {
    fn into_set(self) -> BTreeSet<T> {
        let mut set = BTreeSet::new();
        for item in self {
            set.insert(item);
        }
        set
    }
}

impl<T: Ord, I: Iterator<Item = T>> IntoSet<T> for I {}

/// `items` in the order of their `key`, ties in their current order: a stable sort
/// through one shared sort of `(key, position)` pairs. Each `sort_by_key` on a new item
/// type adds its own copy of the stable sort to the browser module (about 3 KB); these
/// pairs have one.
pub(crate) fn sorted_by_key<T>(items: Vec<T>, key: impl Fn(&T) -> u32) -> Vec<T> {
    let mut order: Vec<(u32, u32)> = items
        .iter()
        .zip(0u32..)
        .map(|(item, position)| (key(item), position))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, position)| {
            slots
                .get_mut(usize::try_from(position).ok()?)
                .and_then(Option::take)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_as_collect_with_later_keys_winning() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let collected: BTreeMap<_, _> = pairs.into_iter().collect();
        assert_eq!(pairs.into_iter().into_map(), collected);
        assert_eq!(pairs.into_iter().into_map()["b"], 3);
        let results = [Ok(("x", 1)), Err("bad"), Ok(("y", 2))];
        assert_eq!(results.into_iter().try_into_map(), Err("bad"));
        let sorted = sorted_by_key(vec![("b", 2), ("a", 1), ("c", 2), ("d", 0)], |p| p.1);
        assert_eq!(sorted, vec![("d", 0), ("a", 1), ("b", 2), ("c", 2)]);
        let set = [3, 1, 3].into_iter().into_set();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), vec![1, 3]);
    }
}
