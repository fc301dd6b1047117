//! Probes where a binary's link drops, inlines or instantiates code: the binary
//! (`src/main.rs`) calls only some of these functions, so `--gc-sections` drops the others,
//! and each of their probes' notes must go with them.

usdt::dtrace_provider!("gc.d");

/// Never called by the binary: dropped with its probe.
#[inline(never)]
pub fn never_called(x: u64) {
    gc_unused!(|| x);
}

/// Called by the binary.
#[inline(never)]
pub fn called(x: u64) {
    gc_used!(|| x);
}

/// Inlined into each caller (a copy per call site).
#[inline]
pub fn inlined(x: u64) {
    gc_inlined!(|| x);
}

/// Never called by the binary, and calls an inlined function: its copy of `inlined` (and
/// of `inlined_unused`) goes when it goes.
#[inline(never)]
pub fn never_called_inliner(x: u64) {
    inlined(x);
    inlined_unused(x);
}

/// Inlined only into [`never_called_inliner`].
#[inline]
pub fn inlined_unused(x: u64) {
    gc_unused_inline!(|| x);
}

/// Instantiated once per type the binary calls it with.
#[inline(never)]
pub fn generic<T: Into<u64>>(x: T) {
    let x: u64 = x.into();
    gc_generic!(|| x);
}
