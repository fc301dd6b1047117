//! dropshot, from crates.io with its `usdt-probes` feature, built with this workspace's
//! `usdt` patched in for usdt 0.6: its probes fire with the JSON dropshot gives them while it
//! serves requests.
//!
//! The project (`tests/dropshot/main.rs`, and `Cargo.lock` for a start) is generated under
//! `$USDT_TEST_CACHE` (default `~/.cache/usdt-tests`), outside the clone, so that a re-run
//! reuses the build of dropshot's ~230 dependencies: the first build takes minutes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use usdt_tests::nested::{build, cargo, tests_dir, workspace_root};
use usdt_tests::run::run;
use usdt_tests::tracers::{bpftrace, require_tracers};

/// Where the project is generated.
fn project_dir() -> PathBuf {
    let cache = std::env::var_os("USDT_TEST_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/usdt-tests")))
        .unwrap_or_else(|| workspace_root().join("target/usdt-tests-cache"));
    cache.join("dropshot")
}

fn write_if_changed(path: &Path, text: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}

/// The server, built once.
fn server() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = project_dir();
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let usdt = workspace_root().join("usdt").canonicalize().unwrap();
        let manifest = format!(
            "[package]\nname = \"dropshot-usdt\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n\
             dropshot = {{ version = \"0.18\", features = [\"usdt-probes\"] }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
             [patch.crates-io]\nusdt = {{ path = {:?} }}\n",
            usdt.display().to_string()
        );
        write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes());
        let main = std::fs::read(tests_dir().join("dropshot/main.rs")).unwrap();
        write_if_changed(&dir.join("src/main.rs"), &main);
        if !dir.join("Cargo.lock").exists() {
            std::fs::copy(
                tests_dir().join("dropshot/Cargo.lock"),
                dir.join("Cargo.lock"),
            )
            .unwrap();
        }
        build(cargo(&dir, &dir.join("target")).args(["build", "--quiet"])).unwrap();
        dir.join("target/debug/dropshot-usdt")
    })
    .clone()
}

#[test]
fn dropshots_usdt_is_this_one() {
    let _ = server();
    let dir = project_dir();
    let mut cmd = cargo(&dir, &dir.join("target"));
    cmd.args(["tree", "--quiet", "-i", "usdt"]);
    let out = run(&mut cmd, Duration::from_secs(600))
        .unwrap()
        .success(&cmd)
        .unwrap();
    let usdt = workspace_root().join("usdt").canonicalize().unwrap();
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("usdt v0.6.1 ({})", usdt.display()).as_str()),
        "{}",
        out.stdout
    );
    assert!(
        lines.next().is_some_and(|l| l.contains("dropshot v0.18")),
        "{}",
        out.stdout
    );
}

#[test]
fn request_probes_carry_dropshots_json() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let bin = server();
    let script = format!(
        r#"usdt:{b}:dropshot:request__start {{ printf("start %s\n", str(arg0)); }}
           usdt:{b}:dropshot:request__done {{ printf("done %s\n", str(arg0)); }}"#,
        b = bin.display()
    );
    // The JSON is longer than bpftrace's default 64-byte strings.
    let run = bpftrace(&script, &bin, &["4"], &[("BPFTRACE_STRLEN", "200")]).unwrap();
    assert!(run.raw.stdout.contains("served=4"), "{:?}", run.raw);
    let json = |line: &String, kind: &str| -> serde_json::Value {
        let text = line
            .strip_prefix(kind)
            .unwrap_or_else(|| panic!("{kind} expected: {line}"));
        let value: serde_json::Value =
            serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
        value["ok"].clone()
    };
    let fires: Vec<String> = run
        .lines
        .iter()
        .filter(|l| !l.starts_with("served="))
        .cloned()
        .collect();
    assert_eq!(fires.len(), 8, "{fires:#?}");
    for (i, pair) in fires.chunks(2).enumerate() {
        let start = json(&pair[0], "start ");
        let done = json(&pair[1], "done ");
        let (path, status) = if i % 2 == 0 {
            ("/hello", 200)
        } else {
            ("/missing", 404)
        };
        assert_eq!(start["method"], "GET", "{start}");
        assert_eq!(start["path"], path, "{start}");
        assert_eq!(done["status_code"], status, "{done}");
        assert_eq!(start["id"], done["id"], "{start} {done}");
        assert_eq!(start["remote_addr"], done["remote_addr"], "{start} {done}");
        assert!(
            start["local_addr"]
                .as_str()
                .is_some_and(|a| a.starts_with("127.0.0.1:")),
            "{start}"
        );
    }
}
