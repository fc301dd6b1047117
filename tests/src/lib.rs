//! The end-to-end tests of `usdt` on Linux, and their harness.
//!
//! The fixtures are binaries of this crate (`src/bin/fx_*.rs`, provider files in
//! `fixtures/`), plus `fixture-lib` (a library crate with probes of its own),
//! `fixture-gc` (probes in code the linker drops, built by `gc_sections.rs` with each linker
//! and LTO mode), `fixtures-nofeature` (built with default features off, and with probes
//! turned off, outside the workspace), `compat` (programs written to usdt 0.6's API) and
//! `dropshot`. Each fixture takes what to fire from its arguments and ends by printing
//! `evaluations=N`, the
//! number of probe closures that ran.
//!
//! The tests (`tests/*.rs`, one subject each) run the fixtures under bpftrace, gdb, perf and
//! bcc, read their ELF notes, hold them against C's `<sys/sdt.h>` through `sdtcheck.py`
//! (cases in `cases/`), and cross-build them for aarch64. Builds the tests make themselves
//! go to `nested/` in the target directory.
//!
//! Most need root: run them as root with `USDT_REQUIRE_TRACER=1`, which turns every skip
//! into a failure. Without it, a test whose tool is missing prints `skipping: <why>` and
//! passes (see [`tracer_available`]). That rule, running commands with a time limit and
//! `readelf -n`'s notes are the workspace's `test-support` crate, re-exported here.

pub mod elf;
pub mod fixture;
pub mod nested;
pub mod perf;
pub mod tracers;

pub use test_support::{require_tracers, run, tracer_available, HarnessError};

/// The fixtures whose probes the note, site, semaphore and evaluation tests all walk, as
/// the paths cargo gives the tests, followed by `extra` ones. A macro because cargo sets
/// those `CARGO_BIN_EXE_*` variables for the tests alone: it expands in the test naming it.
#[macro_export]
macro_rules! fixtures {
    ($($extra:expr),* $(,)?) => {
        [
            env!("CARGO_BIN_EXE_fx_types"),
            env!("CARGO_BIN_EXE_fx_strings"),
            env!("CARGO_BIN_EXE_fx_sites"),
            env!("CARGO_BIN_EXE_fx_lib"),
            env!("CARGO_BIN_EXE_fx_tiny"),
            env!("CARGO_BIN_EXE_fx_options"),
            $($extra),*
        ]
    };
}
