//! String arguments: what bpftrace (at its longest read, `BPFTRACE_STRLEN=200`) and gdb (the
//! whole string) read for each kind of string the fixture passes.

use std::path::Path;

use usdt_tests::fixture::long_string;
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, gdb};

const BIN: &str = env!("CARGO_BIN_EXE_fx_strings");

/// bpftrace's longest string read (`BPFTRACE_STRLEN`); it keeps one byte for the NUL.
const STRLEN: usize = 200;

/// The strings the fixture passes, by case number, whole (as far as a C reader goes).
fn cases() -> Vec<(i32, String)> {
    vec![
        (0, String::new()),
        (1, "hello, probes".into()),
        (2, "héllo wörld ✓ 中文 🦀".into()),
        (3, long_string(5000)),
        (4, "ab".into()),
        (5, "c-str".into()),
        (6, "c-string borrowed".into()),
        (7, "owned string".into()),
        (8, "borrowed string".into()),
        (9, "owned c-string".into()),
        (10, long_string(256)),
        (11, long_string(257)),
        (12, "xy".into()),
        (20, "const char".into()),
        (21, "d string".into()),
    ]
}

/// `N|STRING|` for each case, the string cut to `limit` bytes.
fn expected(limit: usize) -> Vec<String> {
    let mut lines: Vec<String> = cases()
        .into_iter()
        .map(|(n, s)| {
            let cut = s.get(..limit.min(s.len())).unwrap_or(&s);
            format!("{n}|{cut}|")
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn bpftrace_reads_each_string_up_to_its_limit() {
    if !tracer_available("bpftrace") {
        return;
    }
    let mut script = String::new();
    for probe in ["text", "ctext", "dtext"] {
        script.push_str(&format!(
            "usdt:{BIN}:strings:{probe} {{ printf(\"%d|%s|\\n\", arg0, str(arg1)); }}\n"
        ));
    }
    let limit = STRLEN.to_string();
    let run = bpftrace(&script, Path::new(BIN), &[], &[("BPFTRACE_STRLEN", &limit)]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(lines, expected(STRLEN - 1), "{:?}", run.raw);
    assert_eq!(run.evaluations, Some(cases().len()), "{:?}", run.raw);
}

#[test]
fn gdb_reads_each_string_whole() {
    if !tracer_available("gdb") {
        return;
    }
    let mut script = String::new();
    for probe in ["text", "ctext", "dtext"] {
        script.push_str(&format!(
            "break -probe-stap strings:{probe}\ncommands\nsilent\n\
             printf \"@@%d|%s|\\n\", $_probe_arg0, (char *) $_probe_arg1\ncontinue\nend\n"
        ));
    }
    script.push_str("run\n");
    let (mut lines, out) = gdb(Path::new(BIN), &[], &script).unwrap();
    lines.sort();
    assert_eq!(lines, expected(usize::MAX), "{}", out.stderr);
}

#[test]
fn every_string_spelling_is_a_pointer_sized_argument() {
    let notes = usdt_tests::elf::Elf::open(Path::new(BIN))
        .unwrap()
        .notes()
        .unwrap();
    assert_eq!(notes.len(), cases().len(), "one site per fire");
    for n in &notes {
        let sizes: Vec<i32> = n
            .arguments()
            .iter()
            .map(|a| a.size.map_or(0, |s| s.signed_bytes()))
            .collect();
        assert_eq!(sizes, [-4, 8], "{}:{} {}", n.provider, n.name, n.args);
    }
}
