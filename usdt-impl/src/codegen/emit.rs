//! The probe macros.

use std::fmt::Write;

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
///
/// Written as text and parsed once: in a proc macro (built without optimizations) that is
/// several times faster than assembling the same tokens one by one, for the same tokens (all
/// spanned at the invocation).
pub fn probe_macros(provider: &Provider, options: &Options) -> Result<TokenStream, Error> {
    let mut text = String::new();
    for probe in &provider.probes {
        probe_macro(&mut text, provider, probe, options)?;
    }
    text.parse().map_err(|e| {
        Error::new(
            options.file.as_deref(),
            None,
            format!("internal error: generated code does not parse: {e}"),
        )
    })
}

/// One probe's `macro_rules!`, and a `pub(crate) use` so it can be named by path.
fn probe_macro(
    out: &mut String,
    provider: &Provider,
    probe: &Probe,
    options: &Options,
) -> Result<(), Error> {
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
    let check = typecheck::check(probe, options);
    let site_args = args::site_list(probe);
    let prov = &provider.name;
    let stapsdt = &probe.name;
    let dtrace = probe.dtrace_name();
    let no_closure = if probe.args.is_empty() {
        String::new()
    } else {
        let signature = probe
            .args
            .iter()
            .map(|a| a.native_type())
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "probe `{prov}:{stapsdt}` takes {} argument{} ({signature}): pass a closure that returns {}, \
             e.g. `{name}!(|| ...)`",
            probe.args.len(),
            if probe.args.len() == 1 { "" } else { "s" },
            if probe.args.len() == 1 { "it" } else { "them as a tuple" },
        );
        format!("() => {{ ::core::compile_error!({message:?}) }};")
    };
    // The site itself is `usdt`'s `__probe!`: the less each probe macro holds, the less
    // every crate compiles.
    writeln!(
        out,
        "#[allow(unused_macros)] macro_rules! {name} {{ {no_closure} ($($f:tt)*) => {{ \
         ::usdt::__probe!({prov:?}, {stapsdt:?}, {dtrace:?}, {check}, [$($f)*], {site_args}) }}; }}"
    )
    .ok();
    writeln!(out, "#[allow(unused_imports)] pub(crate) use {name};").ok();
    Ok(())
}
