//! Items the generated probe macros name. Not part of the public API: they may change in
//! any release.

mod conversions;
mod json;

pub use conversions::{Arg, PtrArg, StrArg};
pub use json::{Json, Serialize};
/// The load-time entries of DTrace probe sites (see `site::dtrace`).
#[cfg(usdt_backend = "dtrace")]
pub use usdt_impl::register::{register_at_load, unregister_at_unload};
pub use usdt_impl::{StrBuf, INLINE_STR_LEN};

/// Marks the path that runs a probe as unlikely, so the compiler lays it out after the hot
/// code and moves no argument work before the gate. A call to a `#[cold]` function, because
/// `core::hint::cold_path` (Rust 1.95) does not reach the successors of an `asm goto`.
/// `extern "C"`, so the compiler knows it cannot unwind and adds no landing pad (whose
/// register saves would land on the hot path).
#[cold]
#[inline(never)]
pub extern "C" fn cold_path() {}

/// Calls a closure or function that a site did not get written in place, giving it the
/// expected return type `R`, so rustc checks it against the probe's arguments (see
/// `__probe!`). One generic function for every site: a function item per site would cost
/// each site a type check and a borrow check of its own.
#[inline(always)]
pub fn call<R, F: FnOnce() -> R>(f: F) -> R {
    f()
}
