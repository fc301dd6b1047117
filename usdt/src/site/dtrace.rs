//! Probe sites for the DTrace platforms (illumos, FreeBSD, macOS).
//!
//! Each site emits the instruction sequences that `dtrace -G` (illumos, FreeBSD) or ld64
//! (macOS) leave behind after rewriting a C program's probe calls, so the kernel's `fasttrap`
//! provider can trace them exactly as it traces C probes:
//!
//! - an **is-enabled site**, whose result register reads 0 until DTrace traps there and
//!   writes 1; the closure runs only when it reads non-zero;
//! - a **probe site**, a NOP that DTrace replaces with a trap, with the arguments where
//!   the platform's C calling convention puts a call's (DTrace reads them like a call's).
//!
//! Each site also emits a probe record (provider, probe, argument types, address) into a
//! section of its own; the registration at load time (below) reads the records back, builds
//! one DOF document and hands it to the kernel. The record format, the sequences and the
//! DTrace sources they come from are documented in `usdt_impl::record`.
//!
//! Arguments: the first in the argument registers of the C calling convention (6 on x86_64,
//! 8 on aarch64), the rest (up to 12 in all) on the stack, where `fasttrap` reads a C
//! probe's further arguments: at the probe instruction, argument `i` is the 8 bytes at
//! `%rsp + 8 * (i - 6)` on x86_64 (`fasttrap_anarg` in illumos's, FreeBSD's and xnu's
//! `fasttrap_isa.c`) and at `sp + 8 * (i - 8)` on aarch64 (xnu's `fasttrap_usdt_args64`).
//! A site with stack arguments moves the stack pointer down past the red zone, stores them,
//! runs the probe NOP, and moves it back.
//!
//! # Registration at load time
//!
//! Every object file with a site also gets (once, from its first site) an `.init_array`
//! entry (`__DATA,__mod_init_func` on macOS) that calls
//! [`register_at_load`](usdt_impl::register::register_at_load), and a `.fini_array`
//! (`__mod_term_func`) entry that calls
//! [`unregister_at_unload`](usdt_impl::register::unregister_at_unload): a program, and each
//! shared library as it is loaded, hands its probes to DTrace before `main` runs, as the
//! `drti.o` that `dtrace -G` links into C programs does, and takes them back when unloaded.
//! The entries name the functions, so the linker always brings them in with the first
//! site. Built with `--cfg usdt_no_register_at_load`, the entries are left out (only an
//! explicit `register_probes()` registers); at run time, `DTRACE_DOF_INIT_DISABLE` in the
//! environment does the same, as it does for `drti.o`.

#[cfg(target_arch = "aarch64")]
#[path = "dtrace_aarch64.rs"]
mod arch;
#[cfg(target_arch = "x86_64")]
#[path = "dtrace_x86_64.rs"]
mod arch;

/// The directive that opens the record section for the target's object format.
///
/// ELF: `set_dtrace_probes` (bounded by `__start_`/`__stop_` symbols), writable because the
/// records hold absolute addresses (relocated at load time in a PIE) and retained (`R`)
/// against `--gc-sections`. Mach-O: `__DATA,__dtrace_probes`, kept by `no_dead_strip`.
#[cfg(not(target_os = "macos"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_record_section {
    () => {
        ".pushsection set_dtrace_probes,\"awR\",%progbits\n"
    };
}

/// See the ELF variant.
#[cfg(target_os = "macos")]
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_record_section {
    () => {
        ".pushsection __DATA,__dtrace_probes,regular,no_dead_strip\n"
    };
}

/// The load-time entries of an object file, once per assembly module: `.init_array` and
/// `.fini_array` pointers to the `{at_load}` and `{at_unload}` sym operands.
#[cfg(all(not(target_os = "macos"), not(usdt_no_register_at_load)))]
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_at_load {
    () => {
        concat!(
            ".ifndef .Lusdt_at_load\n",
            ".set .Lusdt_at_load, 1\n",
            ".pushsection .init_array,\"aw\",%init_array\n",
            ".balign 8\n",
            ".quad {at_load}\n",
            ".popsection\n",
            ".pushsection .fini_array,\"aw\",%fini_array\n",
            ".balign 8\n",
            ".quad {at_unload}\n",
            ".popsection\n",
            ".endif\n",
        )
    };
}

/// See the ELF variant: `__mod_init_func` and `__mod_term_func` on macOS.
#[cfg(all(target_os = "macos", not(usdt_no_register_at_load)))]
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_at_load {
    () => {
        concat!(
            ".ifndef Lusdt_at_load\n",
            ".set Lusdt_at_load, 1\n",
            ".pushsection __DATA,__mod_init_func,mod_init_funcs\n",
            ".p2align 3\n",
            ".quad {at_load}\n",
            ".popsection\n",
            ".pushsection __DATA,__mod_term_func,mod_term_funcs\n",
            ".p2align 3\n",
            ".quad {at_unload}\n",
            ".popsection\n",
            ".endif\n",
        )
    };
}

/// With `--cfg usdt_no_register_at_load`: no entries, the operands named in a comment only
/// (which makes no reference to them).
#[cfg(usdt_no_register_at_load)]
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_at_load {
    () => {
        "/* {at_load} {at_unload} */\n"
    };
}

/// One probe record (version 1) for the site at local label `990`: version, kind
/// (0 = probe, 1 = is-enabled), argument count (the `{nargs}` const operand), the record
/// length, the site address, then NUL-terminated provider, probe and argument types,
/// padded to 8 bytes. Before it, the object's load-time entries ([`__dtrace_at_load!`]), so
/// the asm that uses it passes the `at_load` and `at_unload` sym operands.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_record {
    ($kind:literal, $prov:literal, $dname:literal, [$($n:literal),*]) => {
        concat!(
            $crate::__dtrace_at_load!(),
            $crate::__dtrace_record_section!(),
            ".balign 8\n",
            "991:\n",
            ".byte 1, ", $kind, ", {nargs}, 0\n",
            ".4byte 992f - 991b\n",
            ".quad 990b\n",
            ".asciz \"", $prov, "\"\n",
            ".asciz \"", $dname, "\"\n",
            $(".asciz \"", $n, "\"\n",)*
            ".balign 8, 0\n",
            "992:\n",
            ".popsection\n",
        )
    };
}

/// The probe instruction `site` of an architecture with each prepared argument in the next
/// of `regs`, the argument registers of its calling convention, and the rest stored in the
/// `slots` of a stack frame (`open`/`close` move the stack pointer, `__dtrace_stack_store!`
/// stores one), where DTrace's `fasttrap` reads a probe's arguments. More arguments than
/// registers and slots are a compile error.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_probe_site_asm {
    ($prov:literal, $dname:literal, [$($n:literal),*], site: $site:literal,
        regs [$($r:tt)*], frame [$open:literal, $close:literal], slots [$($slot:literal)*],
        args [$($a:ident)*]) => {
        $crate::__dtrace_probe_site_asm!(
            @build $prov, $dname, [$($n),*], $site, [$open, $close],
            stores [], named [], regops [],
            regs [$($r)*], slots [$($slot)*],
            args [$($a)*],
            all [$($a),*]
        )
    };
    // Every argument in a register: the stack is not touched.
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $frame:tt,
        stores [], named [], regops [$($regops:tt)*], regs $regs:tt, slots $slots:tt,
        args [], all [$($all:ident),*]) => {
        // SAFETY: the probe's NOP, and a record in a section of its own. `readonly`, not
        // `nomem`: the tracer reads memory through pointer arguments here.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                $site,
                $crate::__dtrace_record!("0", $prov, $dname, [$($n),*]),
                nargs = const $crate::__dtrace_nargs!($($all),*),
                at_load = sym $crate::__private::register_at_load,
                at_unload = sym $crate::__private::unregister_at_unload,
                $($regops)*
                options(readonly, nostack, preserves_flags)
            );
        }
    };
    // Some arguments on the stack, below the red zone.
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal,
        [$open:literal, $close:literal],
        stores [$($store:expr,)+], named [$($named:tt)*], regops [$($regops:tt)*],
        regs $regs:tt, slots $slots:tt, args [], all [$($all:ident),*]) => {
        // SAFETY: stores the arguments below the red zone, which no code uses, and restores
        // the stack pointer after the probe's NOP; a record in a section of its own.
        // `readonly`: the only memory written is that scratch space.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                $open,
                $($store,)+
                $site,
                $close,
                $crate::__dtrace_record!("0", $prov, $dname, [$($n),*]),
                nargs = const $crate::__dtrace_nargs!($($all),*),
                at_load = sym $crate::__private::register_at_load,
                at_unload = sym $crate::__private::unregister_at_unload,
                $($named)*
                $($regops)*
                options(readonly, preserves_flags)
            );
        }
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $frame:tt,
        stores [$($store:expr,)*], named [$($named:tt)*], regops [$($regops:tt)*],
        regs [$r0:tt $($r:tt)*], slots $slots:tt, args [$a0:ident $($a:ident)*],
        all [$($all:ident),*]) => {
        $crate::__dtrace_probe_site_asm!(
            @build $prov, $dname, [$($n),*], $site, $frame,
            stores [$($store,)*], named [$($named)*], regops [$($regops)* in($r0) $a0,],
            regs [$($r)*], slots $slots,
            args [$($a)*],
            all [$($all),*]
        )
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $frame:tt,
        stores [$($store:expr,)*], named [$($named:tt)*], regops [$($regops:tt)*],
        regs [], slots [$slot0:literal $($slot:literal)*], args [$a0:ident $($a:ident)*],
        all [$($all:ident),*]) => {
        $crate::__dtrace_probe_site_asm!(
            @build $prov, $dname, [$($n),*], $site, $frame,
            stores [$($store,)* $crate::__dtrace_stack_store!($slot0, $a0),],
            named [$($named)* $a0 = in(reg) $a0,],
            regops [$($regops)*],
            regs [], slots [$($slot)*],
            args [$($a)*],
            all [$($all),*]
        )
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $frame:tt,
        stores $stores:tt, named $named:tt, regops $regops:tt,
        regs [], slots [], args [$a0:ident $($a:ident)*], all [$($all:ident),*]) => {
        ::core::compile_error!(concat!(
            "probe ", $prov, ":", $dname, ": DTrace probes take at most 12 arguments"
        ))
    };
}

/// The number of arguments of a site, as a constant for the record's `{nargs}` operand.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_nargs {
    ($($a:ident),*) => {
        <[&str]>::len(&[$(stringify!($a)),*])
    };
}

/// One probe site: the is-enabled gate, and behind it the closure and the probe NOP with
/// the arguments in the calling convention's registers.
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
        if $crate::__dtrace_is_enabled!($prov, $dname) {
            $crate::__private::cold_path();
            $crate::__bind_args!([$($ret)*] $v, [$(($a0, $c0) $(, ($a, $c))*)?]);
            $crate::__dtrace_probe_asm!(
                $prov,
                $dname,
                [$($n0 $(, $n)*)?],
                args [$($a0 $($a)*)?]
            );
        }
    };
}
