//! Probe sites for Linux on x86_64: SystemTap SDT v3, as `<sys/sdt.h>` emits them.

/// One probe site: the semaphore gate, and behind it (out of line) the closure, the 5-byte
/// NOP the tracer patches, and the `.note.stapsdt` entry that describes it.
///
/// The gate is `cmpw $0, SEMAPHORE(%rip); jne` (an `asm goto`), so a disabled site costs
/// one load and one branch. The semaphore is defined here too, weak and hidden in a COMDAT
/// group of its own, so every site of one probe in the binary shares it (as C's
/// `test_start_semaphore` is shared) wherever the sites were compiled.
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
        // SAFETY: the template only defines data in sections of its own and reads the
        // semaphore (which the kernel writes); it touches no register or memory of the
        // program.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                $crate::__stapsdt_semaphore!($prov, $name),
                concat!("cmpw $0, __usdt_sema.", $prov, ".", $name, "(%rip)"),
                "jne {enabled}",
                enabled = label {
                    $crate::__private::cold_path();
                    $crate::__bind_args!([$($ret)*] $v, [$(($a0, $c0) $(, ($a, $c))*)?]);
                    // SAFETY: a NOP, and a note in a section of its own. `readonly`, not
                    // `nomem`: the tracer reads memory through pointer arguments here.
                    #[allow(named_asm_labels)]
                    unsafe {
                        ::core::arch::asm!(
                            "990: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00",
                            $crate::__stapsdt_note!(
                                $prov,
                                $name,
                                "990b",
                                [$($s0, "@{}", $(" ", $s, "@{}",)*)?]
                            ),
                            $(
                                in(reg) $a0,
                                $(in(reg) $a,)*
                            )?
                            options(att_syntax, readonly, nostack, preserves_flags)
                        );
                    }
                },
                // `nomem`: the semaphore is the template's own symbol, which no Rust code
                // touches, so the compiler may sink the arguments' stores past the gate.
                options(att_syntax, nomem, nostack, preserves_flags)
            );
        }
    };
}
