use object::read::elf::{ElfFile64, FileHeader, ProgramHeader, SectionHeader};
use object::{elf, Endianness, Object, ObjectSection, ObjectSymbol};

use super::{build, AARCH64, X86_64};
use crate::provider::ProbeSpec;
use crate::ArgType::{self, *};

fn probes() -> Vec<ProbeSpec> {
    let p = |name: &str, types: &[ArgType]| ProbeSpec {
        name: name.to_owned(),
        types: types.to_vec(),
    };
    vec![
        p("none", &[]),
        p("ints", &[I8, U8, I16, U16, I32, U32, I64, U64]),
        p(
            "twelve",
            &[Str, I32, U8, I64, U16, Str, I8, U32, Str, I16, U64, Str],
        ),
    ]
}

fn notes(bytes: &[u8]) -> Vec<sdt_note::Note> {
    let file = ElfFile64::<Endianness>::parse(bytes).unwrap();
    sdt_note::notes(&file).unwrap()
}

#[test]
fn notes_describe_every_probe_with_its_operands() {
    let (bytes, layout) = build("obj", "prov", &probes(), &X86_64, 4096, 0).unwrap();
    let notes = notes(&bytes);
    let got: Vec<(&str, &str, &str)> = notes
        .iter()
        .map(|n| (n.provider.as_str(), n.name.as_str(), n.args.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("prov", "none", ""),
            (
                "prov",
                "ints",
                "-1@%rdi 1@%rsi -2@%rdx 2@%rcx -4@%r8 4@%r9 -8@8(%rsp) 8@16(%rsp)"
            ),
            (
                "prov",
                "twelve",
                "8@%rdi -4@%rsi 1@%rdx -8@%rcx 2@%r8 8@%r9 -1@8(%rsp) 4@16(%rsp) 8@24(%rsp) \
                 -2@32(%rsp) 8@40(%rsp) 8@48(%rsp)"
            ),
        ]
    );
    for (i, n) in notes.iter().enumerate() {
        assert_eq!(n.pc, layout.stubs[i]);
        assert_eq!(n.semaphore, layout.semaphores[i]);
        assert_eq!(&bytes[n.pc as usize..][..5], [0x0f, 0x1f, 0x44, 0x00, 0x00]);
        assert_eq!(bytes[n.pc as usize + 5], 0xc3);
    }
    let file = ElfFile64::<Endianness>::parse(&*bytes).unwrap();
    let base = file.section_by_name(".stapsdt.base").unwrap().address();
    assert!(notes.iter().all(|n| n.base == base));
}

#[test]
fn aarch64_operands_and_stubs() {
    let (bytes, layout) = build("obj", "prov", &probes(), &AARCH64, 65536, 0).unwrap();
    let notes = notes(&bytes);
    assert_eq!(
        notes[2].args,
        "8@x0 -4@x1 1@x2 -8@x3 2@x4 8@x5 -1@x6 4@x7 8@[sp] -2@[sp, 8] 8@[sp, 16] 8@[sp, 24]"
    );
    let stub = &bytes[layout.stubs[0] as usize..][..8];
    assert_eq!(stub, [0x1f, 0x20, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6]);
    let file = ElfFile64::<Endianness>::parse(&*bytes).unwrap();
    assert_eq!(
        file.elf_header().e_machine(Endianness::Little),
        elf::EM_AARCH64
    );
    assert_eq!(layout.semaphore_pages.0 % 65536, 0);
}

#[test]
fn semaphores_have_their_pages_to_themselves() {
    for (arch, page) in [(X86_64, 4096u64), (AARCH64, 65536)] {
        let many: Vec<ProbeSpec> = (0..3000)
            .map(|i| ProbeSpec {
                name: format!("p{i}"),
                types: vec![U64],
            })
            .collect();
        let (bytes, layout) = build("obj", "prov", &many, &arch, page as usize, 0).unwrap();
        let (start, len) = layout.semaphore_pages;
        assert_eq!(start % page, 0);
        assert_eq!(len % page, 0);
        assert!(layout
            .semaphores
            .iter()
            .all(|s| (start..start + len).contains(s)));
        let file = ElfFile64::<Endianness>::parse(&*bytes).unwrap();
        let endian = Endianness::Little;
        // No other allocated section shares the pages.
        for s in file.elf_section_table().iter() {
            let name = file.elf_section_table().section_name(endian, s).unwrap();
            let (addr, size) = (s.sh_addr(endian), s.sh_size(endian));
            if s.sh_flags(endian) & u64::from(elf::SHF_ALLOC) == 0 || name == b".probes" {
                continue;
            }
            assert!(addr + size <= start || addr >= start + len, "{name:?}");
        }
        // One writable segment covers them, and the file holds them (the kernel finds a
        // semaphore by its file offset).
        let writable: Vec<_> = file
            .elf_program_headers()
            .iter()
            .filter(|p| p.p_type(endian) == elf::PT_LOAD && p.p_flags(endian) & elf::PF_W != 0)
            .collect();
        assert_eq!(writable.len(), 1);
        let p = writable[0];
        assert!(p.p_offset(endian) <= start);
        assert!(start + len <= p.p_offset(endian) + p.p_filesz(endian));
    }
}

#[test]
fn the_object_loads_where_it_says() {
    let (bytes, layout) = build("libobj.so", "prov", &probes(), &X86_64, 4096, 0).unwrap();
    let file = ElfFile64::<Endianness>::parse(&*bytes).unwrap();
    let endian = Endianness::Little;
    let kinds: Vec<u32> = file
        .elf_program_headers()
        .iter()
        .map(|p| p.p_type(endian))
        .collect();
    assert!(kinds.contains(&elf::PT_DYNAMIC));
    assert!(kinds.contains(&elf::PT_GNU_STACK));
    assert!(kinds.contains(&elf::PT_NOTE));
    for p in file.elf_program_headers() {
        if p.p_type(endian) == elf::PT_LOAD {
            assert_eq!(p.p_offset(endian), p.p_vaddr(endian));
            assert_eq!(p.p_offset(endian) % 4096, 0);
        }
    }
    let symbols: Vec<(String, u64)> = file
        .dynamic_symbols()
        .map(|s| (s.name().unwrap().to_owned(), s.address()))
        .collect();
    for (i, name) in ["none", "ints", "twelve"].iter().enumerate() {
        assert!(
            symbols.contains(&(name.to_string(), layout.stubs[i])),
            "{symbols:?}"
        );
    }
    assert!(file.build_id().unwrap().is_some_and(|id| id.len() == 20));
    // Same input, same object (and build id).
    assert_eq!(
        build("libobj.so", "prov", &probes(), &X86_64, 4096, 0)
            .unwrap()
            .0,
        bytes
    );
}

#[test]
fn no_probes_is_a_valid_object() {
    let (bytes, layout) = build("o", "empty", &[], &X86_64, 4096, 0).unwrap();
    assert!(layout.stubs.is_empty());
    assert!(notes(&bytes).is_empty());
}
