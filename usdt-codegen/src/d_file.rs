//! The D provider file front door, shared by `dtrace_provider!` and the build script.

use std::path::Path;

use proc_macro2::TokenStream;

use crate::{generate, model, Error, Options};

/// Read, parse and generate the probe macros of the provider file at `path`; `display` is
/// the name errors give the file (as the user wrote it).
pub fn from_d_file(path: &Path, display: &str, options: &Options) -> Result<TokenStream, Error> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            Some(display),
            None,
            format!("cannot read the provider file: {e}"),
        )
    })?;
    from_d_source(&source, display, options)
}

/// Parse and generate the probe macros of provider definitions in `source`.
pub fn from_d_source(source: &str, display: &str, options: &Options) -> Result<TokenStream, Error> {
    let file = dtrace_parser::parse(source, display)?;
    generate(&model::from_d(&file), options)
}
