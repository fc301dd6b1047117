//! Profile the spans of a small workload and write the profile, as gzipped pprof, to the
//! path in the first argument (default `profile.pb.gz`):
//!
//! ```text
//! cargo run -p usdt-tracing --example span_profile -- /tmp/profile.pb.gz
//! go tool pprof -top -sample_index=wall /tmp/profile.pb.gz
//! go tool pprof -top -inuse_space /tmp/profile.pb.gz
//! go tool pprof -tags /tmp/profile.pb.gz
//! ```
//!
//! The profile layer shares the subscriber with [`usdt_tracing::ProbeLayer`], so the same
//! spans can be watched with bpftrace meanwhile.
//!
//! Two threads serve `request`s (labelled by `route`), each `queued` for a while (idle),
//! then `parse`d (small allocations, freed), answered by a `db_query` (a sleep: busy wall
//! time, almost no CPU) and a `render` (CPU work, and a buffer kept in a cache: heap in
//! use at the end).

use std::sync::Mutex;
use std::time::Duration;

use tracing::info_span;
use tracing_subscriber::prelude::*;
use usdt_tracing::{Metric, ProbeLayer, ProfileLayer, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

/// What `render` keeps: one buffer per request.
static CACHE: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

fn serve(n: u64) {
    let route = ["/users", "/orders"][(n % 2) as usize];
    let request = info_span!("request", route, n);
    // Created, not entered yet: idle.
    let queued = request.in_scope(|| info_span!("queued"));
    std::thread::sleep(Duration::from_micros(200));
    queued.in_scope(|| ());
    drop(queued);
    request.in_scope(|| {
        info_span!("parse").in_scope(|| {
            let words: Vec<String> = (0..16).map(|i| format!("word{i}")).collect();
            std::hint::black_box(words);
        });
        info_span!("db_query").in_scope(|| std::thread::sleep(Duration::from_micros(500)));
        info_span!("render").in_scope(|| {
            let mut page = vec![0u8; 4096];
            let mut x = n;
            for byte in page.iter_mut() {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *byte = (x >> 56) as u8;
            }
            CACHE.lock().unwrap_or_else(|e| e.into_inner()).push(page);
        });
    });
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "profile.pb.gz".into());
    let (layer, profiler) = ProfileLayer::builder()
        .all()
        .label_fields(["route"])
        .build()?;
    usdt::register_probes()?;
    tracing_subscriber::registry()
        .with(ProbeLayer::new())
        .with(layer)
        .init();

    let workers: Vec<_> = (0..2u64)
        .map(|w| std::thread::spawn(move || (0..200).for_each(|i| serve(w * 1000 + i))))
        .collect();
    for worker in workers {
        worker.join().map_err(|_| "a worker panicked")?;
    }

    let profile = profiler.finish()?;
    profile.write_pprof(&path)?;
    println!("wrote {path}");
    for metric in profile.metrics() {
        let total = profile.total(*metric).unwrap_or(0);
        println!("total {} {total} {}", metric.name(), metric.unit());
    }
    let kept = profile.value(&["request", "render"], Metric::InuseBytes);
    println!("heap kept by request/render: {} bytes", kept.unwrap_or(0));
    Ok(())
}
