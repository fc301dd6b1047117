//! Procedural macros of the [`usdt`](https://docs.rs/usdt) crate. Thin: they read their
//! input, call the one code generator in `usdt-impl`, and turn its errors into compile
//! errors at the right span. Use them through `usdt`.

mod dtrace_provider;
mod options;

use proc_macro::TokenStream;

/// Generate one probe macro per probe of a D provider file. See `usdt::dtrace_provider!`.
#[proc_macro]
pub fn dtrace_provider(input: TokenStream) -> TokenStream {
    dtrace_provider::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
