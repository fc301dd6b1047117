//! libstapsdt's consumers against this `libstapsdt.so`: a C program written against the
//! header, linked with `-lstapsdt` (so needing `libstapsdt.so.0`), and the Python binding
//! from PyPI (`stapsdt`, which loads `libstapsdt.so` with ctypes), each traced by bpftrace.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use usdt_tests::run::{run, Streaming};
use usdt_tests::tracer_available;
use usdt_tests::tracers::{skip, tool_available, TRACE_LIMIT};

const WAIT: Duration = Duration::from_secs(60);

/// A directory holding `libstapsdt.so` and its soname link, as an installed libstapsdt.
fn library_dir() -> PathBuf {
    // The test runs from target/<profile>/deps, where `cargo test` leaves the library
    // (`cargo build` copies it up to target/<profile>).
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let profile = deps.parent().unwrap();
    let built = deps.join("libstapsdt.so");
    assert!(built.exists(), "{} was not built", built.display());
    let dir = profile.join("stapsdt-lib");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["libstapsdt.so", "libstapsdt.so.0"] {
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&built, &link).unwrap();
    }
    dir
}

fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

/// Trace the object at `path` with `script` (`PATH` in it replaced) until a line that
/// `want` accepts is printed.
fn trace_until(script: &str, path: &str, want: impl Fn(&str) -> bool) -> Vec<String> {
    let script = script.replace("PATH", path);
    let tracer = Streaming::spawn(Command::new("bpftrace").args(["-e", &script])).unwrap();
    tracer
        .wait_for(WAIT, want)
        .unwrap_or_else(|| panic!("bpftrace never printed the awaited line: {script}"))
}

#[test]
fn a_c_program_written_for_libstapsdt_is_traced() {
    if !tool_available("cc") || !tracer_available("bpftrace") {
        return;
    }
    let lib = library_dir();
    let exe = lib.join("demo");
    let out = run(
        Command::new("cc")
            .arg("-Wall")
            .arg("-Werror")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/demo.c"))
            .arg("-I")
            .arg(include_dir())
            .arg("-L")
            .arg(&lib)
            .arg("-lstapsdt")
            .arg("-o")
            .arg(&exe),
        TRACE_LIMIT,
    )
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    let needed = run(Command::new("readelf").arg("-d").arg(&exe), TRACE_LIMIT).unwrap();
    assert!(needed.stdout.contains("[libstapsdt.so.0]"), "{needed:?}");

    let program = Streaming::spawn(Command::new(&exe).env("LD_LIBRARY_PATH", &lib)).unwrap();
    let ready = program
        .wait_for(WAIT, |l| l.starts_with("ready "))
        .expect("the program never loaded its provider");
    let path = ready.last().unwrap()["ready ".len()..].to_owned();
    trace_until(
        r#"usdt:PATH:cprov:request { printf("request %lld %s %d\n", arg0, str(arg1), arg2); }"#,
        &path,
        // The first argument counts the program's loops.
        |l| l.starts_with("request -") && l.ends_with(" from C -7"),
    );
    trace_until(
        r#"usdt:PATH:cprov:small { printf("small %d %u\n", arg0, arg1); }"#,
        &path,
        |l| l == "small -3 65535",
    );
    assert!(program.wait_for(WAIT, |l| l == "enabled").is_some());
    // End of input: the program unloads, destroys and says done.
    let (status, rest, stderr) = program.finish(WAIT).unwrap();
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(rest.iter().any(|l| l == "done"), "{rest:?}");
}

/// Where the `stapsdt` Python package is, if installed.
fn python_stapsdt() -> bool {
    let found = run(
        Command::new("python3").args([
            "-c",
            "import importlib.util as u; print(u.find_spec('stapsdt') is not None)",
        ]),
        TRACE_LIMIT,
    );
    found.is_ok_and(|o| o.stdout.trim() == "True")
}

#[test]
fn the_python_binding_runs_unchanged_and_is_traced() {
    if !tool_available("python3") || !tracer_available("bpftrace") {
        return;
    }
    if !python_stapsdt() {
        skip("the Python package stapsdt is not installed (pip install stapsdt==0.1.1)");
        return;
    }
    let lib = library_dir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/fire.py");
    let program = Streaming::spawn(
        Command::new("python3")
            .arg(script)
            .env("LD_LIBRARY_PATH", &lib),
    )
    .unwrap();
    program
        .wait_for(WAIT, |l| l == "ready")
        .expect("the binding never loaded its provider");
    let pid = program.child.id();
    // The binding does not tell where the object is: bpftrace finds it by process.
    let pid_s = pid.to_string();
    let tracer = Streaming::spawn(Command::new("bpftrace").args([
        "-p",
        &pid_s,
        "-e",
        r#"usdt::pyprov:fired { printf("fired %s %d\n", str(arg0), arg1); }"#,
    ]))
    .unwrap();
    assert!(
        tracer
            .wait_for(WAIT, |l| l == "fired from python 42")
            .is_some(),
        "bpftrace never saw the Python probe"
    );
    assert!(program.wait_for(WAIT, |l| l == "enabled").is_some());
    // End of input: the program unloads, destroys and says done.
    let (status, rest, stderr) = program.finish(WAIT).unwrap();
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(rest.iter().any(|l| l == "done"), "{rest:?}");
}
