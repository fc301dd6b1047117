//! The tracers the tests drive (bpftrace, gdb): how to run them and read what they print.
//! Whether a tool is usable here, and `readelf -n`'s notes, are `test_support`'s.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub use test_support::readelf::{parse_readelf_notes, readelf_notes, ReadelfNote};
pub use test_support::{find_tool, require_tracers, skip, tool_available, tracer_available};

use crate::run::{self, Output};
use crate::HarnessError;

/// How long a traced fixture may run.
pub const TRACE_LIMIT: Duration = Duration::from_secs(120);

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

#[cfg(test)]
mod tests {
    use super::*;

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
