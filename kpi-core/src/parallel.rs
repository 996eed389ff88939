//! Work split over the machine's two cores where a report has thousands of independent
//! parts (scorecard rows, statements). Results keep their order, and the first error in
//! that order is the one returned, as if the parts were done one by one.

/// `work` over `items`, in two halves on two threads when there are at least `from`
/// items (one thread in the browser, whose wasm has no threads).
pub(crate) fn in_halves<T: Sync, R: Send, E: Send>(
    items: &[T],
    from: usize,
    work: impl Fn(&[T]) -> Result<Vec<R>, E> + Sync,
) -> Result<Vec<R>, E> {
    if items.len() < from || cfg!(target_arch = "wasm32") {
        return work(items);
    }
    let (first, second) = items.split_at(items.len() / 2);
    let (mut out, later) = std::thread::scope(|scope| {
        let later = scope.spawn(|| work(second));
        (
            work(first),
            later.join().expect("report work does not panic"),
        )
    });
    if let Ok(out) = &mut out {
        out.extend(later?);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_keep_the_order_and_the_first_error() {
        let items: Vec<u32> = (0..1_000).collect();
        let doubled = in_halves(&items, 10, |part| {
            Ok::<_, u32>(part.iter().map(|i| i * 2).collect())
        });
        assert_eq!(doubled, Ok((0..1_000).map(|i| i * 2).collect::<Vec<_>>()));
        // Errors in both halves: the first half's is returned.
        let failing = in_halves(&items, 10, |part| {
            match part.iter().find(|&&i| i % 300 == 299) {
                Some(&bad) => Err(bad),
                None => Ok(part.to_vec()),
            }
        });
        assert_eq!(failing, Err(299));
        // Only the second half fails: its error.
        let late = in_halves(&items, 10, |part| match part.iter().find(|&&i| i == 900) {
            Some(&bad) => Err(bad),
            None => Ok(part.to_vec()),
        });
        assert_eq!(late, Err(900));
    }
}
