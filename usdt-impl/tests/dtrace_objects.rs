//! The DTrace backend end to end, without a DTrace system: compile `probe-test-macro` for
//! DTrace targets to object files, read the probe records out of them (relocations applied,
//! as the linker would), run the record reader and DOF builder that `register_probes()`
//! runs, and check the DOF against the object's bytes.
//!
//! A target whose standard library is not installed is skipped with a message, unless
//! `USDT_REQUIRE_TRACER=1`, which makes it a failure (`test_support`'s rule).

use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionIndex, SymbolKind};
use std::path::PathBuf;

use test_support::cross::{cross_object, Profile};
use usdt_impl::record::{parse_records, SiteKind};
use usdt_impl::register::{build_dof, Arch, Flavor, Layout, Symbol};

/// One target: how its sites look and how its kernel reads offsets.
struct Target {
    triple: &'static str,
    arch: Arch,
    flavor: Flavor,
    /// Bytes around an is-enabled trace point, and how many of them precede it.
    is_enabled: (&'static [u8], usize),
    /// Bytes of a probe site, starting at its trace point.
    probe: &'static [u8],
}

const X86_IS_ENABLED: (&[u8], usize) = (&[0x33, 0xc0, 0x90, 0x90, 0x90], 3);
const X86_PROBE: &[u8] = &[0x90, 0x90, 0x90, 0x90, 0x90];

#[test]
fn illumos_x86_64_objects() {
    check(&Target {
        triple: "x86_64-unknown-illumos",
        arch: Arch::X86_64,
        flavor: Flavor::Solaris,
        is_enabled: X86_IS_ENABLED,
        probe: X86_PROBE,
    });
}

#[test]
fn macos_x86_64_objects() {
    check(&Target {
        triple: "x86_64-apple-darwin",
        arch: Arch::X86_64,
        flavor: Flavor::Apple,
        is_enabled: X86_IS_ENABLED,
        probe: X86_PROBE,
    });
}

#[test]
fn macos_aarch64_objects() {
    check(&Target {
        triple: "aarch64-apple-darwin",
        arch: Arch::Aarch64,
        flavor: Flavor::Apple,
        is_enabled: (&[0x00, 0x00, 0x80, 0xd2], 0),
        probe: &[0x1f, 0x20, 0x03, 0xd5],
    });
}

/// `probe-test-macro` compiled for `triple` to one object file, or `None` (after saying why)
/// when the target is not installed.
fn object_for(triple: &str) -> Option<PathBuf> {
    cross_object("probe-test-macro", triple, Profile::Debug, None)
}

/// An address space for the object's sections: ELF relocatable sections all start at 0,
/// so each gets a base of its own; Mach-O objects already lay their sections out.
struct Space<'a> {
    file: &'a object::File<'a>,
}

impl Space<'_> {
    fn base(&self, index: SectionIndex) -> u64 {
        match self.file.format() {
            object::BinaryFormat::MachO => self
                .file
                .section_by_index(index)
                .map(|s| s.address())
                .unwrap_or(0),
            _ => index.0 as u64 * 0x100_0000,
        }
    }

    fn symbol_address(&self, symbol: &object::Symbol<'_, '_>) -> u64 {
        let Some(index) = symbol.section_index() else {
            return 0;
        };
        let section_address = self
            .file
            .section_by_index(index)
            .map(|s| s.address())
            .unwrap_or(0);
        self.base(index) + symbol.address() - section_address
    }

    /// The bytes at `address`, from the section that holds it.
    fn bytes_at(&self, address: u64, len: usize) -> Vec<u8> {
        for section in self.file.sections() {
            let base = self.base(section.index());
            if address >= base && address + len as u64 <= base + section.size() {
                let data = section.data().expect("section data");
                let at = (address - base) as usize;
                return data[at..at + len].to_vec();
            }
        }
        panic!("no section holds {address:#x}");
    }

    /// The function symbol containing `address`, as `dladdr` would find it.
    fn resolve(&self, address: u64) -> Option<Symbol> {
        self.file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text && s.is_definition())
            .filter_map(|s| {
                let at = self.symbol_address(&s);
                (at <= address).then(|| (at, s.name().unwrap_or_default().to_owned()))
            })
            .max_by_key(|(at, _)| *at)
            .map(|(at, name)| Symbol { name, address: at })
    }

    /// The record section's bytes with its relocations applied.
    fn records(&self) -> Vec<u8> {
        let section = self
            .file
            .sections()
            .find(|s| matches!(s.name(), Ok("set_dtrace_probes") | Ok("__dtrace_probes")))
            .expect("the object has a record section");
        let mut data = section.data().expect("record data").to_vec();
        for (offset, reloc) in section.relocations() {
            let at = offset as usize;
            let field: [u8; 8] = data[at..at + 8].try_into().unwrap();
            let stored = u64::from_le_bytes(field);
            let addend = if reloc.has_implicit_addend() {
                stored
            } else {
                reloc.addend() as u64
            };
            let value = match reloc.target() {
                RelocationTarget::Symbol(i) => {
                    let symbol = self.file.symbol_by_index(i).expect("relocation symbol");
                    self.symbol_address(&symbol).wrapping_add(addend)
                }
                // Mach-O section relocations store the target's address itself.
                RelocationTarget::Section(_) => addend,
                other => panic!("unexpected relocation target {other:?}"),
            };
            data[at..at + 8].copy_from_slice(&value.to_le_bytes());
        }
        data
    }
}

fn check(target: &Target) {
    let Some(path) = object_for(target.triple) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("object file");
    let file = object::File::parse(&*bytes).expect("an object file");
    let space = Space { file: &file };

    let sites = parse_records(&space.records()).expect("well-formed records");
    let kinds = |k| sites.iter().filter(|s| s.kind == k).count();
    assert_eq!(kinds(SiteKind::Probe), 2, "{sites:#?}");
    assert_eq!(kinds(SiteKind::IsEnabled), 2, "{sites:#?}");

    let layout = Layout {
        arch: target.arch,
        flavor: target.flavor,
        helper_base: 0,
    };
    let dof_bytes = build_dof(&sites, &layout, &|a| space.resolve(a)).expect("a DOF document");

    let parsed = dof::DofFile::parse(&dof_bytes).expect("the DOF reads back");
    let h = parsed.header;
    assert_eq!(&dof_bytes[..4], b"\x7fDOF");
    assert_eq!(h.model, dof::DataModel::Lp64);
    assert_eq!(h.encoding, dof::Encoding::Lsb);
    let version = match target.flavor {
        // Is-enabled offsets need version 2; macOS takes nothing but version 3.
        Flavor::Solaris => 2,
        Flavor::Apple => 3,
    };
    assert_eq!(h.version, version);
    assert_eq!(h.dif_version, 2);
    assert_eq!((h.dif_int_regs, h.dif_tuple_regs), (8, 8));
    assert_eq!((h.header_size, h.section_header_size), (64, 32));
    assert_eq!(h.file_size, dof_bytes.len() as u64);
    assert_eq!(h.load_size, h.file_size);

    let dof = parsed.dof;
    assert_eq!(dof.providers.len(), 1);
    let provider = &dof.providers[0];
    assert_eq!(provider.name, "test");
    let mut names: Vec<&str> = provider.probes.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["start", "stop"]);

    for probe in &provider.probes {
        let expected: &[&str] = match probe.name.as_str() {
            "start" => &["uint8_t"],
            _ => &["char *", "uint8_t"],
        };
        assert_eq!(probe.arg_types, expected, "{}", probe.name);
        assert_eq!(probe.translated_types, expected, "{}", probe.name);
        assert!(
            probe.function.contains("probe_test_macro4main"),
            "function {:?}",
            probe.function
        );
        assert_eq!(probe.offsets.len(), 1, "{}", probe.name);
        assert_eq!(probe.enabled_offsets.len(), 1, "{}", probe.name);

        // Where the kernel will trap, by its own arithmetic.
        let traced = |offset: u32, is_enabled: bool| -> u64 {
            match (target.flavor, target.arch, is_enabled) {
                (Flavor::Solaris, _, _) => probe.address + u64::from(offset),
                (Flavor::Apple, Arch::X86_64, false) => u64::from(offset) - 1,
                (Flavor::Apple, Arch::X86_64, true) => u64::from(offset) + 2,
                (Flavor::Apple, Arch::Aarch64, _) => u64::from(offset),
            }
        };
        for &offset in &probe.offsets {
            let at = traced(offset, false);
            assert_eq!(
                space.bytes_at(at, target.probe.len()),
                target.probe,
                "probe site of {} at {at:#x}",
                probe.name
            );
        }
        for &offset in &probe.enabled_offsets {
            let at = traced(offset, true);
            let (expected, before) = target.is_enabled;
            assert_eq!(
                space.bytes_at(at - before as u64, expected.len()),
                expected,
                "is-enabled site of {} at {at:#x}",
                probe.name
            );
        }
    }
}
