//! Pointer arguments (`void *`, `uint8_t *`, `struct thing *`): tracers see the addresses
//! the closure returned.

use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::bpftrace;

const BIN: &str = env!("CARGO_BIN_EXE_fx_types");

#[test]
fn notes_declare_pointers_as_unsigned_words() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let p = notes
        .iter()
        .find(|n| n.name == "pointers")
        .expect("no note for types:pointers");
    assert_eq!(
        p.arguments()
            .iter()
            .map(|a| a.size.map_or(0, |s| s.signed_bytes()))
            .collect::<Vec<_>>(),
        [8, 8, 8],
        "{}",
        p.args
    );
}

#[test]
fn bpftrace_reads_the_addresses() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!("usdt:{BIN}:types:pointers {{ printf(\"seen=0x%llx,0x%llx,0x%llx\\n\", arg0, arg1, arg2); }}");
    let run = bpftrace(&script, Path::new(BIN), &["pointers"], &[]).unwrap();
    let passed = run
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("pointers="))
        .expect("the fixture prints its pointers");
    let seen: Vec<&str> = run
        .lines
        .iter()
        .filter_map(|l| l.strip_prefix("seen="))
        .collect();
    assert_eq!(seen, [passed], "{:?}", run.raw);
    assert_eq!(run.evaluations, Some(1));
}
