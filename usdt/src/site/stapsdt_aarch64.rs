//! Probe sites for Linux on aarch64: SystemTap SDT v3, as `<sys/sdt.h>` emits them.

/// One probe site; see the x86_64 module for the design. `asm goto` cannot take a scratch
/// register, so the gate loads the semaphore in one `asm!` (`adrp` + `ldrh`, as C does) and
/// branches in Rust.
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
        let __usdt_enabled: u64;
        // SAFETY: defines data in sections of its own and reads the semaphore.
        #[allow(named_asm_labels)]
        unsafe {
            ::core::arch::asm!(
                $crate::__stapsdt_semaphore!($prov, $name),
                concat!("adrp {r}, __usdt_sema.", $prov, ".", $name),
                concat!("ldrh {r:w}, [{r}, :lo12:__usdt_sema.", $prov, ".", $name, "]"),
                r = out(reg) __usdt_enabled,
                // `nomem`: the semaphore is the template's own symbol, which no Rust code
                // touches; the asm is not `pure`, so the load is never hoisted or merged.
                options(nomem, nostack, preserves_flags)
            );
        }
        if __usdt_enabled & 0xffff != 0 {
            $crate::__private::cold_path();
            $crate::__bind_args!([$($ret)*] $v, [$(($a0, $c0) $(, ($a, $c))*)?]);
            // SAFETY: a NOP, and a note in a section of its own. `readonly`, not `nomem`:
            // the tracer reads memory through pointer arguments here.
            #[allow(named_asm_labels)]
            unsafe {
                ::core::arch::asm!(
                    "990: nop",
                    $crate::__stapsdt_note!(
                        $prov,
                        $name,
                        "990b",
                        [$($s0, "@{:x}", $(" ", $s, "@{:x}",)*)?]
                    ),
                    $(
                        in(reg) $a0,
                        $(in(reg) $a,)*
                    )?
                    options(readonly, nostack, preserves_flags)
                );
            }
        }
    };
}
