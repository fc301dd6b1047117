//! A small service instrumented with `tracing`, its spans and events fired as probes by
//! [`usdt_tracing::ProbeLayer`]: `request` spans (fields `route` and `user`, and `status`
//! recorded when the request is done), a `db_query` span inside each, and events at every
//! level. It prints `ready pid=N`, serves a request about every 2 ms, for the number of
//! requests in its first argument (default: until it is killed), and at the end prints
//! how many times a field was formatted: 0 unless a tracer had the probes enabled. With
//! `subscriber` as its second argument, [`usdt_tracing::ProbeSubscriber`] fires the same
//! probes instead of the layer.
//!
//! Watch it (as root) with the one-liners of the crate docs, e.g. the events by level:
//!
//! ```text
//! cargo run -p usdt-tracing --example traced_service &
//! bpftrace -p $(pgrep -n traced_service) -e 'usdt:*:tracing:event { @[str(arg0)] = count(); }'
//! ```

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tracing::{debug, error, info, info_span, warn};
use tracing_subscriber::prelude::*;
use usdt_tracing::{ProbeLayer, ProbeSubscriber};

const ROUTES: [&str; 3] = ["/users", "/orders", "/search"];

/// How many times a `Query` was formatted.
static FORMATTED: AtomicU64 = AtomicU64::new(0);

/// A field whose formatting is counted.
struct Query(&'static str);

impl fmt::Debug for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::Relaxed);
        write!(f, "{}", self.0)
    }
}

/// Serve request `n`: the route decides how long its query takes.
fn serve(n: u64) {
    let route = ROUTES[(n % 3) as usize];
    let request = info_span!(
        "request",
        route,
        user = n % 7,
        status = tracing::field::Empty
    );
    let _entered = request.enter();
    debug!(n, "accepted");
    {
        let query = Query("SELECT * FROM accounts");
        let _query = info_span!("db_query", ?query).entered();
        std::thread::sleep(Duration::from_micros(300 * (1 + n % 3)));
    }
    if n.is_multiple_of(5) {
        warn!(n, "slow client");
    }
    let status = if n.is_multiple_of(10) {
        error!(n, route, "backend failed");
        500
    } else {
        200
    };
    info!(status, "done");
    request.record("status", status);
}

fn main() {
    usdt::register_probes().expect("cannot register the probes");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.get(1).map(String::as_str) == Some("subscriber") {
        ProbeSubscriber::new(tracing_subscriber::registry()).init();
    } else {
        tracing_subscriber::registry()
            .with(ProbeLayer::new())
            .init();
    }
    let requests: u64 = args
        .first()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    println!("ready pid={}", std::process::id());
    // Line-buffered or not, whoever waits for the line gets it now.
    let _ = std::io::stdout().flush();
    for n in 0..requests {
        serve(n);
        std::thread::sleep(Duration::from_millis(1));
    }
    println!("requests={requests}");
    println!("formatted={}", FORMATTED.load(Ordering::Relaxed));
}
