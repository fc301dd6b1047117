//! The `tiny` provider with the `usdt` crate's default features off, which keeps the probes
//! (as a dependency such as dropshot picks `default-features = false`), built both as it is
//! and with `--cfg usdt_disable_probes`, where the probe macros still type-check their
//! closures, but no site, note or semaphore is emitted and no closure ever runs.
//! Argument: how many fires (default 3). Prints `evaluations=N`.

use std::sync::atomic::{AtomicUsize, Ordering};

usdt::dtrace_provider!("../fixtures/tiny.d");

static EVALUATIONS: AtomicUsize = AtomicUsize::new(0);

fn main() {
    usdt::register_probes().expect("registering probes cannot fail");
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    for i in 1..=n {
        tiny_tick!(|| {
            EVALUATIONS.fetch_add(1, Ordering::Relaxed);
            i
        });
    }
    println!("evaluations={}", EVALUATIONS.load(Ordering::Relaxed));
}
