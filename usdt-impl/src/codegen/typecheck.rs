//! The arguments' expected types, which each site gives the value it binds them from.
//!
//! `[ret TYPE]` for most probes: `usdt::__probe!` puts TYPE on the binding of a closure
//! body written in place (`let (a0, a1): (u8, _) = BODY;`), or passes another expression
//! through `usdt`'s generic `call::<TYPE, _>`; either way rustc checks the body against it
//! where the user wrote it and points a wrong count or a wrong type at the closure's own
//! tokens, and an integer literal takes the declared width. `[path CHECK]` for a probe of a
//! Rust provider with a serializable argument, whose type is only nameable in the provider's
//! module: a check item there. Strings and pointers are `_`: several Rust types are accepted,
//! through the bounds `StrArg` and `PtrArg` where they are converted, whose messages name
//! what is accepted.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;

use crate::{ArgType, Error, Options, Probe, Provider};
use dtrace_parser::ArgKind;

/// The lifetime given to every reference in an argument type.
const LIFETIME: &str = "'__usdt";

/// How a site gives its closure the expected return type (see `usdt::__probe!`), as text:
/// `[ret TYPE]`, or `[path CHECK]` through the probe's check item in the provider's module
/// when an argument type is only nameable there (a serializable type).
pub fn check(probe: &Probe, options: &Options) -> String {
    if let (Some(module), true) = (&options.checks_in, probe.serializes()) {
        return format!("[path $crate::{module}::{}]", check_name(probe));
    }
    let mut types = Vec::new();
    for arg in &probe.args {
        types.push(match arg {
            // Several Rust types are accepted: inferred here, bound where prepared.
            ArgType::Native(ArgKind::String | ArgKind::Pointer(_) | ArgKind::OpaquePointer)
            | ArgType::Serializable(_) => "_".to_owned(),
            ArgType::Native(kind) => kind.rust_type(),
            ArgType::Primitive { rust, .. } => rust.to_string(),
            ArgType::UniqueId => "&::usdt::UniqueId".to_owned(),
        });
    }
    match types.as_slice() {
        [one] => format!("[ret {one}]"),
        many => format!("[ret ({})]", many.join(", ")),
    }
}

/// The Rust type of a native integer, `bool` or float argument.
fn rust_type(
    kind: &ArgKind,
    probe: &Probe,
    i: usize,
    file: Option<&str>,
) -> Result<TokenStream, Error> {
    let ty: syn::Type = syn::parse_str(&kind.rust_type()).map_err(|e| {
        Error::new(
            file,
            probe.span,
            format!(
                "argument {i} of probe `{}`: no Rust type for it: {e}",
                probe.name
            ),
        )
    })?;
    Ok(quote!(#ty))
}

/// The check items of every probe of `provider` that has a serializable argument (hidden,
/// `pub(crate)`), and an assertion per serializable type that it implements `Serialize`, for
/// a front door that puts them in a module.
pub fn check_items(provider: &Provider, options: &Options) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    // Only these need a check item; the others' types are nameable at every site.
    for probe in provider.probes.iter().filter(|p| p.serializes()) {
        let f = check_fn(
            &check_name(probe),
            probe,
            options.file.as_deref(),
            quote!(pub(crate)),
        )?;
        out.extend(quote!(#[doc(hidden)] #[allow(clippy::type_complexity)] #f));
        for arg in &probe.args {
            if let ArgType::Serializable(ty) = arg {
                let ty = serializable_type(ty);
                let inner = match &ty {
                    syn::Type::Reference(r) => &*r.elem,
                    other => other,
                };
                out.extend(quote_spanned! {inner.span()=>
                    const _: () = {
                        fn __usdt_serializable<T: ?::core::marker::Sized + ::usdt::__private::Serialize>() {}
                        let _ = __usdt_serializable::<#inner>;
                    };
                });
            }
        }
    }
    Ok(out)
}

fn check_name(probe: &Probe) -> Ident {
    format_ident!("__usdt_check_{}", probe.name)
}

/// `fn NAME<'__usdt, generics..., F: FnOnce() -> R>(f: F) -> F { f }`.
fn check_fn(
    name: &Ident,
    probe: &Probe,
    file: Option<&str>,
    vis: TokenStream,
) -> Result<TokenStream, Error> {
    let lifetime = syn::Lifetime::new(LIFETIME, Span::call_site());
    let mut generics = Vec::new();
    let mut types = Vec::new();
    for (i, arg) in probe.args.iter().enumerate() {
        types.push(match arg {
            ArgType::Native(ArgKind::String) => {
                let g = format_ident!("S{i}");
                generics.push(quote!(#g: ::usdt::__private::StrArg));
                quote!(#g)
            }
            ArgType::Native(ArgKind::Pointer(_) | ArgKind::OpaquePointer) => {
                let g = format_ident!("P{i}");
                generics.push(quote!(#g: ::usdt::__private::PtrArg));
                quote!(#g)
            }
            ArgType::Native(kind) => rust_type(kind, probe, i, file)?,
            ArgType::Primitive { rust, .. } => quote!(#rust),
            ArgType::UniqueId => quote!(&#lifetime ::usdt::UniqueId),
            ArgType::Serializable(ty) => {
                let mut ty = serializable_type(ty);
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
    // The lifetime only where a reference needs it (an unused one is a lint in user code).
    let borrows = probe
        .args
        .iter()
        .any(|a| matches!(a, ArgType::UniqueId | ArgType::Serializable(_)));
    let lifetime = borrows.then(|| quote!(#lifetime,));
    Ok(quote! {
        #[inline(always)]
        #vis fn #name<#lifetime #(#generics,)* F: ::core::ops::FnOnce() -> #ret>(f: F) -> F {
            f
        }
    })
}

/// A serializable argument's type, parsed again from its tokens (they were a type when the
/// front door read them; an unparsable one stands as `_` and fails to check).
fn serializable_type(tokens: &TokenStream) -> syn::Type {
    syn::parse2(tokens.clone()).unwrap_or_else(|_| syn::parse_quote!(_))
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
