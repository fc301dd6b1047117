//! What the CLI's test binaries share: running the `usdt` binary, what a clean failure of it
//! looks like, the C fixtures, and a scratch directory. The skip-or-fail rule and the
//! cross-built (and linked) objects are the workspace's `test-support` crate.
#![allow(dead_code)] // each test binary uses some of these

pub mod c_fixtures;

use std::path::{Path, PathBuf};

use std::process::{Command, Output};
use test_support::cross::{cross_object, Profile};

#[allow(unused_imports)] // each test binary uses some of these
pub use c_fixtures::fixture;

/// The object of `probe-test-macro` built for `target`, or `None` after saying why not
/// (see [`test_support::cross`]).
pub fn object(target: &str) -> Option<PathBuf> {
    cross_object("probe-test-macro", target, Profile::Release, None)
}

/// A scratch file of this test crate.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("usdt-cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs the `usdt` binary.
pub fn usdt<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_usdt"))
        .args(args)
        .output()
        .expect("cannot run usdt")
}

/// Asserts a failed run whose stderr is one `usdt: error:` line holding `needles`.
pub fn assert_clean_error(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("usdt: error: "), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    }
}

/// Runs `usdt list --json ARGS...`, which must succeed, and returns the parsed array.
pub fn list_json<I, S>(args: I) -> Vec<serde_json::Value>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut all: Vec<std::ffi::OsString> = vec!["list".into(), "--json".into()];
    all.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
    let out = usdt(&all);
    assert!(
        out.status.success(),
        "usdt {all:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("usdt list --json prints a JSON array")
}
