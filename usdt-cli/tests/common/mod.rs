//! Shared by the integration tests: building the C fixtures, running `usdt`, reading
//! `readelf -n`, and the skip-or-fail rule for missing tracing tools.
#![allow(dead_code)]

#[path = "../shared/mod.rs"]
mod shared;
// Each test binary uses some of these.
#[allow(unused_imports)]
pub use shared::{assert_clean_error, list_json, skip, usdt};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The C fixtures, built once per test binary.
pub struct Fixture {
    /// The fixture program (provider `fixture`, with semaphores), linked to `lib`.
    pub exe: PathBuf,
    /// libplain.so (provider `plain`, no semaphores).
    pub lib: PathBuf,
    /// A C++ program (provider `cxx`) whose probe sits in a namespaced method.
    pub cxx: PathBuf,
}

/// The directory of the fixtures of this test binary.
fn fixture_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let name = exe
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fixtures-{name}"))
}

/// The fixture sources.
fn source(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn compile(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Builds the fixtures, or returns why they cannot be built (no <sys/sdt.h> or compiler).
fn build() -> Result<Fixture, String> {
    let have_sdt = [
        "/usr/include/sys/sdt.h",
        "/usr/include/x86_64-linux-gnu/sys/sdt.h",
    ]
    .iter()
    .any(|p| Path::new(p).exists())
        || compile(
            "gcc",
            &[
                "-E",
                "-x",
                "c",
                "-include",
                "sys/sdt.h",
                "/dev/null",
                "-o",
                "/dev/null",
            ],
        )
        .is_ok();
    if !have_sdt {
        return Err("<sys/sdt.h> is missing (install systemtap-sdt-dev)".to_string());
    }
    let dir = fixture_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let lib = dir.join("libplain.so");
    let exe = dir.join("fixture");
    let cxx = dir.join("cxx");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    compile(
        "gcc",
        &[
            "-O2",
            "-fPIC",
            "-shared",
            "-o",
            &s(&lib),
            &s(&source("plain.c")),
        ],
    )?;
    compile(
        "gcc",
        &[
            "-O2",
            "-o",
            &s(&exe),
            &s(&source("fixture.c")),
            &format!("-L{}", dir.display()),
            "-lplain",
            "-Wl,-rpath,$ORIGIN",
        ],
    )?;
    compile("g++", &["-O2", "-o", &s(&cxx), &s(&source("cxx.cpp"))])?;
    Ok(Fixture { exe, lib, cxx })
}

/// The fixtures, or `None` after printing why they are skipped.
pub fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Result<Fixture, String>> = OnceLock::new();
    match FIXTURE.get_or_init(build) {
        Ok(f) => Some(f),
        Err(reason) => {
            skip(reason);
            None
        }
    }
}

/// One stapsdt note as `readelf -n` prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadelfNote {
    pub provider: String,
    pub name: String,
    pub location: u64,
    pub semaphore: u64,
    pub arguments: String,
}

/// The stapsdt notes of `path` according to `readelf -n`.
pub fn readelf_notes(path: &Path) -> Vec<ReadelfNote> {
    let out = Command::new("readelf")
        .arg("-n")
        .arg(path)
        .output()
        .expect("cannot run readelf");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let mut notes = Vec::new();
    let mut current: Option<ReadelfNote> = None;
    let hex = |s: &str| u64::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(v) = line.strip_prefix("Provider: ") {
            current = Some(ReadelfNote {
                provider: v.to_string(),
                name: String::new(),
                location: 0,
                semaphore: 0,
                arguments: String::new(),
            });
        } else if let (Some(v), Some(n)) = (line.strip_prefix("Name: "), current.as_mut()) {
            n.name = v.to_string();
        } else if let (Some(v), Some(n)) = (line.strip_prefix("Location: "), current.as_mut()) {
            for part in v.split(", ") {
                if let Some(x) = part.strip_prefix("Semaphore: ") {
                    n.semaphore = hex(x);
                } else if !part.starts_with("Base: ") {
                    n.location = hex(part);
                }
            }
        } else if let Some(v) = line.strip_prefix("Arguments:") {
            if let Some(mut n) = current.take() {
                n.arguments = v.trim().to_string();
                notes.push(n);
            }
        }
    }
    notes
}

/// True when we are root and `bpftrace` runs; otherwise prints the reason (or fails when
/// `USDT_REQUIRE_TRACER=1`).
pub fn bpftrace_usable() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        skip("bpftrace needs root");
        return false;
    }
    if Command::new("bpftrace").arg("--version").output().is_err() {
        skip("bpftrace is not installed");
        return false;
    }
    true
}
