//! Errors of probe registration.

pub use usdt_impl::record::RecordError;
pub use usdt_impl::register::BuildError;

/// Why [`register_probes`](crate::register_probes) failed.
///
/// Only the DTrace platforms (illumos, FreeBSD, macOS) can fail: on Linux there is nothing to
/// submit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The DTrace helper device could not be opened (DTrace not loaded, or no permission).
    #[error("cannot open the DTrace helper device {path}: {source}")]
    HelperDevice {
        /// The device path tried.
        path: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The kernel refused the DOF document.
    #[error("the DTrace helper refused the probes (DTRACEHIOC_ADDDOF): {0}")]
    Ioctl(std::io::Error),
    /// The probe records in the binary are malformed (or of an unknown version).
    #[error("malformed probe records: {0}")]
    Records(#[from] RecordError),
    /// The probes cannot be described in DOF (a name too long for DTrace, a probe declared
    /// twice with different argument types).
    #[error("cannot describe the probes in DOF: {0}")]
    Dof(#[from] BuildError),
}

impl From<usdt_impl::register::RegisterError> for Error {
    fn from(e: usdt_impl::register::RegisterError) -> Self {
        use usdt_impl::register::RegisterError as R;
        match e {
            R::Records(e) => Error::Records(e),
            R::Build(e) => Error::Dof(e),
            R::Device { path, errno } => Error::HelperDevice {
                path,
                source: std::io::Error::from_raw_os_error(errno),
            },
            R::Ioctl { errno } => Error::Ioctl(std::io::Error::from_raw_os_error(errno)),
            // A variant added later: keep its message.
            other => Error::Ioctl(std::io::Error::other(other.to_string())),
        }
    }
}
