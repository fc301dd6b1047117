//! The probe macros.

use std::collections::HashSet;
use std::fmt::Write;

use proc_macro2::TokenStream;

use super::{names, site_call, MAX_ARGUMENTS};
use crate::{Error, Options, ProbeSpec, ProviderSpec};

/// Every probe macro of a D provider, by both names usdt has had: `test_start!` (defined in
/// the invoking scope) and `test::start!` (usdt 0.6's, in a module named after the provider or
/// `options.module`).
///
/// The module is defined inside a hidden one and brought in by a glob import, so an item of
/// the invoking scope with the module's name (a user's own `mod test`) shadows it instead of
/// clashing with it; `test_start!` then still works. Each probe costs one `macro_rules!` and
/// two `use` items, whatever the spelling used.
///
/// A name that cannot be an identifier (a keyword provider), or that is in `clashing` (a
/// format giving two probes one name), leaves that spelling out, unless it is the only one, or the module was named
/// explicitly: then it is an error.
pub fn provider(
    provider: &ProviderSpec,
    options: &Options,
    clashing: &HashSet<String>,
) -> Result<TokenStream, Error> {
    let explicit = options.module.is_some();
    let module = options.module.as_deref().unwrap_or(&provider.name);
    let module = if explicit {
        Some(names::provider_module(module, provider, options)?)
    } else {
        names::usable(module)
            .then(|| names::provider_module(module, provider, options))
            .transpose()?
    };
    let function_format = function_format(options);
    let module_format = options.probe_format.as_deref().unwrap_or("{probe}");

    let mut inside = String::new();
    let mut outside = String::new();
    let mut aliases = Vec::new();
    for probe in &provider.probes {
        let function = names::format_name(function_format, provider, probe);
        let function_ok = names::usable(&function) && !clashing.contains(&function);
        let in_module = module
            .as_ref()
            .filter(|_| names::usable(&names::format_name(module_format, provider, probe)));
        match in_module {
            Some(module) => {
                let name = names::probe_macro(module_format, provider, probe, options)?;
                let shown = if function_ok {
                    function.clone()
                } else {
                    format!("{module}::{name}")
                };
                let naming = MacroName {
                    name: &name.to_string(),
                    shown: &shown,
                    lints: false,
                };
                probe_macro(&mut inside, provider, probe, naming, options)?;
                if function_ok {
                    aliases.push(format!("{name} as {function}"));
                }
            }
            None => {
                // The only spelling: an error names what is wrong with it.
                let name =
                    names::probe_macro(function_format, provider, probe, options)?.to_string();
                let naming = MacroName {
                    name: &name,
                    shown: &name,
                    lints: true,
                };
                probe_macro(&mut outside, provider, probe, naming, options)?;
            }
        }
    }
    let mut text = String::new();
    if let Some(module) = module.filter(|_| !inside.is_empty()) {
        let doc = format!("The probes of the USDT provider `{}`.", provider.name);
        writeln!(
            text,
            "#[doc(hidden)] #[allow(non_snake_case, unused_imports, unused_macros)] mod __usdt_{module} {{ \
             #[doc = {doc:?}] #[allow(clippy::crate_in_macro_def)] pub(crate) mod {module} {{ {inside} }} }} \
             #[allow(unused_imports)] pub(crate) use __usdt_{module}::*;"
        )
        .ok();
        if !aliases.is_empty() {
            writeln!(
                text,
                "#[allow(unused_imports)] pub(crate) use __usdt_{module}::{module}::{{{}}};",
                aliases.join(", ")
            )
            .ok();
        }
    }
    text.push_str(&outside);
    parse(&text, options)
}

/// The format of the `test_start!` spelling.
fn function_format(options: &Options) -> &str {
    options
        .probe_format
        .as_deref()
        .unwrap_or("{provider}_{probe}")
}

/// The `test_start!` names that `providers` would give more than one probe.
pub fn clashing_names(providers: &[ProviderSpec], options: &Options) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut clashing = HashSet::new();
    for provider in providers {
        for probe in &provider.probes {
            let name = names::format_name(function_format(options), provider, probe);
            if !seen.insert(name.clone()) {
                clashing.insert(name);
            }
        }
    }
    clashing
}

/// The probe macros of `provider` alone, each named by `format`, for a front door that places
/// them itself.
pub fn probe_macros(
    provider: &ProviderSpec,
    format: &str,
    options: &Options,
) -> Result<TokenStream, Error> {
    let mut text = String::new();
    for probe in &provider.probes {
        let name = names::probe_macro(format, provider, probe, options)?.to_string();
        let naming = MacroName {
            name: &name,
            shown: &name,
            lints: true,
        };
        probe_macro(&mut text, provider, probe, naming, options)?;
    }
    parse(&text, options)
}

/// Generated code, written as text, as tokens.
///
/// Written as text and parsed once: in a proc macro (built without optimizations) that is
/// several times faster than assembling the same tokens one by one, for the same tokens (all
/// spanned at the invocation).
fn parse(text: &str, options: &Options) -> Result<TokenStream, Error> {
    text.parse().map_err(|e| {
        Error::new(
            options.file.as_deref(),
            None,
            format!("internal error: generated code does not parse: {e}"),
        )
    })
}

/// What one probe's macro is called, and how it is written.
struct MacroName<'a> {
    /// The macro's name.
    name: &'a str,
    /// What messages call it.
    shown: &'a str,
    /// Whether it carries its own `allow`s for unused macros and imports (else the enclosing
    /// module has them).
    lints: bool,
}

/// One probe's `macro_rules!`, and a `pub(crate) use` so it can be named by path.
fn probe_macro(
    out: &mut String,
    provider: &ProviderSpec,
    probe: &ProbeSpec,
    naming: MacroName,
    options: &Options,
) -> Result<(), Error> {
    let MacroName { name, shown, lints } = naming;
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
    let prov = &provider.name;
    let stapsdt = &probe.name;
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
             e.g. `{shown}!(|| ...)`",
            probe.args.len(),
            if probe.args.len() == 1 { "" } else { "s" },
            if probe.args.len() == 1 { "it" } else { "them as a tuple" },
        );
        format!("() => {{ ::core::compile_error!({message:?}) }};")
    };
    // Serializable types are named at the site, through the provider's scope items.
    let scope = if probe.serializes() {
        provider
            .scope
            .iter()
            .map(|item| format!("#[allow(unused_imports)] {item}"))
            .collect::<String>()
    } else {
        String::new()
    };
    // The site itself is `usdt`'s `__probe!`: the less each probe macro holds, the less
    // every crate compiles.
    let site = site_call::call(provider, probe);
    let body = if scope.is_empty() {
        site
    } else {
        format!("{{ {scope} {site} }}")
    };
    let (macro_lint, import_lint) = if lints {
        ("#[allow(unused_macros)] ", "#[allow(unused_imports)] ")
    } else {
        ("", "")
    };
    // Defined under a name of its own and imported as `name`: a `use` of a plain `name`
    // would be ambiguous where `name` is also a built-in attribute (a probe `used`, `test`).
    writeln!(
        out,
        "{macro_lint}macro_rules! __usdt_macro_{name} {{ {no_closure} ($($f:tt)*) => {{ {body} }}; }}"
    )
    .ok();
    writeln!(
        out,
        "{import_lint}pub(crate) use __usdt_macro_{name} as {name};"
    )
    .ok();
    Ok(())
}
