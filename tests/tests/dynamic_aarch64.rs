//! `usdt-dynamic`'s unit tests built for Linux on aarch64 and run under qemu. Among them,
//! the DTrace stubs run there with a trap where the DOF document says DTrace traces them,
//! and each argument is read where `fasttrap` reads a probe's on aarch64 (`x0`-`x7`, then
//! `sp + 8 * (i - 8)`); the Linux backend's objects are built and loaded there too.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use usdt_tests::nested::{build, cargo, nested_target_dir, rust_target_installed, workspace_root};
use usdt_tests::run::run;
use usdt_tests::tracers::{skip, tool_available};

const TARGET: &str = "aarch64-unknown-linux-gnu";
const LINKER: &str = "aarch64-linux-gnu-gcc";
/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");
/// The test that runs the DTrace stubs, which must be among those that passed.
const STUBS_TEST: &str =
    "backend::stubs::tests::trap::arguments_are_where_fasttrap_reads_them_at_the_traced_instruction";

/// The unit test executable of `usdt-dynamic` built for aarch64, or `None` (after saying
/// why) when there is no cross toolchain.
fn cross_built_unit_tests() -> Option<PathBuf> {
    if !tool_available(LINKER) || !tool_available("qemu-aarch64") {
        return None;
    }
    if !rust_target_installed(TARGET) {
        skip(&format!("the Rust target {TARGET} is not installed"));
        return None;
    }
    let target_dir = nested_target_dir(Path::new(FIXTURE));
    let mut cmd = cargo(&workspace_root(), &target_dir);
    cmd.args(["test", "--no-run", "--quiet", "--message-format=json"])
        .args(["-p", "usdt-dynamic", "--lib", "--target", TARGET])
        .env("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", LINKER);
    let out = build(&mut cmd).unwrap();
    let executable = out
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find_map(|message| message["executable"].as_str().map(PathBuf::from));
    Some(executable.unwrap_or_else(|| panic!("cargo named no test executable: {}", out.stdout)))
}

#[test]
fn usdt_dynamic_unit_tests_pass_on_aarch64() {
    let Some(tests) = cross_built_unit_tests() else {
        return;
    };
    let mut cmd = Command::new("qemu-aarch64");
    cmd.args(["-L", "/usr/aarch64-linux-gnu"]).arg(&tests);
    let out = run(&mut cmd, Duration::from_secs(300)).unwrap();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!("{STUBS_TEST} ... ok")),
        "{}",
        out.stdout
    );
}
