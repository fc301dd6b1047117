//! `dtrace_provider!("file.d", options...)`.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{LitStr, Token};

use crate::options::{self, KeyValue};

struct Input {
    path: LitStr,
    options: Vec<KeyValue>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected the provider file's path as a string, e.g. `dtrace_provider!(\"test.d\")`")
        })?;
        let options = if input.is_empty() {
            Vec::new()
        } else {
            input.parse::<Token![,]>()?;
            Punctuated::<KeyValue, Token![,]>::parse_terminated(input)?
                .into_iter()
                .collect()
        };
        Ok(Input { path, options })
    }
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let mut opts = usdt_impl::Options::default();
    options::apply(&mut opts, input.options)?;
    let relative = input.path.value();
    // Relative to the invoking crate's manifest, as `include_str!` would be to the file.
    let path = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir).join(&relative),
        None => PathBuf::from(&relative),
    };
    let span = input.path.span();
    if !path.is_file() {
        return Err(syn::Error::new(
            span,
            format!("cannot read provider file `{}` (looked for {})", relative, path.display()),
        ));
    }
    opts.file = Some(relative.clone());
    let code = usdt_impl::from_d_file(&path, &relative, &opts).map_err(|e| syn::Error::new(span, e.to_string()))?;
    // Make cargo rebuild when the provider file changes.
    let tracked = path.to_string_lossy().into_owned();
    Ok(quote! {
        const _: &[u8] = ::core::include_bytes!(#tracked);
        #code
    })
}
