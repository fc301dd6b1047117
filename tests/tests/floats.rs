//! `float` and `double` arguments. The notes say `4f`/`8f`, as C's `<sys/sdt.h>` does; gdb
//! 13 and bpftrace 0.17 refuse that size (every argument of such a probe), so the values are
//! read from the registers the note names, at the probe, by gdb.

use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::gdb;

const BIN: &str = env!("CARGO_BIN_EXE_fx_types");

#[test]
fn notes_declare_floats_as_c_does() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let real = notes
        .iter()
        .find(|n| n.name == "real")
        .expect("no note for types:real");
    let sizes: Vec<(i32, bool)> = real
        .arguments()
        .iter()
        .map(|a| {
            (
                a.size.map_or(0, |s| s.signed_bytes()),
                a.size.is_some_and(|s| s.float),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [(4, true), (8, true), (4, true), (8, true)],
        "{}",
        real.args
    );
}

#[test]
fn registers_named_by_the_note_hold_the_exact_values() {
    if !tracer_available("gdb") {
        return;
    }
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let real = notes
        .iter()
        .find(|n| n.name == "real")
        .expect("no note for types:real");
    let regs: Vec<String> = real
        .arguments()
        .iter()
        .map(|a| {
            let reg = a.location.strip_prefix('%').expect("a register operand");
            format!("${reg}")
        })
        .collect();
    let script = format!(
        "break -probe-stap types:real\ncommands\nsilent\nprintf \"@@%lx %lx %lx %lx\\n\", {}\ncontinue\nend\nrun\n",
        regs.join(", ")
    );
    let (lines, out) = gdb(Path::new(BIN), &["real"], &script).unwrap();
    assert_eq!(lines.len(), 1, "{out:?}");
    let bits: Vec<u64> = lines[0]
        .split_whitespace()
        .map(|h| u64::from_str_radix(h, 16).unwrap())
        .collect();
    assert_eq!(bits.len(), 4, "{out:?}");
    // A 4-byte float is the low 32 bits of its register.
    assert_eq!(f32::from_bits(bits[0] as u32), 1.5f32);
    assert_eq!(f64::from_bits(bits[1]), -2.25f64);
    assert_eq!(f32::from_bits(bits[2] as u32), f32::MIN_POSITIVE);
    assert_eq!(f64::from_bits(bits[3]), f64::MAX);
    assert!(out.stdout.contains("evaluations=1"), "{out:?}");
}
