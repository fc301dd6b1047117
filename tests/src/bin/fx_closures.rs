//! Every form of argument expression a site takes, each firing `closures:value` with its
//! own number 1 to 10 in order, then `closures:pair` with ("done", 11). A closure that
//! leaves its body early (`return`, `?`, `break`, a macro) must mean what it means as a
//! closure: the value it returns goes to the probe, and `main` carries on. Ends with
//! `evaluations=N`.

use usdt_tests::fixture::{ev, report};

usdt::dtrace_provider!("fixtures/closures.d");

/// A macro whose expansion returns: from the closure, not from `main`.
macro_rules! give {
    ($v:expr) => {
        return $v
    };
}

/// An argument function, not a closure.
fn four() -> u64 {
    ev(4)
}

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let two = String::from("xx");
    closures_value!(|| ev(1));
    closures_value!(move || ev(two.len() as u64));
    let three = || ev(3);
    closures_value!(three);
    closures_value!(four);
    closures_value!(|| {
        if ev(true) {
            return 5;
        }
        99
    });
    closures_value!(|| (|| -> Option<u64> { Some(ev("6".parse::<u64>().ok()?)) })().unwrap_or(0));
    closures_value!(|| 'b: {
        if ev(true) {
            break 'b 7;
        }
        99
    });
    closures_value!(|| {
        let mut n = 0;
        loop {
            n += 1;
            if n == 8 {
                break ev(n);
            }
        }
    });
    closures_value!(|| -> u64 { ev(9) });
    closures_value!(|| {
        ev(());
        give!(10)
    });
    closures_pair!(|| (ev("done"), 11));
    report(0);
}
