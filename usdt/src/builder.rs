//! The build-script front door, with usdt 0.6's methods.

use std::path::Path;

use crate::Error;

/// Generates the probe macros of a D provider file from a build script, into
/// `$OUT_DIR/<stem>.rs`, the same macros as [`dtrace_provider!`](crate::dtrace_provider)
/// (`test_start!` and `test::start!`), written one item per line so you can read them.
///
/// In `build.rs`'s `main`:
///
/// ```no_run
/// usdt::Builder::new("test.d").build().unwrap();
/// ```
///
/// and at the crate root, `include!(concat!(env!("OUT_DIR"), "/test.rs"));`. Cargo runs the
/// build script again when the provider file changes. A malformed provider file fails the
/// build with its `file:line:column`.
// Every method `#[inline]`: its code, and the code generator's, is then compiled into the
// build scripts that call it, not into the `usdt` that every program links.
#[derive(Debug, Clone)]
pub struct Builder(usdt_codegen::Builder);

impl Builder {
    /// A builder for the provider file at `file`, relative to the crate's manifest directory.
    #[inline]
    pub fn new<P: AsRef<Path>>(file: P) -> Self {
        Builder(usdt_codegen::Builder::new(file))
    }

    /// The generated file's name in `$OUT_DIR`, given the extension `.rs` (default: the
    /// provider file's stem + `.rs`).
    #[inline]
    pub fn out_file<P: AsRef<Path>>(self, file: P) -> Self {
        Builder(self.0.out_file(file))
    }

    /// The macro name format, with `{provider}` and `{probe}` replaced (default:
    /// `{provider}_{probe}`, and `{probe}` in the module).
    #[inline]
    pub fn probe_format(self, format: &str) -> Self {
        Builder(self.0.probe_format(format))
    }

    /// The module of the `test::start!` spelling (default: the provider's name).
    #[inline]
    pub fn module(self, module: &str) -> Self {
        Builder(self.0.module(module))
    }

    /// Rename the (single) provider, in the macros and as tracers see it.
    #[inline]
    pub fn provider(self, name: &str) -> Self {
        Builder(self.0.provider(name))
    }

    /// Generate the file, and tell cargo to run the build script again when the provider
    /// file changes.
    #[inline]
    pub fn build(self) -> Result<(), Error> {
        self.0.build()?;
        Ok(())
    }
}
