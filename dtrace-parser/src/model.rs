//! The typed model of a provider file.

use crate::kind::ArgKind;

/// A place in the source text.
///
/// `line` and `column` are 1-based, the column counted in characters (a tab
/// is one). `offset` and `len` are in bytes. With the C preprocessor
/// ([`ParseOptions::cpp`](crate::ParseOptions::cpp)) line and column are
/// mapped back through the preprocessor's line markers; `offset` then points
/// into the original source when the place is in it, and is 0 (with `len` 0)
/// when the place is in an included file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// Byte offset in the source.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

/// A parsed provider file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The file name given to the parser.
    pub name: String,
    /// The providers, in file order.
    pub providers: Vec<Provider>,
}

/// One `provider NAME { ... };` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// The provider name as written.
    pub name: String,
    /// Its probes, in file order.
    pub probes: Vec<Probe>,
    /// The `#pragma D` lines that name this provider, in file order.
    pub pragmas: Vec<Pragma>,
    /// The provider's name in the source.
    pub span: Span,
}

/// A `#pragma D ...` line naming a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragma {
    /// The text after `#pragma D`, whitespace collapsed, e.g.
    /// `attributes Evolving/Evolving/Common provider postgresql provider`.
    pub text: String,
    /// The whole `#pragma` line.
    pub span: Span,
}

/// One `probe NAME(ARGS);` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The name as written, e.g. `transaction__start`.
    pub name: String,
    /// The native (left-hand) argument list.
    pub args: Vec<Argument>,
    /// The probe's name in the source.
    pub span: Span,
}

impl Probe {
    /// The name in Linux `stapsdt` ELF notes. SystemTap's `dtrace -G` keeps
    /// the name as written, so this is `transaction__start`.
    pub fn stapsdt_name(&self) -> &str {
        &self.name
    }

    /// The name in DTrace DOF and `dtrace -l`: each `__` becomes `-`
    /// (`transaction-start`).
    pub fn dtrace_name(&self) -> String {
        crate::dtrace_probe_name(&self.name)
    }
}

/// One argument of a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    /// The declaration as written, whitespace normalised (`const char *name`).
    pub declared: String,
    /// The type as written without the parameter name, normalised
    /// (`const char *`). Aliases are not resolved here; see `kind`.
    pub c_type: String,
    /// The parameter name, if one is given.
    pub name: Option<String>,
    /// What the type is, aliases resolved.
    pub kind: ArgKind,
    /// The declaration in the source.
    pub span: Span,
}
