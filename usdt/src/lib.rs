//! USDT probes for Rust.

mod error;
mod register;
mod site;
mod unique_id;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use error::Error;
pub use register::register_probes;
pub use unique_id::UniqueId;

#[cfg(feature = "macros")]
pub use usdt_macro::dtrace_provider;
