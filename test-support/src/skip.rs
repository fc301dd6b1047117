//! The skip-or-fail rule: a test whose tool, privilege or cross toolchain is missing says why
//! and passes, unless `USDT_REQUIRE_TRACER=1` (which `scripts/test` sets), where it fails.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::run;

/// Whether missing tools must fail the tests: `USDT_REQUIRE_TRACER=1`.
pub fn tracer_required() -> bool {
    std::env::var("USDT_REQUIRE_TRACER").is_ok_and(|v| v == "1")
}

/// Skips the rest of a test because of `why`: prints `skipping: <why>`, or panics under
/// `USDT_REQUIRE_TRACER=1`, where nothing may be skipped.
///
/// Material outside the repository (`../shared`) is not a missing tool: tests that need it
/// print their own message and return, unless `USDT_REQUIRE_SHARED=1`
/// ([`shared_path`](crate::shared_path)).
pub fn skip(why: &str) {
    assert!(!tracer_required(), "USDT_REQUIRE_TRACER=1 but {why}");
    println!("skipping: {why}");
}

/// Whether this process runs as root (the effective user id in `/proc/self/status`).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

/// The executable `tool` in `PATH`, if any.
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

/// Whether the tracer `tool` (`bpftrace`, `gdb`, `perf`, `tplist-bpfcc`...) can be used:
/// this process is root and the tool is installed (and, for bpftrace, loads a program).
///
/// When it cannot, [`skip`]s (prints why and returns `false`, or panics under
/// `USDT_REQUIRE_TRACER=1`).
pub fn tracer_available(tool: &str) -> bool {
    available(tool, unusable(tool, true))
}

/// [`tracer_available`] for several tools at once.
pub fn require_tracers(tools: &[&str]) -> bool {
    tools.iter().all(|t| tracer_available(t))
}

/// Whether a tool that needs no privilege (`readelf`, `qemu-aarch64`...) is installed;
/// like [`tracer_available`] otherwise.
pub fn tool_available(tool: &str) -> bool {
    available(tool, unusable(tool, false))
}

fn available(what: &str, why: Option<String>) -> bool {
    match why {
        None => true,
        Some(why) => {
            skip(&format!("{what} is unavailable: {why}"));
            false
        }
    }
}

/// Why `tool` cannot be used here, or `None` when it can. Checked once per tool.
fn unusable(tool: &str, needs_root: bool) -> Option<String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = format!("{tool}:{needs_root}");
    if let Ok(map) = cache.lock() {
        if let Some(known) = map.get(&key) {
            return known.clone();
        }
    }
    let why = if needs_root && !is_root() {
        Some(format!("{tool} needs root"))
    } else if find_tool(tool).is_none() {
        Some(format!("{tool} is not installed"))
    } else if tool == "bpftrace" {
        // Installed is not enough: the kernel may refuse BPF (containers, lockdown).
        let probe = run::run(
            Command::new("bpftrace").args(["-e", "BEGIN { printf(\"ready\\n\"); exit(); }"]),
            Duration::from_secs(60),
        );
        match probe {
            Ok(out) if out.stdout.contains("ready") => None,
            Ok(out) => Some(format!(
                "bpftrace cannot load programs here: {}",
                out.stderr.trim()
            )),
            Err(e) => Some(format!("bpftrace cannot run: {e}")),
        }
    } else {
        None
    };
    if let Ok(mut map) = cache.lock() {
        map.insert(key, why.clone());
    }
    why
}
