//! `usdt list` against `bpftrace -l`, which needs root.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::{fixture, list_json};
use test_support::tracer_available;

#[test]
fn same_probes_as_bpftrace_lists() {
    let Some(f) = fixture() else { return };
    if !tracer_available("bpftrace") {
        return;
    }
    for path in [&f.exe, &f.lib, &f.cxx] {
        let out = Command::new("bpftrace")
            .arg("-l")
            .arg(format!("usdt:{}:*", path.display()))
            .output()
            .expect("cannot run bpftrace");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                l.trim()
                    .rsplitn(3, ':')
                    .collect::<Vec<_>>()
                    .get(..2)
                    .map(|v| v.to_vec())
            })
            .map(|v| format!("{}:{}", v[1], v[0]))
            .collect();
        let ours: BTreeSet<String> = list_json([path])
            .iter()
            .map(|p| {
                format!(
                    "{}:{}",
                    p["provider"].as_str().unwrap(),
                    p["name"].as_str().unwrap()
                )
            })
            .collect();
        assert!(!ours.is_empty());
        assert_eq!(ours, theirs, "{}", path.display());
    }
}
