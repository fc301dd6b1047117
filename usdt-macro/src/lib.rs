//! Procedural macros of the [`usdt`](https://docs.rs/usdt) crate. Thin: they read their
//! input, call the one code generator in `usdt-impl`, and turn its errors into compile
//! errors at the right span. Use them through `usdt`.

mod bind;
mod dtrace_provider;
mod options;
mod provider_attr;


use proc_macro::TokenStream;

/// Generate one probe macro per probe of a D provider file.
///
/// ```rust,ignore
/// usdt::dtrace_provider!("test.d");                         // test_start!, test_stop!
/// usdt::dtrace_provider!("test.d", module = true);          // test::start!, test::stop!
/// usdt::dtrace_provider!("test.d", provider = "app");       // app_start!; tracers see `app`
/// usdt::dtrace_provider!("test.d", probe_format = "probe_{probe}"); // probe_start!
/// ```
///
/// The path is relative to the invoking crate's `Cargo.toml` (or, failing that, to the
/// invoking source file's directory); the crate is rebuilt when the file changes. Invoke it
/// at the crate root, before the modules that fire the probes: the macros are then usable
/// anywhere after it, and by path (`crate::test_start!`).
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
/// Put the module at the crate root: argument types are resolved inside it (its `use`
/// items count), and its probe macros reach them through the crate root.
///
/// Argument types: the integers, `bool`, `f32`, `f64`, `&str`, `String`, `&CStr`, raw
/// pointers, `&usdt::UniqueId` (passed as its `u64`), and any other type that implements
/// `serde::Serialize`, passed as a JSON string `{"ok":VALUE}` (or `{"err":"message"}` when
/// serialization fails) made only while the probe is enabled. A serializable argument may be
/// declared by value (`fn work(a: Arg)`): the closure then builds it (`|| Arg { .. }`), so
/// even building the value happens only while the probe is enabled.
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
