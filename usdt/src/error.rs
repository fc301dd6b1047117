//! The crate's one error type: probe registration, the build script, JSON.

/// What went wrong: registering the probes ([`register_probes`](crate::register_probes)),
/// generating them from a build script ([`Builder`](crate::Builder)), or serializing a value
/// ([`to_json`](crate::to_json)).
///
/// The variants usdt 0.6 had keep their names (`ParseError`, `IO`, `Env`, `Json`); 0.6's
/// `InvalidFile` (from `probe_records`, see the crate docs) and `DTraceError` (macOS's
/// `dtrace` command, which this crate never runs) have no counterpart.
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
    Records(RegistrationError),
    /// The probes cannot be described in DOF (a name too long for DTrace, a probe declared
    /// twice with different argument types).
    #[error("cannot describe the probes in DOF: {0}")]
    Dof(RegistrationError),
    /// The build script's provider file is missing or malformed:
    /// `file:line:column: what was expected`.
    #[error("{0}")]
    ParseError(ProviderError),
    /// The build script's output could not be written.
    #[error("{0}")]
    IO(#[from] std::io::Error),
    /// `OUT_DIR` is not set: the [`Builder`](crate::Builder) runs from a build script.
    #[error("OUT_DIR is not set (run the Builder from a build script): {0}")]
    Env(#[from] std::env::VarError),
    /// A value could not be serialized.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// A provider file the [`Builder`](crate::Builder) cannot turn into probe macros.
///
/// Its own type, not the code generator's: a program's `usdt::Error` then links none of the
/// code generator, which only build scripts run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct ProviderError {
    /// The provider file, as the build script named it.
    pub file: Option<String>,
    /// The line at fault (from 1), when there is one.
    pub line: Option<usize>,
    /// The column at fault (from 1), when there is one.
    pub column: Option<usize>,
    /// The whole message: `file:line:column: what was expected`.
    pub text: String,
}

/// What made this object's probes impossible to hand to DTrace ([`Error::Records`],
/// [`Error::Dof`]), as the runtime (`usdt-impl`) describes it.
///
/// Its own type, not the runtime's: `usdt::Error` is then the same on every target, and a
/// program built where there is no DTrace compiles none of the records and DOF code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RegistrationError {
    message: String,
}

impl RegistrationError {
    /// What is wrong, e.g. `probe record at offset 48 is truncated`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

#[cfg(usdt_backend = "dtrace")]
impl From<usdt_impl::register::RegisterError> for Error {
    fn from(e: usdt_impl::register::RegisterError) -> Self {
        use usdt_impl::register::RegisterError as R;
        let message = |e: &dyn std::fmt::Display| RegistrationError {
            message: e.to_string(),
        };
        match e {
            R::Records(e) => Error::Records(message(&e)),
            R::Build(e) => Error::Dof(message(&e)),
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

impl From<usdt_codegen::BuildError> for Error {
    #[inline]
    fn from(e: usdt_codegen::BuildError) -> Self {
        use usdt_codegen::BuildError as B;
        match e {
            B::Provider(e) => Error::ParseError(ProviderError {
                file: e.file.clone(),
                line: e.span.map(|s| s.line),
                column: e.span.map(|s| s.column),
                text: e.to_string(),
            }),
            B::Environment(_) => Error::Env(std::env::VarError::NotPresent),
            B::Write { path, source } => Error::IO(std::io::Error::new(
                source.kind(),
                format!("cannot write {}: {source}", path.display()),
            )),
            // A variant added later: keep its message.
            other => Error::IO(std::io::Error::other(other.to_string())),
        }
    }
}
