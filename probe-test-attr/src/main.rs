//! A provider defined in Rust. `work` takes a struct, passed to the tracer as JSON; the
//! closure builds it, so an untraced probe never does:
//!
//! ```text
//! bpftrace -e 'usdt:./target/debug/probe-test-attr:my_provider:work { printf("%s %s\n", str(arg0), str(arg1)); }' \
//!     -c './target/debug/probe-test-attr 3'
//! {"ok":{"id":0,"inner":{"name":"first","weight":0.5},"values":[0,1,2]}} task-0
//! ```

use serde::Serialize;
use std::time::Duration;

/// What `work` reports: nested fields and a vector.
#[derive(Debug, Serialize)]
pub struct Arg {
    id: u64,
    inner: Inner,
    values: Vec<u32>,
}

/// A nested part of [`Arg`].
#[derive(Debug, Serialize)]
pub struct Inner {
    name: String,
    weight: f64,
}

#[usdt::provider]
mod my_provider {
    use crate::Arg;
    fn start(id: &usdt::UniqueId, round: u8) {}
    fn work(arg: Arg, label: &str) {}
    fn stop(id: &usdt::UniqueId) {}
}

fn main() {
    usdt::register_probes().expect("cannot register the probes");
    let rounds: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    for round in 0..rounds {
        let id = usdt::UniqueId::new();
        my_provider::start!(|| (&id, round as u8));
        my_provider::work!(|| {
            let arg = Arg {
                id: round,
                inner: Inner {
                    name: "first".to_owned(),
                    weight: 0.5,
                },
                values: (0..3).map(|v| v + round as u32).collect(),
            };
            (arg, format!("task-{round}"))
        });
        std::thread::sleep(Duration::from_millis(100));
        my_provider::stop!(|| &id);
    }
}
