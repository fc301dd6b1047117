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

pub fn expand(input: TokenStream, source_dir: Option<PathBuf>) -> syn::Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let mut opts = usdt_codegen::Options::default();
    // Both spellings are always there: `module = true/false` changes nothing.
    if let Some(options::Module::Named(name, _)) = options::apply(&mut opts, input.options)? {
        opts.module = Some(name);
    }
    let relative = input.path.value();
    let span = input.path.span();
    // As in usdt 0.6, a string that is not a `.d` path is the provider definition itself.
    if !relative.ends_with(".d") && relative.contains('{') {
        opts.file = Some("<inline provider>".to_owned());
        return usdt_codegen::from_d_source(&relative, "<inline provider>", &opts)
            .map_err(|e| syn::Error::new(span, e.to_string()));
    }
    // Relative to the invoking crate's manifest; else to the invoking source file.
    let candidates: Vec<PathBuf> = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(source_dir)
        .map(|dir| dir.join(&relative))
        .collect();
    let Some(path) = candidates.iter().find(|p| p.is_file()).cloned() else {
        let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        return Err(syn::Error::new(
            span,
            format!(
                "cannot find provider file `{relative}` (looked for {})",
                looked.join(" and ")
            ),
        ));
    };
    opts.file = Some(relative.clone());
    let code = usdt_codegen::from_d_file(&path, &relative, &opts)
        .map_err(|e| syn::Error::new(span, e.to_string()))?;
    // Make cargo rebuild when the provider file changes.
    let tracked = path.to_string_lossy().into_owned();
    Ok(quote! {
        const _: &[u8] = ::core::include_bytes!(#tracked);
        #code
    })
}
