//! What the DTrace targets' probe sites emit, read from `fixture-dtrace` built for each of
//! them: a twelve-argument probe with its arguments where `fasttrap` reads them, the
//! load-time registration entries, and function names from the object's own symbol table
//! where the dynamic one has none.
//!
//! Instructions are decoded with `llvm-objdump` (a skip, or a failure under
//! `USDT_REQUIRE_TRACER=1`, when it is missing).

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use common::scratch;
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};
use test_support::cross::{
    cross_object, link_elf, link_macho, Profile, DARWIN_AARCH64, DARWIN_X86_64, FREEBSD, ILLUMOS,
};
use test_support::skip;
use usdt_cli::{ProbeSite, Source};
use usdt_impl::symbols::{header_address, ImageFunctions};

const FIXTURE: &str = "fixture-dtrace";

/// The value the fixture passes as argument `i` of `dt:twelve`, where it is a constant.
fn expected(i: usize) -> Option<u64> {
    match i {
        4 | 10 => None, // strings
        9 => None,      // depends on the command line
        i => Some(0x10 * (i as u64 + 1)),
    }
}

/// The probe sites `usdt list` reads from the probe records of `path`.
fn sites(path: &Path) -> Vec<ProbeSite> {
    let sites: Vec<ProbeSite> = usdt_cli::list_file(path)
        .unwrap()
        .into_iter()
        .filter(|s| s.source == Source::Records)
        .collect();
    assert!(!sites.is_empty(), "{path:?} has no probe records");
    sites
}

/// The object of `fixture-dtrace` for `target`, built with `--cfg CFG` when `cfg` is set.
fn object(target: &str, cfg: Option<&str>) -> Option<std::path::PathBuf> {
    cross_object(FIXTURE, target, Profile::Release, cfg)
}

/// One decoded instruction.
#[derive(Debug, Clone)]
struct Insn {
    address: u64,
    mnemonic: String,
    operands: String,
}

/// The instructions of `section` of `path` as `llvm-objdump` decodes them, addresses as it
/// prints them (relative to the section in an ELF object, virtual in Mach-O).
fn disassemble(path: &Path, section: &str) -> Option<Vec<Insn>> {
    let out = match Command::new("llvm-objdump")
        .args(["-d", "--no-show-raw-insn", "--section", section])
        .arg(path)
        .output()
    {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            skip(&format!(
                "llvm-objdump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            return None;
        }
        Err(e) => {
            skip(&format!("llvm-objdump is not installed: {e}"));
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .filter_map(|line| {
                let (address, rest) = line.trim().split_once(':')?;
                let address = u64::from_str_radix(address.trim(), 16).ok()?;
                let mut parts = rest.trim().splitn(2, char::is_whitespace);
                let mnemonic = parts.next()?.to_string();
                let operands = parts.next().unwrap_or_default().trim().to_string();
                (!mnemonic.is_empty()).then_some(Insn {
                    address,
                    mnemonic,
                    operands,
                })
            })
            .collect(),
    )
}

/// The section holding the record address `address` of `path`, and the address
/// `llvm-objdump` prints for it.
fn section_of(path: &Path, address: u64) -> (String, u64) {
    let data = std::fs::read(path).unwrap();
    let file = object::File::parse(&*data).unwrap();
    for section in file.sections() {
        if file.format() == object::BinaryFormat::Elf {
            // Relocatable ELF: records are placed at file offsets.
            if let Some((offset, size)) = section.file_range() {
                if section.kind() == object::SectionKind::Text
                    && (offset..offset + size).contains(&address)
                {
                    return (section.name().unwrap().to_string(), address - offset);
                }
            }
        } else if (section.address()..section.address() + section.size()).contains(&address) {
            return (section.name().unwrap().to_string(), address);
        }
    }
    panic!("no section of {path:?} holds {address:#x}");
}

/// How one architecture lays out a probe with stack arguments.
struct Layout {
    /// The argument registers, in order, as the disassembler names them.
    registers: &'static [&'static str],
    /// The instruction that opens the frame, and the one that closes it.
    open: (&'static str, &'static str),
    close: (&'static str, &'static str),
    /// How many NOP instructions the probe is.
    nops: usize,
}

const X86_64: Layout = Layout {
    registers: &["rdi", "rsi", "rdx", "rcx", "r8", "r9"],
    open: ("leaq", "-176(%rsp), %rsp"),
    close: ("leaq", "176(%rsp), %rsp"),
    nops: 5,
};

const AARCH64: Layout = Layout {
    registers: &["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"],
    open: ("sub", "sp, sp, #160"),
    close: ("add", "sp, sp, #160"),
    nops: 1,
};

/// The 64-bit register a disassembled register name writes (`%r10d` → `r10`, `w8` → `x8`).
fn full_register(name: &str) -> String {
    let name = name.trim().trim_start_matches('%');
    let x86 = [
        ("eax", "rax"),
        ("ebx", "rbx"),
        ("ecx", "rcx"),
        ("edx", "rdx"),
        ("esi", "rsi"),
        ("edi", "rdi"),
        ("ax", "rax"),
        ("cx", "rcx"),
        ("dx", "rdx"),
        ("si", "rsi"),
        ("di", "rdi"),
    ];
    if let Some((_, full)) = x86.iter().find(|(short, _)| *short == name) {
        return full.to_string();
    }
    if let Some(n) = name.strip_prefix('w') {
        if n.parse::<u8>().is_ok() {
            return format!("x{n}");
        }
    }
    if name.starts_with('r') {
        return name.trim_end_matches(['d', 'w', 'b']).to_string();
    }
    name.to_string()
}

/// An immediate as the disassembler prints it (`$112`, `#0x90`, `#144`).
fn immediate(text: &str) -> Option<u64> {
    let t = text.trim().trim_start_matches(['$', '#']);
    match t.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

/// The constant each register holds at the end of `insns`, as far as the straight-line
/// code before it says (moves of immediates, back to the last branch or call).
fn constants(insns: &[Insn]) -> HashMap<String, u64> {
    let mut known = HashMap::new();
    let mut written = Vec::new();
    for insn in insns.iter().rev() {
        let m = insn.mnemonic.as_str();
        if m.starts_with('j') || m.starts_with('b') || m.starts_with("call") || m == "ret" {
            break;
        }
        // AT&T: `mov $imm, %dst`; AArch64: `mov dst, #imm`.
        let (src, dst) = if insn.operands.contains('%') {
            match insn.operands.rsplit_once(", ") {
                Some((src, dst)) => (src, dst),
                None => continue,
            }
        } else {
            match insn.operands.split_once(", ") {
                Some((dst, src)) => (src, dst),
                None => continue,
            }
        };
        let dst = full_register(dst);
        if written.contains(&dst) {
            continue;
        }
        written.push(dst.clone());
        if m.starts_with("mov") {
            if let Some(value) = immediate(src) {
                known.insert(dst, value);
            }
        }
    }
    known
}

/// Checks the site of `dt:twelve` in the object for `target`.
fn check_twelve(target: &str, layout: &Layout) {
    let Some(obj) = object(target, None) else {
        return;
    };
    let all = sites(&obj);
    let site = all
        .iter()
        .find(|s| s.name == "twelve")
        .expect("a dt:twelve probe site");
    assert_eq!(site.arguments.len(), 12, "{target}: {site:?}");
    let (section, address) = section_of(&obj, site.address);
    let Some(insns) = disassemble(&obj, &section) else {
        return;
    };
    let at = insns
        .iter()
        .position(|i| i.address == address)
        .unwrap_or_else(|| panic!("{target}: no instruction at the site {address:#x}"));
    for nop in &insns[at..at + layout.nops] {
        assert_eq!(nop.mnemonic, "nop", "{target}: {nop:?}");
    }
    let after = &insns[at + layout.nops];
    assert_eq!(
        (after.mnemonic.as_str(), after.operands.as_str()),
        layout.close,
        "{target}: the frame closes after the NOP"
    );
    // Back from the NOP: the stores, then the frame's opening.
    let slots = 12 - layout.registers.len();
    let stores = &insns[at - slots..at];
    let open = &insns[at - slots - 1];
    assert_eq!(
        (open.mnemonic.as_str(), open.operands.as_str()),
        layout.open,
        "{target}: the frame opens before the stores"
    );
    let values = constants(&insns[..at - slots - 1]);
    let mut checked = 0;
    for (k, store) in stores.iter().enumerate() {
        let offset = 8 * k as u64;
        // AT&T `movq %r10, 8(%rsp)`, AArch64 `str x8, [sp, #8]`: the register first.
        let (register, place) = store.operands.split_once(", ").unwrap();
        let place_offset = place
            .trim_matches(['[', ']'])
            .split(['(', ','])
            .map(str::trim)
            .find_map(|p| if p.is_empty() { Some(0) } else { immediate(p) })
            .unwrap_or(0);
        assert!(
            store.mnemonic.starts_with("mov") || store.mnemonic == "str",
            "{target}: {store:?}"
        );
        assert!(
            place.contains("sp"),
            "{target}: {store:?} stores on the stack"
        );
        assert_eq!(place_offset, offset, "{target}: slot {k}: {store:?}");
        let argument = layout.registers.len() + k;
        if let (Some(want), Some(got)) = (expected(argument), values.get(&full_register(register)))
        {
            assert_eq!(*got, want, "{target}: argument {argument} at sp+{offset}");
            checked += 1;
        }
    }
    for (argument, register) in layout.registers.iter().enumerate() {
        if let (Some(want), Some(got)) = (expected(argument), values.get(*register)) {
            assert_eq!(*got, want, "{target}: argument {argument} in {register}");
            checked += 1;
        }
    }
    assert!(
        checked >= 5,
        "{target}: only {checked} constant arguments traced: {:#?}",
        &insns[at.saturating_sub(30)..at + 2]
    );
}

#[test]
fn twelve_arguments_where_fasttrap_reads_them_illumos() {
    check_twelve(ILLUMOS, &X86_64);
}

#[test]
fn twelve_arguments_where_fasttrap_reads_them_freebsd() {
    check_twelve(FREEBSD, &X86_64);
}

#[test]
fn twelve_arguments_where_fasttrap_reads_them_macos_x86_64() {
    check_twelve(DARWIN_X86_64, &X86_64);
}

#[test]
fn twelve_arguments_where_fasttrap_reads_them_macos_aarch64() {
    check_twelve(DARWIN_AARCH64, &AARCH64);
}

/// The load-time entries of the object for `target`: one pointer to `register_at_load`
/// and one to `unregister_at_unload`.
fn check_entries(target: &str, init: &str, fini: &str) {
    let Some(obj) = object(target, None) else {
        return;
    };
    let data = std::fs::read(&obj).unwrap();
    let file = object::File::parse(&*data).unwrap();
    for (section, function) in [(init, "register_at_load"), (fini, "unregister_at_unload")] {
        let s = file
            .section_by_name(section)
            .unwrap_or_else(|| panic!("{target}: no {section}"));
        assert_eq!(s.size(), 8, "{target}: {section} holds one pointer");
        let targets: Vec<String> = s
            .relocations()
            .map(|(_, r)| match r.target() {
                RelocationTarget::Symbol(i) => {
                    file.symbol_by_index(i).unwrap().name().unwrap().to_string()
                }
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(targets.len(), 1, "{target}: {section}: {targets:?}");
        assert!(
            targets[0].contains("usdt_impl8register") && targets[0].contains(function),
            "{target}: {section} points at {}",
            targets[0]
        );
    }
}

#[test]
fn load_time_entries_elf() {
    check_entries(ILLUMOS, ".init_array", ".fini_array");
    check_entries(FREEBSD, ".init_array", ".fini_array");
}

#[test]
fn load_time_entries_macos() {
    check_entries(DARWIN_X86_64, "__mod_init_func", "__mod_term_func");
    check_entries(DARWIN_AARCH64, "__mod_init_func", "__mod_term_func");
}

/// Built with `--cfg usdt_no_register_at_load`, an object has no load-time entries (and
/// still its probe sites and records).
#[test]
fn no_load_time_entries_when_turned_off() {
    let Some(obj) = object(ILLUMOS, Some("usdt_no_register_at_load")) else {
        return;
    };
    let data = std::fs::read(&obj).unwrap();
    let file = object::File::parse(&*data).unwrap();
    for section in [".init_array", ".fini_array"] {
        assert!(
            file.section_by_name(section).is_none(),
            "{section} in {obj:?}"
        );
    }
    assert!(sites(&obj).iter().any(|s| s.name == "twelve"));
}

/// The functions `ImageFunctions` names for the sites of a linked file, loaded at `base`,
/// by probe name.
fn named_functions(path: &Path, base: u64) -> HashMap<String, String> {
    let data = std::fs::read(path).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let header = header_address(&file).expect("a header address");
    let runtime = |a: u64| a - header + base;
    let sites = sites(path);
    let addresses: Vec<u64> = sites.iter().map(|s| runtime(s.address)).collect();
    let functions = ImageFunctions::new(&file, base, &addresses).unwrap();
    sites
        .iter()
        .map(|s| {
            let (start, name) = functions
                .function_at(runtime(s.address))
                .unwrap_or_else(|| panic!("no function for {s:?}"));
            assert!(start <= runtime(s.address));
            (s.name.clone(), name.to_string())
        })
        .collect()
}

/// Names from the symbol table: the local function and Rust's `main`, which no dynamic
/// symbol names, wherever the object is loaded.
fn check_names(linked: &Path) {
    let data = std::fs::read(linked).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let dynamic: Vec<String> = file
        .dynamic_symbols()
        .filter_map(|s| s.name().ok().map(str::to_string))
        .collect();
    assert!(
        !dynamic.iter().any(|n| n.contains("local_function")),
        "{linked:?}: the dynamic symbols name the local function"
    );
    let header = header_address(&file).unwrap();
    for base in [header, header + 0x7f00_0000_0000] {
        let names = named_functions(linked, base);
        assert!(
            names["local"].contains("14local_function"),
            "{linked:?}: {names:?}"
        );
        assert!(names["twelve"].contains("4main"), "{linked:?}: {names:?}");
    }
}

#[test]
fn functions_named_from_the_symbol_table_elf() {
    for target in [ILLUMOS, FREEBSD] {
        let Some(obj) = object(target, None) else {
            continue;
        };
        let so = scratch(&format!("fixture-dtrace-{target}.so"));
        let Some(()) = link_elf(&obj, &so, true) else {
            return;
        };
        check_names(&so);
        // The shared object's load-time entries point at the registration functions.
        let data = std::fs::read(&so).unwrap();
        let file = object::File::parse(&*data).unwrap();
        let function = |name: &str| {
            file.symbols()
                .find(|s| s.name().is_ok_and(|n| n.contains(name)))
                .map(|s| s.address())
                .unwrap_or_else(|| panic!("{name} not linked into {so:?}"))
        };
        for (section, name) in [
            (".init_array", "register_at_load"),
            (".fini_array", "unregister_at_unload"),
        ] {
            let s = file.section_by_name(section).unwrap();
            let relocated: Vec<u64> = file
                .dynamic_relocations()
                .into_iter()
                .flatten()
                .filter(|(at, _)| (s.address()..s.address() + s.size()).contains(at))
                .map(|(_, r)| r.addend() as u64)
                .collect();
            assert!(
                relocated.contains(&function(name)),
                "{target}: {section} of the shared object: {relocated:x?}"
            );
        }
    }
}

#[test]
fn functions_named_from_the_symbol_table_macos() {
    for (target, arch) in [(DARWIN_X86_64, "x86_64"), (DARWIN_AARCH64, "arm64")] {
        let Some(obj) = object(target, None) else {
            continue;
        };
        let out = scratch(&format!("fixture-dtrace-{arch}"));
        let Some(()) = link_macho(&obj, &out, arch, &[]) else {
            continue;
        };
        check_names(&out);
    }
}
