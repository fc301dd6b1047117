//! Objects of `probe-test-macro` (and of `fixture-dtrace`) built for the DTrace platforms,
//! and tools to link them.
//!
//! Each package and target is built once with a nested `cargo rustc ... --emit=obj` into
//! `<target dir>/cli-cross`. Linking is turned into a no-op (`-C linker=true`): this machine
//! has no illumos or macOS libraries, and only the object is wanted.
#![allow(dead_code)]

#[path = "../shared/mod.rs"]
mod shared;
// Each test binary uses some of these.
#[allow(unused_imports)]
pub use shared::{assert_clean_error, list_json, skip, usdt};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The DTrace targets the tests build `probe-test-macro` for.
pub const ILLUMOS: &str = "x86_64-unknown-illumos";
/// FreeBSD on x86_64.
pub const FREEBSD: &str = "x86_64-unknown-freebsd";
/// macOS on x86_64.
pub const DARWIN_X86_64: &str = "x86_64-apple-darwin";
/// macOS on aarch64.
pub const DARWIN_AARCH64: &str = "aarch64-apple-darwin";

/// The target directory of this build (parent of `CARGO_TARGET_TMPDIR`).
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// A scratch directory for files the tests make.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dtrace");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The rustc of this toolchain.
fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string())
}

/// True when the standard library for `target` is installed.
fn target_installed(target: &str) -> bool {
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

/// Builds `package` for `target` into an object file, with `cfg` given to every crate
/// (`--cfg`, in a target directory of its own), or says why it cannot.
fn build(package: &str, target: &str, cfg: Option<&str>) -> Result<PathBuf, String> {
    if !target_installed(target) {
        return Err(format!("the Rust target {target} is not installed"));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let cross = match cfg {
        None => target_dir().join("cli-cross"),
        Some(cfg) => target_dir().join(format!("cli-cross-{cfg}")),
    };
    let mut cmd = Command::new(cargo);
    if let Some(cfg) = cfg {
        cmd.env("RUSTFLAGS", format!("--cfg {cfg}"));
    }
    let out = cmd
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &cross)
        .args(["rustc", "-p", package, "--target", target])
        .args(["--release", "--", "--emit=obj", "-C", "linker=true"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building {package} for {target} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // The crate's object is `probe_test_macro-HASH.o`; codegen units end in `.rcgu.o`.
    let deps = cross.join(target).join("release/deps");
    let prefix = format!("{}-", package.replace('-', "_"));
    let newest = std::fs::read_dir(&deps)
        .map_err(|e| format!("{}: {e}", deps.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".o") && !name.contains(".rcgu.")
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
    newest.ok_or_else(|| format!("no object for {target} in {}", deps.display()))
}

/// A package, a target, a `--cfg` and its object, or why it could not be built.
type Built = (String, String, Option<String>, Result<PathBuf, String>);

/// The object of `probe-test-macro` for `target`, built once per test binary; `None` (after
/// saying why) when it cannot be built.
pub fn object(target: &str) -> Option<PathBuf> {
    package_object("probe-test-macro", target)
}

/// [`object`] for another package of the workspace.
pub fn package_object(package: &str, target: &str) -> Option<PathBuf> {
    package_object_with(package, target, None)
}

/// [`package_object`] built with `--cfg CFG` given to every crate.
pub fn package_object_with(package: &str, target: &str, cfg: Option<&str>) -> Option<PathBuf> {
    static BUILT: OnceLock<Mutex<Vec<Built>>> = OnceLock::new();
    let built = BUILT.get_or_init(|| Mutex::new(Vec::new()));
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    let cfg_owned = cfg.map(str::to_string);
    let result = match built
        .iter()
        .find(|(p, t, c, _)| p == package && t == target && *c == cfg_owned)
    {
        Some((_, _, _, result)) => result.clone(),
        None => {
            let result = build(package, target, cfg);
            built.push((
                package.to_string(),
                target.to_string(),
                cfg_owned,
                result.clone(),
            ));
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

/// Runs a tool, returning `None` (after saying why) when it is missing or fails.
pub fn tool(program: &str, args: &[&std::ffi::OsStr]) -> Option<()> {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => Some(()),
        Ok(out) => {
            skip(&format!(
                "{program} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            None
        }
        Err(e) => {
            skip(&format!("cannot run {program}: {e}"));
            None
        }
    }
}

/// The `rust-lld` of this toolchain, which links Mach-O files as `ld64.lld`.
pub fn rust_lld() -> Option<PathBuf> {
    let sysroot = Command::new(rustc())
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let found = std::fs::read_dir(sysroot.join("lib/rustlib"))
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin/rust-lld"))
        .find(|p| p.exists());
    if found.is_none() {
        skip("rust-lld is not in the toolchain");
    }
    found
}
