//! What the backend is told about each argument: a binding name, the SystemTap note size and
//! the native C type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::{ArgType, Probe};

/// The binding name of argument `i` inside the generated code.
pub fn binding(i: usize) -> Ident {
    Ident::new(&format!("__usdt_a{i}"), Span::call_site())
}

/// The `args: [...]` list of `__probe_site!`: `(binding, "note size", "native type")`.
pub fn site_list(probe: &Probe) -> TokenStream {
    let items = probe.args.iter().enumerate().map(|(i, arg)| {
        let bind = binding(i);
        let size = arg.note_size();
        let native = arg.native_type();
        quote!((#bind, #size, #native))
    });
    quote!([#(#items),*])
}

/// How the value the closure returns becomes what the backend prepares: serializable
/// values are wrapped so they become JSON, everything else is passed as is.
pub fn wrap(arg: &ArgType, value: &Ident) -> TokenStream {
    match arg {
        ArgType::Serializable(_) => quote!(::usdt::__private::Json(#value)),
        _ => quote!(#value),
    }
}
