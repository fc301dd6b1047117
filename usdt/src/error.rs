//! Errors of probe registration.

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
    Records(String),
}
