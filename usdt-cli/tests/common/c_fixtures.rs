//! The C fixtures of `tests/fixtures`, built once per test binary with gcc and
//! `<sys/sdt.h>` into the test's scratch directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use test_support::skip;

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
