//! The probe macros.

use proc_macro2::TokenStream;
use quote::quote;

use super::{args, names, typecheck, MAX_ARGUMENTS};
use crate::{Error, Options, Probe, Provider};

/// Every probe macro of `provider`, in the function form (`test_start!`) or inside a module
/// (`test::start!`).
pub fn provider(provider: &Provider, options: &Options) -> Result<TokenStream, Error> {
    let macros = probe_macros(provider, options)?;
    if options.module {
        let module = names::provider_module(provider, options)?;
        let doc = format!("The probes of the USDT provider `{}`.", provider.name);
        Ok(quote! {
            #[doc = #doc]
            #[allow(unused_imports, unused_macros, clippy::crate_in_macro_def)]
            pub(crate) mod #module {
                #macros
            }
        })
    } else {
        Ok(macros)
    }
}

/// The probe macros of `provider` alone, for a front door that places them itself.
pub fn probe_macros(provider: &Provider, options: &Options) -> Result<TokenStream, Error> {
    provider
        .probes
        .iter()
        .map(|probe| probe_macro(provider, probe, options))
        .collect()
}

/// One probe's `macro_rules!`, and a `pub(crate) use` so it can be named by path.
fn probe_macro(
    provider: &Provider,
    probe: &Probe,
    options: &Options,
) -> Result<TokenStream, Error> {
    let file = options.file.as_deref();
    if probe.args.len() > MAX_ARGUMENTS {
        return Err(Error::new(
            file,
            probe.span,
            format!(
                "probe `{}` has {} arguments; a probe takes at most {MAX_ARGUMENTS}",
                probe.name,
                probe.args.len()
            ),
        ));
    }
    let name = names::probe_macro(provider, probe, options)?;
    let check = typecheck::local_check(probe, options)?;
    let check_call = typecheck::check_call(probe, options);
    let normalize = normalize(probe);
    let site_args = args::site_list(probe);
    let prov = &provider.name;
    let stapsdt = &probe.name;
    let dtrace = probe.dtrace_name();
    let signature = probe
        .args
        .iter()
        .map(|a| a.native_type())
        .collect::<Vec<_>>()
        .join(", ");
    let body = |closure: TokenStream| {
        quote! {{
            #check
            let __usdt_f = #check_call(#closure);
            #normalize
            ::usdt::__probe_site!(
                provider: #prov,
                probe: #stapsdt,
                dtrace_probe: #dtrace,
                closure: __usdt_f,
                args: #site_args
            );
        }}
    };
    let no_closure = if probe.args.is_empty() {
        body(quote!(|| ()))
    } else {
        let message = format!(
            "probe `{prov}:{stapsdt}` takes {} argument{} ({signature}): pass a closure that returns {}, \
             e.g. `{name}!(|| ...)`",
            probe.args.len(),
            if probe.args.len() == 1 { "" } else { "s" },
            if probe.args.len() == 1 { "it" } else { "them as a tuple" },
        );
        quote!(::core::compile_error!(#message))
    };
    let with_closure = body(quote!($f));
    Ok(quote! {
        #[allow(unused_macros)]
        macro_rules! #name {
            () => { #no_closure };
            ($f:expr $(,)?) => { #with_closure };
        }
        #[allow(unused_imports)]
        pub(crate) use #name;
    })
}

/// Rebind `__usdt_f` as a closure that returns a tuple (one element per argument) of values
/// the backend can prepare, where the user's closure does not already.
fn normalize(probe: &Probe) -> TokenStream {
    // Already a tuple of values the backend prepares: no closure to add (each one is a
    // function more for rustc to compile, at every site).
    let serializes = probe
        .args
        .iter()
        .any(|a| matches!(a, crate::ArgType::Serializable(_)));
    if probe.args.len() != 1 && !serializes {
        return TokenStream::new();
    }
    let binds: Vec<_> = (0..probe.args.len()).map(args::binding).collect();
    let wrapped = probe.args.iter().zip(&binds).map(|(a, b)| args::wrap(a, b));
    let pattern = if binds.len() == 1 {
        quote!(#(#binds)*)
    } else {
        quote!((#(#binds),*))
    };
    quote! {
        let __usdt_f = move || {
            let #pattern = __usdt_f();
            (#(#wrapped,)*)
        };
    }
}
