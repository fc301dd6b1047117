//! Probes defined in a library crate work when a binary links that library.

use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, gdb};

const BIN: &str = env!("CARGO_BIN_EXE_fx_lib");

#[test]
fn the_binary_carries_the_library_s_notes_beside_its_own() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let mut names: Vec<(String, String, String)> = notes
        .iter()
        .map(|n| (n.provider.clone(), n.name.clone(), n.args.clone()))
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(
        (names[0].0.as_str(), names[0].1.as_str()),
        ("fixlib", "called")
    );
    assert_eq!((names[1].0.as_str(), names[1].1.as_str()), ("tiny", "tick"));
    assert!(notes.iter().all(|n| n.semaphore != 0));
    // Both crates define the `.stapsdt.base` anchor; the linker keeps one.
    assert_eq!(notes[0].base, notes[1].base);
}

#[test]
fn bpftrace_sees_the_library_s_probe() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!(
        "usdt:{BIN}:fixlib:called {{ printf(\"lib %llu %s\\n\", arg0, str(arg1)); }}\n\
         usdt:{BIN}:tiny:tick {{ printf(\"bin %llu\\n\", arg0); }}"
    );
    let run = bpftrace(&script, Path::new(BIN), &["3"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(
        lines,
        [
            "bin 1",
            "bin 2",
            "bin 3",
            "lib 1 from the library",
            "lib 2 from the library",
            "lib 3 from the library"
        ],
        "{:?}",
        run.raw
    );
    assert_eq!(run.evaluations, Some(6), "{:?}", run.raw);
}

#[test]
fn gdb_sees_the_library_s_probe() {
    if !tracer_available("gdb") {
        return;
    }
    let script = "break -probe-stap fixlib:called\ncommands\nsilent\n\
        printf \"@@%llu %s\\n\", $_probe_arg0, (char *) $_probe_arg1\ncontinue\nend\nrun\n";
    let (lines, out) = gdb(Path::new(BIN), &["2"], script).unwrap();
    assert_eq!(
        lines,
        ["1 from the library", "2 from the library"],
        "{out:?}"
    );
}
