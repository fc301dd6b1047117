//! What every SystemTap SDT (Linux) probe site emits, whatever the architecture: the note,
//! the `.stapsdt.base` anchor, and the semaphore in `.probes`.

/// Defines the semaphore `__usdt_sema.PROVIDER.PROBE` once per object file, and the page
/// alignment of `.probes` once per object file.
///
/// The semaphore lives in a COMDAT group named after it, so the linker keeps one per binary.
/// `.probes` starts on a page of its own: the kernel finds a semaphore by its file offset in
/// the first writable mapping of that file page, and with lld's two writable segments (RELRO
/// and data) sharing a page, that would be the RELRO copy until the dynamic loader has made
/// it read-only. The alignment section is retained (`R`) and comes first, so it costs no
/// padding inside `.probes`.
#[doc(hidden)]
#[macro_export]
macro_rules! __stapsdt_semaphore {
    ($prov:literal, $name:literal) => {
        concat!(
            ".ifndef __usdt_probes_align\n",
            ".pushsection .probes,\"awGR\",\"progbits\",__usdt_probes_align,comdat\n",
            ".balign 4096\n",
            ".weak __usdt_probes_align\n",
            ".hidden __usdt_probes_align\n",
            "__usdt_probes_align:\n",
            ".popsection\n",
            ".endif\n",
            ".ifndef __usdt_sema.",
            $prov,
            ".",
            $name,
            "\n",
            ".pushsection .probes,\"awG\",\"progbits\",__usdt_sema.",
            $prov,
            ".",
            $name,
            ",comdat\n",
            ".balign 2\n",
            ".weak __usdt_sema.",
            $prov,
            ".",
            $name,
            "\n",
            ".hidden __usdt_sema.",
            $prov,
            ".",
            $name,
            "\n",
            ".type __usdt_sema.",
            $prov,
            ".",
            $name,
            ", %object\n",
            ".size __usdt_sema.",
            $prov,
            ".",
            $name,
            ", 2\n",
            "__usdt_sema.",
            $prov,
            ".",
            $name,
            ": .2byte 0\n",
            ".popsection\n",
            ".endif",
        )
    };
}

/// The `.note.stapsdt` entry of one site (type 3: pc, `.stapsdt.base`, semaphore, provider,
/// name, arguments) and the `.stapsdt.base` anchor that tracers use to detect prelinking.
///
/// The note is in the same section group as the code (`"?"`), so it is discarded with a
/// discarded function instead of pointing at nothing. `.stapsdt.base` is executable (`x`)
/// so that the linker puts it in the segment of the probe sites: perf turns a probe's address
/// into a file offset with the address-to-offset shift of `.stapsdt.base`'s segment, and lld
/// gives read-only data a segment with another shift than `.text`.
#[doc(hidden)]
#[macro_export]
macro_rules! __stapsdt_note {
    ($prov:literal, $name:literal, $pc:literal, [$($arg:literal),* $(,)?]) => {
        concat!(
            ".pushsection .note.stapsdt,\"?\",\"note\"\n",
            ".balign 4\n",
            ".4byte 992f-991f, 994f-993f, 3\n",
            "991: .asciz \"stapsdt\"\n",
            "992: .balign 4\n",
            "993: .8byte ", $pc, "\n",
            ".8byte _.stapsdt.base\n",
            ".8byte __usdt_sema.", $prov, ".", $name, "\n",
            ".asciz \"", $prov, "\"\n",
            ".asciz \"", $name, "\"\n",
            ".asciz \"", $($arg,)* "\"\n",
            "994: .balign 4\n",
            ".popsection\n",
            ".ifndef _.stapsdt.base\n",
            ".pushsection .stapsdt.base,\"axGR\",\"progbits\",.stapsdt.base,comdat\n",
            ".weak _.stapsdt.base\n",
            ".hidden _.stapsdt.base\n",
            "_.stapsdt.base: .space 1\n",
            ".size _.stapsdt.base, 1\n",
            ".popsection\n",
            ".endif",
        )
    };
}
