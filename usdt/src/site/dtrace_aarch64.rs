//! The aarch64 sequences of a DTrace probe site, as ld64 writes them over the `bl` of a C
//! probe (and as the macOS kernel traces them, at offset zero):
//!
//! - is-enabled: `movz x0, #0` (`0xd2800000`); `fasttrap` sets `x0` to 1 and skips it;
//! - probe: `nop` (`0xd503201f`), with arguments 8 to 11 stored at `[sp]`, `[sp, #8]`,
//!   `[sp, #16]` and `[sp, #24]` (below the 128-byte red zone of Darwin's ABI).

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
                at_load = sym $crate::__private::register_at_load,
                at_unload = sym $crate::__private::unregister_at_unload,
                out("x0") __usdt_enabled,
                options(nomem, nostack, preserves_flags)
            );
        }
        __usdt_enabled != 0
    }};
}

/// The probe NOP with the prepared arguments in the AAPCS64 argument registers and, from
/// the ninth, on the stack.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_probe_asm {
    ($prov:literal, $dname:literal, [$($n:literal),*], args [$($a:ident)*]) => {
        $crate::__dtrace_probe_site_asm!(
            $prov, $dname, [$($n),*],
            site: "990: .inst 0xd503201f",
            regs ["x0" "x1" "x2" "x3" "x4" "x5" "x6" "x7"],
            // The red zone (128 bytes) and four slots; `sp` stays 16-byte aligned.
            frame ["sub sp, sp, #160", "add sp, sp, #160"],
            slots ["0" "8" "16" "24"],
            args [$($a)*]
        )
    };
}

/// Stores the argument `$a` (a named operand) in the stack slot at `$offset` from `sp`.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_stack_store {
    ($offset:literal, $a:ident) => {
        concat!("str {", stringify!($a), "}, [sp, #", $offset, "]")
    };
}
