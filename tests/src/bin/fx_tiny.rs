//! The smallest fixture: `tiny:tick` with a counter.
//!
//! - `fx_tiny fire N`: fire N times, then print `evaluations=N`.
//! - `fx_tiny threads T N`: fire N times on each of T threads at once, then print
//!   `evaluations=T*N` (when traced).
//! - `fx_tiny loop MS`: print `ready`, then fire every MS milliseconds until stdin reaches
//!   end of file; print `fires=N` and `evaluations=N`. For tracers that attach to a
//!   running process.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use usdt_tests::fixture::{ev, report};

usdt::dtrace_provider!("fixtures/tiny.d");

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|n| n.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("loop") => {
            let period = Duration::from_millis(number(1, 20));
            let stop = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&stop);
            std::thread::spawn(move || {
                // Any input or end of file ends the loop.
                let _ = std::io::stdin().read(&mut [0u8; 1]);
                flag.store(true, Ordering::Relaxed);
            });
            println!("ready");
            let mut fires = 0u64;
            while !stop.load(Ordering::Relaxed) {
                fires += 1;
                tiny_tick!(|| ev(fires));
                std::thread::sleep(period);
            }
            println!("fires={fires}");
        }
        Some("threads") => {
            let n = number(2, 1);
            let threads: Vec<_> = (0..number(1, 2))
                .map(|t| {
                    std::thread::spawn(move || {
                        for i in 1..=n {
                            tiny_tick!(|| ev(t * 1_000_000 + i));
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("a firing thread panicked");
            }
        }
        _ => {
            for i in 1..=number(1, 1) {
                tiny_tick!(|| ev(i));
            }
        }
    }
    report(0);
}
