//! The `probe` crate: the benchmark cases through `probe_lazy!`, which gates the arguments
//! on a semaphore of each site's own. It has no serde arguments.

#[macro_use]
#[path = "../../../common/harness.rs"]
mod harness;

use probe::probe_lazy;
use std::ffi::CStr;

/// The string argument, NUL-terminated as the probe crate passes pointers unchanged.
static S: &CStr = c"hello, world";

cases! {
    none: |x| {}
    p0: |x| { probe_lazy!(bench, p0); }
    p1: |x| { probe_lazy!(bench, p1, x); }
    pstr: |x| { probe_lazy!(bench, pstr, S.as_ptr(), x as u8); }
    p6: |x| { probe_lazy!(bench, p6, x, x + 1, x + 2, x + 3, x + 4, x + 5); }
    p12: |x| {
        probe_lazy!(bench, p12, x, x + 1, x + 2, x + 3, x + 4, x + 5,
                    x + 6, x + 7, x + 8, x + 9, x + 10, x + 11);
    }
}

fn main() {
    harness::main(CASES);
}
