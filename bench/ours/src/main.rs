//! This workspace's `usdt`: the benchmark cases through `dtrace_provider!` (the D file
//! shared with C and the peers) and `#[usdt::provider]` (a serde argument).

#[macro_use]
#[path = "../../common/harness.rs"]
mod harness;

usdt::dtrace_provider!("../defs/bench.d");

/// The serde argument: a few fields, as a typical event would carry.
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

/// A short string, as most string arguments are.
static S: &str = "hello, world";
/// The longest string copied onto the stack, and one byte more.
static S256: &str = concat!(
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
);
static S257: &str = concat!(
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "!"
);

cases! {
    none: |x| {}
    p0: |x| { bench_p0!(); }
    p1: |x| { bench_p1!(|| x); }
    pstr: |x| { bench_pstr!(|| (S, x as u8)); }
    p6: |x| { bench_p6!(|| (x, x + 1, x + 2, x + 3, x + 4, x + 5)); }
    p12: |x| {
        bench_p12!(|| (x, x + 1, x + 2, x + 3, x + 4, x + 5,
                       x + 6, x + 7, x + 8, x + 9, x + 10, x + 11));
    }
    json: |x| { benchj::json!(|| Arg { id: x, name: "bench", values: [1, 2, 3] }); }
    str256: |x| { bench_pstr!(|| (S256, x as u8)); }
    str257: |x| { bench_pstr!(|| (S257, x as u8)); }
}

fn main() {
    if let Err(e) = usdt::register_probes() {
        eprintln!("cannot register the probes: {e}");
        std::process::exit(1);
    }
    harness::main(CASES);
}
