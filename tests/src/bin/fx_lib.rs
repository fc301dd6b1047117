//! Links `fixture-lib` and fires its `fixlib:called` probe (defined in the library), and its
//! own `tiny:tick`. Argument: how many times (default 3). Ends with `evaluations=N`, counting
//! the closures of both crates.

use usdt_tests::fixture::{ev, report};

usdt::dtrace_provider!("fixtures/tiny.d");

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    for i in 1..=n {
        fixture_lib::fire(i, "from the library");
        tiny_tick!(|| ev(i));
    }
    report(fixture_lib::evaluations());
}
