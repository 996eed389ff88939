//! Work split over the machine's two cores: a measure pass's parts of the table ([`both`])
//! and a report's thousands of independent parts (scorecard rows, statements; results
//! keep their order, and the first error in that order is the one returned, as if the
//! parts were done one by one).

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
