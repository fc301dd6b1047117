//! The x86_64 sequences of a DTrace probe site.
//!
//! - is-enabled: `33 c0 90 90 90` (`xorl %eax, %eax` and three one-byte NOPs), traced at
//!   its fourth byte, the second NOP: ld64 writes exactly these bytes over the `call` and
//!   the macOS kernel traces two bytes past the call's displacement; illumos `dtrace -G`
//!   writes `48 33 c0 90 90` and traces the same byte. Either way the traced instruction
//!   is a one-byte NOP, which `fasttrap` skips after setting `%rax` to 1.
//! - probe: five one-byte NOPs, traced at the first, with arguments 6 to 11 stored at
//!   `%rsp`, `8(%rsp)`, ... `40(%rsp)` (below the 128-byte red zone).

/// The is-enabled gate: `true` only while DTrace traces the probe.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_is_enabled {
    ($prov:literal, $dname:literal) => {{
        let __usdt_enabled: u64;
        // SAFETY: clears rax (and the flags) and emits a record in a section of its own;
        // DTrace's trap writes 1 to rax when the probe is enabled.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                ".byte 0x33, 0xc0, 0x90\n990: .byte 0x90, 0x90",
                $crate::__dtrace_record!("1", $prov, $dname, []),
                nargs = const 0,
                at_load = sym $crate::__private::register_at_load,
                at_unload = sym $crate::__private::unregister_at_unload,
                out("rax") __usdt_enabled,
                options(nomem, nostack)
            );
        }
        __usdt_enabled != 0
    }};
}

/// The probe NOP with the prepared arguments in the System V argument registers and, from
/// the seventh, on the stack.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_probe_asm {
    ($prov:literal, $dname:literal, [$($n:literal),*], args [$($a:ident)*]) => {
        $crate::__dtrace_probe_site_asm!(
            $prov, $dname, [$($n),*],
            site: "990: .byte 0x90, 0x90, 0x90, 0x90, 0x90",
            regs ["rdi" "rsi" "rdx" "rcx" "r8" "r9"],
            // The red zone (128 bytes) and six slots.
            frame ["lea rsp, [rsp - 176]", "lea rsp, [rsp + 176]"],
            slots ["0" "8" "16" "24" "32" "40"],
            args [$($a)*]
        )
    };
}

/// Stores the argument `$a` (a named operand) in the stack slot at `$offset` from `rsp`.
#[doc(hidden)]
#[macro_export]
macro_rules! __dtrace_stack_store {
    ($offset:literal, $a:ident) => {
        concat!(
            "mov qword ptr [rsp + ",
            $offset,
            "], {",
            stringify!($a),
            "}"
        )
    };
}
