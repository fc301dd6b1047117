//! Macro names, and the rules that provider and probe names must follow to make them.

use dtrace_parser::is_identifier;
use proc_macro2::{Ident, Span};

use crate::{Error, Options, ProbeSpec, ProviderSpec};

/// The text of the macro name for `probe` of `provider`: `format` with `{provider}` and
/// `{probe}` replaced.
pub fn format_name(format: &str, provider: &ProviderSpec, probe: &ProbeSpec) -> String {
    format
        .replace("{provider}", &provider.name)
        .replace("{probe}", &probe.name)
}

/// The name of the macro for `probe` of `provider` named by `format`, as an identifier.
pub fn probe_macro(
    format: &str,
    provider: &ProviderSpec,
    probe: &ProbeSpec,
    options: &Options,
) -> Result<Ident, Error> {
    let name = format_name(format, provider, probe);
    ident(&name, options, probe.span, || {
        format!(
            "the macro name `{name}` for probe `{}:{}`",
            provider.name, probe.name
        )
    })
}

/// `name` as the module of `provider`'s macros.
pub fn provider_module(
    name: &str,
    provider: &ProviderSpec,
    options: &Options,
) -> Result<Ident, Error> {
    ident(name, options, provider.span, || {
        if name == provider.name {
            format!("the provider name `{name}`")
        } else {
            format!("the module name `{name}`")
        }
    })
}

/// Whether `name` can name a macro or a module.
pub fn usable(name: &str) -> bool {
    is_identifier(name) && !KEYWORDS.contains(&name)
}

/// `name` as a Rust identifier, or an error saying why it cannot be one.
fn ident(
    name: &str,
    options: &Options,
    span: Option<dtrace_parser::Span>,
    what: impl Fn() -> String,
) -> Result<Ident, Error> {
    if !is_identifier(name) {
        return Err(Error::new(
            options.file.as_deref(),
            span,
            format!("{} is not a valid Rust identifier", what()),
        ));
    }
    if KEYWORDS.contains(&name) {
        return Err(Error::new(
            options.file.as_deref(),
            span,
            format!(
                "{} is a Rust keyword, so no macro or module can be named after it; \
                 choose another name (`provider = \"...\"` renames the provider, \
                 `module = \"...\"` names the module)",
                what()
            ),
        ));
    }
    Ok(Ident::new(name, Span::call_site()))
}

/// Rust's keywords, strict and reserved, in every edition, and `_`: none can name a macro
/// or a module.
const KEYWORDS: &[&str] = &[
    "_", "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];
