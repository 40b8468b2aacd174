//! Running documents in parallel on plain threads that take the next job from a shared
//! counter.
//!
//! Not rayon: typst parallelises inside a compile with rayon, and a rayon worker that waits
//! there steals other top-level documents and compiles them *on top of its current stack*.
//! Nested compiles then pile up: memory grew with the size of the batch (1.2 GB for 3,000
//! letters on two threads) and small stacks overflowed. On plain threads typst's inner
//! parallelism goes to rayon's global pool, and each thread holds one document at a time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Worker threads: `LMCPRESS_THREADS` if set, else one per core.
pub fn threads() -> usize {
    std::env::var("LMCPRESS_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// `f` applied to every item on [`threads`] threads; results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_on(threads(), items, f)
}

/// [`map`] on `workers` threads.
pub fn map_on<T: Sync, R: Send>(workers: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let workers = workers.min(items.len()).max(1);
    std::thread::scope(|scope| {
        for i in 0..workers {
            let (next, results, f) = (&next, &results, &f);
            std::thread::Builder::new()
                .name(format!("lmcpress-{i}"))
                // typst recurses deeply on nested content.
                .stack_size(32 << 20)
                .spawn_scoped(scope, move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        let result = f(item);
                        results.lock().unwrap_or_else(|e| e.into_inner()).push((index, result));
                    }
                })
                .expect("failed to start a worker thread");
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_visits_each_item_once() {
        let items: Vec<usize> = (0..1000).collect();
        let out = super::map(&items, |i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u8], |_| 0).is_empty());
    }
}
