//! A library crate that defines its own provider (`fixlib`, from `lib.d`) and fires it, so
//! that a test binary linking it can show the library's probes work there.

use std::sync::atomic::{AtomicUsize, Ordering};

usdt::dtrace_provider!("lib.d");

/// How many times this crate's probe closures have run.
static EVALUATIONS: AtomicUsize = AtomicUsize::new(0);

/// Fire `fixlib:called` with `n` and `what`.
pub fn fire(n: u64, what: &str) {
    fixlib_called!(|| {
        EVALUATIONS.fetch_add(1, Ordering::Relaxed);
        (n, what)
    });
}

/// How many times this crate's probe closures have run so far.
pub fn evaluations() -> usize {
    EVALUATIONS.load(Ordering::Relaxed)
}
