//! `tracing`'s spans and events as the static probes of the provider `tracing` (declared
//! in `tracing.d`, at the root of this crate): [`ProbeLayer`], a layer, and
//! [`ProbeSubscriber`], a subscriber wrapping another, fire the same probes with the same
//! arguments (made in `args`).

mod args;
mod fields;
mod layer;
mod names;
mod subscriber;
mod text;

pub use layer::ProbeLayer;
pub use subscriber::ProbeSubscriber;

usdt::dtrace_provider!("tracing.d");
