//! What can be wrong with a note section.

/// What is wrong with a note section or descriptor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The section cannot be read, or its note headers do not fit it.
    #[error("note {index}: {reason}")]
    Framing {
        /// Index of the note in the section (counting every owner).
        index: usize,
        /// What the note or object parser said.
        reason: String,
    },
    /// A descriptor ends before one of its addresses.
    #[error("note {index}: descriptor of {len} bytes ends inside the {field} address")]
    Truncated {
        /// Index of the note.
        index: usize,
        /// The address that does not fit.
        field: &'static str,
        /// The descriptor's length.
        len: usize,
    },
    /// A descriptor ends before the NUL that ends one of its strings.
    #[error("note {index}: the {field} string has no terminating NUL")]
    Unterminated {
        /// Index of the note.
        index: usize,
        /// The string that is not terminated.
        field: &'static str,
    },
}
