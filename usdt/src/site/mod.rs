//! The probe-site macro, one definition per backend, chosen by the target being compiled
//! (never by the host that runs the proc macro), so cross-compiling picks the right one.
//!
//! The generated probe macros call `__probe!`; the grammar of that call is defined once, in
//! `usdt-codegen`'s `codegen::site_call` module (`usdt-codegen/src/codegen/site_call.rs`),
//! which writes it. The arms here match it, and `tests/site_contract.rs` expands every
//! argument shape through them.
//!
//! Every backend defines `__probe_site!` with the same input, which `__probe!` passes: the
//! provider and probe names (as Linux's SystemTap notes and as DTrace's DOF spell them), the
//! value the user wrote with each argument's expected type, and per argument a binding name,
//! the note's size (`-4`, `8`, `8f`), the native C type, and how the value becomes a
//! register (see `__prepare!`).

// The backend is the cfg `usdt_backend`, which `usdt-impl`'s build script decides for the
// target (its `src/backend.rs` lists the targets of each).
#[cfg(usdt_backend = "stapsdt")]
mod stapsdt;
#[cfg(all(usdt_backend = "stapsdt", target_arch = "aarch64"))]
mod stapsdt_aarch64;
#[cfg(all(usdt_backend = "stapsdt", target_arch = "x86_64"))]
mod stapsdt_x86_64;

#[cfg(usdt_backend = "dtrace")]
mod dtrace;

#[cfg(usdt_backend = "none")]
mod none;

/// A probe macro's expansion: the value the user wrote (a closure, or anything callable),
/// each argument's expected type, then the target's site.
///
/// The site binds the arguments only while the probe is enabled, through `__bind!` (see
/// `usdt-macro`'s `bind`): a closure written in place (`|| ...`, `move || ...`) has its body
/// evaluated there, each argument bound by reference with its expected type (`let a0: &u8 =
/// &x;`), so rustc checks the body where the user wrote it, and a probe takes `T` or `&T`
/// alike, as in usdt 0.6. Anything else (a closure in a variable, a function) is called
/// there, through `call`. `_` stands for strings and pointers, whose accepted types the
/// `StrArg`/`PtrArg` bounds state where they are converted.
#[doc(hidden)]
#[macro_export]
macro_rules! __probe {
    ($p:literal, $n:literal, $d:literal, $check:tt, [], $args:tt) => {{
        $crate::__probe_site!(provider: $p, probe: $n, dtrace_probe: $d, value: [] || (), args: $args);
    }};
    ($p:literal, $n:literal, $d:literal, [ret $($ret:tt)*], [$f:expr $(,)?], $args:tt) => {{
        $crate::__probe_site!(provider: $p, probe: $n, dtrace_probe: $d, value: [$($ret)*] $f, args: $args);
    }};
}

/// Evaluate the arguments and turn every argument into its register value, binding each to
/// its name (the names come from the caller, so the bindings are the caller's).
#[doc(hidden)]
#[macro_export]
macro_rules! __bind_args {
    ([$($ret:tt)*] $v:expr, [$(($a:ident, $c:ident)),*]) => {
        $crate::__bind!($crate, [$($ret)*] $v, [$($a)*]);
        $($crate::__prepare!($c, $a);)*
    };
}

/// Rebinds an argument, bound by reference, as the `u64` the tracer reads, one arm per
/// `usdt_codegen::codegen::site_call::Conversion`: `int`s are cast
/// (no trait to resolve at every site, which costs compile time), `ptr`s taken as addresses,
/// `str`ings made NUL-terminated (in a buffer local to the site when short), `json` and
/// `slice` serialized, anything else converted through `Arg`. Every value and buffer stays
/// alive, shadowed, until after the probe.
#[doc(hidden)]
#[macro_export]
macro_rules! __prepare {
    (int, $a:ident) => {
        let $a = *$a as u64;
    };
    (ptr, $a:ident) => {
        let $a = $crate::__private::PtrArg::address($a);
    };
    (str, $a:ident) => {
        let mut buf = $crate::__private::StrBuf::new();
        // Shadowed, the value lives on until after the probe (an owned `CString` is read in
        // place).
        let $a = $crate::__private::StrArg::c_str($a, &mut buf);
    };
    (json, $a:ident) => {
        let $a = $crate::__private::Json::new($a);
        let $a = $a.address();
    };
    (slice, $a:ident) => {
        let $a = $crate::__private::Json::new(::core::convert::AsRef::as_ref($a));
        let $a = $a.address();
    };
    (arg, $a:ident) => {
        let $a = $crate::__private::Arg::to_reg($a);
    };
}
