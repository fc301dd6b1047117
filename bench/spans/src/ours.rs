//! usdt-tracing's `ProfileLayer` on the workload of `common`: `spans-ours cost CONFIG N`
//! (CONFIG: none, wall, cpu, alloc, heap, all), `spans-ours bytes N`,
//! `spans-ours memory N`.

mod common;

use std::time::Duration;

use tracing_subscriber::prelude::*;
use usdt_tracing::{ProfileLayer, Profiler, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

/// The registry with a profile layer measuring `config`, as the global subscriber.
fn install(config: &str) -> Option<Profiler> {
    let builder = ProfileLayer::builder().wall(false);
    let builder = match config {
        "none" => {
            tracing_subscriber::registry().init();
            return None;
        }
        "wall" => builder.wall(true),
        "cpu" => builder.cpu(true),
        "alloc" => builder.allocations(true),
        "heap" => builder.heap(true),
        "all" => builder.all(),
        other => panic!("unknown config {other}"),
    };
    let (layer, profiler) = builder.build().expect("the profiler builds");
    tracing_subscriber::registry().with(layer).init();
    Some(profiler)
}

fn main() {
    let a = common::args();
    let settle = a.settle.unwrap_or(Duration::from_millis(1500));
    match a.mode.as_str() {
        "cost" => {
            let profiler = install(&a.config);
            common::cost(&a.config, a.n, settle);
            // The profile holds every span: checked, not assumed.
            if let Some(p) = profiler {
                let spans = p
                    .finish()
                    .expect("a profile")
                    .total(usdt_tracing::Metric::Spans);
                let expected = 2 * (a.n + a.n / 10 + 1);
                assert_eq!(spans, Some(expected as i64), "every span in the profile");
            }
        }
        "bytes" => common::bytes("ours", a.n as usize),
        "memory" => {
            let profiler = install("all").expect("a profiler");
            common::memory("ours", a.n, settle, || {
                profiler.stats().ok().map(|s| s.bytes as u64)
            });
        }
        other => panic!("unknown mode {other}"),
    }
}
