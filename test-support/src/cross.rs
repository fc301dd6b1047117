//! Objects of workspace packages built for other targets (the DTrace platforms), read by the
//! tests without being linked or run.
//!
//! Each (package, target, `--cfg`) is built once per test binary, in release mode, with a
//! nested `cargo rustc ... --emit=obj` into `<target dir>/cross` (`cross-CFG` with a cfg), a
//! directory every test crate shares, so cargo builds each object once. Linking is a no-op
//! (`-C linker=true`): this machine has no illumos or macOS libraries, and only the object
//! is wanted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use crate::paths::{target_dir, workspace_root};
use crate::skip::skip;

/// illumos on x86_64.
pub const ILLUMOS: &str = "x86_64-unknown-illumos";
/// FreeBSD on x86_64.
pub const FREEBSD: &str = "x86_64-unknown-freebsd";
/// macOS on x86_64.
pub const DARWIN_X86_64: &str = "x86_64-apple-darwin";
/// macOS on aarch64.
pub const DARWIN_AARCH64: &str = "aarch64-apple-darwin";

/// The rustc of this toolchain.
fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string())
}

/// Whether the Rust standard library for `target` is installed.
pub fn rust_target_installed(target: &str) -> bool {
    let out = Command::new(rustc())
        .args(["--print", "target-libdir", "--target", target])
        .output();
    let Ok(out) = out else { return false };
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    out.status.success()
        && std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
        })
}

/// The object file of `package` built for `target`, with `--cfg CFG` given to every crate
/// when `cfg` is set; `None`, after [`skip`]ping, when it cannot be built (the target is
/// not installed). A build that fails for another reason fails the test.
pub fn cross_object(package: &str, target: &str, cfg: Option<&str>) -> Option<PathBuf> {
    /// A package, a target, a cfg, and its object or why there is none.
    type Built = (String, String, Option<String>, Result<PathBuf, String>);
    static BUILT: OnceLock<Mutex<Vec<Built>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let key = (
        package.to_string(),
        target.to_string(),
        cfg.map(String::from),
    );
    let result = match built
        .iter()
        .find(|(p, t, c, _)| (p, t, c) == (&key.0, &key.1, &key.2))
    {
        Some((.., result)) => result.clone(),
        None => {
            let result = build(package, target, cfg);
            built.push((key.0, key.1, key.2, result.clone()));
            result
        }
    };
    match result {
        Ok(path) => Some(path),
        Err(reason) => {
            skip(&reason);
            None
        }
    }
}

/// Builds the object, or says why the target cannot be built for.
fn build(package: &str, target: &str, cfg: Option<&str>) -> Result<PathBuf, String> {
    if !rust_target_installed(target) {
        return Err(format!("the Rust target {target} is not installed"));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let dir = match cfg {
        None => target_dir().join("cross"),
        Some(cfg) => target_dir().join(format!("cross-{cfg}")),
    };
    let mut cmd = Command::new(cargo);
    if let Some(cfg) = cfg {
        cmd.env("RUSTFLAGS", format!("--cfg {cfg}"));
    }
    let out = cmd
        .current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", &dir)
        .args(["rustc", "-p", package, "--target", target])
        .args(["--release", "--", "--emit=obj", "-C", "linker=true"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        out.status.success(),
        "building {package} for {target} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    newest_object(&dir.join(target).join("release/deps"), package)
}

/// The crate's object in `deps`: `name-HASH.o` (codegen units end in `.rcgu.o`), the newest
/// when several hashes are there.
fn newest_object(deps: &Path, package: &str) -> Result<PathBuf, String> {
    let prefix = format!("{}-", package.replace('-', "_"));
    std::fs::read_dir(deps)
        .map_err(|e| format!("{}: {e}", deps.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".o") && !name.contains(".rcgu.")
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .ok_or_else(|| format!("no object of {package} in {}", deps.display()))
}
