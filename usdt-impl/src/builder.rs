//! The build-script front door: generate the probe macros of a D provider file into
//! `$OUT_DIR`.

use std::path::{Path, PathBuf};

use crate::{from_d_file, Options};

/// Why [`Builder::build`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The provider file is missing or malformed; shows `file:line:column: what`.
    #[error("{0}")]
    Provider(#[from] crate::Error),
    /// The build script's environment lacks a variable cargo sets (`OUT_DIR`).
    #[error("environment variable {0} is not set; run the Builder from a build script")]
    Environment(&'static str),
    /// The generated file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file that could not be written.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// Generates the probe macros of a D provider file from a build script, into
/// `$OUT_DIR/<name>.rs`, to be included with
/// `include!(concat!(env!("OUT_DIR"), "/test.rs"));` at the crate root.
///
/// In `build.rs` (through `usdt::Builder`, feature `builder`):
///
/// ```no_run
/// usdt_impl::Builder::new("test.d").build().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    source: PathBuf,
    out_file: Option<String>,
    options: Options,
}

impl Builder {
    /// A builder for the provider file at `source`, relative to the crate's manifest
    /// directory (as for `dtrace_provider!`).
    pub fn new(source: impl AsRef<Path>) -> Self {
        Builder {
            source: source.as_ref().to_owned(),
            out_file: None,
            options: Options::default(),
        }
    }

    /// The generated file's name in `$OUT_DIR` (default: the provider file's stem + `.rs`).
    pub fn out_file(mut self, name: impl Into<String>) -> Self {
        self.out_file = Some(name.into());
        self
    }

    /// Put each provider's macros in a module named after it (`test::start!`).
    pub fn module(mut self, module: bool) -> Self {
        self.options.module = module;
        self
    }

    /// The macro name format, with `{provider}` and `{probe}` replaced.
    pub fn probe_format(mut self, format: impl Into<String>) -> Self {
        self.options.probe_format = Some(format.into());
        self
    }

    /// Rename the (single) provider.
    pub fn provider(mut self, name: impl Into<String>) -> Self {
        self.options.provider_name = Some(name.into());
        self
    }

    /// Generate the file, and tell cargo to run the build script again when the provider
    /// file changes. Returns the path written.
    pub fn build(self) -> Result<PathBuf, BuildError> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildError::Environment("OUT_DIR"))?;
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        let source = manifest_dir.join(&self.source);
        println!("cargo:rerun-if-changed={}", source.display());
        let display = self.source.to_string_lossy().into_owned();
        let mut options = self.options;
        options.file = Some(display.clone());
        let code = from_d_file(&source, &display, &options)?;
        let name = self.out_file.unwrap_or_else(|| {
            let stem = self
                .source
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned());
            format!("{}.rs", stem.unwrap_or_else(|| "provider".to_owned()))
        });
        let path = Path::new(&out_dir).join(name);
        std::fs::write(&path, code.to_string()).map_err(|source| BuildError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}
