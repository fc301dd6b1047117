//! Why a record section cannot be read.

/// A malformed record section. Every offset is in bytes from the start of the section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The section ends inside a record.
    #[error("probe record at offset {offset} is truncated")]
    Truncated {
        /// Where the record (or the field) starts.
        offset: usize,
    },
    /// The record was written by another version of `usdt`.
    #[error("probe record at offset {offset} has unknown version {version}")]
    UnknownVersion {
        /// Where the record starts.
        offset: usize,
        /// The version found.
        version: u8,
    },
    /// The kind byte is neither probe (0) nor is-enabled (1).
    #[error("probe record at offset {offset} has unknown kind {kind}")]
    BadKind {
        /// Where the record starts.
        offset: usize,
        /// The kind found.
        kind: u8,
    },
    /// The record length is shorter than the header or not a multiple of 8.
    #[error("probe record at offset {offset} has invalid length {length}")]
    BadLength {
        /// Where the record starts.
        offset: usize,
        /// The length found.
        length: u32,
    },
    /// A name or type runs past the end of its record.
    #[error("string at offset {offset} is not NUL-terminated within its probe record")]
    UnterminatedString {
        /// Where the string starts.
        offset: usize,
    },
    /// A name or type is not UTF-8.
    #[error("string at offset {offset} is not UTF-8")]
    NotUtf8 {
        /// Where the string starts.
        offset: usize,
    },
    /// The provider or probe name is empty.
    #[error("probe record at offset {offset} has an empty provider or probe name")]
    EmptyName {
        /// Where the record starts.
        offset: usize,
    },
    /// An is-enabled record lists argument types.
    #[error("is-enabled record at offset {offset} lists argument types")]
    IsEnabledWithArguments {
        /// Where the record starts.
        offset: usize,
    },
    /// Non-zero bytes where only padding may be.
    #[error("non-zero padding at offset {offset}")]
    BadPadding {
        /// Where the padding starts.
        offset: usize,
    },
}

impl RecordError {
    /// The same error with its offset moved by `base` (record-relative to section-relative).
    pub(crate) fn at(self, base: usize) -> Self {
        use RecordError::*;
        match self {
            Truncated { offset } => Truncated {
                offset: offset + base,
            },
            UnknownVersion { offset, version } => UnknownVersion {
                offset: offset + base,
                version,
            },
            BadKind { offset, kind } => BadKind {
                offset: offset + base,
                kind,
            },
            BadLength { offset, length } => BadLength {
                offset: offset + base,
                length,
            },
            UnterminatedString { offset } => UnterminatedString {
                offset: offset + base,
            },
            NotUtf8 { offset } => NotUtf8 {
                offset: offset + base,
            },
            EmptyName { offset } => EmptyName {
                offset: offset + base,
            },
            IsEnabledWithArguments { offset } => IsEnabledWithArguments {
                offset: offset + base,
            },
            BadPadding { offset } => BadPadding {
                offset: offset + base,
            },
        }
    }
}
