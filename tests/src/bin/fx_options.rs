//! The options of `dtrace_provider!`, all on `fixtures/tiny.d`: the module form with the
//! provider renamed (`renamed::tick!`, provider `renamed`), a custom macro name
//! (`fire_tick!`, provider `tiny`), and a `UniqueId` passed as the `uint64_t`. Each fires
//! twice: the module form with one id, the custom name with another. Prints
//! `evaluations=N`.

use usdt::UniqueId;
use usdt_tests::fixture::{ev, report};

usdt::dtrace_provider!("fixtures/tiny.d", module = true, provider = "renamed");
usdt::dtrace_provider!("fixtures/tiny.d", probe_format = "fire_{probe}");

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let first = UniqueId::new();
    let second = UniqueId::new();
    for _ in 0..2 {
        renamed::tick!(|| ev(first.as_u64()));
        fire_tick!(|| ev(second.as_u64()));
    }
    report(0);
}
