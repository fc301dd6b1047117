//! Our probes held against C's `<sys/sdt.h>` by `../shared/tools/sdtcheck.py`, for its own
//! example case and for ours in `tests/cases/`: notes, bpftrace's and gdb's readings,
//! evaluations and the probe instruction must all equal C's.
//!
//! sdtcheck types every argument by its C type as an integer or a string, so `bool`,
//! `float`, `double` and pointers cannot be expressed in a case; `fixtures/types.d` covers
//! them instead.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use usdt_tests::nested::{nested_target_dir, shared_tool, tests_dir, workspace_root};
use usdt_tests::require_tracers;
use usdt_tests::run::run;
use usdt_tests::tracers::tool_available;

/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

/// sdtcheck copies its build out of one shared target directory: one case at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Run sdtcheck on `case` (with `env` added), requiring exit 0.
fn sdtcheck(case: &Path, env: &[(&str, &str)]) {
    let Some(script) = shared_tool("sdtcheck.py") else {
        // A file outside the repository, which a fresh clone does not have: not a missing
        // tracer, so never a failure.
        println!("skipping: sdtcheck.py is not in ../shared/tools");
        return;
    };
    if !require_tracers(&["bpftrace", "gdb"]) || !tool_available("dtrace") || !tool_available("gcc")
    {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let name = case.file_stem().and_then(|s| s.to_str()).unwrap_or("case");
    let nested = nested_target_dir(Path::new(FIXTURE));
    let suffix: String = env.iter().map(|(k, v)| format!("-{k}={v}")).collect();
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .arg(case)
        .current_dir(workspace_root())
        .env(
            "SDTCHECK_WORK",
            nested.join("sdtcheck").join(format!("{name}{suffix}")),
        )
        .env("SDTCHECK_TARGET", nested.join("sdtcheck-target"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd, Duration::from_secs(1800)).unwrap();
    assert!(
        out.status.success(),
        "sdtcheck {name}:\n{}\n{}",
        out.stdout,
        out.stderr
    );
}

fn ours(case: &str) {
    sdtcheck(&tests_dir().join("cases").join(case), &[]);
}

#[test]
fn the_shared_basic_case() {
    let Some(basic) = shared_tool("cases/basic.json") else {
        println!("skipping: the shared tools' cases/basic.json is missing");
        return;
    };
    sdtcheck(&basic, &[]);
}

#[test]
fn every_integer_spelling() {
    ours("ints.json");
}

#[test]
fn intptr_and_uintptr() {
    ours("ptrints.json");
}

#[test]
fn every_string_spelling() {
    ours("strings.json");
}

#[test]
fn twelve_and_zero_arguments() {
    ours("arity.json");
}

#[test]
fn two_providers_double_underscores_and_named_parameters() {
    ours("shapes.json");
}
