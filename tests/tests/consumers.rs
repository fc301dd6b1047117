//! Five independent consumers of SystemTap notes see the probes of the workspace's example,
//! `probe-test-macro` (`test:start(uint8_t)`, `test:stop(char *, uint8_t)`): readelf, bcc's
//! tplist, bpftrace, gdb and perf.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use usdt_tests::nested::example_binary;
use usdt_tests::perf::{tracefs, PerfCleanup};
use usdt_tests::run::{describe, run, Output};
use usdt_tests::tracer_available;
use usdt_tests::tracers::{gdb, readelf_notes, skip, tool_available, TRACE_LIMIT};

/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

fn example() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| example_binary(Path::new(FIXTURE)).unwrap())
        .clone()
}

fn run_ok(cmd: &mut Command) -> Output {
    let out = run(cmd, TRACE_LIMIT).unwrap();
    assert!(
        out.status.success(),
        "{}: {}\n{}",
        describe(cmd),
        out.stdout,
        out.stderr
    );
    out
}

#[test]
fn readelf_lists_the_notes() {
    if !tool_available("readelf") {
        return;
    }
    let notes = readelf_notes(&example()).unwrap();
    let mut seen: Vec<(String, String, Vec<String>)> = notes
        .iter()
        .map(|n| {
            let sizes = n
                .args
                .iter()
                .map(|a| a.split('@').next().unwrap_or("").to_owned())
                .collect();
            (n.provider.clone(), n.name.clone(), sizes)
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("test".to_owned(), "start".to_owned(), vec!["1".to_owned()]),
            (
                "test".to_owned(),
                "stop".to_owned(),
                vec!["8".to_owned(), "1".to_owned()]
            ),
        ]
    );
    assert!(notes.iter().all(|n| n.semaphore != 0), "{notes:?}");
}

#[test]
fn tplist_lists_the_probes() {
    if !tracer_available("tplist-bpfcc") {
        return;
    }
    let bin = example();
    let out = run_ok(Command::new("tplist-bpfcc").arg("-l").arg(&bin));
    let mut probes: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    probes.sort();
    assert_eq!(probes, ["test:start", "test:stop"], "{}", out.stdout);
}

#[test]
fn bpftrace_lists_the_probes() {
    if !tracer_available("bpftrace") {
        return;
    }
    let bin = example();
    let out = run_ok(
        Command::new("bpftrace")
            .arg("-l")
            .arg(format!("usdt:{}:*", bin.display())),
    );
    let mut probes: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("usdt:"))
        .collect();
    probes.sort();
    let b = bin.display();
    assert_eq!(
        probes,
        [
            format!("usdt:{b}:test:start"),
            format!("usdt:{b}:test:stop")
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn gdb_lists_the_probes() {
    if !tracer_available("gdb") {
        return;
    }
    let (_, out) = gdb(&example(), &[], "info probes\n").unwrap();
    let mut probes: Vec<(&str, &str, &str)> = out
        .stdout
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                ["stap", prov, name, ..] => Some(("stap", *prov, *name)),
                _ => None,
            }
        })
        .collect();
    probes.sort();
    assert_eq!(
        probes,
        [("stap", "test", "start"), ("stap", "test", "stop")],
        "{}",
        out.stdout
    );
}

#[test]
fn perf_records_the_probes() {
    if !tracer_available("perf") {
        return;
    }
    if tracefs().is_none() {
        skip("tracefs is not mounted and cannot be");
        return;
    }
    let bin = example();
    let _cleanup = PerfCleanup::new("sdt_test:*", &bin);
    run_ok(
        Command::new("perf")
            .arg("buildid-cache")
            .arg("--add")
            .arg(&bin),
    );
    let added = run_ok(Command::new("perf").args(["probe", "sdt_test:start"]));
    let data = bin.with_file_name("probe-test-macro.perf.data");
    let recorded = run_ok(
        Command::new("perf")
            .args(["record", "-q", "-e", "sdt_test:start", "-o"])
            .arg(&data)
            .arg("--")
            .arg(&bin)
            .arg("3"),
    );
    let script = run_ok(Command::new("perf").arg("script").arg("-i").arg(&data));
    let _ = std::fs::remove_file(&data);
    let events = script
        .stdout
        .lines()
        .filter(|l| l.contains("sdt_test:start"))
        .count();
    let uprobes = std::fs::read_to_string("/sys/kernel/tracing/uprobe_events").unwrap_or_default();
    assert_eq!(
        events, 3,
        "perf script:\n{}\nperf probe: {}{}\nperf record: {}\nuprobe_events:\n{uprobes}",
        script.stdout, added.stdout, added.stderr, recorded.stderr
    );
}
