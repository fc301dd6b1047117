//! Probe sites for the DTrace platforms (illumos, FreeBSD, macOS).
//!
//! Each site emits the instruction sequences that `dtrace -G` (illumos, FreeBSD) or ld64
//! (macOS) leave behind after rewriting a C program's probe calls, so the kernel's `fasttrap`
//! provider can trace them exactly as it traces C probes:
//!
//! - an **is-enabled site**, whose result register reads 0 until DTrace traps there and
//!   writes 1; the closure runs only when it reads non-zero;
//! - a **probe site**, a NOP that DTrace replaces with a trap, with the arguments in the
//!   registers of the platform's C calling convention (DTrace reads them like a call's).
//!
//! Each site also emits a probe record (provider, probe, argument types, address) into a
//! section of its own; `usdt::register_probes()` reads the records back at run time, builds
//! one DOF document and hands it to the kernel. The record format, the sequences and the
//! DTrace sources they come from are documented in `usdt_impl::record`.
//!
//! Arguments: at most 6 on x86_64 (`rdi`, `rsi`, `rdx`, `rcx`, `r8`, `r9`) and 8 on aarch64
//! (`x0`-`x7`); a probe with more arguments is a compile error on these targets (DTrace
//! would read further arguments from the stack, which a site cannot lay out safely).

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

/// One probe record (version 1) for the site at local label `990`: version, kind
/// (0 = probe, 1 = is-enabled), argument count (the `{nargs}` const operand), the record
/// length, the site address, then NUL-terminated provider, probe and argument types,
/// padded to 8 bytes.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_record {
    ($kind:literal, $prov:literal, $dname:literal, [$($n:literal),*]) => {
        concat!(
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
/// of `regs`, the argument registers of its calling convention (where DTrace's `fasttrap`
/// reads a probe's arguments); more arguments than registers are a compile error.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_probe_in_registers {
    ($prov:literal, $dname:literal, [$($n:literal),*], site: $site:literal, arch: $arch:literal,
        regs [$($r:tt)*], args [$($a:ident)*]) => {
        $crate::__dtrace_probe_in_registers!(
            @build $prov, $dname, [$($n),*], $site, $arch,
            ops [],
            regs [$($r)*],
            args [$($a)*],
            all [$($a),*]
        )
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $arch:literal,
        ops [$($ops:tt)*], regs [$($r:tt)*], args [], all [$($all:ident),*]) => {
        // SAFETY: the probe's NOP, and a record in a section of its own. `readonly`, not
        // `nomem`: the tracer reads memory through pointer arguments here.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                $site,
                $crate::__dtrace_record!("0", $prov, $dname, [$($n),*]),
                nargs = const $crate::__dtrace_nargs!($($all),*),
                $($ops)*
                options(readonly, nostack, preserves_flags)
            );
        }
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $arch:literal,
        ops [$($ops:tt)*], regs [$r0:tt $($r:tt)*], args [$a0:ident $($a:ident)*],
        all [$($all:ident),*]) => {
        $crate::__dtrace_probe_in_registers!(
            @build $prov, $dname, [$($n),*], $site, $arch,
            ops [$($ops)* in($r0) $a0,],
            regs [$($r)*],
            args [$($a)*],
            all [$($all),*]
        )
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], $site:literal, $arch:literal,
        ops [$($ops:tt)*], regs [], args [$a0:ident $($a:ident)*], all [$($all:ident),*]) => {
        ::core::compile_error!(concat!(
            "probe ", $prov, ":", $dname, ": DTrace probes take at most as many arguments as ",
            $arch, " has argument registers (6 on x86_64, 8 on aarch64)"
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
