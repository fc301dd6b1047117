//! Options of the parser.

use std::path::PathBuf;

/// How to read a provider file. The default reads it as SystemTap's `dtrace`
/// does without `-C`, with no extra type names.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    pub(crate) typedefs: Vec<(String, String)>,
    pub(crate) cpp: bool,
    pub(crate) include_dirs: Vec<PathBuf>,
    pub(crate) defines: Vec<(String, Option<String>)>,
}

impl ParseOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declare a type the file uses but does not define (as a C header
    /// would), e.g. `("ngx_int_t", "intptr_t")` or
    /// `("dispatch_queue_t", "struct dispatch_queue_s *")`. The file's own
    /// typedefs and `#define`s take precedence.
    pub fn typedef(mut self, name: &str, c_type: &str) -> Self {
        self.typedefs.push((name.to_string(), c_type.to_string()));
        self
    }

    /// Run the system C preprocessor (`cpp`) first, as `dtrace -C` does,
    /// with the include directories and defines given here.
    pub fn cpp(mut self, enabled: bool) -> Self {
        self.cpp = enabled;
        self
    }

    /// Add an include directory for the C preprocessor (`-I`).
    pub fn include_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.include_dirs.push(dir.into());
        self
    }

    /// Define a macro for the C preprocessor (`-D NAME` or `-D NAME=VALUE`).
    pub fn define(mut self, name: &str, value: Option<&str>) -> Self {
        self.defines
            .push((name.to_string(), value.map(str::to_string)));
        self
    }
}
