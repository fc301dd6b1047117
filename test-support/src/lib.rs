//! What the workspace's test crates share, written once.
//!
//! - [`skip()`]: the skip-or-fail rule. A test that needs root, a tracer or a cross toolchain
//!   says why it skips and passes, except under `USDT_REQUIRE_TRACER=1` (set by
//!   `scripts/test`), where the same call fails it. [`tracer_available`] and
//!   [`tool_available`] check a tool and apply the rule.
//! - [`run`]: commands with a time limit, and commands whose output is read line by line.
//! - [`cross`]: objects of workspace packages built for the DTrace targets.
//! - [`readelf`]: the SystemTap notes as `readelf -n` prints them, the reference reading.
//! - [`paths`]: the workspace, the running test's target directory, and the shared test
//!   material beside the checkout (whose absence is never a failure).
//!
//! ```no_run
//! if !test_support::tracer_available("bpftrace") {
//!     return; // printed `skipping: bpftrace is unavailable: ...`
//! }
//! ```

mod error;

pub mod cross;
pub mod paths;
pub mod readelf;
pub mod run;
pub mod skip;

pub use error::HarnessError;
pub use paths::{shared_path, target_dir, workspace_root};
pub use skip::{
    find_tool, is_root, require_tracers, skip, tool_available, tracer_available, tracer_required,
};
