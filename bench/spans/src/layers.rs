//! The untraced `ProbeLayer` and `ProbeSubscriber` against the registry alone: a span
//! entered and exited, and an event, in loops that callgrind counts (`loop_enter_exit`,
//! `loop_event`) and that `time` times. Also the system allocator's heap per allocation,
//! the baseline of `bytes`.
//!
//! `spans-layers loop|time registry|identity|flag|probe|subscriber enter_exit|event N`,
//! `spans-layers bytes N`.

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use usdt_tracing::{ProbeLayer, ProbeSubscriber};

/// Tests a flag (clear unless `SPANS_FLAG` is set) in every callback the benchmark makes.
struct FlagLayer;

static FLAG: AtomicBool = AtomicBool::new(false);

#[cold]
#[inline(never)]
fn flagged() {
    black_box(());
}

impl<S: tracing::Subscriber> Layer<S> for FlagLayer {
    fn on_enter(&self, _: &tracing::span::Id, _: Context<'_, S>) {
        if FLAG.load(Ordering::Relaxed) {
            flagged();
        }
    }

    fn on_exit(&self, _: &tracing::span::Id, _: Context<'_, S>) {
        if FLAG.load(Ordering::Relaxed) {
            flagged();
        }
    }

    fn on_event(&self, _: &tracing::Event<'_>, _: Context<'_, S>) {
        if FLAG.load(Ordering::Relaxed) {
            flagged();
        }
    }
}

#[export_name = "loop_enter_exit"]
#[inline(never)]
fn enter_exit(span: &tracing::Span, n: u64) {
    for _ in 0..n {
        let entered = span.enter();
        black_box(&entered);
        drop(entered);
    }
}

#[export_name = "loop_event"]
#[inline(never)]
fn event(n: u64) {
    for i in 0..n {
        tracing::info!(x = black_box(i), "event");
    }
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.first().map(String::as_str) == Some("bytes") {
        common::bytes("system", a[1].parse().expect("N"));
        return;
    }
    let (mode, subscriber, case, n) = (&a[0], &a[1], &a[2], a[3].parse::<u64>().expect("N"));
    match subscriber.as_str() {
        "registry" => tracing_subscriber::registry().init(),
        "probe" => tracing_subscriber::registry()
            .with(ProbeLayer::new())
            .init(),
        // The same probes, their enter and exit gates tested before the registry.
        "subscriber" => ProbeSubscriber::new(tracing_subscriber::registry()).init(),
        // A layer that does nothing: it inlines away.
        "identity" => tracing_subscriber::registry()
            .with(tracing_subscriber::layer::Identity::new())
            .init(),
        // A layer whose callbacks test a flag, as a probe's gate does: what acting after
        // the registry costs at the least.
        "flag" => {
            // Set from outside, so the compiler cannot know it stays clear.
            FLAG.store(std::env::var_os("SPANS_FLAG").is_some(), Ordering::Relaxed);
            tracing_subscriber::registry().with(FlagLayer).init()
        }
        other => panic!("unknown subscriber {other}"),
    }
    let span = tracing::info_span!("bench");
    let run = |n| match case.as_str() {
        "enter_exit" => enter_exit(&span, n),
        "event" => event(n),
        other => panic!("unknown case {other}"),
    };
    match mode.as_str() {
        "loop" => run(n),
        "time" => {
            // The thread's CPU time, not the wall clock: time other processes take from
            // this thread on a shared machine is not the loop's. The least of 7 rounds.
            run(n / 10 + 1);
            let best = (0..7)
                .map(|_| {
                    let t0 = common::thread_cpu();
                    run(n);
                    (common::thread_cpu() - t0) as f64 / n as f64
                })
                .fold(f64::INFINITY, f64::min);
            println!("RESULT subscriber={subscriber} case={case} ns={best:.2}");
        }
        other => panic!("unknown mode {other}"),
    }
}
