//! What each argument's value must be, which each site states where it binds the value.
//!
//! One type per argument, for the call's `[ret [T0] [T1] ...]` (see [`super::site_call`]): the site binds each
//! value the closure returns by reference with that type (`let a0: &u8 = &VALUE;`), so rustc
//! checks the closure where the user wrote it and points a wrong type at the closure's own
//! tokens, an integer literal takes the declared width, and, as in usdt 0.6, a probe takes
//! `T` or `&T` (or anything else that dereferences to `T`) whether it declared `T` or `&T`.
//! Strings and pointers are `_`: several Rust types are accepted, through the bounds `StrArg`
//! and `PtrArg` where they are converted, whose messages name what is accepted.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

use crate::{ArgSpec, ProviderSpec};
use dtrace_parser::ArgKind;

/// The type a site gives argument `arg`'s value, as text.
pub fn expected(arg: &ArgSpec) -> String {
    match arg {
        // Several Rust types are accepted: inferred here, bound where prepared.
        ArgSpec::Native(ArgKind::String | ArgKind::Pointer(_) | ArgKind::OpaquePointer) => {
            "_".to_owned()
        }
        ArgSpec::Native(kind) => format!("&{}", kind.rust_type()),
        ArgSpec::UniqueId => "&::usdt::UniqueId".to_owned(),
        ArgSpec::Serializable(ty) => format!("&{ty}"),
        // `&dyn AsRef<[E]>` takes what `fn f(_: impl AsRef<[E]>)` would, by coercion.
        ArgSpec::SerializableSlice(elem) => format!("&dyn ::core::convert::AsRef<[{elem}]>"),
    }
}

/// For a front door that declares serializable types (`#[usdt::provider]`): one assertion
/// per serializable argument type of `provider` that it implements `serde::Serialize`,
/// pointing at the declared type, with the provider's scope items, to be placed next to the
/// provider's module (so the types resolve where the module is, and through its `use`
/// items).
pub fn serializable_assertions(provider: &ProviderSpec) -> TokenStream {
    let scope = &provider.scope;
    let mut out = TokenStream::new();
    for probe in &provider.probes {
        for arg in &probe.args {
            let (ArgSpec::Serializable(ty) | ArgSpec::SerializableSlice(ty)) = arg else {
                continue;
            };
            let span = ty
                .clone()
                .into_iter()
                .next()
                .map_or_else(Span::call_site, |t| t.span());
            out.extend(quote_spanned! {span=>
                const _: () = {
                    #(#[allow(unused_imports)] #scope)*
                    fn __usdt_serializable<T: ?::core::marker::Sized + ::usdt::__private::Serialize>() {}
                    let _ = __usdt_serializable::<#ty>;
                };
            });
        }
    }
    out
}
