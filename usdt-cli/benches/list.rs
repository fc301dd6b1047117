//! How long `usdt list` takes on a large binary: ~100 MB with 10,000 probe sites in 1,000
//! functions, timed by divan; the target is well under one second.
//!
//! Run with `cargo bench -p usdt-cli`. Needs gcc and <sys/sdt.h>; without them it says why
//! and does nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

const FUNCTIONS: usize = 1_000;
const PROBES_PER_FUNCTION: usize = 10;
const PADDING_BYTES: usize = 100 << 20;

/// A C file with FUNCTIONS × PROBES_PER_FUNCTION probe sites and a large initialized array.
fn source() -> String {
    let mut c = String::from("#include <sys/sdt.h>\n#include <stdint.h>\n");
    // Initialized, so it takes file space in .data.
    let _ = writeln!(
        c,
        "__attribute__((used)) char padding[{PADDING_BYTES}] = {{1}};"
    );
    for f in 0..FUNCTIONS {
        let _ = writeln!(
            c,
            "__attribute__((noinline)) void site_{f}(int32_t a, uint64_t b, int8_t c) {{"
        );
        for p in 0..PROBES_PER_FUNCTION {
            let n = f * PROBES_PER_FUNCTION + p;
            let _ = match p % 3 {
                0 => writeln!(c, "  DTRACE_PROBE(bench, probe_{n});"),
                1 => writeln!(c, "  DTRACE_PROBE2(bench, probe_{n}, a, b);"),
                _ => writeln!(c, "  DTRACE_PROBE3(bench, probe_{n}, c, b, a);"),
            };
        }
        c.push_str("}\n");
    }
    c.push_str("int main(void) { return 0; }\n");
    c
}

/// Builds the large binary once; reuses it while the generated source is unchanged.
fn build(dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let src = dir.join("large.c");
    let bin = dir.join("large");
    let text = source();
    let fresh = std::fs::read_to_string(&src).is_ok_and(|old| old == text) && bin.exists();
    if fresh {
        return Ok(bin);
    }
    std::fs::write(&src, &text).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let out = Command::new("gcc")
        .args(["-O1", "-o"])
        .arg(&bin)
        .arg(&src)
        .output()
        .map_err(|e| format!("cannot run gcc: {e}"))?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&bin);
        return Err(format!(
            "gcc failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    println!("built {} in {:.1?}", bin.display(), start.elapsed());
    Ok(bin)
}

/// The large binary, built by `main` before the benchmarks run.
static BINARY: OnceLock<PathBuf> = OnceLock::new();

fn binary() -> &'static Path {
    BINARY.get().expect("main builds the binary first")
}

fn main() {
    // `cargo test --benches` runs benches without `--bench`; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("list benchmark: run with `cargo bench -p usdt-cli`");
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-list");
    let bin = match build(&dir) {
        Ok(bin) => bin,
        Err(reason) => {
            println!("list benchmark skipped: {reason}");
            return;
        }
    };
    let size = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
    println!("{}: {:.1} MB", bin.display(), size as f64 / 1e6);
    BINARY.get_or_init(|| bin);
    divan::main();
}

/// The library reading every probe site.
#[divan::bench(sample_count = 20)]
fn library_list_file() -> usize {
    let sites = usdt_cli::list_file(binary()).unwrap_or_default();
    assert_eq!(sites.len(), FUNCTIONS * PROBES_PER_FUNCTION);
    sites.len()
}

/// The `usdt list` command, table and JSON, output discarded (the target: under 1 s).
#[divan::bench(sample_count = 20, args = ["table", "json"])]
fn command(format: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_usdt"));
    cmd.arg("list");
    if format == "json" {
        cmd.arg("--json");
    }
    let status = cmd
        .arg(binary())
        .stdout(Stdio::null())
        .status()
        .expect("cannot run usdt");
    assert!(status.success());
}
