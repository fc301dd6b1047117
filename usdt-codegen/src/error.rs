//! Errors of reading a provider and generating its code.

use dtrace_parser::Span;

/// A provider that cannot become Rust code, with the place in the provider definition that
/// is at fault when there is one.
#[derive(Debug, thiserror::Error)]
#[error("{}{message}", location_prefix(file, span))]
pub struct Error {
    /// The provider file, when the provider came from one.
    pub file: Option<String>,
    /// Where in that file.
    pub span: Option<Span>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl Error {
    /// An error at a place in a provider file (or anywhere, when `span` is `None`).
    pub fn new(file: Option<&str>, span: Option<Span>, message: impl Into<String>) -> Self {
        Error {
            file: file.map(str::to_owned),
            span,
            message: message.into(),
        }
    }
}

impl From<dtrace_parser::Error> for Error {
    fn from(e: dtrace_parser::Error) -> Self {
        Error {
            file: Some(e.file),
            span: Some(e.span),
            message: e.kind.to_string(),
        }
    }
}

fn location_prefix(file: &Option<String>, span: &Option<Span>) -> String {
    match (file, span) {
        (Some(f), Some(s)) => format!("{f}:{}:{}: ", s.line, s.column),
        (Some(f), None) => format!("{f}: "),
        _ => String::new(),
    }
}
