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
/// `$USDT_SHARED` if set, else `../shared` beside the checkout. `None` when it is absent,
/// which a fresh clone may be: tests then print why and pass, never fail.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("USDT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    let path = dir.join(relative);
    path.exists().then_some(path)
}
