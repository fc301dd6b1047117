//! What the span benchmarks share: the workload, and how each measurement is taken and
//! printed (`RESULT key=value ...` lines that `bench/spans.py` reads).

#![allow(dead_code)]

use std::alloc::Layout;
use std::hint::black_box;
use std::time::{Duration, Instant};

use tracing::info_span;

/// `n` requests: a root span `request` and a child `work` in it, both entered, the child
/// allocating (and freeing) 64 bytes. Two spans per iteration.
#[export_name = "spans_loop"]
#[inline(never)]
pub fn workload(n: u64) {
    for i in 0..n {
        let request = info_span!("request");
        let _r = request.enter();
        let work = info_span!("work");
        let _w = work.enter();
        black_box(vec![black_box(i) as u8; 64]);
    }
}

/// CPU time of the whole process (every thread), in nanoseconds.
pub fn process_cpu() -> u64 {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time of the calling thread, in nanoseconds.
pub fn thread_cpu() -> u64 {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// A CPU clock, read at its full resolution (brought up to date by the kernel, unlike
/// `getrusage`, which moves at the clock tick).
fn cpu_clock(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec to write.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Bytes the C heap holds (every arena, mmapped blocks included).
pub fn heap_in_use() -> u64 {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as u64
}

/// Time `n` iterations of the workload after a warm-up, per span: wall nanoseconds and
/// CPU nanoseconds of the thread running it, and CPU nanoseconds of the whole process,
/// counted until background threads have had `settle` to finish their share.
pub fn cost(label: &str, n: u64, settle: Duration) {
    workload(n / 10 + 1);
    std::thread::sleep(settle);
    let process0 = process_cpu();
    let thread0 = thread_cpu();
    let t0 = Instant::now();
    workload(n);
    let wall = t0.elapsed().as_nanos() as u64;
    let thread = thread_cpu() - thread0;
    std::thread::sleep(settle);
    let process = process_cpu() - process0;
    let per_span = |ns: u64| ns as f64 / (2 * n) as f64;
    println!(
        "RESULT config={label} spans={} wall_ns={:.1} thread_ns={:.1} process_ns={:.1}",
        2 * n,
        per_span(wall),
        per_span(thread),
        per_span(process),
    );
}

/// The layouts `bytes` allocates: sizes of every small class, mostly aligned to 8, some
/// to 16 and 64 (as `u128`s and cache-line-aligned structures ask).
pub fn layouts(n: usize) -> Vec<Layout> {
    const SIZES: [usize; 12] = [8, 12, 16, 24, 32, 40, 48, 64, 96, 128, 256, 1000];
    (0..n)
        .map(|i| {
            let align = match i % 20 {
                0 => 64,
                1 | 2 => 16,
                _ => 8,
            };
            Layout::from_size_align(SIZES[i % SIZES.len()], align).unwrap()
        })
        .collect()
}

/// Hold `n` allocations of [`layouts`] through the global allocator and print the heap
/// they take per allocation.
pub fn bytes(label: &str, n: usize) {
    let layouts = layouts(n);
    let mut held = Vec::with_capacity(n);
    let before = heap_in_use();
    for l in &layouts {
        // SAFETY: non-zero sizes.
        held.push(unsafe { std::alloc::alloc(*l) });
    }
    let after = heap_in_use();
    let requested: usize = layouts.iter().map(Layout::size).sum();
    println!(
        "RESULT bytes={label} allocations={n} heap_per_alloc={:.2} requested_per_alloc={:.2}",
        (after - before) as f64 / n as f64,
        requested as f64 / n as f64
    );
    for (p, l) in held.into_iter().zip(&layouts) {
        // SAFETY: allocated above with this layout.
        unsafe { std::alloc::dealloc(p, *l) };
    }
}

/// Run `n` iterations (`2n` spans) with every metric on and print the heap the profiler
/// holds right after them and once its thread has had `settle`, against before.
pub fn memory(label: &str, n: u64, settle: Duration, own: impl Fn() -> Option<u64>) {
    workload(1000);
    std::thread::sleep(settle);
    let before = heap_in_use();
    workload(n);
    let right_after = heap_in_use();
    std::thread::sleep(settle);
    let settled = heap_in_use();
    println!(
        "RESULT memory={label} spans={} right_after={} settled={} own={}",
        2 * n,
        right_after as i64 - before as i64,
        settled as i64 - before as i64,
        own().map_or("n/a".to_owned(), |b| b.to_string()),
    );
}

/// The command line: `BIN cost CONFIG N [SETTLE_MS]`, `BIN bytes N`,
/// `BIN memory N [SETTLE_MS]`. SETTLE_MS: how long background threads get to finish
/// their share of the work before it is counted (default: long enough for both
/// profilers' threads, which sleep up to a second between rounds).
pub struct Args {
    pub mode: String,
    pub config: String,
    pub n: u64,
    pub settle: Option<Duration>,
}

pub fn args() -> Args {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: BIN cost CONFIG N [SETTLE_MS] | BIN bytes N | BIN memory N [SETTLE_MS]";
    let mode = a.first().expect(usage).clone();
    let (config, rest) = match mode.as_str() {
        "cost" => (a.get(1).expect(usage).clone(), &a[2..]),
        _ => (String::new(), &a[1..]),
    };
    Args {
        mode,
        config,
        n: rest.first().expect(usage).parse().expect("N is a number"),
        settle: rest
            .get(1)
            .map(|ms| Duration::from_millis(ms.parse().expect("SETTLE_MS is a number"))),
    }
}
