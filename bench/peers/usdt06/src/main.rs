//! usdt 0.6 from crates.io: the benchmark cases through its `dtrace_provider!` and
//! `#[usdt::provider]`.

#[macro_use]
#[path = "../../../common/harness.rs"]
mod harness;

// usdt 0.6 accepts at most 6 arguments per probe: no p12.
usdt::dtrace_provider!("../../defs/bench6.d");

/// The serde argument, as in the other fixtures.
#[derive(serde::Serialize)]
pub struct Arg {
    id: u64,
    name: &'static str,
    values: [u32; 3],
}

#[usdt::provider]
mod benchj {
    use crate::Arg;
    fn json(a: Arg) {}
}

/// The string argument, as in the other fixtures.
static S: &str = "hello, world";

cases! {
    none: |x| {}
    p0: |x| { bench::p0!(|| ()); }
    p1: |x| { bench::p1!(|| x); }
    pstr: |x| { bench::pstr!(|| (S, x as u8)); }
    p6: |x| { bench::p6!(|| (x, x + 1, x + 2, x + 3, x + 4, x + 5)); }
    json: |x| { benchj::json!(|| Arg { id: x, name: "bench", values: [1, 2, 3] }); }
}

fn main() {
    if let Err(e) = usdt::register_probes() {
        eprintln!("cannot register the probes: {e}");
        std::process::exit(1);
    }
    harness::main(CASES);
}
