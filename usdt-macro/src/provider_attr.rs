//! `#[usdt::provider] mod name { fn probe(args...) {} }`: a provider defined in Rust.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, Item, ItemFn, ItemMod, Token, Type};

use crate::options::{self, KeyValue};
use usdt_impl::dtrace_parser::ArgKind;
use usdt_impl::{ArgType, Probe, Provider};

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let pairs = Punctuated::<KeyValue, Token![,]>::parse_terminated.parse2(attr)?;
    let mut opts = usdt_impl::Options {
        module: true,
        ..Default::default()
    };
    options::apply(&mut opts, pairs)?;

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
    for item in items {
        match item {
            Item::Fn(f) => probes.push(probe(&f)?),
            other => kept.push(other),
        }
    }
    let module_name = module.ident.to_string();
    let provider = Provider {
        name: opts
            .provider_name
            .take()
            .unwrap_or_else(|| module_name.clone()),
        probes,
        span: None,
    };
    opts.checks_in = Some(module_name);
    let to_error = |e: usdt_impl::Error| syn::Error::new(module.ident.span(), e.to_string());
    let checks = usdt_impl::codegen::typecheck::check_items(&provider, &opts).map_err(to_error)?;
    let macros = usdt_impl::codegen::emit::probe_macros(&provider, &opts).map_err(to_error)?;
    let (inside, outside) = if opts.module {
        (macros, TokenStream::new())
    } else {
        (TokenStream::new(), macros)
    };
    let attrs = &module.attrs;
    let vis = &module.vis;
    let ident = &module.ident;
    Ok(quote! {
        #(#attrs)*
        #[allow(unused_imports, unused_macros, clippy::crate_in_macro_def)]
        #vis mod #ident {
            #(#kept)*
            #checks
            #inside
        }
        #outside
    })
}

/// One probe function: `fn name(arg: Type, ...) {}`, no body, no return type.
fn probe(f: &ItemFn) -> syn::Result<Probe> {
    if !f.block.stmts.is_empty() {
        return Err(syn::Error::new(
            f.block.span(),
            "a probe function has no body: write `fn start(id: u8) {}`",
        ));
    }
    if let syn::ReturnType::Type(_, ty) = &f.sig.output {
        return Err(syn::Error::new(
            ty.span(),
            "a probe function returns nothing",
        ));
    }
    if let Some(g) = f.sig.generics.params.first() {
        return Err(syn::Error::new(
            g.span(),
            "a probe function takes no generic parameters",
        ));
    }
    let args = f
        .sig
        .inputs
        .iter()
        .map(|input| match input {
            FnArg::Typed(pat) => Ok(arg_type(&pat.ty)),
            FnArg::Receiver(r) => Err(syn::Error::new(
                r.span(),
                "a probe function takes no `self`",
            )),
        })
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(Probe {
        name: f.sig.ident.to_string(),
        args,
        span: None,
    })
}

/// How a declared Rust type reaches the tracer.
fn arg_type(ty: &Type) -> ArgType {
    match ty {
        Type::Path(p) if p.qself.is_none() => match p.path.get_ident() {
            Some(ident) if ident == "String" => ArgType::Native(ArgKind::String),
            Some(ident) => match primitive_kind(ident) {
                Some(kind) => ArgType::Primitive {
                    kind,
                    rust: ident.clone(),
                },
                None => ArgType::Serializable(ty.to_token_stream()),
            },
            None => ArgType::Serializable(ty.to_token_stream()),
        },
        Type::Reference(r) => match &*r.elem {
            Type::Path(p) if p.path.is_ident("str") => ArgType::Native(ArgKind::String),
            Type::Path(p)
                if p.path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "UniqueId") =>
            {
                ArgType::UniqueId
            }
            Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "CStr") => {
                ArgType::Native(ArgKind::String)
            }
            _ => ArgType::Serializable(ty.to_token_stream()),
        },
        Type::Ptr(_) => ArgType::Native(ArgKind::OpaquePointer),
        _ => ArgType::Serializable(ty.to_token_stream()),
    }
}

/// How the tracer sees a Rust primitive named `ident`, if it is one.
fn primitive_kind(ident: &proc_macro2::Ident) -> Option<ArgKind> {
    let int = |signed, bits| Some(ArgKind::Integer { signed, bits });
    match ident.to_string().as_str() {
        "u8" => int(false, 8),
        "u16" => int(false, 16),
        "u32" => int(false, 32),
        "u64" => int(false, 64),
        "usize" => int(false, usize::BITS as u8),
        "i8" => int(true, 8),
        "i16" => int(true, 16),
        "i32" => int(true, 32),
        "i64" => int(true, 64),
        "isize" => int(true, isize::BITS as u8),
        "bool" => Some(ArgKind::Bool),
        "f32" => Some(ArgKind::Float { bits: 32 }),
        "f64" => Some(ArgKind::Float { bits: 64 }),
        _ => None,
    }
}
