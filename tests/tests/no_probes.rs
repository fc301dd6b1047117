//! With the `usdt` crate's default features off (no `probes`), a program has no probes:
//! no `.note.stapsdt`, no `.probes` semaphores, no `.stapsdt.base`, and its closures never
//! run, even under a tracer.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use usdt_tests::elf::Elf;
use usdt_tests::nested::{build, cargo, nested_target_dir, tests_dir};
use usdt_tests::run::run;
use usdt_tests::tracer_available;
use usdt_tests::tracers::{evaluations_in, gdb};

/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

fn fixture() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = tests_dir().join("fixtures-nofeature");
        let target = nested_target_dir(Path::new(FIXTURE));
        build(cargo(&dir, &target).args(["build", "--quiet"])).unwrap();
        target.join("debug").join("usdt-nofeature-fixture")
    })
    .clone()
}

#[test]
fn no_notes_semaphores_or_base() {
    let elf = Elf::open(&fixture()).unwrap();
    let names = elf.section_names().unwrap();
    for absent in [".note.stapsdt", ".probes", ".stapsdt.base"] {
        assert!(
            !names.iter().any(|n| n == absent),
            "{absent} is present: {names:?}"
        );
    }
}

#[test]
fn closures_never_run() {
    let mut cmd = Command::new(fixture());
    cmd.arg("5");
    let out = run(&mut cmd, Duration::from_secs(60))
        .unwrap()
        .success(&cmd)
        .unwrap();
    assert_eq!(
        evaluations_in(out.stdout.lines()),
        Some(0),
        "{}",
        out.stdout
    );
}

#[test]
fn gdb_finds_no_probe() {
    if !tracer_available("gdb") {
        return;
    }
    let (_, out) = gdb(&fixture(), &["5"], "info probes\nrun\n").unwrap();
    assert!(out.stdout.contains("No probes matched"), "{}", out.stdout);
    assert_eq!(
        evaluations_in(out.stdout.lines()),
        Some(0),
        "{}",
        out.stdout
    );
}
