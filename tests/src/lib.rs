//! The harness of the end-to-end tests: what the fixture binaries share ([`fixture`]), and
//! what the tests use to build, run and trace them ([`run`], [`tracers`], [`elf`],
//! [`nested`]).
//!
//! Tests that need a tracer call [`tracer_available`] first: without root or the tool they
//! print `skipping: <why>` and pass, unless `USDT_REQUIRE_TRACER=1` makes the absence a
//! failure (as CI should).

mod error;

pub mod elf;
pub mod fixture;
pub mod nested;
pub mod run;
pub mod tracers;

pub use error::HarnessError;
pub use tracers::{require_tracers, tracer_available};
