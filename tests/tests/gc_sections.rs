//! Notes go with their code: `fixture-gc` (a library crate whose probes sit in functions its
//! binary never calls, in inlined and in generic functions) linked with lld (rustc's
//! default), GNU ld and mold, in debug and release, without LTO and with thin and fat LTO.
//! In every build each `gc` note must point at a probe's 5-byte NOP inside a function of an
//! executable segment, and a note must exist exactly when the code it describes does.
//!
//! lld and GNU ld drop the functions the binary never calls, and their notes with them
//! (`SHF_LINK_ORDER`). mold never drops a note (it keeps every non-allocated section), so
//! there each function with a probe is kept alive instead, and its note stays right; with
//! LTO, LLVM drops those functions and their notes before any linker runs.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use usdt_tests::elf::Elf;
use usdt_tests::nested::{build, cargo, nested_target_dir, workspace_root};
use usdt_tests::tracers::{find_tool, skip};

/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

/// The 5-byte NOP of an x86_64 probe site.
const NOP5: [u8; 5] = [0x0f, 0x1f, 0x44, 0x00, 0x00];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Linker {
    /// rustc's default on x86_64 Linux: its own `rust-lld`, through `cc -fuse-ld=lld`.
    Lld,
    /// GNU ld (bfd).
    Bfd,
    /// mold.
    Mold,
}

impl Linker {
    fn name(self) -> &'static str {
        match self {
            Linker::Lld => "lld",
            Linker::Bfd => "bfd",
            Linker::Mold => "mold",
        }
    }

    /// The flags that make rustc link with this linker.
    fn flags(self) -> Vec<String> {
        match self {
            Linker::Lld => Vec::new(),
            other => vec![
                "-Clinker-features=-lld".into(),
                format!("-Clink-arg=-fuse-ld={}", other.name()),
            ],
        }
    }

    /// The program the flags select, which must be installed.
    fn program(self) -> Option<&'static str> {
        match self {
            Linker::Lld => None,
            Linker::Bfd => Some("ld.bfd"),
            Linker::Mold => Some("mold"),
        }
    }

    /// Whether `--gc-sections` drops the functions the binary never calls.
    fn drops_unused_probe_functions(self) -> bool {
        self != Linker::Mold
    }
}

/// Builds `fixture-gc` with `linker`, in debug or release, with `lto` (`None` for no LTO,
/// or `thin`/`fat`), and returns a copy of the binary.
///
/// The dependencies are built once per profile with their bitcode (`-Cembed-bitcode=yes`),
/// so that only the binary itself is compiled again for each linker and LTO mode.
fn build_fixture(linker: Linker, release: bool, lto: Option<&str>) -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _serial = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let target = nested_target_dir(Path::new(FIXTURE)).join("gc");
    let mut cmd = cargo(&workspace_root(), &target);
    cmd.env("RUSTFLAGS", "-Cembed-bitcode=yes").args([
        "rustc",
        "--quiet",
        "-p",
        "fixture-gc",
        "--bin",
        "fixture-gc",
    ]);
    if release {
        cmd.arg("--release");
    }
    cmd.arg("--").args(linker.flags());
    if let Some(lto) = lto {
        cmd.arg(format!("-Clto={lto}"));
    }
    build(&mut cmd).unwrap();
    let profile = if release { "release" } else { "debug" };
    let copy = target.join(format!(
        "fixture-gc-{}-{profile}-{}",
        linker.name(),
        lto.unwrap_or("nolto")
    ));
    std::fs::copy(target.join(profile).join("fixture-gc"), &copy).unwrap();
    copy
}

/// The `gc` notes of `bin` hold their promises; returns what is wrong, one line each.
fn problems(bin: &Path, linker: Linker, lto: Option<&str>) -> Vec<String> {
    let elf = Elf::open(bin).unwrap();
    let exec = elf.executable_ranges().unwrap();
    let notes: Vec<_> = elf
        .notes()
        .unwrap()
        .into_iter()
        .filter(|n| n.provider == "gc")
        .collect();
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for note in &notes {
        let at = format!("gc:{} at {:#x}", note.name, note.pc);
        if !exec.iter().any(|r| r.contains(&note.pc)) {
            wrong.push(format!("{at}: not in an executable segment"));
            continue;
        }
        if elf.bytes_at(note.pc, 5).ok().as_deref() != Some(&NOP5[..]) {
            wrong.push(format!("{at}: not on a probe NOP"));
        }
        match elf.function_at(note.pc).unwrap() {
            None => wrong.push(format!("{at}: in no function")),
            Some(f) => seen.push((note.name.clone(), f)),
        }
        if note.semaphore == 0 {
            wrong.push(format!("{at}: no semaphore"));
        }
        if notes.iter().filter(|n| n.pc == note.pc).count() > 1 {
            wrong.push(format!("{at}: more than one note for one site"));
        }
    }
    let count = |probe: &str| seen.iter().filter(|(n, _)| n == probe).count();
    let functions = elf.function_names().unwrap();
    let has = |name: &str| functions.iter().any(|f| f.contains(name));
    // The probes of functions that are present have their notes, and only those.
    let unused_kept = has("never_called17h");
    let unused_inliner_kept = has("never_called_inliner");
    if count("unused") != usize::from(unused_kept) {
        wrong.push(format!(
            "gc:unused has {} notes, never_called is {}",
            count("unused"),
            if unused_kept { "present" } else { "dropped" }
        ));
    }
    if (count("unused_inline") > 0) != (unused_inliner_kept || has("inlined_unused")) {
        wrong.push(format!(
            "gc:unused_inline has {} notes, its functions are {}",
            count("unused_inline"),
            if unused_inliner_kept {
                "present"
            } else {
                "dropped"
            }
        ));
    }
    if linker.drops_unused_probe_functions() && (unused_kept || unused_inliner_kept) {
        wrong.push("the functions the binary never calls were not dropped".into());
    }
    // (With LTO, LLVM drops them before any linker sees them.)
    if !linker.drops_unused_probe_functions() && lto.is_none() && !unused_kept {
        wrong.push("mold dropped never_called: its note should have kept it".into());
    }
    if count("used") != 1 {
        wrong.push(format!("gc:used has {} notes", count("used")));
    }
    if count("inlined") == 0 || count("generic") < 2 {
        wrong.push(format!(
            "gc:inlined has {} notes, gc:generic {} (one per instance)",
            count("inlined"),
            count("generic")
        ));
    }
    wrong
}

/// Builds and checks every profile and LTO mode with `linker`.
fn check_linker(linker: Linker) {
    if let Some(program) = linker.program() {
        if find_tool(program).is_none() {
            skip(&format!("{program} is not installed"));
            return;
        }
    }
    let mut wrong = Vec::new();
    for release in [false, true] {
        for lto in [None, Some("thin"), Some("fat")] {
            let bin = build_fixture(linker, release, lto);
            wrong.extend(
                problems(&bin, linker, lto)
                    .into_iter()
                    .map(|p| format!("{}: {p}", bin.display())),
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn notes_go_with_their_code_under_lld() {
    check_linker(Linker::Lld);
}

#[test]
fn notes_go_with_their_code_under_gnu_ld() {
    check_linker(Linker::Bfd);
}

#[test]
fn notes_go_with_their_code_under_mold() {
    check_linker(Linker::Mold);
}
