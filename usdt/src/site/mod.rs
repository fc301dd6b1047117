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

/// Call the closure and prepare every argument it returns, binding each to its name (the
/// names come from the caller, so the bindings are the caller's).
#[doc(hidden)]
#[macro_export]
macro_rules! __bind_args {
    ($f:ident, [$(($a:ident, $c:ident)),*]) => {
        let ($($a,)*) = $f();
        $(let $a = $crate::__prepare!($c, $a);)*
    };
}

/// An argument's value as it lives across the probe: `int`s are cast (no trait to resolve at
/// every site, which costs compile time), anything else is prepared through `Arg`.
#[doc(hidden)]
#[macro_export]
macro_rules! __prepare {
    (int, $a:ident) => {
        $a as u64
    };
    (arg, $a:ident) => {
        $crate::__private::Arg::prepare($a)
    };
}

/// The register value of a prepared argument.
#[doc(hidden)]
#[macro_export]
macro_rules! __reg {
    (int, $a:ident) => {
        $a
    };
    (arg, $a:ident) => {
        $crate::__private::Reg::reg(&$a)
    };
}
