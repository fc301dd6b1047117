//! `tracing`: the benchmark cases as `event!`s with no subscriber, so every one is disabled.
//! (tracing events are not USDT probes: this fixture is measured only while disabled.)

#[macro_use]
#[path = "../../../common/harness.rs"]
mod harness;

use tracing::{event, Level};

/// The serde argument's stand-in: tracing records it through `Debug`.
#[derive(Debug)]
pub struct Arg {
    #[allow(dead_code)]
    id: u64,
    #[allow(dead_code)]
    name: &'static str,
    #[allow(dead_code)]
    values: [u32; 3],
}

/// The string argument, as in the other fixtures.
static S: &str = "hello, world";

cases! {
    none: |x| {}
    p0: |x| { event!(Level::TRACE, "p0"); }
    p1: |x| { event!(Level::TRACE, a = x); }
    pstr: |x| { event!(Level::TRACE, s = S, b = x as u8); }
    p6: |x| { event!(Level::TRACE, a = x, b = x + 1, c = x + 2, d = x + 3, e = x + 4, f = x + 5); }
    p12: |x| {
        event!(Level::TRACE, a = x, b = x + 1, c = x + 2, d = x + 3, e = x + 4, f = x + 5,
               g = x + 6, h = x + 7, i = x + 8, j = x + 9, k = x + 10, l = x + 11);
    }
    json: |x| { event!(Level::TRACE, a = ?Arg { id: x, name: "bench", values: [1, 2, 3] }); }
}

fn main() {
    harness::main(CASES);
}
