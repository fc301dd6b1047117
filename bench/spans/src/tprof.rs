//! tracing-prof 0.3's `ProfileLayer` on the workload of `common`, with a reporter that
//! does nothing (so its cost is the layer's and its thread's bookkeeping, without building
//! profiles): `spans-tprof cost CONFIG N`, `spans-tprof bytes N`, `spans-tprof memory N`.

mod common;

use std::time::Duration;

use tracing_prof::{ProfileConfig, ProfileLayer, ProfileReporter, TrackingAllocator};
use tracing_subscriber::prelude::*;

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

/// Receives every sample and keeps none.
struct Discard;

impl ProfileReporter for Discard {}

/// The registry with tracing-prof's layer measuring `config`, as the global subscriber.
fn install(config: &str) {
    let c = ProfileConfig::default();
    let c = match config {
        "none" => {
            tracing_subscriber::registry().init();
            return;
        }
        "wall" => c.track_wall(true),
        "cpu" => c.track_cpu(true),
        "alloc" => c.track_allocations(true),
        "heap" => c.track_heap(true),
        "all" => c.track_all(),
        other => panic!("unknown config {other}"),
    };
    tracing_subscriber::registry()
        .with(ProfileLayer::new(c, Discard))
        .init();
}

fn main() {
    let a = common::args();
    // Its thread sleeps up to a second between rounds.
    let settle = a.settle.unwrap_or(Duration::from_millis(2500));
    match a.mode.as_str() {
        "cost" => {
            install(&a.config);
            common::cost(&a.config, a.n, settle);
        }
        "bytes" => common::bytes("tracing-prof", a.n as usize),
        "memory" => {
            install("all");
            common::memory("tracing-prof", a.n, settle, || None);
        }
        other => panic!("unknown mode {other}"),
    }
}
