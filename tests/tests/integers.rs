//! Integer and `bool` arguments of every width and C spelling, at their extremes, as the
//! notes declare them and as bpftrace and gdb read them.

use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, gdb};

const BIN: &str = env!("CARGO_BIN_EXE_fx_types");

/// One integer probe of `types.d`: its name, signedness and width in bits.
const CASES: &[(&str, bool, u32)] = &[
    ("int8", true, 8),
    ("int16", true, 16),
    ("int32", true, 32),
    ("int64", true, 64),
    ("uint8", false, 8),
    ("uint16", false, 16),
    ("uint32", false, 32),
    ("uint64", false, 64),
    ("c_char", true, 8),
    ("c_uchar", false, 8),
    ("c_short", true, 16),
    ("c_ushort", false, 16),
    ("c_int", true, 32),
    ("c_uint", false, 32),
    ("c_long", true, 64),
    ("c_ulong", false, 64),
    ("c_llong", true, 64),
    ("c_ullong", false, 64),
    ("intptr", true, 64),
    ("uintptr", false, 64),
];

/// What the fixture passes: (MIN, MAX, -1, 0) when signed, (0, MAX, 1, top bit) when not.
fn values(signed: bool, bits: u32) -> [i128; 4] {
    let top = 1i128 << (bits - 1);
    if signed {
        [-top, top - 1, -1, 0]
    } else {
        [0, (top << 1) - 1, 1, top]
    }
}

/// The line a tracer prints for a probe: its name, then the four values in decimal.
fn expected_line(name: &str, signed: bool, bits: u32) -> String {
    let v = values(signed, bits);
    format!("{name} {} {} {} {}", v[0], v[1], v[2], v[3])
}

fn expected_lines() -> Vec<String> {
    let mut lines: Vec<String> = CASES
        .iter()
        .map(|&(name, signed, bits)| expected_line(name, signed, bits))
        .collect();
    lines.push("flag 0 1".to_owned());
    lines.sort();
    lines
}

fn format_of(signed: bool) -> &'static str {
    if signed {
        "%lld"
    } else {
        "%llu"
    }
}

#[test]
fn notes_declare_each_size_and_sign_in_64_bit_registers() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let registers = [
        "%rax", "%rbx", "%rcx", "%rdx", "%rsi", "%rdi", "%rbp", "%r8", "%r9", "%r10", "%r11",
        "%r12", "%r13", "%r14", "%r15",
    ];
    for &(name, signed, bits) in CASES {
        let note = notes
            .iter()
            .find(|n| n.provider == "types" && n.name == name)
            .unwrap_or_else(|| panic!("no note for types:{name}"));
        let size = i32::try_from(bits / 8).unwrap() * if signed { -1 } else { 1 };
        assert_eq!(note.arguments().len(), 4, "{name}: {}", note.args);
        for arg in &note.arguments() {
            assert_eq!(
                (
                    arg.size.map_or(0, |s| s.signed_bytes()),
                    arg.size.is_some_and(|s| s.float)
                ),
                (size, false),
                "{name}: {}",
                note.args
            );
            assert!(
                registers.contains(&arg.location.as_str()),
                "{name}: {}",
                note.args
            );
        }
    }
    let flag = notes
        .iter()
        .find(|n| n.name == "flag")
        .expect("no note for types:flag");
    assert_eq!(
        flag.arguments()
            .iter()
            .map(|a| a.size.map_or(0, |s| s.signed_bytes()))
            .collect::<Vec<_>>(),
        [1, 1],
        "{}",
        flag.args
    );
}

#[test]
fn bpftrace_reads_every_width_at_its_extremes() {
    if !tracer_available("bpftrace") {
        return;
    }
    let mut script = String::new();
    for &(name, signed, _) in CASES {
        let f = format_of(signed);
        script.push_str(&format!(
            "usdt:{BIN}:types:{name} {{ printf(\"{name} {f} {f} {f} {f}\\n\", arg0, arg1, arg2, arg3); }}\n"
        ));
    }
    script.push_str(&format!(
        "usdt:{BIN}:types:flag {{ printf(\"flag %llu %llu\\n\", arg0, arg1); }}\n"
    ));
    let run = bpftrace(&script, Path::new(BIN), &["ints"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(lines, expected_lines(), "{:?}", run.raw);
    assert_eq!(run.evaluations, Some(CASES.len() + 1), "{:?}", run.raw);
}

#[test]
fn gdb_reads_every_width_at_its_extremes() {
    if !tracer_available("gdb") {
        return;
    }
    let mut script = String::new();
    let mut all = CASES.to_vec();
    all.push(("flag", false, 8));
    for (name, signed, _) in all {
        let f = format_of(signed);
        let args = if name == "flag" {
            format!("\"@@{name} {f} {f}\\n\", $_probe_arg0, $_probe_arg1")
        } else {
            format!("\"@@{name} {f} {f} {f} {f}\\n\", $_probe_arg0, $_probe_arg1, $_probe_arg2, $_probe_arg3")
        };
        script.push_str(&format!(
            "break -probe-stap types:{name}\ncommands\nsilent\nprintf {args}\ncontinue\nend\n"
        ));
    }
    script.push_str("run\n");
    let (mut lines, out) = gdb(Path::new(BIN), &["ints"], &script).unwrap();
    lines.sort();
    assert_eq!(lines, expected_lines(), "{out:?}");
}
