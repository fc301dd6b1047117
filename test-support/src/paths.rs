//! Where things are: the workspace, the target directory of the running test, and the shared
//! test material beside the checkout.

use std::path::{Path, PathBuf};

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    let this = Path::new(env!("CARGO_MANIFEST_DIR"));
    this.parent().unwrap_or(this).to_path_buf()
}

/// The target directory the running test was built in: `…/target` for
/// `…/target/debug/deps/name-HASH` (`…/target/TRIPLE` when built with `--target`).
pub fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// `relative` inside the shared test material (`sdtcheck.py`, the provider corpus): under
/// `$USDT_SHARED` if set, else `../shared` beside the checkout.
///
/// `None` when it is absent, as in a user's clone of the repository: tests then print why and
/// pass. The project's own CI has it beside its clone and sets `USDT_REQUIRE_SHARED=1`
/// (`.ci/run`), under which its absence fails the test instead.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("USDT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    let path = dir.join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        !shared_required(),
        "USDT_REQUIRE_SHARED=1 but the shared test material is missing: {}",
        path.display()
    );
    None
}

/// Whether the shared test material must be there: `USDT_REQUIRE_SHARED=1`.
fn shared_required() -> bool {
    std::env::var("USDT_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}
