//! Sampling profiles one root span in N with everything under it, and the series limit
//! folds further stacks into `(other)` without losing their figures.

use tracing::info_span;
use tracing_subscriber::prelude::*;
use usdt_tracing::{Metric, ProfileLayer, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

#[test]
fn one_root_in_four_is_profiled_and_stacks_past_the_limit_go_to_other() {
    let (layer, profiler) = ProfileLayer::builder()
        .wall(false)
        .allocations(true)
        .label_fields(["tenant"])
        .sample_one_in(4)
        .max_series(6)
        .build()
        .unwrap();
    tracing_subscriber::registry().with(layer).init();
    assert!(matches!(
        ProfileLayer::builder().build(),
        Err(usdt_tracing::ProfileError::AlreadyBuilt)
    ));

    // A fresh thread: its count of root spans starts there, and its first is profiled.
    std::thread::spawn(|| {
        for i in 0..100u64 {
            info_span!("sampled_root").in_scope(|| {
                info_span!("sampled_child").in_scope(|| std::hint::black_box(Box::new(i)));
            });
        }
    })
    .join()
    .unwrap();
    let p = profiler.snapshot().unwrap();
    assert_eq!(p.sample_one_in(), 4);
    assert_eq!(p.value(&["sampled_root"], Metric::Spans), Some(25));
    let child = ["sampled_root", "sampled_child"];
    assert_eq!(p.value(&child, Metric::Spans), Some(25));
    assert_eq!(p.value(&child, Metric::AllocObjects), Some(25));

    // Two series so far; the limit is six: the root below and three of its twenty
    // labelled children get their own, the other seventeen go to (other).
    std::thread::spawn(|| {
        let tenants: Vec<String> = (0..20).map(|t| format!("t{t}")).collect();
        info_span!("cap_root").in_scope(|| {
            for tenant in &tenants {
                info_span!("capped", tenant = tenant.as_str())
                    .in_scope(|| std::hint::black_box(Box::new(1u8)));
            }
        });
    })
    .join()
    .unwrap();
    let p = profiler.finish().unwrap();
    let own = p.value(&["cap_root", "capped"], Metric::Spans).unwrap();
    let other = p.value(&["(other)"], Metric::Spans).unwrap();
    assert_eq!((own, other), (3, 17));
    assert_eq!(
        p.value(&["cap_root", "capped"], Metric::AllocObjects)
            .unwrap()
            + p.value(&["(other)"], Metric::AllocObjects).unwrap(),
        20,
        "every allocation is in the profile"
    );
    let pprof = p.to_pprof();
    assert!(!pprof.is_empty());
    assert!(
        p.comments().iter().any(|c| c.contains("(other)")),
        "the profile says why: {:?}",
        p.comments()
    );
}
