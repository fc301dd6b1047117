//! The aarch64 sequences of a DTrace probe site, as ld64 writes them over the `bl` of a C
//! probe (and as the macOS kernel traces them, at offset zero):
//!
//! - is-enabled: `movz x0, #0` (`0xd2800000`); `fasttrap` sets `x0` to 1 and skips it;
//! - probe: `nop` (`0xd503201f`).

/// The is-enabled gate: `true` only while DTrace traces the probe.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_is_enabled {
    ($prov:literal, $dname:literal) => {{
        let __usdt_enabled: u64;
        // SAFETY: clears x0 and emits a record in a section of its own; DTrace's trap
        // writes 1 to x0 when the probe is enabled.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                "990: .inst 0xd2800000",
                $crate::__dtrace_record!("1", $prov, $dname, []),
                nargs = const 0,
                out("x0") __usdt_enabled,
                options(nomem, nostack, preserves_flags)
            );
        }
        __usdt_enabled != 0
    }};
}

/// The probe NOP with each prepared argument in its AAPCS64 argument register.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_probe_asm {
    ($prov:literal, $dname:literal, [$($n:literal),*], args [$($a:ident)*]) => {
        $crate::__dtrace_probe_asm!(
            @build $prov, $dname, [$($n),*],
            ops [],
            regs ["x0" "x1" "x2" "x3" "x4" "x5" "x6" "x7"],
            args [$($a)*],
            all [$($a),*]
        )
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], ops [$($ops:tt)*],
        regs [$($r:tt)*], args [], all [$($all:ident),*]) => {
        // SAFETY: a NOP, and a record in a section of its own. `readonly`, not `nomem`:
        // the tracer reads memory through pointer arguments here.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                "990: .inst 0xd503201f",
                $crate::__dtrace_record!("0", $prov, $dname, [$($n),*]),
                nargs = const $crate::__dtrace_nargs!($($all),*),
                $($ops)*
                options(readonly, nostack, preserves_flags)
            );
        }
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], ops [$($ops:tt)*],
        regs [$r0:tt $($r:tt)*], args [$a0:ident $($a:ident)*], all [$($all:ident),*]) => {
        $crate::__dtrace_probe_asm!(
            @build $prov, $dname, [$($n),*],
            ops [$($ops)* in($r0) $crate::__private::Reg::reg(&$a0),],
            regs [$($r)*],
            args [$($a)*],
            all [$($all),*]
        )
    };
    (@build $prov:literal, $dname:literal, [$($n:literal),*], ops [$($ops:tt)*],
        regs [], args [$a0:ident $($a:ident)*], all [$($all:ident),*]) => {
        ::core::compile_error!(concat!(
            "probe ", $prov, ":", $dname,
            ": DTrace probes take at most 8 arguments on aarch64 (the argument registers)"
        ))
    };
}
