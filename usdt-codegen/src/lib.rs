//! The code generator behind the [`usdt`](https://docs.rs/usdt) crate: the provider model
//! that every front door fills (a D provider file, a build script, a `#[usdt::provider]`
//! module) and the one code generator that turns it into a `macro_rules!` per probe.
//!
//! A crate of its own, apart from the runtime (`usdt-impl`): programs link the runtime, and
//! only the proc macros and build scripts run the generator. (With the two in one crate, a
//! program's probe sites would pull the generator's objects into the link, and with them
//! their unwind tables.)
//!
//! Users depend on `usdt`, not on this crate.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
pub mod codegen;
mod d_file;
mod error;
pub mod model;

pub use builder::{BuildError, Builder};
pub use codegen::{generate, Options};
pub use d_file::{from_d_file, from_d_source};
pub use dtrace_parser;
pub use error::Error;
pub use model::{ArgSpec, ProbeSpec, ProviderSpec};
