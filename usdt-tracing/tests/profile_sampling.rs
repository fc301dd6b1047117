//! Sampling profiles one root span in N with everything under it, the series limit folds
//! further stacks into `(other)` without losing their figures, and the profiler writes
//! its profile periodically and when it finishes.

mod common;

use std::time::{Duration, Instant};

use tracing::info_span;
use tracing_subscriber::prelude::*;
use usdt_tracing::{Metric, ProfileLayer, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

#[test]
fn one_root_in_four_is_profiled_and_stacks_past_the_limit_go_to_other() {
    let dir = std::env::temp_dir().join(format!("usdt-tracing-periodic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("profile.pb.gz");
    let (layer, profiler) = ProfileLayer::builder()
        .wall(false)
        .allocations(true)
        .label_fields(["tenant"])
        .sample_one_in(4)
        .max_series(6)
        .write_every(Duration::from_millis(100), &file)
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
    // The periodic profile appears without being asked for.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !file.exists() {
        assert!(
            Instant::now() < deadline,
            "no periodic profile in {}",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let p = profiler.finish().unwrap();
    // The last one is written when the profiler finishes: everything is in it.
    if usdt_tests::tracers::tool_available("go") {
        let raw = common::parse_raw(&common::pprof(&["-raw"], &file));
        assert_eq!(raw.value(&["sampled_root"], "spans"), 25);
        assert_eq!(raw.value(&["(other)"], "spans"), 17);
        assert_eq!(
            raw.total("alloc_objects"),
            p.total(Metric::AllocObjects).unwrap()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
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
