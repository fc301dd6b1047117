//! What can go wrong, as values: nothing in this crate panics on a caller's input.

use crate::ArgType;

/// Why a provider could not be defined, loaded or fired.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A provider or probe name that tracers cannot address.
    #[error(
        "invalid {what} name {name:?}: names are a letter or '_' followed by letters, digits or \
         '_', at most {max} bytes"
    )]
    InvalidName {
        /// `"provider"` or `"probe"`.
        what: &'static str,
        /// The name given.
        name: String,
        /// The longest name allowed.
        max: usize,
    },
    /// A probe name given twice in one provider.
    #[error("provider {provider:?} already has a probe {probe:?}")]
    DuplicateProbe {
        /// The provider.
        provider: String,
        /// The probe name given twice.
        probe: String,
    },
    /// More arguments than probes can carry.
    #[error("probe {probe:?} has {count} arguments; a probe takes at most {max}")]
    TooManyArguments {
        /// The probe.
        probe: String,
        /// How many arguments it was given.
        count: usize,
        /// The limit: 12 on every target, as for static probes.
        max: usize,
    },
    /// A probe was asked for of a provider that is not loaded.
    #[error("provider {provider:?} is not loaded")]
    NotLoaded {
        /// The provider.
        provider: String,
    },
    /// A probe of a provider that has been unloaded since the handle was made.
    #[error("probe {probe:?} belongs to a provider that has been unloaded")]
    Unloaded {
        /// The probe.
        probe: String,
    },
    /// `load` on a provider that is loaded already.
    #[error("provider {provider:?} is loaded already; unload it first")]
    AlreadyLoaded {
        /// The provider.
        provider: String,
    },
    /// No probe of that name in the provider.
    #[error("provider {provider:?} has no probe {probe:?}")]
    NoSuchProbe {
        /// The provider.
        provider: String,
        /// The name asked for.
        probe: String,
    },
    /// A typed handle asked for with argument types other than the probe's.
    #[error("probe {probe:?} takes ({declared}), not ({asked})")]
    WrongSignature {
        /// The probe.
        probe: String,
        /// Its declared argument types.
        declared: TypeList,
        /// The types asked for.
        asked: TypeList,
    },
    /// A fire with the wrong number of arguments.
    #[error("probe {probe:?} takes {expected} arguments, {given} were given")]
    WrongArgumentCount {
        /// The probe.
        probe: String,
        /// Its argument count.
        expected: usize,
        /// The number given.
        given: usize,
    },
    /// A fire with an argument of the wrong type, or an integer out of the declared range.
    #[error("argument {index} of probe {probe:?} is a {expected}; {given} does not fit")]
    WrongArgument {
        /// The probe.
        probe: String,
        /// The argument's position, from 0.
        index: usize,
        /// Its declared type.
        expected: ArgType,
        /// What was given, described.
        given: String,
    },
    /// The object or the stubs could not be built.
    #[error("cannot build the provider's object: {0}")]
    Build(String),
    /// A system call failed while loading or unloading.
    #[error("{call} failed: {source}")]
    System {
        /// What was called (`memfd_create`, `write`, `mmap`...).
        call: &'static str,
        /// The error it gave.
        source: std::io::Error,
    },
    /// The dynamic loader refused the object.
    #[error("the dynamic loader refused {path}: {message}")]
    Loader {
        /// The path the object was loaded from.
        path: String,
        /// `dlerror()`.
        message: String,
    },
    /// DTrace refused the provider.
    #[error("DTrace refused the provider: {0}")]
    Dtrace(String),
}

/// A list of argument types, printed as a C parameter list (`uint64_t, char *`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeList(pub Vec<ArgType>);

impl std::fmt::Display for TypeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, t) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

impl Error {
    /// The last OS error, as the failure of `call` (in the Linux and DTrace backends).
    #[allow(dead_code)]
    pub(crate) fn last_os(call: &'static str) -> Error {
        Error::System {
            call,
            source: std::io::Error::last_os_error(),
        }
    }
}
