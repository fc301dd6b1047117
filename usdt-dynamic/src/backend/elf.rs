//! The shared object a provider loads as on Linux, written with `object`'s ELF writer.
//!
//! ```text
//! R    ELF header, program headers, .hash, .dynsym, .dynstr, .note.gnu.build-id,
//!      .stapsdt.base
//! R X  .text      one stub per probe: the probe instruction, then `ret`
//! RW   .dynamic
//! RW   .probes    one u16 semaphore per probe, on pages of their own
//!      .note.stapsdt (not loaded: tracers read it from the file), .shstrtab, sections
//! ```
//!
//! Each probe is a function (a dynamic symbol named after the probe) that the handle calls
//! with the 12 argument words in the C calling convention. Its first instruction is the
//! probe site, where the tracer stops, with every argument where the calling convention
//! left it: the note says so (`8@%rdi`, `-4@%rsi`, `8@8(%rsp)`; `8@x0`, `8@[sp, 8]`).
//!
//! The notes are SystemTap's v3 notes as `<sys/sdt.h>` writes them and the `usdt` crate's
//! static sites do, written by the `sdt-note` crate ([`sdt_note::Note::to_bytes`]): the
//! site's address, `.stapsdt.base`'s address and the semaphore's address, and the provider,
//! the probe and the arguments. The argument sizes are
//! [`dtrace_parser::ArgKind::note_size`]'s.
//!
//! The semaphores start a page and nothing else shares their pages: the kernel increments
//! one through the object's writable private mapping of its file page (uprobe
//! `ref_ctr_offset`), which must be the only writable mapping of that page.

use object::elf;
use object::write::elf::{FileHeader, ProgramHeader, SectionHeader, Sym, Writer};
use object::write::StringId;
use object::Endianness;
use sdt_note::{Argument, Note};

use crate::provider::ProbeSpec;
use crate::Error;

/// What differs between the architectures the object is built for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arch {
    /// `e_machine`.
    machine: u16,
    /// One probe's stub: the probe site, `ret`, padding to the next stub.
    stub: &'static [u8],
    /// The registers of the first arguments, in order, as the notes name them.
    registers: &'static [&'static str],
    /// The note operand of the `n`th argument passed on the stack (from 0), at the stub's
    /// first instruction.
    stack: fn(usize) -> String,
}

/// x86_64: `nopl 0x0(%rax,%rax,1)` (the 5-byte NOP static sites use, which kernels with
/// optimized uprobes can turn into a call) and `ret`; arguments in the System V registers,
/// then above the return address.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) const X86_64: Arch = Arch {
    machine: elf::EM_X86_64,
    stub: &[0x0f, 0x1f, 0x44, 0x00, 0x00, 0xc3, 0xcc, 0xcc],
    registers: &["%rdi", "%rsi", "%rdx", "%rcx", "%r8", "%r9"],
    stack: |n| format!("{}(%rsp)", 8 * (n + 1)),
};

/// aarch64: `nop` and `ret`; arguments in `x0`-`x7`, then from `sp` up.
#[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
pub(crate) const AARCH64: Arch = Arch {
    machine: elf::EM_AARCH64,
    stub: &[0x1f, 0x20, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6],
    registers: &["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"],
    stack: |n| {
        if n == 0 {
            "[sp]".to_owned()
        } else {
            format!("[sp, {}]", 8 * n)
        }
    },
};

/// The architecture this crate is compiled for.
#[cfg(target_arch = "x86_64")]
pub(crate) const HOST: Arch = X86_64;
/// The architecture this crate is compiled for.
#[cfg(target_arch = "aarch64")]
pub(crate) const HOST: Arch = AARCH64;

/// The symbol at the first semaphore, which the loader looks up to find where the object
/// was loaded (it exists even without probes).
pub(crate) const SEMAPHORES_SYMBOL: &str = "_usdt_semaphores";

/// Where things are in a built object, as offsets from its load address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Each probe's stub.
    pub(crate) stubs: Vec<u64>,
    /// Each probe's semaphore.
    pub(crate) semaphores: Vec<u64>,
    /// The semaphore pages: start and length.
    pub(crate) semaphore_pages: (u64, u64),
}

/// The GNU build-id note's header: name size 4, descriptor size 20, `NT_GNU_BUILD_ID`,
/// `GNU\0`. perf files objects by build id (`perf buildid-cache`) and refuses one without.
const BUILD_ID_NOTE: &[u8] = &[4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, b'G', b'N', b'U', 0];
const BUILD_ID_LEN: usize = 20;

/// A build id for `bytes` (whose id field is still zero) and `nonce`.
fn content_id(bytes: &[u8], nonce: u64) -> [u8; BUILD_ID_LEN] {
    use std::hash::{Hash, Hasher};
    let mut id = [0u8; BUILD_ID_LEN];
    for (round, chunk) in id.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        round.hash(&mut h);
        nonce.hash(&mut h);
        bytes.hash(&mut h);
        chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
    }
    id
}

fn align(value: usize, to: usize) -> usize {
    value.div_ceil(to) * to
}

/// The note operand of argument `i` (from 0).
fn operand(arch: &Arch, i: usize) -> String {
    match arch.registers.get(i) {
        Some(r) => (*r).to_owned(),
        None => (arch.stack)(i - arch.registers.len()),
    }
}

/// The `.note.stapsdt` section: one note per probe.
fn notes(provider: &str, probes: &[ProbeSpec], arch: &Arch, layout: &Layout, base: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, probe) in probes.iter().enumerate() {
        let args: Vec<Argument> = probe
            .types
            .iter()
            .enumerate()
            .map(|(n, t)| Argument::new(t.kind().note_size(), &operand(arch, n)))
            .collect();
        let note = Note {
            pc: layout.stubs[i],
            base,
            semaphore: layout.semaphores[i],
            provider: provider.to_owned(),
            name: probe.name.clone(),
            args: sdt_note::format_arguments(&args),
        };
        out.extend(note.to_bytes(true, false));
    }
    out
}

/// Build the object of `provider` with `probes`, named `soname`, for `arch` and pages of
/// `page` bytes. `nonce` goes into the build id only: each load's object gets an id of its
/// own, since perf files the probes it finds by build id, with the path it found them at.
pub(crate) fn build(
    soname: &str,
    provider: &str,
    probes: &[ProbeSpec],
    arch: &Arch,
    page: usize,
    nonce: u64,
) -> Result<(Vec<u8>, Layout), Error> {
    let n = probes.len();
    let mut bytes = Vec::new();
    let mut w = Writer::new(Endianness::Little, true, &mut bytes);

    let soname_id = w.add_dynamic_string(soname.as_bytes());
    let semaphores_id = w.add_dynamic_string(SEMAPHORES_SYMBOL.as_bytes());
    let names: Vec<StringId> = probes
        .iter()
        .map(|p| w.add_dynamic_string(p.name.as_bytes()))
        .collect();

    w.reserve_null_section_index();
    w.reserve_hash_section_index();
    w.reserve_dynsym_section_index();
    w.reserve_dynstr_section_index();
    let build_id_name = w.add_section_name(b".note.gnu.build-id");
    w.reserve_section_index();
    let base_name = w.add_section_name(sdt_note::BASE_SECTION.as_bytes());
    w.reserve_section_index();
    let text_name = w.add_section_name(b".text");
    let text_index = w.reserve_section_index();
    w.reserve_dynamic_section_index();
    let probes_name = w.add_section_name(sdt_note::SEMAPHORE_SECTION.as_bytes());
    let probes_index = w.reserve_section_index();
    let note_name = w.add_section_name(sdt_note::NOTE_SECTION.as_bytes());
    w.reserve_section_index();
    w.reserve_shstrtab_section_index();

    w.reserve_null_dynamic_symbol_index();
    w.reserve_dynamic_symbol_index();
    for _ in probes {
        w.reserve_dynamic_symbol_index();
    }
    let symbols = n as u32 + 2;
    let buckets = symbols.div_ceil(2);

    // The file's layout; addresses equal file offsets.
    const PROGRAM_HEADERS: u32 = 6;
    const DYNAMIC_ENTRIES: usize = 7;
    w.reserve_file_header();
    w.reserve_program_headers(PROGRAM_HEADERS);
    let hash = w.reserve_hash(buckets, symbols);
    let dynsym = w.reserve_dynsym();
    let dynstr = w.reserve_dynstr();
    let dynstr_len = w.dynstr_len();
    let build_id = w.reserve(BUILD_ID_NOTE.len() + BUILD_ID_LEN, 4);
    let base = w.reserve(1, 1);
    let text_len = n * arch.stub.len();
    let text = w.reserve(text_len, page);
    w.reserve_until(align(w.reserved_len(), page));
    let dynamic = w.reserve_dynamic(DYNAMIC_ENTRIES);
    let semaphores_len = align((2 * n).max(1), page);
    let semaphores = w.reserve(semaphores_len, page);
    let layout = Layout {
        stubs: (0..n)
            .map(|i| (text + i * arch.stub.len()) as u64)
            .collect(),
        semaphores: (0..n).map(|i| (semaphores + 2 * i) as u64).collect(),
        semaphore_pages: (semaphores as u64, semaphores_len as u64),
    };
    let note_bytes = notes(provider, probes, arch, &layout, base as u64);
    let note = w.reserve(note_bytes.len(), 4);
    w.reserve_shstrtab();
    w.reserve_section_headers();

    let built = |e: object::write::Error| Error::Build(e.to_string());
    w.write_file_header(&FileHeader {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_type: elf::ET_DYN,
        e_machine: arch.machine,
        e_entry: 0,
        e_flags: 0,
    })
    .map_err(built)?;
    w.write_align_program_headers();
    let load = |flags, offset: usize, len: usize| ProgramHeader {
        p_type: elf::PT_LOAD,
        p_flags: flags,
        p_offset: offset as u64,
        p_vaddr: offset as u64,
        p_paddr: offset as u64,
        p_filesz: len as u64,
        p_memsz: len as u64,
        p_align: page as u64,
    };
    let rw_end = semaphores + semaphores_len;
    w.write_program_header(&load(elf::PF_R, 0, base + 1));
    w.write_program_header(&load(elf::PF_R | elf::PF_X, text, text_len));
    w.write_program_header(&load(elf::PF_R | elf::PF_W, dynamic, rw_end - dynamic));
    w.write_program_header(&ProgramHeader {
        p_type: elf::PT_DYNAMIC,
        p_flags: elf::PF_R | elf::PF_W,
        p_offset: dynamic as u64,
        p_vaddr: dynamic as u64,
        p_paddr: dynamic as u64,
        p_filesz: (DYNAMIC_ENTRIES * 16) as u64,
        p_memsz: (DYNAMIC_ENTRIES * 16) as u64,
        p_align: 8,
    });
    w.write_program_header(&ProgramHeader {
        p_type: elf::PT_NOTE,
        p_flags: elf::PF_R,
        p_offset: build_id as u64,
        p_vaddr: build_id as u64,
        p_paddr: build_id as u64,
        p_filesz: (BUILD_ID_NOTE.len() + BUILD_ID_LEN) as u64,
        p_memsz: (BUILD_ID_NOTE.len() + BUILD_ID_LEN) as u64,
        p_align: 4,
    });
    // No executable stack: without this header the loader would make the stack executable.
    w.write_program_header(&ProgramHeader {
        p_type: elf::PT_GNU_STACK,
        p_flags: elf::PF_R | elf::PF_W,
        p_offset: 0,
        p_vaddr: 0,
        p_paddr: 0,
        p_filesz: 0,
        p_memsz: 0,
        p_align: 16,
    });

    let hashes: Vec<u32> = std::iter::once(SEMAPHORES_SYMBOL)
        .chain(probes.iter().map(|p| p.name.as_str()))
        .map(|name| elf::hash(name.as_bytes()))
        .collect();
    w.write_hash(buckets, symbols, |i| {
        i.checked_sub(1)
            .and_then(|i| hashes.get(i as usize).copied())
    });
    w.write_null_dynamic_symbol();
    w.write_dynamic_symbol(&Sym {
        name: Some(semaphores_id),
        section: Some(probes_index),
        st_info: (elf::STB_GLOBAL << 4) | elf::STT_OBJECT,
        st_other: elf::STV_DEFAULT,
        st_shndx: 0,
        st_value: semaphores as u64,
        st_size: (2 * n) as u64,
    });
    for (name, stub) in names.iter().zip(&layout.stubs) {
        w.write_dynamic_symbol(&Sym {
            name: Some(*name),
            section: Some(text_index),
            st_info: (elf::STB_GLOBAL << 4) | elf::STT_FUNC,
            st_other: elf::STV_DEFAULT,
            st_shndx: 0,
            st_value: *stub,
            st_size: arch.stub.len() as u64,
        });
    }
    w.write_dynstr();
    w.pad_until(build_id);
    w.write(BUILD_ID_NOTE);
    w.write(&[0; BUILD_ID_LEN]);
    w.pad_until(base);
    w.write(&[0]);
    w.pad_until(text);
    for _ in probes {
        w.write(arch.stub);
    }
    w.pad_until(dynamic);
    w.write_dynamic(elf::DT_HASH, hash as u64);
    w.write_dynamic(elf::DT_STRTAB, dynstr as u64);
    w.write_dynamic(elf::DT_SYMTAB, dynsym as u64);
    w.write_dynamic(elf::DT_STRSZ, dynstr_len as u64);
    w.write_dynamic(elf::DT_SYMENT, 24);
    w.write_dynamic_string(elf::DT_SONAME, soname_id);
    w.write_dynamic(elf::DT_NULL, 0);
    w.pad_until(semaphores + semaphores_len);
    w.pad_until(note);
    w.write(&note_bytes);
    w.write_shstrtab();

    w.write_null_section_header();
    w.write_hash_section_header(hash as u64);
    w.write_dynsym_section_header(dynsym as u64, 1);
    w.write_dynstr_section_header(dynstr as u64);
    let section =
        |name, sh_type, sh_flags: u32, offset: usize, size: usize, align: usize| SectionHeader {
            name: Some(name),
            sh_type,
            sh_flags: u64::from(sh_flags),
            sh_addr: if sh_flags & elf::SHF_ALLOC != 0 {
                offset as u64
            } else {
                0
            },
            sh_offset: offset as u64,
            sh_size: size as u64,
            sh_link: 0,
            sh_info: 0,
            sh_addralign: align as u64,
            sh_entsize: 0,
        };
    w.write_section_header(&section(
        build_id_name,
        elf::SHT_NOTE,
        elf::SHF_ALLOC,
        build_id,
        BUILD_ID_NOTE.len() + BUILD_ID_LEN,
        4,
    ));
    w.write_section_header(&section(
        base_name,
        elf::SHT_PROGBITS,
        elf::SHF_ALLOC,
        base,
        1,
        1,
    ));
    w.write_section_header(&section(
        text_name,
        elf::SHT_PROGBITS,
        elf::SHF_ALLOC | elf::SHF_EXECINSTR,
        text,
        text_len,
        16,
    ));
    w.write_dynamic_section_header(dynamic as u64);
    w.write_section_header(&section(
        probes_name,
        elf::SHT_PROGBITS,
        elf::SHF_ALLOC | elf::SHF_WRITE,
        semaphores,
        semaphores_len,
        2,
    ));
    w.write_section_header(&section(
        note_name,
        elf::SHT_NOTE,
        0,
        note,
        note_bytes.len(),
        4,
    ));
    w.write_shstrtab_section_header();
    debug_assert_eq!(w.reserved_len(), w.len());
    let id = content_id(&bytes, nonce);
    let at = build_id + BUILD_ID_NOTE.len();
    bytes[at..at + BUILD_ID_LEN].copy_from_slice(&id);
    Ok((bytes, layout))
}

#[cfg(test)]
mod tests;
