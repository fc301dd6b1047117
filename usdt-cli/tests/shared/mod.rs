//! What every test binary of the CLI uses, whatever its fixtures: the skip rule, running
//! the `usdt` binary, and what a clean failure of it looks like.

#![allow(dead_code)] // each test binary uses some of these

use std::process::{Command, Output};

/// True when the environment asks that missing tracing tools fail the tests.
pub fn tracer_required() -> bool {
    std::env::var("USDT_REQUIRE_TRACER").is_ok_and(|v| v == "1")
}

/// Prints why a test is skipped, or fails it when `USDT_REQUIRE_TRACER=1`.
pub fn skip(reason: &str) {
    assert!(!tracer_required(), "USDT_REQUIRE_TRACER=1 but {reason}");
    eprintln!("skipped: {reason}");
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
