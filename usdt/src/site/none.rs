//! Probe sites where there is no backend (other targets, or `--cfg usdt_disable_probes`): the
//! closure is type-checked, never run, and nothing is emitted.

/// A probe site that compiles to nothing.
#[doc(hidden)]
#[macro_export]
macro_rules! __probe_site {
    (
        provider: $prov:literal,
        probe: $name:literal,
        dtrace_probe: $dname:literal,
        value: [$($ret:tt)*] $v:expr,
        args: [$(($a0:ident, $s0:literal, $n0:literal, $c0:ident) $(, ($a:ident, $s:literal, $n:literal, $c:ident))*)?]
    ) => {
        if false {
            $crate::__bind_args!([$($ret)*] $v, [$(($a0, $c0) $(, ($a, $c))*)?]);
        }
    };
}
