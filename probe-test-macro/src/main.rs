//! The `test` provider from `test.d`, fired in a loop: `start` with a counter, `stop` with a
//! greeting and the counter.
//!
//! Watch it with bpftrace (as root):
//!
//! ```text
//! bpftrace -e 'usdt:./target/debug/probe-test-macro:test:stop { printf("%s %d\n", str(arg0), arg1); }' \
//!     -c ./target/debug/probe-test-macro
//! ```

use std::time::Duration;

usdt::dtrace_provider!("test.d");

fn main() {
    usdt::register_probes().expect("cannot register the probes");
    let rounds: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    let mut counter: u8 = 0;
    for _ in 0..rounds {
        test_start!(|| counter);
        std::thread::sleep(Duration::from_millis(100));
        test_stop!(|| ("hello", counter));
        counter = counter.wrapping_add(1);
    }
}
