//! The runtime behind the [`usdt`](https://docs.rs/usdt) crate: what programs with probes
//! link, and the one place that says which backend a target has ([`backend`]).
//!
//! - [`StrBuf`]: the NUL-terminated copies of string arguments that probe sites make
//!   (also `usdt-dynamic`'s), without a heap allocation per fire.
//! - On illumos, FreeBSD and macOS: the probe records that sites leave in the binary
//!   ([`record`]), the DOF document built from them and its registration with the kernel
//!   ([`register`]), and the functions of an object file from its own symbol tables
//!   (`symbols`), which name the sites `dladdr` cannot. On other hosts the `dof` feature
//!   brings the records and DOF (for tools that read DTrace objects, `usdt list`), and the
//!   `symtab` feature the symbol tables.
//!
//! The code generator, which only the proc macros and build scripts run, is
//! `usdt-codegen`, so that no program links it.
//!
//! Users depend on `usdt`, not on this crate.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod backend;
mod str_buf;

#[cfg(any(feature = "dof", usdt_backend = "dtrace"))]
pub mod record;
#[cfg(any(feature = "dof", usdt_backend = "dtrace"))]
pub mod register;
#[cfg(any(feature = "symtab", usdt_backend = "dtrace"))]
pub mod symbols;

pub use str_buf::{StrBuf, INLINE_STR_LEN, LONG_BUFFERS};

/// This build's backend (the `usdt_backend` cfg, see [`backend`]).
#[cfg(usdt_backend = "stapsdt")]
pub const BACKEND: backend::Backend = backend::Backend::Stapsdt;
/// This build's backend (the `usdt_backend` cfg, see [`backend`]).
#[cfg(usdt_backend = "dtrace")]
pub const BACKEND: backend::Backend = backend::Backend::Dtrace;
/// This build's backend (the `usdt_backend` cfg, see [`backend`]).
#[cfg(usdt_backend = "none")]
pub const BACKEND: backend::Backend = backend::Backend::None;
