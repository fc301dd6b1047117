//! Items the generated probe macros name. Not part of the public API: they may change in
//! any release.

mod args;
mod cstr;
mod json;

pub use args::{Arg, PtrArg, StrArg};
pub use cstr::{StrBuf, INLINE_STR_LEN};
pub use json::{Json, Serialize};

/// Marks the path that runs a probe as unlikely, so the compiler lays it out after the hot
/// code. (`core::hint::cold_path` does the same from Rust 1.95 on.) `extern "C"`, so the
/// compiler knows it cannot unwind and adds no landing pad (whose register saves would land
/// on the hot path).
#[cold]
#[inline(never)]
pub extern "C" fn cold_path() {}

/// Gives a site's closure its expected return type `R` where the closure is written, so
/// rustc checks the closure's body against it (an integer literal takes the declared width,
/// a wrong type or count is reported at the closure's own tokens). One generic function for
/// every site: a function item per site would cost each site a type check and a borrow
/// check of its own.
#[inline(always)]
pub fn check<R, F: FnOnce() -> R>(f: F) -> F {
    f
}
