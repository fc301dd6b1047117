//! The profiler's memory depends on the series (stacks of spans with their labels) and the
//! threads, never on the number of spans: a million spans, spans that never close, and
//! threads that come and go leave it where it was, and every span still reaches the
//! profile.

mod common;

use tracing::info_span;
use usdt_tracing::{Metric, ProfileLayer, Profiler, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

/// The tests compare the profiler's memory before and after their work: one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn profiler() -> &'static Profiler {
    common::profiler(|| ProfileLayer::builder().all())
}

/// `n` spans `bulk` with a child `bulk_child` each, allocating a little.
fn spans(n: u64) {
    for i in 0..n {
        info_span!("bulk", i).in_scope(|| {
            info_span!("bulk_child").in_scope(|| std::hint::black_box(vec![i; 2]));
        });
    }
}

#[test]
fn a_million_spans_leave_the_profiler_s_memory_as_it_was() {
    let _one = serial();
    let profiler = profiler();
    spans(1_000);
    let warm = profiler.stats().unwrap();
    spans(999_000);
    let after = profiler.stats().unwrap();
    assert_eq!(after.series, warm.series, "no new series");
    assert_eq!(
        after.bytes, warm.bytes,
        "no new memory: {warm:?} then {after:?}"
    );
    let p = profiler.snapshot().unwrap();
    assert_eq!(p.value(&["bulk"], Metric::Spans), Some(1_000_000));
    assert_eq!(
        p.value(&["bulk", "bulk_child"], Metric::Spans),
        Some(1_000_000)
    );
    assert_eq!(
        p.value(&["bulk", "bulk_child"], Metric::AllocObjects),
        Some(1_000_000)
    );
}

#[test]
fn spans_that_never_close_cost_the_profiler_nothing_more() {
    let _one = serial();
    std::thread::spawn(|| {
        let profiler = profiler();
        // One callsite, one series.
        let open_span = |i| info_span!("open_forever", i);
        let first: Vec<_> = (0..10).map(open_span).collect();
        let warm = profiler.stats().unwrap();
        let open: Vec<_> = (0..100_000).map(open_span).collect();
        // And entered, not exited (until the end of the test: a thread that exits with
        // spans entered leaves them on the registry's stack for the next thread).
        let mut entered: Vec<_> = (0..20)
            .map(|i| info_span!("entered_forever", i).entered())
            .collect();
        let after = profiler.stats().unwrap();
        assert_eq!(
            after.series,
            warm.series + 20,
            "one series per depth entered"
        );
        let p = profiler.snapshot().unwrap();
        assert_eq!(p.value(&["open_forever"], Metric::Spans), Some(100_010));
        while let Some(span) = entered.pop() {
            drop(span);
        }
        std::mem::forget((first, open));
    })
    .join()
    .unwrap();
}

#[test]
fn threads_that_exit_are_folded_into_the_totals() {
    let _one = serial();
    let profiler = profiler();
    let before = profiler.snapshot().unwrap();
    let run = |threads: usize| {
        for _ in 0..threads {
            std::thread::spawn(|| {
                for _ in 0..10 {
                    info_span!("churn").in_scope(|| std::hint::black_box(vec![1u8; 8]));
                }
            })
            .join()
            .unwrap();
        }
    };
    run(10);
    let warm = profiler.stats().unwrap();
    run(200);
    let after = profiler.stats().unwrap();
    assert!(
        after.threads <= warm.threads + 1,
        "exited threads are not kept: {warm:?} then {after:?}"
    );
    let p = profiler.snapshot().unwrap();
    let d = |m| p.value(&["churn"], m).unwrap() - before.value(&["churn"], m).unwrap_or(0);
    assert_eq!(d(Metric::Spans), 2100);
    assert_eq!(d(Metric::AllocObjects), 2100);
}
