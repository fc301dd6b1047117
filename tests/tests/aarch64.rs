//! Linux on aarch64: fixtures cross-built for `aarch64-unknown-linux-gnu` carry notes with
//! aarch64 operands (`-4@x1`), one semaphore per probe, a `nop` at every site, and run under
//! qemu without evaluating any closure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use usdt_tests::elf::Elf;
use usdt_tests::nested::{build, cargo, nested_target_dir, rust_target_installed, workspace_root};
use usdt_tests::run::run;
use usdt_tests::tracers::{evaluations_in, readelf_notes, skip, tool_available, ReadelfNote};

const TARGET: &str = "aarch64-unknown-linux-gnu";
const LINKER: &str = "aarch64-linux-gnu-gcc";
/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

/// The cross-built fixtures' directory, or `None` (after saying why) when there is no
/// cross toolchain.
fn cross_built() -> Option<PathBuf> {
    if !tool_available(LINKER) || !tool_available("readelf") {
        return None;
    }
    if !rust_target_installed(TARGET) {
        skip(&format!("the Rust target {TARGET} is not installed"));
        return None;
    }
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let target_dir = nested_target_dir(Path::new(FIXTURE));
        let mut cmd = cargo(&workspace_root(), &target_dir);
        cmd.args(["build", "--quiet", "-p", "usdt-tests", "--target", TARGET])
            .args(["--bin", "fx_types", "--bin", "fx_sites"])
            .env("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", LINKER);
        build(&mut cmd).unwrap();
        target_dir.join(TARGET).join("debug")
    });
    Some(dir.clone())
}

fn notes(bin: &Path) -> Vec<ReadelfNote> {
    let notes = readelf_notes(bin).unwrap();
    assert!(!notes.is_empty(), "{} has no notes", bin.display());
    notes
}

#[test]
fn operands_are_aarch64_registers_with_declared_sizes() {
    let Some(dir) = cross_built() else { return };
    let notes = notes(&dir.join("fx_types"));
    let sizes = |name: &str| -> Vec<String> {
        let n = notes
            .iter()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("no note for {name}"));
        for a in &n.args {
            let reg = a.split_once('@').map(|(_, r)| r).unwrap_or("");
            let number = reg.strip_prefix('x').and_then(|n| n.parse::<u8>().ok());
            assert!(
                number.is_some_and(|n| n <= 30),
                "{name}: `{a}` is not a 64-bit register"
            );
        }
        n.args
            .iter()
            .map(|a| a.split('@').next().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(sizes("int8"), ["-1"; 4]);
    assert_eq!(sizes("uint16"), ["2"; 4]);
    assert_eq!(sizes("int32"), ["-4"; 4]);
    assert_eq!(sizes("c_ulong"), ["8"; 4]);
    assert_eq!(
        sizes("twelve"),
        ["-1", "1", "-2", "2", "-4", "4", "-8", "8", "8", "-1", "-8", "8"]
    );
    assert_eq!(sizes("real"), ["4f", "8f", "4f", "8f"]);
    assert!(sizes("zero").is_empty());
}

#[test]
fn one_semaphore_per_probe() {
    let Some(dir) = cross_built() else { return };
    let mut sems: BTreeMap<String, (usize, BTreeSet<u64>)> = BTreeMap::new();
    for n in notes(&dir.join("fx_sites")) {
        let e = sems.entry(n.name).or_default();
        e.0 += 1;
        e.1.insert(n.semaphore);
    }
    let mut all = BTreeSet::new();
    for (name, (sites, s)) in &sems {
        assert_eq!(*sites, 2, "{name}: {sems:x?}");
        assert_eq!(s.len(), 1, "{name}: {sems:x?}");
        assert!(!s.contains(&0), "{name} has no semaphore");
        all.extend(s.iter().copied());
    }
    assert_eq!(all.len(), 3, "{sems:x?}");
}

#[test]
fn every_site_is_a_nop() {
    let Some(dir) = cross_built() else { return };
    // `nop` is 0xd503201f, little-endian.
    for bin in ["fx_types", "fx_sites"] {
        let elf = Elf::open(&dir.join(bin)).unwrap();
        for n in elf.notes().unwrap() {
            assert_eq!(
                elf.bytes_at(n.pc, 4).unwrap(),
                [0x1f, 0x20, 0x03, 0xd5],
                "{bin}: {}",
                n.name
            );
        }
    }
}

#[test]
fn runs_under_qemu_without_evaluating_closures() {
    let Some(dir) = cross_built() else { return };
    if !tool_available("qemu-aarch64") {
        return;
    }
    for bin in ["fx_types", "fx_sites"] {
        let mut cmd = Command::new("qemu-aarch64");
        cmd.args(["-L", "/usr/aarch64-linux-gnu"])
            .arg(dir.join(bin));
        let out = run(&mut cmd, Duration::from_secs(120)).unwrap();
        assert!(
            out.status.success(),
            "{bin}: {}\n{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(
            evaluations_in(out.stdout.lines()),
            Some(0),
            "{bin}: {}",
            out.stdout
        );
    }
}
