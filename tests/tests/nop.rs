//! Every probe site is the 5-byte NOP `nopl 0x0(%rax,%rax,1)` that tracers replace with a
//! breakpoint, at the address its note gives; and the address can be turned into the file
//! offset the kernel's uprobes take the way every consumer does it.

use std::path::Path;

use usdt_tests::elf::Elf;

const FIXTURES: &[&str] = &usdt_tests::fixtures!();

const NOP5: [u8; 5] = [0x0f, 0x1f, 0x44, 0x00, 0x00];

/// Check every note of `bin`; returns how many there are.
fn check(bin: &Path) -> usize {
    let elf = Elf::open(bin).unwrap();
    let notes = elf.notes().unwrap();
    let base = elf
        .section(".stapsdt.base")
        .unwrap()
        .expect("a .stapsdt.base section");
    for n in &notes {
        assert_eq!(n.base, base.address, "{}:{} base", n.provider, n.name);
        let bytes = elf.bytes_at(n.pc, 5).unwrap();
        assert_eq!(
            bytes,
            NOP5,
            "{}: {}:{} at {:#x}",
            bin.display(),
            n.provider,
            n.name,
            n.pc
        );
    }
    notes.len()
}

#[test]
fn every_note_points_at_a_five_byte_nop() {
    for bin in FIXTURES {
        assert!(check(Path::new(bin)) > 0, "{bin} has no notes");
    }
}

#[test]
fn release_builds_point_at_five_byte_nops_too() {
    let bin = usdt_tests::nested::release_fixture("fx_sites", Path::new(FIXTURES[0])).unwrap();
    assert!(check(&bin) >= 6, "{}", bin.display());
}

/// perf (`perf probe sdt_PROVIDER:NAME`) turns a note's address into a file offset as
/// `pc + file_offset(.stapsdt.base) - base`, which is only right when `.stapsdt.base` lies
/// in the same segment as the probe sites, at the same address-to-offset shift. C programs
/// built with `<sys/sdt.h>` have it so; when it does not hold, perf puts its uprobe at the
/// wrong instruction and records nothing (see `consumers::perf_records_the_probes`).
#[test]
fn stapsdt_base_has_the_address_to_offset_shift_of_the_sites() {
    let mut wrong = Vec::new();
    for bin in FIXTURES {
        let elf = Elf::open(Path::new(bin)).unwrap();
        let base = elf
            .section(".stapsdt.base")
            .unwrap()
            .expect("a .stapsdt.base section");
        let base_shift = elf.offset_shift(base.address).unwrap();
        for n in elf.notes().unwrap() {
            let shift = elf.offset_shift(n.pc).unwrap();
            if shift != base_shift {
                wrong.push(format!(
                    "{bin}: {}:{} at {:#x} (file offset shift {shift:#x}), .stapsdt.base at {:#x} (shift {base_shift:#x})",
                    n.provider, n.name, n.pc, base.address
                ));
                break;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "perf would probe the wrong address:\n{}",
        wrong.join("\n")
    );
}
