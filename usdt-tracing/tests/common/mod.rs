//! What the tests share: the profiler of a test binary, building an example, and reading
//! what `go tool pprof -raw` prints.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use tracing_subscriber::prelude::*;
use usdt_tracing::{ProfileBuilder, Profiler};

use usdt_tests::nested::{build, cargo, nested_target_dir, workspace_root};
use usdt_tests::run::run;

/// The profiler of this test binary (one per process), built by `builder` on first use,
/// with its layer in the global subscriber.
pub fn profiler(builder: impl FnOnce() -> ProfileBuilder) -> &'static Profiler {
    static PROFILER: OnceLock<Profiler> = OnceLock::new();
    PROFILER.get_or_init(|| {
        let (layer, profiler) = builder().build().expect("the profiler builds");
        tracing_subscriber::registry().with(layer).init();
        profiler
    })
}

/// Build this crate's example `name` (debug) in the nested target directory the
/// workspace's tests share, and return its path.
pub fn example(name: &str) -> PathBuf {
    // This test binary is `target/debug/deps/NAME-HASH`: the target directory is above.
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("in a directory");
    let target = nested_target_dir(deps);
    build(cargo(&workspace_root(), &target).args([
        "build",
        "--quiet",
        "-p",
        "usdt-tracing",
        "--example",
        name,
    ]))
    .expect("the example builds");
    target.join("debug").join("examples").join(name)
}

/// A profile as `go tool pprof -raw` prints it.
#[derive(Debug, Default)]
pub struct Raw {
    /// The sample types, `name/unit`.
    pub types: Vec<String>,
    /// Per sample: its stack (root first), its labels, its values.
    pub samples: Vec<(Vec<String>, Vec<String>, Vec<i64>)>,
}

impl Raw {
    /// The position of sample type `name`.
    pub fn index(&self, name: &str) -> usize {
        self.types
            .iter()
            .position(|t| t.split('/').next() == Some(name))
            .unwrap_or_else(|| panic!("no sample type {name} in {:?}", self.types))
    }

    /// The sum of `name` over the samples whose stack is `stack` (root first).
    pub fn value(&self, stack: &[&str], name: &str) -> i64 {
        let i = self.index(name);
        self.samples
            .iter()
            .filter(|(s, _, _)| s.iter().map(String::as_str).eq(stack.iter().copied()))
            .map(|(_, _, v)| v[i])
            .sum()
    }

    /// The sum of `name` over every sample.
    pub fn total(&self, name: &str) -> i64 {
        let i = self.index(name);
        self.samples.iter().map(|(_, _, v)| v[i]).sum()
    }
}

/// Run `go tool pprof ARGS FILE` and return what it printed.
pub fn pprof(args: &[&str], file: &Path) -> String {
    let mut cmd = Command::new("go");
    cmd.args(["tool", "pprof"]).args(args).arg(file);
    let out = run(&mut cmd, Duration::from_secs(300)).expect("go tool pprof runs");
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    out.stdout
}

/// Read `go tool pprof -raw` output.
pub fn parse_raw(text: &str) -> Raw {
    let mut raw = Raw::default();
    let mut samples: Vec<(Vec<u64>, Vec<String>, Vec<i64>)> = Vec::new();
    let mut names: BTreeMap<u64, String> = BTreeMap::new();
    let mut section = "";
    for line in text.lines() {
        match line.trim_end() {
            "Samples:" | "Locations" | "Mappings" => {
                section = line.trim_end();
                continue;
            }
            _ => {}
        }
        match section {
            "Samples:" if raw.types.is_empty() => {
                raw.types = line
                    .split_whitespace()
                    .map(|t| t.trim_end_matches("[dflt]").to_owned())
                    .collect();
            }
            "Samples:" => {
                if let Some((values, locations)) = line.split_once(": ") {
                    samples.push((
                        locations
                            .split_whitespace()
                            .map(|l| l.parse().expect("a location id"))
                            .collect(),
                        Vec::new(),
                        values
                            .split_whitespace()
                            .map(|v| v.parse().expect("a value"))
                            .collect(),
                    ));
                } else if let Some(last) = samples.last_mut() {
                    if !line.trim().is_empty() {
                        last.1.push(line.trim().to_owned());
                    }
                }
            }
            "Locations" => {
                // `     1: 0x0 M=1 request usdt-tracing/examples/span_profile.rs:34 s=34(...)`
                let mut words = line.split_whitespace();
                let id = words
                    .next()
                    .and_then(|w| w.trim_end_matches(':').parse().ok());
                let name = words.nth(2);
                if let (Some(id), Some(name)) = (id, name) {
                    names.insert(id, name.to_owned());
                }
            }
            _ => {}
        }
    }
    raw.samples = samples
        .into_iter()
        .map(|(locations, labels, values)| {
            let stack = locations
                .iter()
                .rev()
                .map(|l| names.get(l).cloned().unwrap_or_else(|| format!("?{l}")))
                .collect();
            (stack, labels, values)
        })
        .collect();
    raw
}
