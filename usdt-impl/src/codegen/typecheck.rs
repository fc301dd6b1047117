//! The closure's expected signature.
//!
//! Each site passes its closure through a local `fn __usdt_check<..., F: FnOnce() -> R>(f: F)
//! -> F`. Because the expected signature is known where the closure is written, rustc checks
//! the closure's body against it and points a wrong count or a wrong type at the closure's
//! own tokens; an integer literal takes the declared width. Strings and pointers accept
//! several Rust types, through the bounds `StrArg` and `PtrArg`, whose messages name what
//! is accepted.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::visit_mut::VisitMut;

use crate::{ArgType, Error, Probe};
use dtrace_parser::ArgKind;

/// The lifetime given to every reference in an argument type.
const LIFETIME: &str = "'__usdt";

/// The `fn __usdt_check` item for `probe`.
pub fn check_fn(probe: &Probe, file: Option<&str>) -> Result<TokenStream, Error> {
    let lifetime = syn::Lifetime::new(LIFETIME, Span::call_site());
    let mut generics = Vec::new();
    let mut types = Vec::new();
    for (i, arg) in probe.args.iter().enumerate() {
        types.push(match arg {
            ArgType::Native(ArgKind::String) => {
                let g = Ident::new(&format!("S{i}"), Span::call_site());
                generics.push(quote!(#g: ::usdt::__private::StrArg));
                quote!(#g)
            }
            ArgType::Native(ArgKind::Pointer(_) | ArgKind::OpaquePointer) => {
                let g = Ident::new(&format!("P{i}"), Span::call_site());
                generics.push(quote!(#g: ::usdt::__private::PtrArg));
                quote!(#g)
            }
            ArgType::Native(kind) => {
                let ty: syn::Type = syn::parse_str(&kind.rust_type()).map_err(|e| {
                    Error::new(
                        file,
                        probe.span,
                        format!("argument {i} of probe `{}`: no Rust type for it: {e}", probe.name),
                    )
                })?;
                quote!(#ty)
            }
            ArgType::UniqueId => quote!(&#lifetime ::usdt::UniqueId),
            ArgType::Serializable(ty) => {
                let mut ty = ty.clone();
                NameLifetimes(lifetime.clone()).visit_type_mut(&mut ty);
                quote!(#ty)
            }
        });
    }
    let ret = match types.as_slice() {
        [] => quote!(()),
        [one] => quote!(#one),
        many => quote!((#(#many),*)),
    };
    Ok(quote! {
        #[inline(always)]
        fn __usdt_check<#lifetime, #(#generics,)* F: ::core::ops::FnOnce() -> #ret>(f: F) -> F {
            f
        }
    })
}

/// Gives every elided or anonymous reference lifetime one name, so the type can stand in a
/// `fn` signature's return position.
struct NameLifetimes(syn::Lifetime);

impl VisitMut for NameLifetimes {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        match &r.lifetime {
            Some(l) if l.ident != "_" => {}
            _ => r.lifetime = Some(self.0.clone()),
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }

    fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
        if l.ident == "_" {
            *l = self.0.clone();
        }
    }
}
