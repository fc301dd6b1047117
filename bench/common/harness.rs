//! What every Rust benchmark binary shares: a counting allocator, the case table, and the
//! command line the runner drives.
//!
//! `BIN loop CASE N` runs one case's loop N times (for callgrind, which counts only inside
//! the `loop_CASE` symbol); `BIN time CASE,CASE N` times each case's loop and prints one
//! `RESULT` line per case with the nanoseconds and heap allocations of the whole loop.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

/// The system allocator, counting every allocation so that a run can report them.
pub struct Counting;

/// Allocations (including reallocations) since the program started.
pub static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One benchmark case: its name, its loop, and its single site.
pub struct Case {
    /// The name the runner uses (`p1`, `pstr`, ...).
    pub name: &'static str,
    /// Fires the case's probe N times, the loop variable passed through `black_box`.
    pub run: fn(u64),
    /// Fires the case's probe once with the given value: the site whose hot path the
    /// runner disassembles.
    pub site: fn(u64),
}

/// Defines, for each `name: |x| body`, the unmangled (Rust ABI, as a program's own
/// functions are: no abort-on-unwind landing pads) functions `loop_name(n)` (the body in
/// a loop of `n`, `x` being the black-boxed loop variable) and `site_name(x)` (the body
/// once), and the table `CASES` of them all.
macro_rules! cases {
    ($($name:ident: |$x:ident| $body:block)*) => {
        $(
            #[allow(non_snake_case)]
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[export_name = concat!("loop_", stringify!($name))]
                #[inline(never)]
                pub fn run(n: u64) {
                    for i in 0..n {
                        #[allow(unused_variables)]
                        let $x = std::hint::black_box(i);
                        $body
                    }
                }
                #[export_name = concat!("site_", stringify!($name))]
                #[inline(never)]
                #[allow(unused_variables)]
                pub fn site($x: u64) $body
            }
        )*
        /// Every case of this binary.
        pub static CASES: &[$crate::harness::Case] = &[
            $($crate::harness::Case { name: stringify!($name), run: $name::run, site: $name::site },)*
        ];
    };
}

/// Runs the command line against `cases` (see the module documentation).
pub fn main(cases: &[Case]) {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: BIN loop|time|site CASE[,CASE...] N";
    let (Some(mode), Some(names), Some(n)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<u64>() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    for name in names.split(',') {
        let Some(case) = cases.iter().find(|c| c.name == name) else {
            eprintln!("unknown case {name}");
            std::process::exit(2);
        };
        match mode.as_str() {
            "loop" => (case.run)(n),
            "site" => (case.site)(n),
            "time" => {
                let a0 = ALLOCS.load(Ordering::Relaxed);
                let t0 = std::time::Instant::now();
                (case.run)(n);
                let ns = t0.elapsed().as_nanos();
                let allocs = ALLOCS.load(Ordering::Relaxed) - a0;
                println!("RESULT case={name} n={n} ns={ns} allocs={allocs}");
            }
            _ => {
                eprintln!("{usage}");
                std::process::exit(2);
            }
        }
    }
}
