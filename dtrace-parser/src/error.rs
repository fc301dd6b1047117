//! Errors, each with the file and position it refers to.

use crate::model::Span;

/// An error found while reading a provider file.
///
/// Displays as `FILE:LINE:COLUMN: MESSAGE`, e.g.
/// `test.d:3:21: unknown type 'uint7_t' in probe 'start'`.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{}:{}: {kind}", span.line, span.column)]
pub struct Error {
    /// The file the error is in (the name given to the parser, or the file a
    /// preprocessor line marker names).
    pub file: String,
    /// Where in the file; all zero for errors without a place (I/O).
    pub span: Span,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text does not follow the grammar. Both fields are ready to print:
    /// `expected` lists alternatives (`'probe' or '}'`), `found` is the quoted
    /// text at the position (`'prob'`) or `end of file`.
    #[error("expected {expected}, found {found}")]
    Syntax {
        /// What the grammar allows at the position.
        expected: String,
        /// What is there instead.
        found: String,
    },
    /// An argument uses a type name that is neither built in nor defined by
    /// the file or the [`ParseOptions`](crate::ParseOptions).
    #[error("unknown type '{name}' in probe '{probe}'")]
    UnknownType {
        /// The unknown name.
        name: String,
        /// The probe using it.
        probe: String,
    },
    /// An argument's type is known but cannot be passed to a probe (a struct
    /// or `void` by value, `long double`, an array...).
    #[error("unsupported type '{name}' in probe '{probe}': {reason}")]
    UnsupportedType {
        /// The type as written.
        name: String,
        /// The probe using it.
        probe: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// Two providers of one file have the same name.
    #[error("duplicate provider '{0}'")]
    DuplicateProvider(String),
    /// Two probes of one provider have the same name.
    #[error("duplicate probe '{probe}' in provider '{provider}'")]
    DuplicateProbe {
        /// The provider.
        provider: String,
        /// The probe name given twice.
        probe: String,
    },
    /// A provider or probe name is not a C identifier.
    #[error("invalid identifier '{0}': names must be a letter or '_' followed by letters, digits or '_'")]
    InvalidIdentifier(String),
    /// A probe has more arguments than probes can carry.
    #[error("probe '{probe}' has {count} arguments, at most {max} are allowed")]
    TooManyArguments {
        /// The probe.
        probe: String,
        /// How many arguments it declares.
        count: usize,
        /// The limit, [`MAX_ARGUMENTS`](crate::MAX_ARGUMENTS).
        max: usize,
    },
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Io(String),
    /// The C preprocessor could not be run or failed; holds its messages.
    #[error("C preprocessor failed: {0}")]
    Preprocessor(String),
}

impl Error {
    pub(crate) fn new(file: &str, span: Span, kind: ErrorKind) -> Self {
        Error {
            file: file.to_string(),
            span,
            kind,
        }
    }
}
