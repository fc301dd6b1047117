//! Which probe backend a target has: the one place that lists the targets of each.
//!
//! Compiled twice: into `usdt-impl`'s build script, which gives `usdt-impl` the cfg
//! `usdt_backend = "stapsdt" | "dtrace" | "none"` and hands the same to the build scripts of
//! the crates that depend on it (`usdt`, `usdt-dynamic`: Cargo's `links` metadata, as
//! `DEP_USDT_IMPL_CFG` and `DEP_USDT_IMPL_CHECK_CFG`), and into the library, where
//! [`BACKEND`](crate::BACKEND) says which one this build has. Everything that depends on the target is
//! written under `#[cfg(usdt_backend = "...")]`, never under lists of its own.
//!
//! Cargo manifests cannot use a build script's cfg: the target tables of `usdt-impl` and
//! `usdt-dynamic` restate [`DTRACE_OSES`], which a test of this crate holds against this
//! list.

/// The backends, by the value of the `usdt_backend` cfg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SystemTap SDT notes, semaphores and NOP sites (Linux).
    Stapsdt,
    /// DTrace probe records, DOF and the helper device (illumos, FreeBSD, macOS).
    Dtrace,
    /// Sites that compile to nothing: other targets, and any target built with
    /// `--cfg usdt_disable_probes`.
    None,
}

/// The operating systems with SystemTap SDT probes (`target_os`).
pub const STAPSDT_OSES: &[&str] = &["linux"];

/// The operating systems with DTrace's USDT probes (`target_os`).
pub const DTRACE_OSES: &[&str] = &["illumos", "solaris", "freebsd", "macos"];

/// The instruction sets with probe sites (`target_arch`), for either backend.
pub const ARCHES: &[&str] = &["x86_64", "aarch64"];

impl Backend {
    /// The backend of a target (`target_os`, `target_arch`), with probes turned off
    /// (`--cfg usdt_disable_probes`) or not.
    pub fn of(os: &str, arch: &str, disabled: bool) -> Backend {
        match Backend::of_target(os, arch) {
            _ if disabled => Backend::None,
            backend => backend,
        }
    }

    /// The backend a target has when probes are not turned off.
    pub fn of_target(os: &str, arch: &str) -> Backend {
        if !ARCHES.contains(&arch) {
            Backend::None
        } else if STAPSDT_OSES.contains(&os) {
            Backend::Stapsdt
        } else if DTRACE_OSES.contains(&os) {
            Backend::Dtrace
        } else {
            Backend::None
        }
    }

    /// The value of the `usdt_backend` cfg.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Stapsdt => "stapsdt",
            Backend::Dtrace => "dtrace",
            Backend::None => "none",
        }
    }

    /// `--check-cfg` for `usdt_backend`: every value it can take.
    pub fn check_cfg() -> &'static str {
        r#"cfg(usdt_backend, values("stapsdt", "dtrace", "none"))"#
    }
}
