//! Untraced, `ProbeLayer` formats no field and allocates nothing: the same spans and
//! events allocate exactly as often with the layer as with the registry alone (counted by
//! a counting global allocator), and no field's `Debug` runs. No tracer is attached in
//! this test: its probes are all disabled.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::{info, info_span, warn};
use tracing_subscriber::layer::Identity;
use tracing_subscriber::prelude::*;
use usdt_tracing::ProbeLayer;

/// Counts allocations made by the thread that has `COUNTING` set.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

// SAFETY: forwards to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(std::cell::Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(std::cell::Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// How many times a `Watched` value was formatted.
static FORMATTED: AtomicU64 = AtomicU64::new(0);

/// A field value whose formatting is counted.
struct Watched(u64);

impl fmt::Debug for Watched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::Relaxed);
        write!(f, "{}", self.0)
    }
}

/// Spans (created, entered, recorded into, exited, closed) and events, with fields.
fn workload() {
    for i in 0..1000u64 {
        let span = info_span!(
            "work",
            i,
            watched = ?Watched(i),
            later = tracing::field::Empty
        );
        span.in_scope(|| {
            info!(i, watched = ?Watched(i), "an event");
            info_span!("inner", text = "words").in_scope(|| warn!("no fields"));
        });
        span.record("later", i);
    }
}

/// Allocations made by `workload` on this thread under `subscriber`, after a first run
/// that lets the registry make what it keeps (its slab pages, its stack of spans).
fn allocations(subscriber: impl tracing::Subscriber + Send + Sync) -> u64 {
    tracing::subscriber::with_default(subscriber, || {
        workload();
        workload();
        COUNTING.with(|c| c.set(true));
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        workload();
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        COUNTING.with(|c| c.set(false));
        after - before
    })
}

#[test]
fn untraced_the_layer_formats_nothing_and_allocates_nothing() {
    // Against a layer that does nothing, so that the registry's own work is the same
    // (the bare registry closes spans another way).
    let without = allocations(tracing_subscriber::registry().with(Identity::new()));
    let with_layer = allocations(tracing_subscriber::registry().with(ProbeLayer::new()));
    assert_eq!(
        with_layer, without,
        "allocations with the layer and without"
    );
    assert_eq!(
        FORMATTED.load(Ordering::Relaxed),
        0,
        "no field was formatted"
    );
}

#[test]
fn untraced_the_subscriber_formats_nothing_and_allocates_nothing() {
    let without = allocations(tracing_subscriber::registry().with(Identity::new()));
    let with_probes = allocations(usdt_tracing::ProbeSubscriber::new(
        tracing_subscriber::registry().with(Identity::new()),
    ));
    assert_eq!(
        with_probes, without,
        "allocations with ProbeSubscriber and without"
    );
    assert_eq!(
        FORMATTED.load(Ordering::Relaxed),
        0,
        "no field was formatted"
    );
}
