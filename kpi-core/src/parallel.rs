//! Work split over the machine's two cores: a measure pass's parts of the table ([`both`];
//! [`in_parts`] for the sums of amount columns) and a report's thousands of independent
//! parts (scorecard rows, statements; results keep their order, and the first error in
//! that order is the one returned, as if the parts were done one by one).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `each` of `items`, in two halves on two threads when there are at least `from` items
/// (one thread in the browser, whose wasm has no threads), each result pushed onto `out`
/// in the items' order. The first half writes straight into `out`, reserved for every
/// item first, and the second half's vector is sized for it: a report's thousands of rows
/// are moved once, not again each time a vector doubles. On an error, `out` keeps what
/// was pushed before it (callers return the error).
pub(crate) fn in_halves<T: Sync, R: Send, E: Send>(
    items: &[T],
    from: usize,
    out: &mut Vec<R>,
    each: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<(), E> {
    let push_all = |part: &[T], out: &mut Vec<R>| -> Result<(), E> {
        for item in part {
            out.push(each(item)?);
        }
        Ok(())
    };
    out.reserve(items.len());
    if items.len() < from || cfg!(target_arch = "wasm32") {
        return push_all(items, out);
    }
    let (first, second) = items.split_at(items.len() / 2);
    let (done, later) = both(
        || push_all(first, out),
        || {
            let mut part = Vec::with_capacity(second.len());
            push_all(second, &mut part).map(|()| part)
        },
    );
    done?;
    out.extend(later?);
    Ok(())
}

/// `here` on this thread and `there` on a second one (in the browser, one after the
/// other), both done on return.
///
/// The second thread is the pool's (rayon's), which outlives an evaluation: a thread
/// started for each step waited for a core, 1.5 to 3.9 ms in a process's first runs on
/// the shared machines (their kernel packs new threads onto a busy core and moves them
/// later), while a pool thread wakes where it last ran. This thread does its part itself
/// rather than hand both to the pool and wait.
pub(crate) fn both<A, B: Send>(
    here: impl FnOnce() -> A,
    there: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut theirs = None;
        let mine = rayon::in_place_scope(|scope| {
            scope.spawn(|_| theirs = Some(there()));
            here()
        });
        (mine, theirs.expect("a scope waits for the work it spawned"))
    }
    #[cfg(target_arch = "wasm32")]
    {
        let mine = here();
        (mine, there())
    }
}

/// Per-slot sums of parts of the rows, added up.
pub(crate) trait Merge: Send + Clone + Default {
    fn merge(&mut self, other: &Self);
}

/// The sums of `slots` slots over rows `0..rows`, `add`ing parts of the rows into a
/// thread's sums. Many rows are summed on two threads, each taking the next of [`PARTS`]
/// parts until none is left (integer sums do not depend on the order), rather than a half
/// each: a new thread can wait milliseconds for a core on a shared machine (measured: 1.5
/// to 3.9 ms in a process's first runs), and with halves the other thread then waited
/// for it, idle.
pub(crate) fn in_parts<S: Merge>(
    rows: usize,
    slots: usize,
    add: impl Fn(std::ops::Range<usize>, &mut [S]) + Sync,
) -> Vec<S> {
    if rows < PARALLEL_SUM_ROWS || cfg!(target_arch = "wasm32") {
        let mut sums = vec![S::default(); slots];
        add(0..rows, &mut sums);
        return sums;
    }
    let part = rows.div_ceil(PARTS);
    let next = AtomicUsize::new(0);
    let take_parts = || {
        let mut sums = vec![S::default(); slots];
        loop {
            // Which thread takes which part does not matter, only that each is taken once.
            let start = next.fetch_add(part, Ordering::Relaxed);
            if start >= rows {
                return sums;
            }
            add(start..rows.min(start + part), &mut sums);
        }
    };
    let (mut sums, later) = both(take_parts, take_parts);
    for (sum, other) in sums.iter_mut().zip(&later) {
        sum.merge(other);
    }
    sums
}

/// Parts of the rows the two threads take in turn: each a fraction of a millisecond of
/// a 10-million-row scan, so that the threads finish close together.
const PARTS: usize = 64;

/// From this many rows, sums use two threads.
pub(crate) const PARALLEL_SUM_ROWS: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_keep_the_order_and_the_first_error() {
        let items: Vec<u32> = (0..1_000).collect();
        let double = |i: &u32| Ok(i * 2);
        // Below the threshold (one thread) and above it (two), onto what `out` holds.
        for from in [10, 10_000] {
            let mut doubled = vec![7];
            assert_eq!(
                in_halves(&items, from, &mut doubled, double),
                Ok::<_, u32>(())
            );
            let expected: Vec<u32> = std::iter::once(7)
                .chain(items.iter().map(|i| i * 2))
                .collect();
            assert_eq!(doubled, expected);
        }
        // Errors in both halves: the first half's is returned.
        let fail_at = |bad: fn(u32) -> bool| move |&i: &u32| if bad(i) { Err(i) } else { Ok(i) };
        let mut out = Vec::new();
        assert_eq!(
            in_halves(&items, 10, &mut out, fail_at(|i| i % 300 == 299)),
            Err(299)
        );
        // Only the second half fails: its error.
        let mut out = Vec::new();
        assert_eq!(
            in_halves(&items, 10, &mut out, fail_at(|i| i == 900)),
            Err(900)
        );
    }
}
