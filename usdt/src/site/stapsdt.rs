//! What every SystemTap SDT (Linux) probe site emits, whatever the architecture: the note,
//! the `.stapsdt.base` anchor, and the semaphore in `.probes`.
//!
//! The note format's home is the `sdt-note` crate (its owner, type and sections); these
//! templates restate it in assembly, and the test below holds them to it.

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
/// A note must go wherever its code goes. When `--gc-sections` drops a function the binary
/// never calls (or a copy of an inlined one), a note that stayed would point into the ELF
/// header: bpftrace warns, perf probes `0xffff...`, and gdb writes its breakpoint into the
/// program headers. So each note's section is tied to the code's:
///
/// - `o` (`SHF_LINK_ORDER`), naming a label at the site: lld and GNU ld drop the note with
///   the section the label is in (the function's, with rustc's `-ffunction-sections`), and
///   keep it exactly when that section is kept;
/// - `?`: when the function is in a COMDAT group (generic and inline functions may be), the
///   note joins the group, and goes when the linker keeps another copy of the group;
/// - mold keeps every non-allocated section whatever `--gc-sections` drops, so there the
///   code is kept instead: an empty allocated section tied to the code the same way,
///   `.init.usdt_keep`, holds an `R_*_NONE` relocation to the site. mold keeps every
///   section whose name starts with `.init`, and so the code; lld and GNU ld drop it with
///   the code, like the note (GNU ld drops it from the output too, being empty; lld leaves
///   an empty section). Not a note section: an empty one makes `readelf -n` fail.
///
/// Each tie needs a symbol of its own, defined at the site before the sections that name
/// it: `.Lusdt_atN`, numbered by a counter of the assembly module (`.Lusdt_sites`) through
/// an `.altmacro` expansion, since an inline-asm template cannot make a name unique itself.
/// The labels are local and hidden and have no type, so symbolizers (perf, gdb, Rust's
/// backtraces) keep naming the function.
///
/// `.stapsdt.base` is executable (`x`) so that the linker puts it in the segment of the
/// probe sites: perf turns a probe's address into a file offset with the address-to-offset
/// shift of `.stapsdt.base`'s segment, and lld gives read-only data a segment with another
/// shift than `.text`.
#[doc(hidden)]
#[macro_export]
macro_rules! __stapsdt_note {
    ($prov:literal, $name:literal, $pc:literal, [$($arg:literal),* $(,)?]) => {
        concat!(
            ".ifndef .Lusdt_sites\n",
            ".set .Lusdt_sites, 0\n",
            ".endif\n",
            ".set .Lusdt_sites, .Lusdt_sites + 1\n",
            ".macro __usdt_note_sections n\n",
            ".Lusdt_at\\n:\n",
            ".hidden .Lusdt_at\\n\n",
            ".pushsection .init.usdt_keep,\"a?o\",%progbits,.Lusdt_at\\n\n",
            ".reloc ., BFD_RELOC_NONE, .Lusdt_at\\n\n",
            ".popsection\n",
            ".pushsection .note.stapsdt,\"?o\",\"note\",.Lusdt_at\\n\n",
            ".endm\n",
            ".altmacro\n",
            "__usdt_note_sections %(.Lusdt_sites)\n",
            ".noaltmacro\n",
            ".purgem __usdt_note_sections\n",
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

#[cfg(test)]
mod tests {
    use sdt_note::SEMAPHORE_SECTION;
    use sdt_note::{parse_arguments, BASE_SECTION, NOTE_SECTION, NT_STAPSDT, OWNER};

    #[test]
    fn the_templates_write_the_note_format() {
        let note = crate::__stapsdt_note!("prov", "name", "990b", ["-4", "@{}", " ", "8f", "@{}"]);
        let owner = std::str::from_utf8(OWNER).unwrap();
        for expected in [
            format!(".pushsection {NOTE_SECTION},"),
            format!(".4byte 992f-991f, 994f-993f, {NT_STAPSDT}\n991: .asciz \"{owner}\"\n"),
            format!(".pushsection {BASE_SECTION},"),
            ".asciz \"prov\"\n.asciz \"name\"\n".to_owned(),
        ] {
            assert!(note.contains(&expected), "{expected:?} not in\n{note}");
        }
        let args = note
            .lines()
            .find_map(|l| l.strip_prefix(".asciz \"-4"))
            .map(|rest| format!("-4{}", rest.trim_end_matches('"')))
            .unwrap();
        let sizes: Vec<String> = parse_arguments(&args)
            .iter()
            .map(|a| a.size.unwrap().to_string())
            .collect();
        assert_eq!(sizes, ["-4", "8f"]);
        let semaphore = crate::__stapsdt_semaphore!("prov", "name");
        assert!(semaphore.contains(&format!(".pushsection {SEMAPHORE_SECTION},")));
    }
}
