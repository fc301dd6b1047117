//! The build-script front door: generate the probe macros of a D provider file into
//! `$OUT_DIR`.

use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

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
/// `include!(concat!(env!("OUT_DIR"), "/test.rs"));`. Users reach it as `usdt::Builder`,
/// whose methods are usdt 0.6's.
///
/// ```no_run
/// usdt_codegen::Builder::new("test.d").build().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    source: PathBuf,
    out_file: Option<PathBuf>,
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

    /// The generated file's name in `$OUT_DIR`, given the extension `.rs` (default: the
    /// provider file's stem + `.rs`).
    pub fn out_file(mut self, name: impl AsRef<Path>) -> Self {
        self.out_file = Some(name.as_ref().with_extension("rs"));
        self
    }

    /// The module of the `test::start!` spelling (default: the provider's name).
    pub fn module(mut self, module: &str) -> Self {
        self.options.module = Some(module.to_owned());
        self
    }

    /// The macro name format, with `{provider}` and `{probe}` replaced.
    pub fn probe_format(mut self, format: &str) -> Self {
        self.options.probe_format = Some(format.to_owned());
        self
    }

    /// Rename the (single) provider, in the macros and as tracers see it.
    pub fn provider(mut self, name: &str) -> Self {
        self.options.provider_name = Some(name.to_owned());
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
        let name = match self.out_file {
            Some(name) => name.file_name().map(PathBuf::from).unwrap_or(name),
            None => Path::new(self.source.file_stem().unwrap_or("provider".as_ref()))
                .with_extension("rs"),
        };
        let path = Path::new(&out_dir).join(name);
        std::fs::write(&path, item_per_line(code)).map_err(|source| BuildError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

/// The code with one item per line (and modules opened up), as `TokenStream`'s display would
/// give it on one line. rustc compiles an included file that is one 170 kB line (a
/// 200-probe provider) about twice as slowly as the same items on lines of their own.
fn item_per_line(code: TokenStream) -> String {
    let mut out = String::new();
    let mut item: Vec<TokenTree> = Vec::new();
    for tree in code {
        let ends_item = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        item.push(tree);
        if ends_item {
            write_item(&mut out, std::mem::take(&mut item));
        }
    }
    write_item(&mut out, item);
    out
}

fn write_item(out: &mut String, mut item: Vec<TokenTree>) {
    if item.is_empty() {
        return;
    }
    let is_mod = item
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "mod"));
    match item.pop() {
        Some(TokenTree::Group(body)) if is_mod && body.delimiter() == Delimiter::Brace => {
            out.push_str(&item.into_iter().collect::<TokenStream>().to_string());
            out.push_str(" {\n");
            out.push_str(&item_per_line(body.stream()));
            out.push_str("}\n");
        }
        last => {
            item.extend(last);
            out.push_str(&item.into_iter().collect::<TokenStream>().to_string());
            out.push('\n');
        }
    }
}
