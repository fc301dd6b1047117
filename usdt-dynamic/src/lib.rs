//! USDT providers defined at run time.
//!
//! (docs follow)

mod args;
mod backend;
mod error;
mod probe;
mod provider;
mod types;

pub use args::{ArgSig, ArgValue, Args, Signature, Str, MAX_ARGS};
pub use error::{Error, TypeList};
pub use probe::{DynProbe, Probe};
pub use provider::{Backing, Provider};
pub use types::{ArgType, Value};
