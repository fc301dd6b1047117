//! The probe-site macro, one definition per backend, chosen by the target being compiled
//! (never by the host that runs the proc macro), so cross-compiling picks the right one.
//!
//! Every backend defines `__probe_site!` with the same input, which the generated probe
//! macros pass: the provider and probe names (as Linux's SystemTap notes and as DTrace's DOF
//! spell them), the checked closure (returning a tuple, one element per argument), and per
//! argument a binding name, the note's size (`-4`, `8`, `8f`), the native C type, and how
//! the value becomes a register: `int` (an integer or `bool`, cast with `as u64`) or `arg`
//! (anything else, through [`Arg`](crate::__private::Arg)).

#[cfg(all(
    feature = "probes",
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod stapsdt;
#[cfg(all(feature = "probes", target_os = "linux", target_arch = "aarch64"))]
mod stapsdt_aarch64;
#[cfg(all(feature = "probes", target_os = "linux", target_arch = "x86_64"))]
mod stapsdt_x86_64;

#[cfg(all(
    feature = "probes",
    any(
        target_os = "illumos",
        target_os = "solaris",
        target_os = "freebsd",
        target_os = "macos"
    ),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod dtrace;

#[cfg(not(all(
    feature = "probes",
    any(
        all(
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        ),
        all(
            any(
                target_os = "illumos",
                target_os = "solaris",
                target_os = "freebsd",
                target_os = "macos"
            ),
            any(target_arch = "x86_64", target_arch = "aarch64")
        )
    )
)))]
mod none;

/// A probe macro's expansion: gives the closure its expected return type, then expands the
/// target's site.
///
/// A closure written in place (`|| ...`, `move || ...`) gets the return type as an annotation
/// (`|| -> (u8, _) { ... }`): rustc checks its body against it where the user wrote it, and
/// a site costs no function of its own. Anything else (a closure in a variable, a function)
/// goes through `check`, or through the provider's own check (`check: [path ...]`) when its
/// types are only nameable in the provider's module. `_` stands for strings and pointers,
/// whose accepted types the backend's `StrArg`/`PtrArg` bounds state.
#[doc(hidden)]
#[macro_export]
macro_rules! __probe {
    ($p:literal, $n:literal, $d:literal, $check:tt, [], $args:tt) => {
        $crate::__probe!($p, $n, $d, $check, [|| ()], $args)
    };
    ($p:literal, $n:literal, $d:literal, [ret $ret:ty], [move || $body:expr $(,)?], $args:tt) => {{
        let __usdt_f = move || -> $ret { $body };
        $crate::__probe_site!(provider: $p, probe: $n, dtrace_probe: $d, closure: __usdt_f, args: $args);
    }};
    ($p:literal, $n:literal, $d:literal, [ret $ret:ty], [|| $body:expr $(,)?], $args:tt) => {{
        let __usdt_f = || -> $ret { $body };
        $crate::__probe_site!(provider: $p, probe: $n, dtrace_probe: $d, closure: __usdt_f, args: $args);
    }};
    ($p:literal, $n:literal, $d:literal, [ret $ret:ty], [$f:expr $(,)?], $args:tt) => {{
        let __usdt_f = $crate::__private::check::<$ret, _>($f);
        $crate::__probe_site!(provider: $p, probe: $n, dtrace_probe: $d, closure: __usdt_f, args: $args);
    }};
    ($p:literal, $n:literal, $d:literal, [path $check:path], [$f:expr $(,)?], $args:tt) => {{
        let __usdt_f = $check($f);
        $crate::__probe_site!(provider: $p, probe: $n, dtrace_probe: $d, closure: __usdt_f, args: $args);
    }};
}

/// Call the closure and turn every argument it returns into its register value, binding
/// each to its name (the names come from the caller, so the bindings are the caller's). A
/// probe of one argument returns the value itself, not a 1-tuple.
#[doc(hidden)]
#[macro_export]
macro_rules! __bind_args {
    ($f:ident, [($a:ident, $c:ident)]) => {
        let $a = $f();
        $crate::__prepare!($c, $a);
    };
    ($f:ident, [$(($a:ident, $c:ident)),*]) => {
        let ($($a,)*) = $f();
        $($crate::__prepare!($c, $a);)*
    };
}

/// Rebinds an argument as the `u64` the tracer reads: `int`s are cast (no trait to resolve
/// at every site, which costs compile time), `ptr`s taken as addresses, `str`ings made
/// NUL-terminated (in a buffer local to the site when short), `json` serialized, anything
/// else converted through `Arg`. Every value and buffer stays alive, shadowed, until after
/// the probe.
#[doc(hidden)]
#[macro_export]
macro_rules! __prepare {
    (int, $a:ident) => {
        let $a = $a as u64;
    };
    (ptr, $a:ident) => {
        let $a = $crate::__private::PtrArg::address($a);
    };
    (str, $a:ident) => {
        let mut buf = $crate::__private::StrBuf::new();
        // Shadowed, the value lives on until after the probe (an owned `CString` is read in
        // place).
        let $a = $crate::__private::StrArg::c_str(&$a, &mut buf);
    };
    (json, $a:ident) => {
        let $a = $crate::__private::Json::new(&$a);
        let $a = $a.address();
    };
    (arg, $a:ident) => {
        let $a = $crate::__private::Arg::to_reg($a);
    };
}
