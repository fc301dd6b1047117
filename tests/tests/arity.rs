//! The most arguments a probe takes (12) and the fewest (none).

use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, gdb};

const BIN: &str = env!("CARGO_BIN_EXE_fx_types");

#[test]
fn twelve_arguments_are_noted_in_order() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let t = notes
        .iter()
        .find(|n| n.name == "twelve")
        .expect("no note for types:twelve");
    let sizes: Vec<i32> = t
        .arguments()
        .iter()
        .map(|a| a.size.map_or(0, |s| s.signed_bytes()))
        .collect();
    assert_eq!(
        sizes,
        [-1, 1, -2, 2, -4, 4, -8, 8, 8, -1, -8, 8],
        "{}",
        t.args
    );
    let args = t.arguments();
    let mut places: Vec<&str> = args.iter().map(|a| a.location.as_str()).collect();
    places.sort();
    places.dedup();
    assert_eq!(
        places.len(),
        12,
        "each argument in its own register: {}",
        t.args
    );
}

#[test]
fn gdb_reads_all_twelve() {
    if !tracer_available("gdb") {
        return;
    }
    let script = "break -probe-stap types:twelve\ncommands\nsilent\n\
        printf \"@@argc=%d\\n\", $_probe_argc\n\
        printf \"@@%lld %llu %lld %llu %lld %llu %lld %llu\\n\", $_probe_arg0, $_probe_arg1, $_probe_arg2, \
        $_probe_arg3, $_probe_arg4, $_probe_arg5, $_probe_arg6, $_probe_arg7\n\
        printf \"@@%s %lld %lld %llu\\n\", (char *) $_probe_arg8, $_probe_arg9, $_probe_arg10, $_probe_arg11\n\
        continue\nend\nrun\n";
    let (lines, out) = gdb(Path::new(BIN), &["twelve"], script).unwrap();
    assert_eq!(
        lines,
        [
            "argc=12",
            "-1 2 -3 4 -5 6 -7 8",
            "nine -10 -9223372036854775808 18446744073709551615"
        ],
        "{out:?}"
    );
}

#[test]
fn bpftrace_reads_the_first_six_of_twelve_and_fires_zero_argument_probes() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!(
        "usdt:{BIN}:types:twelve {{ printf(\"twelve %lld %llu %lld %llu %lld %llu\\n\", \
         arg0, arg1, arg2, arg3, arg4, arg5); }}\n\
         usdt:{BIN}:types:zero {{ printf(\"zero\\n\"); }}"
    );
    let run = bpftrace(&script, Path::new(BIN), &["twelve", "zero"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(
        lines,
        ["twelve -1 2 -3 4 -5 6", "zero", "zero"],
        "{:?}",
        run.raw
    );
    // `types_zero!()` has no closure; `types_zero!(|| ...)` and `types_twelve!` have one each.
    assert_eq!(run.evaluations, Some(2), "{:?}", run.raw);
}

#[test]
fn zero_argument_probes_have_empty_argument_lists() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let zero: Vec<_> = notes.iter().filter(|n| n.name == "zero").collect();
    assert_eq!(zero.len(), 2, "two sites: with and without a closure");
    for n in zero {
        assert_eq!(n.args, "");
    }
}

#[test]
fn gdb_sees_zero_arguments() {
    if !tracer_available("gdb") {
        return;
    }
    let script = "break -probe-stap types:zero\ncommands\nsilent\nprintf \"@@argc=%d\\n\", $_probe_argc\ncontinue\nend\nrun\n";
    let (lines, out) = gdb(Path::new(BIN), &["zero"], script).unwrap();
    assert_eq!(lines, ["argc=0", "argc=0"], "{out:?}");
}
