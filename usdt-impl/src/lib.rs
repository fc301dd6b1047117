//! The runtime behind the [`usdt`](https://docs.rs/usdt) crate, on the DTrace platforms: the
//! probe records that sites leave in the binary ([`record`]), the DOF document built from
//! them and its registration with the kernel ([`register`]).
//!
//! Every program with probes links this crate; the code generator, which only the proc
//! macros and build scripts run, is `usdt-codegen`, so that no program links it.
//!
//! - With the `symtab` feature, and always on illumos, FreeBSD and macOS: the functions of
//!   an object file from its own symbol tables (`symbols`), which name the sites `dladdr`
//!   cannot.
//!
//! Users depend on `usdt`, not on this crate.
#![cfg_attr(docsrs, feature(doc_cfg))]

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
