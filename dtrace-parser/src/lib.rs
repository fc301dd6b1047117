#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// `Error` is returned by value as part of the public API; it is built once per
// failed parse, so its size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

mod kind;
mod names;
mod types;

#[cfg(feature = "parse")]
mod cpp;
#[cfg(feature = "parse")]
mod directive;
#[cfg(feature = "parse")]
mod error;
#[cfg(feature = "parse")]
mod model;
#[cfg(feature = "parse")]
mod options;
#[cfg(feature = "parse")]
mod parser;
#[cfg(feature = "parse")]
mod scan;
#[cfg(feature = "parse")]
mod span;
#[cfg(feature = "parse")]
mod typedefs;

// The grammar derive names `alloc::`: pest is built without its `std` feature (see the
// workspace's Cargo.toml for why, and what that does not spare).
#[cfg(feature = "parse")]
extern crate alloc;
pub use kind::{ArgKind, IntWidth};
pub use names::named_types;
pub use types::c_type_kind;

#[cfg(feature = "parse")]
pub use error::{Error, ErrorKind};
#[cfg(feature = "parse")]
pub use model::{Argument, File, Pragma, Probe, Provider, Span};
#[cfg(feature = "parse")]
pub use options::ParseOptions;

/// The most arguments a probe may have.
pub const MAX_ARGUMENTS: usize = 12;

/// Whether `name` can name a provider or a probe: a C identifier, a letter or `_` followed
/// by letters, digits or `_` (ASCII only), which every tracer can address.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A probe's name as DTrace spells it in DOF and `dtrace -l`: each `__` becomes `-`
/// (`transaction__start` is `transaction-start`); SystemTap notes keep the name as written.
pub fn dtrace_probe_name(name: &str) -> String {
    name.replace("__", "-")
}

/// Parses `source` with the default options. `file_name` names the file in
/// the model and in errors.
#[cfg(feature = "parse")]
pub fn parse(source: &str, file_name: &str) -> Result<File, Error> {
    parse_with(source, file_name, &ParseOptions::default())
}

/// Parses `source` with `options`.
#[cfg(feature = "parse")]
pub fn parse_with(source: &str, file_name: &str, options: &ParseOptions) -> Result<File, Error> {
    if options.cpp {
        let text = cpp::preprocess(source, file_name, options).map_err(|message| {
            Error::new(file_name, Span::default(), ErrorKind::Preprocessor(message))
        })?;
        parser::parse_text(&text, file_name, Some(source), &options.typedefs)
    } else {
        parser::parse_text(source, file_name, None, &options.typedefs)
    }
}

/// Reads and parses the file at `path`; the file name in the model and in
/// errors is the path as given. Read failures are [`ErrorKind::Io`].
#[cfg(feature = "parse")]
pub fn parse_file(
    path: impl AsRef<std::path::Path>,
    options: &ParseOptions,
) -> Result<File, Error> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let source = std::fs::read_to_string(path)
        .map_err(|e| Error::new(&name, Span::default(), ErrorKind::Io(e.to_string())))?;
    parse_with(&source, &name, options)
}
