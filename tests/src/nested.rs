//! Builds the tests make themselves: another target, another profile, or a crate outside
//! the workspace. They all share one target directory, `nested/` inside the target
//! directory the tests were built in, so each dependency is compiled once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub use test_support::cross::rust_target_installed;
pub use test_support::workspace_root;

use crate::run::{self, Output};
use crate::HarnessError;

/// How long one nested build may take on a busy machine.
const BUILD_LIMIT: Duration = Duration::from_secs(1800);

/// The `tests/` directory of the workspace.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The target directory a fixture binary was built in (`…/target` for
/// `…/target/debug/fx_tiny`).
pub fn target_dir_of(fixture: &Path) -> PathBuf {
    fixture
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The target directory of nested builds, next to the profiles of the outer one.
pub fn nested_target_dir(fixture: &Path) -> PathBuf {
    target_dir_of(fixture).join("nested")
}

/// A `cargo` command (the one running the tests, when known) in `dir`, building into
/// `target_dir`.
pub fn cargo(dir: &Path, target_dir: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(dir).env("CARGO_TARGET_DIR", target_dir);
    cmd
}

/// Run a cargo build `cmd`, requiring success.
pub fn build(cmd: &mut Command) -> Result<Output, HarnessError> {
    let out = run::run(cmd, BUILD_LIMIT)?;
    out.success(cmd)
}

/// Build the fixture binary `name` of this crate with the release profile, in the nested
/// target directory (`fixture` is any debug fixture, to find it), and return its path.
pub fn release_fixture(name: &str, fixture: &Path) -> Result<PathBuf, HarnessError> {
    let target = nested_target_dir(fixture);
    build(cargo(&workspace_root(), &target).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "usdt-tests",
        "--bin",
        name,
    ]))?;
    Ok(target.join("release").join(name))
}

/// A script of the shared tools (`semcheck.py`, `sdtcheck.py`, `cases/...`) in
/// `../shared/tools`; `None` when absent (see [`test_support::shared_path`]).
pub fn shared_tool(name: &str) -> Option<PathBuf> {
    test_support::shared_path(&format!("tools/{name}"))
}

/// Build the workspace's example `probe-test-macro` (debug) in the nested target directory
/// and return its path.
pub fn example_binary(fixture: &Path) -> Result<PathBuf, HarnessError> {
    let target = nested_target_dir(fixture);
    build(cargo(&workspace_root(), &target).args(["build", "--quiet", "-p", "probe-test-macro"]))?;
    Ok(target.join("debug").join("probe-test-macro"))
}
