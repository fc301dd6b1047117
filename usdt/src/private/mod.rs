//! Items the generated probe macros name. Not part of the public API: they may change in
//! any release.

mod args;
mod cstr;
mod json;

pub use args::{Arg, PtrArg, Reg, StrArg};
pub use cstr::{StrBuf, INLINE_STR_LEN};
pub use json::{Json, Serialize};
