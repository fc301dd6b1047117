//! The stubs as a disassembler reads them: `llvm-objdump` on an ELF object holding them.

use std::process::Command;

use object::write::Object;
use object::{Architecture, BinaryFormat, Endianness, SectionKind};
use usdt_impl::register::Arch;

use super::super::code;
use super::{probes, traced_offsets};

/// The instructions of `code` for `arch`, by offset, as `llvm-objdump` prints them
/// (`xorl %eax, %eax`), zeros included (`-z`); `None`, after skipping, when it cannot be
/// run.
fn disassemble(arch: Arch, code: &[u8]) -> Option<Vec<(usize, String)>> {
    let architecture = match arch {
        Arch::X86_64 => Architecture::X86_64,
        Arch::Aarch64 => Architecture::Aarch64,
    };
    let mut obj = Object::new(BinaryFormat::Elf, architecture, Endianness::Little);
    let text = obj.add_section(Vec::new(), b".text".to_vec(), SectionKind::Text);
    obj.append_section_data(text, code, 16);
    let path = std::env::temp_dir().join(format!(
        "usdt-dynamic-stubs-{arch:?}-{}.o",
        std::process::id()
    ));
    std::fs::write(&path, obj.write().unwrap()).unwrap();
    let out = Command::new("llvm-objdump")
        .args(["-d", "-z", "--no-show-raw-insn"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let out = match out {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            test_support::skip(&format!(
                "llvm-objdump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            return None;
        }
        Err(e) => {
            test_support::skip(&format!("llvm-objdump is not installed: {e}"));
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .filter_map(|line| {
                let (offset, insn) = line.trim().split_once(':')?;
                let offset = usize::from_str_radix(offset, 16).ok()?;
                let insn = insn.split_whitespace().collect::<Vec<_>>().join(" ");
                (!insn.is_empty()).then_some((offset, insn))
            })
            .collect(),
    )
}

/// Each slot of `arch`'s stubs decodes as `want` (instructions by offset in the slot), and
/// the DOF document's traced offsets land on `traced` (probe, is-enabled).
fn check(arch: Arch, want: &[(usize, &str)], traced: (&str, &str)) {
    let probes = probes();
    let code = code(arch, probes.len());
    let Some(insns) = disassemble(arch, &code) else {
        return;
    };
    let at = |offset: usize| {
        insns
            .iter()
            .find(|(o, _)| *o == offset)
            .map(|(_, i)| i.as_str())
            .unwrap_or_else(|| panic!("{arch:?}: no instruction starts at {offset}: {insns:?}"))
    };
    let mut expected = Vec::new();
    for i in 0..probes.len() {
        expected.extend(
            want.iter()
                .map(|(o, insn)| (i * super::SLOT + o, insn.to_string())),
        );
    }
    assert_eq!(insns, expected, "{arch:?}");
    for (probe, gate) in traced_offsets(arch, usdt_impl::register::Flavor::Solaris) {
        assert_eq!((at(probe), at(gate)), traced, "{arch:?}");
    }
}

#[test]
fn x86_64_stubs_decode_as_documented() {
    let mut want = vec![
        (0, "xorl %eax, %eax"),
        (2, "nop"),
        (3, "nop"),
        (4, "nop"),
        (5, "retq"),
    ];
    want.extend((6..16).map(|o| (o, "int3")));
    want.extend([(16, "popq %r11")]);
    want.extend((18..23).map(|o| (o, "nop")));
    want.extend([(23, "pushq %r11"), (25, "retq")]);
    want.extend((26..32).map(|o| (o, "int3")));
    check(Arch::X86_64, &want, ("nop", "nop"));
}

#[test]
fn aarch64_stubs_decode_as_documented() {
    let want = [
        (0, "mov x0, #0"),
        (4, "ret"),
        (8, "udf #0"),
        (12, "udf #0"),
        (16, "nop"),
        (20, "ret"),
        (24, "udf #0"),
        (28, "udf #0"),
    ];
    check(Arch::Aarch64, &want, ("nop", "mov x0, #0"));
}
