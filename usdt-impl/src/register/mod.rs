//! Making a binary's probes known to DTrace: records → DOF → the helper device.
//!
//! [`register`] reads the binary's probe records (see [`crate::record`]), names and places
//! them ([`dof_sites`]), builds one DOF document for every provider of the binary with the
//! `dof` crate ([`build_dof`]) and submits it with the `DTRACEHIOC_ADDDOF` ioctl, as the `drti.o` that
//! `dtrace -G` links into C programs (illumos, FreeBSD) or dyld (macOS) does.
//!
//! # Function names
//!
//! DTrace names a USDT probe `provider<pid>:module:function:name`, and its offsets are
//! taken from the function's address. The assembler cannot name the function holding a
//! site, so registration asks `dladdr` for the symbol containing each site: illumos finds
//! local functions too (`.SUNW_ldynsym`); macOS and FreeBSD find what the dynamic symbol
//! table holds, often nothing for a Rust executable. Without a symbol the function is the
//! empty string and the probe's address (`dofpr_addr`) is its lowest site, which DTrace
//! accepts: the kernel only adds offsets to that address
//! (`dtrace_helper_provide_one`, `fasttrap_meta_create_probe`) and never checks it against
//! a symbol. All sites of a probe in one function (or, unnamed, in the binary) form one DOF
//! probe, so its is-enabled and probe sites are enabled together.
//!
//! # Lifetime
//!
//! The DOF document is kept for the life of the process: macOS may read it from the
//! process lazily, when a tracer first looks.

mod table;

#[cfg(all(
    any(
        target_os = "illumos",
        target_os = "solaris",
        target_os = "freebsd",
        target_os = "macos"
    ),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod helper;

pub use table::{dof_sites, Arch, BuildError, Flavor, Layout, Symbol};

/// The helper device's requests and this target's site conventions, for documents built at
/// run time (run-time providers).
#[cfg(all(
    any(
        target_os = "illumos",
        target_os = "solaris",
        target_os = "freebsd",
        target_os = "macos"
    ),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub use helper::{add_dof, remove_dof, ARCH, FLAVOR};

use crate::record::{RecordError, Site};

/// Why the probes could not be registered. Cloneable, so that every call of [`register`]
/// can return the first call's result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// The probe records in the binary are malformed.
    #[error("malformed probe records: {0}")]
    Records(#[from] RecordError),
    /// The probes cannot be described in DOF.
    #[error("cannot describe the probes in DOF: {0}")]
    Build(#[from] BuildError),
    /// The DTrace helper device could not be opened.
    #[error("cannot open the DTrace helper device {path} (errno {errno})")]
    Device {
        /// The device tried.
        path: &'static str,
        /// The `errno` of `open`.
        errno: i32,
    },
    /// The kernel refused the DOF document.
    #[error("the DTrace helper refused the probes (DTRACEHIOC_ADDDOF, errno {errno})")]
    Ioctl {
        /// The `errno` of `ioctl`.
        errno: i32,
    },
}

/// The DOF model for `sites`: [`dof_sites`], grouped by [`dof::Dof::from_sites`].
pub fn build_model(
    sites: &[Site],
    layout: &Layout,
    resolve: &dyn Fn(u64) -> Option<Symbol>,
) -> Result<dof::Dof, BuildError> {
    Ok(dof::Dof::from_sites(dof_sites(sites, layout, resolve)?)?)
}

/// The DOF document for `sites`, as [`register`] submits it: [`build_model`], then
/// [`dof::Dof::to_bytes`].
pub fn build_dof(
    sites: &[Site],
    layout: &Layout,
    resolve: &dyn Fn(u64) -> Option<Symbol>,
) -> Result<Vec<u8>, BuildError> {
    Ok(build_model(sites, layout, resolve)?.to_bytes()?)
}

/// Register every probe of this binary with DTrace, once: later calls (from any thread)
/// return the first call's result. A binary without probes succeeds without opening the
/// device. On targets without DTrace this does nothing and succeeds.
pub fn register() -> Result<(), RegisterError> {
    #[cfg(all(
        any(
            target_os = "illumos",
            target_os = "solaris",
            target_os = "freebsd",
            target_os = "macos"
        ),
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        static RESULT: std::sync::OnceLock<Result<(), RegisterError>> = std::sync::OnceLock::new();
        RESULT.get_or_init(helper::register).clone()
    }
    #[cfg(not(all(
        any(
            target_os = "illumos",
            target_os = "solaris",
            target_os = "freebsd",
            target_os = "macos"
        ),
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
