//! The tracers and ELF tools the tests drive: whether they are usable here, and how to run
//! them and read what they print.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::run::{self, Output};
use crate::HarnessError;

/// How long a traced fixture may run.
pub const TRACE_LIMIT: Duration = Duration::from_secs(120);

/// Whether this process runs as root (the effective user id in `/proc/self/status`).
fn is_root() -> bool {
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

/// Whether tools that need root must be present (`USDT_REQUIRE_TRACER=1`).
fn required() -> bool {
    std::env::var("USDT_REQUIRE_TRACER").is_ok_and(|v| v == "1")
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

fn available(what: &str, why: Option<String>) -> bool {
    match why {
        None => true,
        Some(why) => {
            skip(&format!("{what} is unavailable: {why}"));
            false
        }
    }
}

/// Skip the rest of a test because `why`: prints `skipping: <why>`, or panics under
/// `USDT_REQUIRE_TRACER=1`, where nothing may be skipped.
pub fn skip(why: &str) {
    if required() {
        panic!("USDT_REQUIRE_TRACER=1 but {why}");
    }
    println!("skipping: {why}");
}

/// Whether the tracer `tool` (`bpftrace`, `gdb`, `perf`, `tplist-bpfcc`...) can be used:
/// this process is root and the tool is installed (and, for bpftrace, loads a program).
///
/// When it cannot, prints `skipping: <why>` and returns `false`, so the test can return
/// early and pass; but with `USDT_REQUIRE_TRACER=1` it panics instead, failing the test.
pub fn tracer_available(tool: &str) -> bool {
    available(tool, unusable(tool, true))
}

/// [`tracer_available`] for several tools at once.
pub fn require_tracers(tools: &[&str]) -> bool {
    tools.iter().all(|t| tracer_available(t))
}

/// Whether a tool that needs no privilege (`readelf`, `qemu-aarch64`...) is installed;
/// like [`tracer_available`] otherwise (skips, or panics under `USDT_REQUIRE_TRACER=1`).
pub fn tool_available(tool: &str) -> bool {
    available(tool, unusable(tool, false))
}

/// What `bpftrace -c` printed: the script's lines, and the fixture's `evaluations=N`.
#[derive(Debug, Clone)]
pub struct BpftraceRun {
    /// The lines the script printed, without bpftrace's own messages and the fixture's
    /// `evaluations=` line.
    pub lines: Vec<String>,
    /// The fixture's `evaluations=N`, if it printed one.
    pub evaluations: Option<usize>,
    /// All of it, for messages.
    pub raw: Output,
}

/// bpftrace's own messages, which are not the script's output.
fn is_bpftrace_noise(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("Attaching ")
        || line.contains("RLIMIT_MEMLOCK")
        || line.contains("failed to detach")
        || line.starts_with("WARNING")
}

/// The `N` of an `evaluations=N` line among `lines`.
pub fn evaluations_in<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    lines.into_iter().find_map(|l| {
        l.trim()
            .strip_prefix("evaluations=")
            .and_then(|n| n.parse().ok())
    })
}

/// Run `bpftrace -e SCRIPT -c "BIN ARGS"` (with `env` added to bpftrace's environment) and
/// collect what the script printed.
pub fn bpftrace(
    script: &str,
    bin: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<BpftraceRun, HarnessError> {
    let mut cmdline = bin.display().to_string();
    for a in args {
        cmdline.push(' ');
        cmdline.push_str(a);
    }
    let mut cmd = Command::new("bpftrace");
    cmd.args(["-e", script, "-c", &cmdline]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    // Not `success()`: bpftrace may exit non-zero over messages that are not the test's
    // business (a probe it failed to detach); what the script printed is what counts, and
    // a failure shows in the assertions on it, with `raw` in the message.
    let raw = run::run(&mut cmd, TRACE_LIMIT)?;
    Ok(parse_bpftrace(raw))
}

/// Split bpftrace's stdout into the script's lines and the fixture's evaluation count.
pub fn parse_bpftrace(raw: Output) -> BpftraceRun {
    let evaluations = evaluations_in(raw.stdout.lines());
    let lines = raw
        .stdout
        .lines()
        .filter(|l| !is_bpftrace_noise(l) && !l.starts_with("evaluations="))
        .map(str::to_owned)
        .collect();
    BpftraceRun {
        lines,
        evaluations,
        raw,
    }
}

/// Run gdb in batch mode on `bin ARGS` with `script` (gdb commands, which should `run`),
/// and return the lines of stdout that start with `@@` (the marker the tests' `printf`s
/// use), marker removed.
pub fn gdb(bin: &Path, args: &[&str], script: &str) -> Result<(Vec<String>, Output), HarnessError> {
    let dir = std::env::temp_dir();
    let file = dir.join(format!(
        "usdt-tests-{}-{}.gdb",
        std::process::id(),
        GDB_SCRIPTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    // `set language c`: in a Rust frame gdb would parse `(char *) $_probe_arg0` as Rust.
    let mut text = String::from(
        "set pagination off\nset confirm off\nset print thread-events off\nset language c\n",
    );
    text.push_str(script);
    std::fs::write(&file, text).map_err(|source| HarnessError::Io {
        path: file.clone(),
        source,
    })?;
    let mut cmd = Command::new("gdb");
    cmd.arg("-q")
        .arg("-batch")
        .arg("-x")
        .arg(&file)
        .arg("--args")
        .arg(bin)
        .args(args);
    let out = run::run(&mut cmd, TRACE_LIMIT);
    let _ = std::fs::remove_file(&file);
    let out = out?;
    let lines = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("@@"))
        .map(str::to_owned)
        .collect();
    Ok((lines, out))
}

static GDB_SCRIPTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One `.note.stapsdt` entry as `readelf -n` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadelfNote {
    /// The provider.
    pub provider: String,
    /// The probe name.
    pub name: String,
    /// The probe's address.
    pub location: u64,
    /// The semaphore's address (0 for none).
    pub semaphore: u64,
    /// The argument string, split at spaces (`-4@%rax`, `8@x1`).
    pub args: Vec<String>,
}

/// The SystemTap notes of `bin`, as `readelf -n` prints them.
pub fn readelf_notes(bin: &Path) -> Result<Vec<ReadelfNote>, HarnessError> {
    let mut cmd = Command::new("readelf");
    cmd.arg("-nW").arg(bin);
    let out = run::run(&mut cmd, Duration::from_secs(60))?.success(&cmd)?;
    parse_readelf_notes(&out.stdout)
}

/// Parse the stapsdt entries of `readelf -n` output.
pub fn parse_readelf_notes(text: &str) -> Result<Vec<ReadelfNote>, HarnessError> {
    let mut notes = Vec::new();
    let mut cur: Option<ReadelfNote> = None;
    let hex =
        |s: &str| u64::from_str_radix(s.trim().trim_start_matches("0x").trim_end_matches(','), 16);
    for line in text.lines().map(str::trim) {
        // With `-W` the provider shares the line of the note's header.
        let line = line
            .find("Provider:")
            .and_then(|i| line.get(i..))
            .unwrap_or(line);
        if let Some(p) = line.strip_prefix("Provider:") {
            let next = ReadelfNote {
                provider: p.trim().to_owned(),
                name: String::new(),
                location: 0,
                semaphore: 0,
                args: Vec::new(),
            };
            notes.extend(cur.replace(next));
        } else if let Some(note) = cur.as_mut() {
            if let Some(n) = line.strip_prefix("Name:") {
                note.name = n.trim().to_owned();
            } else if let Some(rest) = line.strip_prefix("Location:") {
                // `Location: 0x..., Base: 0x..., Semaphore: 0x...`
                let fields: Vec<&str> = rest.split(',').collect();
                let field = |i: usize, label: &str| {
                    fields
                        .get(i)
                        .map(|f| f.trim().trim_start_matches(label).trim())
                        .ok_or_else(|| {
                            HarnessError::Parse(format!("readelf location line: {line}"))
                        })
                };
                note.location =
                    hex(field(0, "")?).map_err(|e| HarnessError::Parse(format!("{line}: {e}")))?;
                note.semaphore = hex(field(2, "Semaphore:")?)
                    .map_err(|e| HarnessError::Parse(format!("{line}: {e}")))?;
            } else if let Some(a) = line.strip_prefix("Arguments:") {
                note.args = a.split_whitespace().map(str::to_owned).collect();
                notes.extend(cur.take());
            }
        }
    }
    // A probe without arguments has an empty `Arguments:` line, or none at all.
    notes.extend(cur);
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readelf_notes_are_parsed_wide_or_not() {
        let text = "\
Displaying notes found in: .note.stapsdt
  Owner                Data size \tDescription
  stapsdt              0x0000002b\tNT_STAPSDT (SystemTap probe descriptors)\t    Provider: sites
    Name: inlined
    Location: 0x0000000000009668, Base: 0x0000000000047d52, Semaphore: 0x0000000000071002
    Arguments: 4@x8
  stapsdt              0x00000029\tNT_STAPSDT (SystemTap probe descriptors)
    Provider: types
    Name: zero
    Location: 0x0000000000000010, Base: 0x0000000000000020, Semaphore: 0x0000000000000030
    Arguments: 
  stapsdt              0x00000029\tNT_STAPSDT (SystemTap probe descriptors)
    Provider: types
    Name: two
    Location: 0x0000000000000011, Base: 0x0000000000000020, Semaphore: 0x0000000000000000
    Arguments: -4@%rax 8@%r14
";
        let notes = parse_readelf_notes(text).unwrap();
        assert_eq!(notes.len(), 3);
        assert_eq!(
            (notes[0].provider.as_str(), notes[0].name.as_str()),
            ("sites", "inlined")
        );
        assert_eq!((notes[0].location, notes[0].semaphore), (0x9668, 0x71002));
        assert_eq!(notes[0].args, ["4@x8"]);
        assert!(notes[1].args.is_empty());
        assert_eq!(notes[2].args, ["-4@%rax", "8@%r14"]);
    }

    #[test]
    fn bpftrace_noise_and_evaluations_are_set_apart() {
        let raw = Output {
            status: std::process::ExitStatus::default(),
            stdout: "Attaching 2 probes...\nx 1\nevaluations=7\n\nWARNING: failed to detach probe\ny 2\n".into(),
            stderr: String::new(),
        };
        let run = parse_bpftrace(raw);
        assert_eq!(run.lines, ["x 1", "y 2"]);
        assert_eq!(run.evaluations, Some(7));
    }
}
