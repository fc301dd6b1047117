//! Probes are turned off only on purpose: with the `usdt` crate's default features off a
//! program keeps its probes, and with `--cfg usdt_disable_probes` it has none: no
//! `.note.stapsdt`, no `.probes` semaphores, no `.stapsdt.base`, and its closures never run,
//! even under a tracer.

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

/// The fixture with probes turned off (`--cfg usdt_disable_probes`).
fn fixture() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build_fixture(true)).clone()
}

/// Build the fixture (default features off), with probes turned off or not, each in a
/// target directory of its own (their RUSTFLAGS differ).
fn build_fixture(disabled: bool) -> PathBuf {
    let dir = tests_dir().join("fixtures-nofeature");
    let target =
        nested_target_dir(Path::new(FIXTURE)).join(if disabled { "disabled" } else { "nofeature" });
    let mut cmd = cargo(&dir, &target);
    cmd.args(["build", "--quiet"]);
    if disabled {
        cmd.env("RUSTFLAGS", "--cfg usdt_disable_probes");
    } else {
        cmd.env_remove("RUSTFLAGS");
    }
    build(&mut cmd).unwrap();
    target.join("debug").join("usdt-nofeature-fixture")
}

#[test]
fn default_features_off_keeps_the_probes() {
    let elf = Elf::open(&build_fixture(false)).unwrap();
    let names = elf.section_names().unwrap();
    for present in [".note.stapsdt", ".probes", ".stapsdt.base"] {
        assert!(
            names.iter().any(|n| n == present),
            "{present} is missing: {names:?}"
        );
    }
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
