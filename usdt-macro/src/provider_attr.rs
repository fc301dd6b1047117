//! `#[usdt::provider] mod name { fn probe(args...) {} }`: a provider defined in Rust.
//!
//! What it accepts is what usdt 0.6 accepts, and more: any module path and visibility (a
//! module without one is `pub(crate)`, as 0.6 makes it), argument types by value or by
//! reference (`u8` and `&u8` both pass the value), probe functions with a body (ignored, as
//! in 0.6), and `bool`, `f32` and `f64` passed as such rather than as JSON.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, Item, ItemFn, ItemMod, ItemUse, Token, Type, UseTree, Visibility};

use crate::options::{self, KeyValue, Module};
use usdt_codegen::dtrace_parser::ArgKind;
use usdt_codegen::dtrace_parser::IntWidth::{Bits, Pointer};
use usdt_codegen::{ArgSpec, ProbeSpec, ProviderSpec};

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let pairs = Punctuated::<KeyValue, Token![,]>::parse_terminated.parse2(attr)?;
    let mut opts = usdt_codegen::Options::default();
    let in_module = match options::apply(&mut opts, pairs)? {
        None => true,
        Some(Module::Flag(inside)) => inside,
        Some(Module::Named(name, span)) => {
            return Err(syn::Error::new(
                span,
                format!(
                "`module = \"{name}\"`: the probes of `#[usdt::provider]` live in the module it \
                     is written on; rename that module instead"
            ),
            ))
        }
    };

    let mut module: ItemMod = syn::parse2(item).map_err(|e| {
        syn::Error::new(
            e.span(),
            "#[usdt::provider] goes on a module of probe functions: `mod my_provider { fn start(id: u8) {} }`",
        )
    })?;
    let Some((_, items)) = module.content.take() else {
        return Err(syn::Error::new(
            module.span(),
            "#[usdt::provider] needs the module's probes inline: `mod my_provider { fn start(id: u8) {} }`",
        ));
    };
    let mut kept = Vec::new();
    let mut probes = Vec::new();
    let mut scope = Vec::new();
    for item in items {
        match item {
            Item::Fn(f) => probes.push(probe(&f)?),
            Item::Use(u) => {
                scope.push(scope_item(&u)?);
                kept.push(Item::Use(u));
            }
            other => kept.push(other),
        }
    }
    let module_name = module.ident.to_string();
    let provider = ProviderSpec {
        name: opts
            .provider_name
            .take()
            .unwrap_or_else(|| module_name.clone()),
        probes,
        span: None,
        scope,
    };
    let to_error = |e: usdt_codegen::Error| syn::Error::new(module.ident.span(), e.to_string());
    let format = match (&opts.probe_format, in_module) {
        (Some(format), _) => format.clone(),
        (None, true) => "{probe}".to_owned(),
        (None, false) => "{provider}_{probe}".to_owned(),
    };
    let macros =
        usdt_codegen::codegen::emit::probe_macros(&provider, &format, &opts).map_err(to_error)?;
    let assertions = usdt_codegen::codegen::typecheck::serializable_assertions(&provider);
    let (inside, outside) = if in_module {
        (macros, TokenStream::new())
    } else {
        (TokenStream::new(), macros)
    };
    let attrs = &module.attrs;
    // As in usdt 0.6: a module written without visibility can be named anywhere in the crate.
    let vis = match &module.vis {
        Visibility::Inherited => quote!(pub(crate)),
        vis => vis.to_token_stream(),
    };
    let ident = &module.ident;
    Ok(quote! {
        #(#attrs)*
        #[allow(unused_imports, unused_macros, clippy::crate_in_macro_def)]
        #vis mod #ident {
            #(#kept)*
            #inside
        }
        #outside
        #assertions
    })
}

/// A `use` item of the module as it is repeated at every probe site (without its
/// visibility), or an error for a path relative to the module, which would mean something
/// else there.
fn scope_item(item: &ItemUse) -> syn::Result<TokenStream> {
    let mut tree = &item.tree;
    while let UseTree::Group(g) = tree {
        match g.items.first() {
            Some(first) => tree = first,
            None => break,
        }
    }
    if let UseTree::Path(p) = tree {
        if p.ident == "super" || p.ident == "self" {
            return Err(syn::Error::new(
                p.ident.span(),
                format!(
                    "a provider module's `use` items are repeated where its probes fire, so they \
                     cannot be relative to the module: write `use crate::...` instead of \
                     `use {}::...`",
                    p.ident
                ),
            ));
        }
    }
    let attrs = &item.attrs;
    let tree = &item.tree;
    let leading = &item.leading_colon;
    Ok(quote!(#(#attrs)* use #leading #tree;))
}

/// One probe function: `fn name(arg: Type, ...) {}`, returning nothing, not generic. A body
/// is ignored, as usdt 0.6 ignores it.
fn probe(f: &ItemFn) -> syn::Result<ProbeSpec> {
    let sig = &f.sig;
    fn refuse<T>(span: proc_macro2::Span, what: &str) -> syn::Result<T> {
        Err(syn::Error::new(
            span,
            format!("a probe function {what}: write `fn start(id: u8) {{}}`"),
        ))
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        return refuse(ty.span(), "returns nothing");
    }
    if let Some(g) = sig.generics.params.first() {
        return refuse(g.span(), "takes no generic parameters");
    }
    if let Some(t) = &sig.asyncness {
        return refuse(t.span(), "is not `async`");
    }
    if let Some(t) = &sig.unsafety {
        return refuse(t.span(), "is not `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        return refuse(abi.span(), "has no ABI");
    }
    let args = sig
        .inputs
        .iter()
        .map(|input| match input {
            FnArg::Typed(pat) => arg_type(&pat.ty),
            FnArg::Receiver(r) => refuse(r.span(), "takes no `self`"),
        })
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(ProbeSpec {
        name: sig.ident.to_string(),
        args,
        span: None,
    })
}

/// How a declared Rust type reaches the tracer. References are looked through: a probe
/// declared `&T` takes what one declared `T` takes, and passes the value.
fn arg_type(ty: &Type) -> syn::Result<ArgSpec> {
    Ok(match ty {
        Type::Reference(r) => arg_type(&r.elem)?,
        Type::Paren(p) => arg_type(&p.elem)?,
        Type::Group(g) => arg_type(&g.elem)?,
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last().map(|s| s.ident.to_string());
            match (p.path.get_ident(), last.as_deref()) {
                (_, Some("UniqueId")) => ArgSpec::UniqueId,
                (_, Some("CStr" | "CString")) => ArgSpec::Native(ArgKind::String),
                (Some(ident), _) if ident == "str" || ident == "String" => {
                    ArgSpec::Native(ArgKind::String)
                }
                (Some(ident), _) => match primitive_kind(ident) {
                    Some(kind) => ArgSpec::Native(kind),
                    None => ArgSpec::Serializable(ty.to_token_stream()),
                },
                _ => ArgSpec::Serializable(ty.to_token_stream()),
            }
        }
        Type::Slice(s) => ArgSpec::SerializableSlice(s.elem.to_token_stream()),
        Type::Array(a) => ArgSpec::SerializableSlice(a.elem.to_token_stream()),
        Type::Ptr(_) => ArgSpec::Native(ArgKind::OpaquePointer),
        Type::Tuple(_) => ArgSpec::Serializable(ty.to_token_stream()),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "a probe argument is a value a tracer can be given: an integer, `bool`, `f32`, \
                 `f64`, a string (`&str`, `String`), a raw pointer, `&usdt::UniqueId`, or a \
                 `serde::Serialize` type (a path, slice, array or tuple, by value or by reference)",
            ))
        }
    })
}

/// How the tracer sees a Rust primitive named `ident`, if it is one: the kind whose
/// [`rust_type`](ArgKind::rust_type) it is.
fn primitive_kind(ident: &proc_macro2::Ident) -> Option<ArgKind> {
    let int = |signed, width| Some(ArgKind::Integer { signed, width });
    match ident.to_string().as_str() {
        "u8" => int(false, Bits(8)),
        "u16" => int(false, Bits(16)),
        "u32" => int(false, Bits(32)),
        "u64" => int(false, Bits(64)),
        "usize" => int(false, Pointer),
        "i8" => int(true, Bits(8)),
        "i16" => int(true, Bits(16)),
        "i32" => int(true, Bits(32)),
        "i64" => int(true, Bits(64)),
        "isize" => int(true, Pointer),
        "bool" => Some(ArgKind::Bool),
        "f32" => Some(ArgKind::Float { bits: 32 }),
        "f64" => Some(ArgKind::Float { bits: 64 }),
        _ => None,
    }
}
