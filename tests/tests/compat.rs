//! usdt 0.6's users switch without changing a line: programs written to usdt 0.6's documented
//! API (`tests/compat`, depending on `usdt = "0.6"` from crates.io, with this workspace's
//! `usdt` patched in) build unchanged and their probes carry the values bpftrace expects,
//! through every front door.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use usdt_tests::nested::{build, cargo, nested_target_dir, tests_dir};
use usdt_tests::run::run;
use usdt_tests::tracers::{bpftrace, readelf_notes, require_tracers};

/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

fn target() -> PathBuf {
    nested_target_dir(Path::new(FIXTURE)).join("compat")
}

/// The compatibility program `name`, all of them built once.
fn program(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        build(cargo(&tests_dir().join("compat"), &target()).args(["build", "--quiet", "--bins"]))
            .unwrap();
    });
    target().join("debug").join(name)
}

/// Trace `bin` with `script` (`BIN` stands for its path) and return what it printed.
fn trace(bin: &Path, script: &str) -> Vec<String> {
    let script = script.replace("BIN", &bin.display().to_string());
    let run = bpftrace(&script, bin, &[], &[]).unwrap();
    assert!(!run.lines.is_empty(), "{:?}", run.raw);
    run.lines
}

#[test]
fn the_patch_replaces_crates_io_usdt() {
    let mut cmd = cargo(&tests_dir().join("compat"), &target());
    cmd.args(["tree", "--quiet", "-i", "usdt", "-e", "normal,build"]);
    let out = run(&mut cmd, Duration::from_secs(600))
        .unwrap()
        .success(&cmd)
        .unwrap();
    let workspace_usdt = tests_dir().join("..").join("usdt");
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("usdt v0.6."), "{}", out.stdout);
    let path = first
        .split_once('(')
        .and_then(|(_, p)| p.strip_suffix(')'))
        .unwrap_or_default();
    assert_eq!(
        Path::new(path).canonicalize().ok(),
        workspace_usdt.canonicalize().ok(),
        "{}",
        out.stdout
    );
}

#[test]
fn attribute_providers_trace_unchanged() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let lines = trace(
        &program("attr"),
        r#"usdt:BIN:compat_attr:request__start { printf("start %d %s\n", arg0, str(arg1)); }
           usdt:BIN:compat_attr:request__done { printf("done %d %d %s\n", arg0, arg1, str(arg2)); }
           usdt:BIN:compat_attr:small { printf("small %d %d %d\n", arg0, arg1, arg2); }
           usdt:BIN:compat_attr:strings { printf("strings %s %s %s\n", str(arg0), str(arg1), str(arg2)); }
           usdt:BIN:compat_attr:batch { printf("batch %s\n", str(arg0)); }
           usdt:BIN:compat_attr:quad { printf("quad %s\n", str(arg0)); }
           usdt:BIN:compat_attr:pair { printf("pair %s\n", str(arg0)); }
           usdt:BIN:compat_attr:by_value { printf("by_value %s\n", str(arg0)); }
           usdt:BIN:compat_attr:with_body { printf("with_body %d\n", arg0); }
           usdt:BIN:compat_pub:query__start { printf("query %d %s\n", arg0, str(arg1)); }"#,
    );
    // The same `UniqueId`, cloned, at start and done; another one for the query.
    let id = |line: &str| line.split(' ').nth(1).unwrap_or_default().to_owned();
    assert_eq!(id(&lines[0]), id(&lines[1]), "{lines:#?}");
    assert_ne!(id(&lines[0]), "0");
    assert_ne!(id(&lines[11]), id(&lines[0]));
    let without_ids: Vec<String> = lines
        .iter()
        .map(|l| {
            let mut words: Vec<&str> = l.split(' ').collect();
            if matches!(words[0], "start" | "done" | "query") {
                words.remove(1);
            }
            words.join(" ")
        })
        .collect();
    assert_eq!(
        without_ids,
        [
            r#"start {"ok":{"id":1,"path":"/index"}}"#,
            r#"done 200 {"ok":"127.0.0.1"}"#,
            "small 7 8 -9",
            "strings one two two",
            r#"batch {"ok":[1,2,3]}"#,
            r#"batch {"ok":[2,3]}"#,
            r#"quad {"ok":[1,2,3,4]}"#,
            r#"pair {"ok":[5,"five"]}"#,
            r#"by_value {"ok":{"id":1,"path":"/index"}}"#,
            r#"by_value {"ok":{"id":0,"path":""}}"#,
            "with_body 6",
            "query SELECT 1",
        ],
        "{lines:#?}"
    );
}

#[test]
fn d_file_macros_trace_unchanged_in_both_spellings() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let lines = trace(
        &program("d_macro"),
        r#"usdt:BIN:compat:start { printf("start %d\n", arg0); }
           usdt:BIN:test:start { printf("test %d\n", arg0); }
           usdt:BIN:compat:text { printf("text %s %d\n", str(arg0), arg1); }
           usdt:BIN:compat:ping { printf("ping\n"); }
           usdt:BIN:compat:request__start { printf("request %d\n", arg0); }"#,
    );
    assert_eq!(
        lines,
        [
            "start 7",
            "start 7",
            "start 9",
            "text literal 1",
            "text owned 2",
            "text owned 3",
            "text cow 4",
            "text id 1",
            "ping",
            "ping",
            "request -5",
            "test 11",
        ],
    );
}

#[test]
fn build_scripts_trace_unchanged() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let lines = trace(
        &program("d_build"),
        r#"usdt:BIN:compat:start { printf("start %d\n", arg0); }
           usdt:BIN:compat:text { printf("text %s %d\n", str(arg0), arg1); }
           usdt:BIN:compat:ping { printf("ping\n"); }"#,
    );
    assert_eq!(
        lines,
        [
            "start 1",
            "start 2",
            "start 3",
            "start 4",
            "text built 5",
            "ping"
        ]
    );
}

/// The one difference a tracer sees: Linux probe names as C's `<sys/sdt.h>` writes them for
/// the same `.d` file (`request__start`), where usdt 0.6 wrote `request-start`.
#[test]
fn linux_probe_names_are_those_of_c() {
    let notes = readelf_notes(&program("attr")).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.provider == "compat_attr" && n.name == "request__start"),
        "{notes:#?}"
    );
    assert!(!notes.iter().any(|n| n.name.contains('-')), "{notes:#?}");
}
