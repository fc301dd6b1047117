//! Items the generated probe macros name. Not part of the public API: they may change in
//! any release.

mod args;
mod cstr;
mod json;

pub use args::{Arg, PtrArg, Reg, StrArg};
pub use cstr::{StrBuf, INLINE_STR_LEN};
pub use json::{Json, Serialize};

/// Marks the path that runs a probe as unlikely, so the compiler lays it out after the hot
/// code. (`core::hint::cold_path` does the same from Rust 1.95 on.) `extern "C"`, so the
/// compiler knows it cannot unwind and adds no landing pad (whose register saves would land
/// on the hot path).
#[cold]
#[inline(never)]
pub extern "C" fn cold_path() {}
