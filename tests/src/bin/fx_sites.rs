//! One probe fired from several sites: `sites:hit` from two places (in two modules, so two
//! codegen units), `sites:generic` from a generic function instantiated for two types, and
//! `sites:inlined` from an `#[inline(always)]` function called in two places. The argument
//! says which site fired. Argument: how many rounds (default 1). Ends with `evaluations=N`.

use usdt_tests::fixture::{ev, report};

usdt::dtrace_provider!("fixtures/sites.d");

/// The second site of `sites:hit`, away from the first.
mod elsewhere {
    use usdt_tests::fixture::ev;

    /// Fire `sites:hit` with 2.
    #[inline(never)]
    pub fn hit() {
        crate::sites_hit!(|| ev(2));
    }
}

/// One instantiation per type: each is a site of `sites:generic`.
#[inline(never)]
fn generic<T: Into<u64>>(v: T) {
    sites_generic!(|| ev(v.into()));
}

/// Inlined into each caller: each call is a site of `sites:inlined`.
#[inline(always)]
fn inlined(v: u32) {
    sites_inlined!(|| ev(v));
}

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    for _ in 0..rounds {
        sites_hit!(|| ev(1));
        elsewhere::hit();
        generic(8u8);
        generic(32u32);
        inlined(1);
        inlined(2);
    }
    report(0);
}
