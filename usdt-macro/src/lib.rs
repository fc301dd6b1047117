//! Procedural macros of the [`usdt`](https://docs.rs/usdt) crate. Thin: they read their
//! input, call the one code generator in `usdt-codegen`, and turn its errors into compile
//! errors at the right span. Use them through `usdt`.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod bind;
mod dtrace_provider;
mod options;
mod provider_attr;

use proc_macro::TokenStream;

/// Generate one probe macro per probe of a D provider file.
///
/// ```rust,ignore
/// usdt::dtrace_provider!("test.d");                    // test_start! and test::start!, ...
/// usdt::dtrace_provider!("test.d", module = "probes");  // test_start! and probes::start!
/// usdt::dtrace_provider!("test.d", provider = "app");   // app_start!, app::start!; tracers see `app`
/// usdt::dtrace_provider!("test.d", probe_format = "probe_{probe}"); // probe_start!, test::probe_start!
/// usdt::dtrace_provider!("provider test { probe start(uint8_t); };"); // the provider inline
/// ```
///
/// The path is relative to the invoking crate's `Cargo.toml` (or, failing that, to the
/// invoking source file's directory); the crate is rebuilt when the file changes. A string
/// that does not end in `.d` is the provider definition itself, as in usdt 0.6. Invoke it at
/// the crate root, before the modules that fire the probes: the macros are then usable
/// anywhere after it, and by path (`crate::test_start!`, `crate::test::start!`).
///
/// Each probe has two names: `test_start!`, and usdt 0.6's `test::start!`. The module is
/// brought in by a glob import, so an item of your own named `test` (a `mod test` of unit
/// tests) takes precedence over it without error; `test_start!` is always there.
///
/// Each generated macro takes a closure returning the probe's arguments (a single value, or
/// a tuple), or nothing for a probe without arguments (`test_ping!()`):
///
/// ```rust,ignore
/// test_stop!(|| ("hello", counter));
/// ```
///
/// It expands to the target's probe site: on Linux x86_64, `cmpw $0, SEMAPHORE(%rip); jne`
/// on the hot path, and out of line the closure's body (checked against the probe's
/// argument types where it is written, so a wrong count or type is a compile error at the
/// closure), the 5-byte NOP and its `.note.stapsdt` entry. A disabled probe costs those two
/// instructions; the closure never runs.
///
/// A malformed provider file is a compile error naming the file, line and column
/// (`test.d:3:21: unknown type 'uint7_t' in probe 'start'`).
#[proc_macro]
pub fn dtrace_provider(input: TokenStream) -> TokenStream {
    // The invoking source file, to find the provider file beside it when it is not beside
    // the manifest.
    let source_dir = proc_macro::Span::call_site()
        .local_file()
        .and_then(|f| f.parent().map(ToOwned::to_owned));
    dtrace_provider::expand(input.into(), source_dir)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Define a provider in Rust: a module of probe functions, each becoming a probe macro.
///
/// ```rust,ignore
/// #[derive(serde::Serialize)]
/// pub struct Arg { x: u8, names: Vec<String> }
///
/// #[usdt::provider]
/// mod my_provider {
///     use crate::Arg;
///     fn start(id: &usdt::UniqueId, n: u8) {}
///     fn work(a: &Arg, s: &str) {}
/// }
///
/// let id = usdt::UniqueId::new();
/// my_provider::start!(|| (&id, 7));
/// my_provider::work!(|| (&arg, "name"));
/// ```
///
/// The module may be anywhere in the crate; written without visibility it is `pub(crate)`,
/// so `crate::dtrace::probes::start!` (or `probes::start!` after a `use`) works anywhere.
/// As in usdt 0.6, argument types are named where the probes fire, with the module's `use`
/// items repeated there (so they must not start with `super::` or `self::`), and each
/// serializable type is checked to implement `Serialize` next to the module.
///
/// Argument types: the integers, `bool`, `f32`, `f64`, `&str`, `String`, `&CStr`, raw
/// pointers, `&usdt::UniqueId` (passed as its `u64`), and any other type that implements
/// `serde::Serialize`, passed as a JSON string `{"ok":VALUE}` (or `{"err":"message"}` when
/// serialization fails) made only while the probe is enabled. A probe declared `T` or `&T`
/// takes either (`&u8` passes the value); a string takes `&str`, `String`, `&String` and the
/// other string types; a slice `&[T]` takes a `Vec<T>`, a slice or an array. A serializable
/// argument may be declared by value (`fn work(a: Arg)`): the closure then builds it
/// (`|| Arg { .. }`), so even building the value happens only while the probe is enabled.
/// A probe function's body, if any, is ignored.
///
/// Options: `provider = "name"` (the name tracers see; default: the module's),
/// `probe_format = "{provider}_{probe}"`, `module = false` (define `my_provider_start!` next
/// to the module instead of `my_provider::start!` inside it).
#[proc_macro_attribute]
pub fn provider(attr: TokenStream, item: TokenStream) -> TokenStream {
    provider_attr::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The `let`s that bind a probe site's arguments (see `bind`). Not part of the public API.
#[doc(hidden)]
#[proc_macro]
pub fn __bind(input: TokenStream) -> TokenStream {
    bind::expand(input)
}
