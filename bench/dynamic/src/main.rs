//! usdt-dynamic's probes beside static ones (`bench.d` through `dtrace_provider!`), in one
//! binary so that callgrind and one bpftrace session see both.
//!
//! - `BIN loop CASE N`: CASE's loop, N times (callgrind counts inside `loop_CASE`).
//! - `BIN traced CASE,CASE N`: print `ready PATH` (the dynamic object), wait for a line on
//!   stdin (the tracer has attached), then time each case's loop: `RESULT case=.. n=.. ns=..`.
//! - `BIN load PROBES RUNS`: load a provider of PROBES one-argument probes RUNS times;
//!   `LOAD probes=.. ns=MEDIAN object=BYTES mapped=BYTES`.
//!
//! Cases: `none` (the empty loop), `s_p0`/`s_p1`/`s_pstr` (static), `d_p0`/`d_p1`/`d_pstr`
//! (`Probe::fire`), `g_p1` (`if probe.is_enabled() { probe.fire(..) }`).

use std::hint::black_box;
use std::io::BufRead;
use std::sync::OnceLock;
use std::time::Instant;

use usdt_dynamic::{Probe, Provider, Str};

usdt::dtrace_provider!("../defs/bench.d");

static S: &str = "hello, world";

struct Probes {
    provider: Provider,
    p0: Probe<()>,
    p1: Probe<(u64,)>,
    pstr: Probe<(Str, u8)>,
}

fn probes() -> &'static Probes {
    static PROBES: OnceLock<Probes> = OnceLock::new();
    PROBES.get_or_init(|| {
        let mut provider = Provider::new("benchd").expect("a valid name");
        provider.add::<()>("p0").expect("new");
        provider.add::<(u64,)>("p1").expect("new");
        provider.add::<(Str, u8)>("pstr").expect("new");
        provider.load().expect("loads");
        Probes {
            p0: provider.probe("p0").expect("declared"),
            p1: provider.probe("p1").expect("declared"),
            pstr: provider.probe("pstr").expect("declared"),
            provider,
        }
    })
}

macro_rules! loops {
    ($($name:ident: |$p:ident, $x:ident| $body:block)*) => {
        $(
            #[export_name = concat!("loop_", stringify!($name))]
            #[inline(never)]
            fn $name(n: u64) {
                #[allow(unused_variables)]
                let $p = probes();
                for i in 0..n {
                    #[allow(unused_variables)]
                    let $x = black_box(i);
                    $body
                }
            }
        )*
        const CASES: &[(&str, fn(u64))] = &[$((stringify!($name), $name)),*];
    };
}

loops! {
    none: |p, x| {}
    s_p0: |p, x| { bench_p0!(|| ()); }
    s_p1: |p, x| { bench_p1!(|| x); }
    s_pstr: |p, x| { bench_pstr!(|| (S, x as u8)); }
    d_p0: |p, x| { p.p0.fire(()); }
    d_p1: |p, x| { p.p1.fire((x,)); }
    d_pstr: |p, x| { p.pstr.fire((S, x as u8)); }
    g_p1: |p, x| { if p.p1.is_enabled() { p.p1.fire((x,)); } }
}

fn case(name: &str) -> fn(u64) {
    match CASES.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => *f,
        None => {
            eprintln!("unknown case {name}");
            std::process::exit(2);
        }
    }
}

/// Bytes mapped from the object named `name` in this process.
fn mapped(name: &str) -> u64 {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    maps.lines()
        .filter(|l| l.contains(name))
        .filter_map(|l| {
            let (a, b) = l.split_whitespace().next()?.split_once('-')?;
            Some(u64::from_str_radix(b, 16).ok()? - u64::from_str_radix(a, 16).ok()?)
        })
        .sum()
}

fn load(count: usize, runs: usize) {
    let mut times = Vec::new();
    let (mut object, mut map) = (0, 0);
    for _ in 0..runs {
        let mut p = Provider::new("benchload").expect("a valid name");
        for i in 0..count {
            p.add::<(u64,)>(&format!("p{i}")).expect("new");
        }
        let t0 = Instant::now();
        p.load().expect("loads");
        times.push(t0.elapsed().as_nanos());
        let path = p.object_path().unwrap_or_default().to_owned();
        object = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        map = mapped("/memfd:benchload");
    }
    times.sort_unstable();
    let median = times[times.len() / 2];
    println!("LOAD probes={count} ns={median} object={object} mapped={map}");
}

// The static probes' semaphores, which the sites define (usdt/src/site/stapsdt.rs names
// them): bpftrace attaches one probe at a time, so the dynamic ones being enabled does not
// mean the static ones are.
extern "C" {
    #[link_name = "__usdt_sema.bench.p0"]
    static SEMA_P0: u16;
    #[link_name = "__usdt_sema.bench.p1"]
    static SEMA_P1: u16;
    #[link_name = "__usdt_sema.bench.pstr"]
    static SEMA_PSTR: u16;
}

/// Whether a tracer has enabled the static probes the traced cases fire.
fn static_probes_enabled() -> bool {
    // SAFETY: the semaphores are 2-byte counters the kernel updates; reading one is a load.
    unsafe {
        [&raw const SEMA_P0, &raw const SEMA_P1, &raw const SEMA_PSTR]
            .iter()
            .all(|s| s.read_volatile() > 0)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let number = |i: usize| arg(i).parse::<u64>().unwrap_or(0);
    match arg(1) {
        "loop" => {
            let f = case(arg(2));
            probes();
            f(number(3));
        }
        "traced" => {
            let names: Vec<&str> = arg(2).split(',').collect();
            println!("ready {}", probes().provider.object_path().unwrap_or("-"));
            let _ = std::io::stdin().lock().read_line(&mut String::new());
            // The tracer has said it is attaching; go once it has enabled the probes here.
            let p = probes();
            let t0 = Instant::now();
            let dynamic_enabled = || p.p0.is_enabled() && p.p1.is_enabled() && p.pstr.is_enabled();
            while !(dynamic_enabled() && static_probes_enabled()) && t0.elapsed().as_secs() < 60 {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let n = number(3);
            for name in names {
                let f = case(name);
                let t0 = Instant::now();
                f(n);
                println!("RESULT case={name} n={n} ns={}", t0.elapsed().as_nanos());
            }
        }
        "load" => load(number(2) as usize, number(3).max(1) as usize),
        _ => {
            eprintln!("usage: BIN loop CASE N | traced CASE,CASE N | load PROBES RUNS");
            std::process::exit(2);
        }
    }
}
