//! The backends, one per kind of target, chosen by `cfg` for the target being built.
//!
//! Each defines the same three things:
//! - `Image`: a loaded provider (`load`, `path`, `site`, `retire`, `close`, and its `Drop`);
//! - `Site`: what a probe handle keeps to test and fire one probe (`is_enabled`, `fire`),
//!   `Copy`, valid while the image it came from is alive;
//! - `MAX_ARGS`: the most arguments a probe may have there.

// The backend is the cfg `usdt_backend`, which `usdt-impl`'s build script decides for the
// target (its `src/backend.rs` lists the targets of each), as for `usdt`'s static sites.

/// Linux: an ELF shared object built in memory, loaded with `dlopen`.
#[cfg(usdt_backend = "stapsdt")]
mod linux;
#[cfg(usdt_backend = "stapsdt")]
pub(crate) use linux::{Image, Site, MAX_ARGS};

/// DTrace platforms: probe stubs in executable memory and a DOF document.
#[cfg(usdt_backend = "dtrace")]
mod dtrace;
#[cfg(usdt_backend = "dtrace")]
pub(crate) use dtrace::{Image, Site, MAX_ARGS};

/// Elsewhere, and with `--cfg usdt_disable_probes`: providers load and never fire.
#[cfg(usdt_backend = "none")]
mod none;
#[cfg(usdt_backend = "none")]
pub(crate) use none::{Image, Site, MAX_ARGS};

/// The ELF image the Linux backend loads; built for either architecture, so that both are
/// tested on any Linux host.
#[cfg(target_os = "linux")]
#[cfg_attr(not(usdt_backend = "stapsdt"), allow(dead_code))]
pub(crate) mod elf;

/// The stubs and DOF document of the DTrace backend, built for any architecture and
/// kernel convention, so that they are tested on every host.
#[cfg_attr(not(usdt_backend = "dtrace"), allow(dead_code))]
pub(crate) mod stubs;
