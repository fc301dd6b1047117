//! Making a binary's probes known to DTrace: records → DOF → the helper device.
//!
//! [`register`] reads the probe records of the object it is linked into (see
//! [`crate::record`]), names and places them ([`dof_sites`]), builds one DOF document for
//! every provider of the object with the `dof` crate ([`build_dof`]) and submits it with
//! the `DTRACEHIOC_ADDDOF` ioctl, as the `drti.o` that `dtrace -G` links into C programs
//! (illumos, FreeBSD) does.
//!
//! # When
//!
//! At load time: every object file with a DTrace probe site carries an `.init_array`
//! (`__mod_init_func`) entry that calls [`register_at_load`] and a `.fini_array`
//! (`__mod_term_func`) entry that calls [`unregister_at_unload`] (see the `usdt` crate's
//! DTrace sites). So an executable registers before `main` (`dtrace -c` matches its probes
//! as it reaches `main`), and a shared library when it is loaded; the library takes its
//! probes back (`DTRACEHIOC_REMOVE`) when unloaded, the executable at exit, as `drti.o`
//! does. Before `main` only allocation and system calls are used: no thread-local state
//! with destructors, no standard I/O unless `DTRACE_DOF_INIT_DEBUG` is set, no panics
//! across the C boundary. `DTRACE_DOF_INIT_DISABLE` in the environment turns the load-time
//! registration off, as it does for `drti.o`; [`register`] still registers when called.
//!
//! Each object (the executable, each shared library) has its own copy of this code and
//! registers its own records, once: [`register`] returns the result of the first attempt,
//! at load time or not.
//!
//! # Function names
//!
//! DTrace names a USDT probe `provider<pid>:module:function:name`, and its offsets are
//! taken from the function's address. The assembler cannot name the function holding a
//! site, so registration reads the object's own symbol tables from its file (the one
//! `dladdr` names), as FreeBSD's `drti.o` does: the dynamic symbol table alone knows no
//! hidden or local function (Rust's `main` is one), and Linux DTrace refuses a probe
//! without a function. Only the functions that hold sites are named, and the file is read
//! only once the helper device has opened. When the file cannot be read, `dladdr` names
//! what it can. Without a symbol the function is the empty string and the probe's address
//! (`dofpr_addr`) is its lowest site, which illumos and macOS accept: the kernel only adds
//! offsets to that address (`dtrace_helper_provide_one`, `fasttrap_meta_create_probe`).
//! All sites of a probe in one function (or, unnamed, in the object) form one DOF probe,
//! so its is-enabled and probe sites are enabled together.
//!
//! # Lifetime
//!
//! The DOF document is kept until the probes are removed: macOS may read it from the
//! process lazily, when a tracer first looks.

mod table;

#[cfg(usdt_backend = "dtrace")]
mod helper;

pub use table::{dof_sites, Arch, DofError, Flavor, Layout, Symbol};

/// The helper device's requests and this target's site conventions, for documents built at
/// run time (run-time providers).
#[cfg(usdt_backend = "dtrace")]
pub use helper::{add_dof, remove_dof, ARCH, FLAVOR};

use crate::record::{RecordError, SiteRecord};

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
    Build(#[from] DofError),
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
    sites: &[SiteRecord],
    layout: &Layout,
    resolve: &dyn Fn(u64) -> Option<Symbol>,
) -> Result<dof::Dof, DofError> {
    Ok(dof::Dof::from_sites(dof_sites(sites, layout, resolve)?)?)
}

/// The DOF document for `sites`, as [`register`] submits it: [`build_model`], written in
/// the DOF version the layout's kernel accepts ([`Flavor::dof_version`]), 64-bit and
/// little-endian as every DTrace target is.
pub fn build_dof(
    sites: &[SiteRecord],
    layout: &Layout,
    resolve: &dyn Fn(u64) -> Option<Symbol>,
) -> Result<Vec<u8>, DofError> {
    Ok(build_model(sites, layout, resolve)?.to_bytes_as(
        layout.flavor.dof_version(),
        dof::DataModel::Lp64,
        dof::Encoding::Lsb,
    )?)
}

/// Register every probe of this object (the executable or shared library this code is
/// linked into) with DTrace, once: later calls, from any thread, and the load-time
/// registration ([`register_at_load`]), share the first attempt's result. An object without
/// probes succeeds without opening the device. On targets without DTrace this does nothing
/// and succeeds.
pub fn register() -> Result<(), RegisterError> {
    #[cfg(usdt_backend = "dtrace")]
    {
        helper::register()
    }
    #[cfg(not(usdt_backend = "dtrace"))]
    {
        Ok(())
    }
}

/// The environment variable that turns registration at load time off, as it does for the
/// `drti.o` of C programs.
pub const DISABLE_AT_LOAD: &str = "DTRACE_DOF_INIT_DISABLE";

/// The environment variable that makes registration at load time report its result on
/// standard error, as it does for `drti.o`.
pub const DEBUG_AT_LOAD: &str = "DTRACE_DOF_INIT_DEBUG";

/// The load-time constructor of every object with DTrace probe sites: [`register`], unless
/// `DTRACE_DOF_INIT_DISABLE` is set. Errors are kept for [`register`] to return (and
/// printed when `DTRACE_DOF_INIT_DEBUG` is set); nothing unwinds out of it.
pub extern "C" fn register_at_load() {
    #[cfg(usdt_backend = "dtrace")]
    {
        if std::env::var_os(DISABLE_AT_LOAD).is_some() {
            return;
        }
        let result = std::panic::catch_unwind(register);
        if std::env::var_os(DEBUG_AT_LOAD).is_some() {
            match result {
                Ok(Ok(())) => eprintln!("usdt: DTrace probes registered"),
                Ok(Err(e)) => eprintln!("usdt: {e}"),
                Err(_) => eprintln!("usdt: registering the DTrace probes panicked"),
            }
        }
    }
}

/// The unload-time destructor of every object with DTrace probe sites: takes the object's
/// probes back from DTrace (`DTRACEHIOC_REMOVE`) if they were registered, and frees the
/// DOF document.
pub extern "C" fn unregister_at_unload() {
    #[cfg(usdt_backend = "dtrace")]
    {
        let _ = std::panic::catch_unwind(helper::unregister);
    }
}

#[cfg(test)]
mod tests;
