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

/// Fill `options` from `key = value` pairs; unknown keys and wrong value types are errors
/// at their span.
pub fn apply(
    options: &mut usdt_impl::Options,
    pairs: impl IntoIterator<Item = KeyValue>,
) -> syn::Result<()> {
    for KeyValue { key, value } in pairs {
        match key.to_string().as_str() {
            "probe_format" => options.probe_format = Some(string(&value, &key)?.value()),
            "provider" => options.provider_name = Some(string(&value, &key)?.value()),
            "module" => options.module = boolean(&value, &key)?.value,
            other => {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{other}`; expected `probe_format = \"...\"`, \
                         `provider = \"...\"` or `module = true`"
                    ),
                ))
            }
        }
    }
    Ok(())
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
            format!("`{key}` takes `true` or `false`"),
        )),
    }
}
