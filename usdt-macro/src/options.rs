//! The `key = value` options shared by the macros.

use syn::parse::{Parse, ParseStream};
use syn::{Ident, Lit, LitBool, LitStr, Token};

/// One `key = value` option.
pub struct KeyValue {
    pub key: Ident,
    pub value: Lit,
}

impl Parse for KeyValue {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value: Lit = input.parse()?;
        Ok(KeyValue { key, value })
    }
}

/// The `module` option: `true`/`false`, or (as usdt 0.6's `dtrace_provider!` has it) the
/// module's name.
pub enum Module {
    /// `module = true` or `module = false`.
    Flag(bool),
    /// `module = "name"`, and where the name is written.
    Named(String, proc_macro2::Span),
}

/// Fill `options` from `key = value` pairs, returning the `module` option if given; unknown
/// keys and wrong value types are errors at their span.
pub fn apply(
    options: &mut usdt_codegen::Options,
    pairs: impl IntoIterator<Item = KeyValue>,
) -> syn::Result<Option<Module>> {
    let mut module = None;
    for KeyValue { key, value } in pairs {
        match key.to_string().as_str() {
            "probe_format" => options.probe_format = Some(string(&value, &key)?.value()),
            "provider" => options.provider_name = Some(string(&value, &key)?.value()),
            "module" => {
                module = Some(match &value {
                    Lit::Str(s) => Module::Named(s.value(), s.span()),
                    other => Module::Flag(boolean(other, &key)?.value),
                })
            }
            other => {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{other}`; expected `probe_format = \"...\"`, \
                         `provider = \"...\"` or `module = \"...\"`"
                    ),
                ))
            }
        }
    }
    Ok(module)
}

fn string<'a>(value: &'a Lit, key: &Ident) -> syn::Result<&'a LitStr> {
    match value {
        Lit::Str(s) => Ok(s),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes a string"),
        )),
    }
}

fn boolean<'a>(value: &'a Lit, key: &Ident) -> syn::Result<&'a LitBool> {
    match value {
        Lit::Bool(b) => Ok(b),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes `true`, `false` or a module name"),
        )),
    }
}
