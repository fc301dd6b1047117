//! Objects of workspace packages built for other targets (the DTrace platforms), read by the
//! tests without being run, as objects or linked by this machine's linkers.
//!
//! Each (package, target, profile, `--cfg`) is built once per test binary with a nested
//! `cargo rustc ... --emit=obj` into `<target dir>/cross` (`cross-CFG` with a cfg), a
//! directory every test crate shares, so cargo builds each object once. Linking is a no-op
//! (`-C linker=true`): this machine has no illumos or macOS libraries, and only the object
//! is wanted.

use std::collections::HashMap;
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

/// The profile of a cross build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `dev`: every site stays where the source put it.
    Debug,
    /// `release`: as users ship it (inlining may copy a site).
    Release,
}

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

/// The object file of `package` built for `target` in `profile`, with `--cfg CFG` given to
/// every crate when `cfg` is set; `None`, after [`skip`]ping, when it cannot be built (the
/// target is not installed). A build that fails for another reason fails the test.
pub fn cross_object(
    package: &str,
    target: &str,
    profile: Profile,
    cfg: Option<&str>,
) -> Option<PathBuf> {
    static BUILT: OnceLock<Mutex<HashMap<String, Result<PathBuf, String>>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let result = built
        .entry(format!("{package} {target} {profile:?} {cfg:?}"))
        .or_insert_with(|| build(package, target, profile, cfg))
        .clone();
    match result {
        Ok(path) => Some(path),
        Err(reason) => {
            skip(&reason);
            None
        }
    }
}

/// Builds the object, or says why the target cannot be built for.
fn build(
    package: &str,
    target: &str,
    profile: Profile,
    cfg: Option<&str>,
) -> Result<PathBuf, String> {
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
    cmd.current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", &dir)
        .args(["rustc", "-p", package, "--target", target]);
    if profile == Profile::Release {
        cmd.arg("--release");
    }
    let out = cmd
        .args(["--", "--emit=obj", "-C", "linker=true"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        out.status.success(),
        "building {package} for {target} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profile_dir = match profile {
        Profile::Debug => "debug",
        Profile::Release => "release",
    };
    newest_object(&dir.join(target).join(profile_dir).join("deps"), package)
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

/// Runs a tool that must succeed; `None`, after [`skip`]ping, when it is missing or fails.
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

/// Links an ELF `object` with GNU ld into `out`: a shared object, or an executable entered
/// at `main` with its undefined symbols (the target's libraries) left unresolved.
pub fn link_elf(object: &Path, out: &Path, shared: bool) -> Option<()> {
    let mut args: Vec<&std::ffi::OsStr> = if shared {
        vec!["-shared".as_ref()]
    } else {
        vec![
            "-e".as_ref(),
            "main".as_ref(),
            "--unresolved-symbols=ignore-all".as_ref(),
        ]
    };
    args.extend(["-o".as_ref(), out.as_os_str(), object.as_os_str()]);
    tool("ld", &args)
}

/// Links a Mach-O `object` for `arch` (`x86_64`, `arm64`) into `out` with the toolchain's
/// `rust-lld` as `ld64.lld`, its undefined symbols looked up at run time, adding `extra`
/// options (`-fixup_chains`).
pub fn link_macho(object: &Path, out: &Path, arch: &str, extra: &[&str]) -> Option<()> {
    let lld = rust_lld()?;
    let mut args: Vec<&std::ffi::OsStr> = [
        "-flavor",
        "darwin",
        "-arch",
        arch,
        "-platform_version",
        "macos",
        "12.0",
        "12.0",
        "-undefined",
        "dynamic_lookup",
        "-o",
    ]
    .into_iter()
    .map(std::ffi::OsStr::new)
    .collect();
    args.extend([out.as_os_str(), object.as_os_str()]);
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    tool(lld.to_str()?, &args)
}

/// The `rust-lld` of this toolchain, or `None` after [`skip`]ping.
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
