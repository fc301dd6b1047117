//! The machinery behind the [`usdt`](https://docs.rs/usdt) crate.
//!
//! - With the `codegen` feature (default): the provider model that every front door fills
//!   (a D provider file, a build script, a `#[usdt::provider]` module) and the one code
//!   generator that turns it into a `macro_rules!` per probe.
//!
//! - Always: the DTrace runtime: the probe records that sites leave in the binary
//!   ([`record`]), the DOF document built from them and its registration with the kernel
//!   ([`register`]).
//!
//! - With the `symtab` feature, and always on illumos, FreeBSD and macOS: the functions of
//!   an object file from its own symbol tables (`symbols`), which name the sites `dladdr`
//!   cannot.
//!
//! Users depend on `usdt`, not on this crate.

#[cfg(feature = "codegen")]
mod builder;
#[cfg(feature = "codegen")]
pub mod codegen;
#[cfg(feature = "codegen")]
mod d_file;
#[cfg(feature = "codegen")]
mod error;
#[cfg(feature = "codegen")]
pub mod model;
pub mod record;
pub mod register;
#[cfg(any(
    feature = "symtab",
    target_os = "illumos",
    target_os = "solaris",
    target_os = "freebsd",
    target_os = "macos"
))]
pub mod symbols;

#[cfg(feature = "codegen")]
pub use builder::{BuildError, Builder};
#[cfg(feature = "codegen")]
pub use codegen::{generate, Options};
#[cfg(feature = "codegen")]
pub use d_file::{from_d_file, from_d_source};
#[cfg(feature = "codegen")]
pub use dtrace_parser;
#[cfg(feature = "codegen")]
pub use error::Error;
#[cfg(feature = "codegen")]
pub use model::{ArgType, Probe, Provider};
