//! The one code generator: the provider model in, one `macro_rules!` per probe out.
//!
//! The output is the same for every target: each probe macro hands the closure, the
//! arguments' expected types and what each argument is to `::usdt::__probe!`, which the
//! `usdt` crate expands into the target's site (compiled for the target, so cross builds
//! pick the right backend). The less each probe macro holds, the less every crate using it
//! compiles: it is written as text, and the site's work is `usdt`'s.
//!
//! One module per concern: [`names`] (macro names and identifier rules), [`typecheck`]
//! (the type each argument's value must have), [`site_call`] (the call of `usdt`'s site
//! macro each probe macro makes, and its grammar) and [`emit`] (the macros themselves).

pub mod emit;
pub mod names;
pub mod site_call;
pub mod typecheck;

use proc_macro2::TokenStream;

use crate::{Error, ProviderSpec};

pub use dtrace_parser::MAX_ARGUMENTS;

/// How the generated macros are named and where they live.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The macro name for each probe, with `{provider}` and `{probe}` replaced, in both
    /// spellings (`{format}!` and `{module}::{format}!`). Default: `{provider}_{probe}` in the
    /// invoking scope, `{probe}` in the module.
    pub probe_format: Option<String>,
    /// The module of usdt 0.6's spelling (`test::start!`). Default: the provider's name (the
    /// spelling is left out for a provider whose name cannot name a module).
    pub module: Option<String>,
    /// Give the (single) provider another name, in the macros and as tracers see it.
    pub provider_name: Option<String>,
    /// The provider file, for error messages.
    pub file: Option<String>,
}
/// Generate the probe macros of `providers`.
pub fn generate(providers: &[ProviderSpec], options: &Options) -> Result<TokenStream, Error> {
    let renamed = rename(providers, options)?;
    let clashing = emit::clashing_names(&renamed, options);
    let mut out = TokenStream::new();
    for provider in &renamed {
        out.extend(emit::provider(provider, options, &clashing)?);
    }
    Ok(out)
}

/// Apply `provider_name`, which only makes sense for a file with one provider.
fn rename(providers: &[ProviderSpec], options: &Options) -> Result<Vec<ProviderSpec>, Error> {
    let mut providers = providers.to_vec();
    if let Some(name) = &options.provider_name {
        match providers.as_mut_slice() {
            [only] => only.name = name.clone(),
            _ => {
                return Err(Error::new(
                    options.file.as_deref(),
                    None,
                    format!(
                    "`provider = \"{name}\"` renames a single provider, but the file declares {}",
                    providers.len()
                ),
                ))
            }
        }
    }
    Ok(providers)
}
