//! Closures run only while a tracer has the probe enabled: never untraced, and exactly once
//! per fire when traced.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use usdt_tests::run::run;
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, evaluations_in, gdb};

const FIXTURES: &[&str] = &usdt_tests::fixtures!(env!("CARGO_BIN_EXE_fx_closures"));
const TINY: &str = env!("CARGO_BIN_EXE_fx_tiny");

#[test]
fn untraced_closures_never_run() {
    for bin in FIXTURES {
        let mut cmd = Command::new(bin);
        let out = run(&mut cmd, Duration::from_secs(60))
            .unwrap()
            .success(&cmd)
            .unwrap();
        assert_eq!(
            evaluations_in(out.stdout.lines()),
            Some(0),
            "{bin}: {}",
            out.stdout
        );
    }
}

#[test]
fn bpftrace_makes_each_fire_run_its_closure_once() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!("usdt:{TINY}:tiny:tick {{ @fires = count(); @sum = sum(arg0); }}");
    let run = bpftrace(&script, Path::new(TINY), &["fire", "100"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(lines, ["@fires: 100", "@sum: 5050"], "{:?}", run.raw);
    assert_eq!(run.evaluations, Some(100), "{:?}", run.raw);
}

#[test]
fn gdb_makes_each_fire_run_its_closure_once() {
    if !tracer_available("gdb") {
        return;
    }
    let script = "break -probe-stap tiny:tick\ncommands\nsilent\nprintf \"@@%llu\\n\", $_probe_arg0\ncontinue\nend\nrun\n";
    let (lines, out) = gdb(Path::new(TINY), &["fire", "3"], script).unwrap();
    assert_eq!(lines, ["1", "2", "3"], "{out:?}");
    assert_eq!(evaluations_in(out.stdout.lines()), Some(3), "{out:?}");
}

#[test]
fn concurrent_fires_each_run_their_closure_once() {
    if !tracer_available("bpftrace") {
        return;
    }
    // Four threads fire 2000 times each; thread t fires t * 1000000 + 1 ..= t * 1000000 + 2000.
    let script = format!("usdt:{TINY}:tiny:tick {{ @fires[arg0 / 1000000] = count(); @sum[arg0 / 1000000] = sum(arg0 % 1000000); }}");
    let run = bpftrace(&script, Path::new(TINY), &["threads", "4", "2000"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    let mut expected = Vec::new();
    for t in 0..4 {
        expected.push(format!("@fires[{t}]: 2000"));
        expected.push(format!("@sum[{t}]: 2001000"));
    }
    expected.sort();
    assert_eq!(lines, expected, "{:?}", run.raw);
    assert_eq!(run.evaluations, Some(8000), "{:?}", run.raw);
}
