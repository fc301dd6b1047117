//! The one code generator: the provider model in, one `macro_rules!` per probe out.
//!
//! The output is the same for every target: each probe macro hands the closure, the
//! arguments' expected types and what each argument is to `::usdt::__probe!`, which the
//! `usdt` crate expands into the target's site (compiled for the target, so cross builds
//! pick the right backend). The less each probe macro holds, the less every crate using it
//! compiles: it is written as text, and the site's work is `usdt`'s.
//!
//! One module per concern: [`names`] (macro names and identifier rules), [`typecheck`]
//! (the closure's expected signature), [`args`] (what each argument tells the backend) and
//! [`emit`] (the macros themselves).

pub mod args;
pub mod emit;
pub mod names;
pub mod typecheck;

use proc_macro2::TokenStream;

use crate::{Error, Provider};

/// The most arguments a probe may take (C's `<sys/sdt.h>` limit).
pub const MAX_ARGUMENTS: usize = 12;

/// How the generated macros are named and where they live.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The macro name for each probe, with `{provider}` and `{probe}` replaced. Default:
    /// `{provider}_{probe}`, or `{probe}` in the module form.
    pub probe_format: Option<String>,
    /// Put each provider's macros in a module named after it (`test::start!`) instead of
    /// defining them in the invoking scope (`test_start!`).
    pub module: bool,
    /// Give the (single) provider another name, in the macros and as tracers see it.
    pub provider_name: Option<String>,
    /// The provider file, for error messages.
    pub file: Option<String>,
    /// Where the closure checks of probes with serializable arguments live: `None` for D
    /// providers (their types are all built in, and each site names them); `Some(path)`, a
    /// module path from the crate root, means the front door emits
    /// [`typecheck::check_items`] in that module, so argument types resolve where they were
    /// declared (`#[usdt::provider]` modules).
    pub checks_in: Option<String>,
}

/// Generate the probe macros of `providers`.
pub fn generate(providers: &[Provider], options: &Options) -> Result<TokenStream, Error> {
    let renamed = rename(providers, options)?;
    let mut out = TokenStream::new();
    for provider in &renamed {
        out.extend(emit::provider(provider, options)?);
    }
    Ok(out)
}

/// Apply `provider_name`, which only makes sense for a file with one provider.
fn rename(providers: &[Provider], options: &Options) -> Result<Vec<Provider>, Error> {
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
