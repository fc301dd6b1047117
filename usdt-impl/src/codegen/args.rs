//! What the backend is told about each argument: a binding name, the SystemTap note size and
//! the native C type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::{ArgType, Probe};
use dtrace_parser::ArgKind;

/// The binding name of argument `i` inside the generated code.
pub fn binding(i: usize) -> Ident {
    Ident::new(&format!("__usdt_a{i}"), Span::call_site())
}

/// The `args: [...]` list of `__probe_site!`: `(binding, "note size", "native type",
/// conversion)`.
pub fn site_list(probe: &Probe) -> TokenStream {
    let items = probe.args.iter().enumerate().map(|(i, arg)| {
        let bind = binding(i);
        let size = arg.note_size();
        let native = arg.native_type();
        let conv = conversion(arg);
        quote!((#bind, #size, #native, #conv))
    });
    quote!([#(#items),*])
}

/// `int` for integers and `bool`, which the backend casts to a register value; `arg` for
/// everything else, which it prepares through the `Arg` trait.
fn conversion(arg: &ArgType) -> Ident {
    let int = matches!(
        arg,
        ArgType::Native(ArgKind::Integer { .. } | ArgKind::Bool)
            | ArgType::Primitive {
                kind: ArgKind::Integer { .. } | ArgKind::Bool,
                ..
            }
    );
    Ident::new(if int { "int" } else { "arg" }, Span::call_site())
}

/// How the value the closure returns becomes what the backend prepares: serializable
/// values are wrapped so they become JSON, everything else is passed as is.
pub fn wrap(arg: &ArgType, value: &Ident) -> TokenStream {
    match arg {
        ArgType::Serializable(_) => quote!(::usdt::__private::Json(#value)),
        _ => quote!(#value),
    }
}
