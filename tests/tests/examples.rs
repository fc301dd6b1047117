//! The three example crates, one per front door, run under bpftrace with every argument
//! asserted; the D-file front doors produce the same notes.

use std::path::PathBuf;

use usdt_tests::nested::{build, cargo, nested_target_dir, workspace_root};
use usdt_tests::tracers::{bpftrace, readelf_notes, require_tracers};

/// Build the example package `name` (debug) next to the other nested builds.
fn example(name: &str) -> PathBuf {
    let target = nested_target_dir(std::path::Path::new(env!("CARGO_BIN_EXE_fx_tiny")));
    build(cargo(&workspace_root(), &target).args(["build", "--quiet", "-p", name]))
        .unwrap_or_else(|e| panic!("building {name}: {e}"));
    target.join("debug").join(name)
}

#[test]
fn macro_and_build_script_give_identical_notes() {
    let key = |bin: &PathBuf| {
        let mut notes: Vec<_> = readelf_notes(bin)
            .unwrap()
            .into_iter()
            .map(|n| {
                (
                    n.provider,
                    n.name,
                    n.args
                        .iter()
                        .map(|a| a.split('@').next().unwrap_or("").to_owned())
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        notes.sort();
        notes
    };
    let from_macro = key(&example("probe-test-macro"));
    let from_build = key(&example("probe-test-build"));
    assert_eq!(from_macro, from_build);
    assert_eq!(
        from_macro,
        vec![
            ("test".to_owned(), "start".to_owned(), vec!["1".to_owned()]),
            (
                "test".to_owned(),
                "stop".to_owned(),
                vec!["8".to_owned(), "1".to_owned()]
            ),
        ]
    );
}

#[test]
fn build_script_example_fires_under_bpftrace() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let bin = example("probe-test-build");
    let script = format!(
        r#"usdt:{b}:test:start {{ printf("start %u\n", arg0); }} usdt:{b}:test:stop {{ printf("stop %s %u\n", str(arg0), arg1); }}"#,
        b = bin.display()
    );
    let run = bpftrace(&script, &bin, &["3"], &[]).unwrap();
    assert_eq!(
        run.lines,
        [
            "start 0",
            "stop hello 0",
            "start 1",
            "stop hello 1",
            "start 2",
            "stop hello 2"
        ],
        "{:?}",
        run.raw
    );
}

#[test]
fn attribute_example_passes_json_and_unique_ids() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let bin = example("probe-test-attr");
    let script = format!(
        r#"usdt:{b}:my_provider:start {{ printf("start %llu %u\n", arg0, arg1); }}
           usdt:{b}:my_provider:work {{ printf("work %s\n", str(arg0)); printf("label %s\n", str(arg1)); }}
           usdt:{b}:my_provider:stop {{ printf("stop %llu\n", arg0); }}"#,
        b = bin.display()
    );
    let run = bpftrace(&script, &bin, &["3"], &[("BPFTRACE_STRLEN", "200")]).unwrap();
    let lines = &run.lines;
    assert_eq!(lines.len(), 12, "{lines:?}");
    let mut ids = Vec::new();
    for (round, chunk) in lines.chunks(4).enumerate() {
        let start: Vec<&str> = chunk[0].split_whitespace().collect();
        assert_eq!(start[0], "start");
        let id: u64 = start[1].parse().unwrap();
        assert_ne!(id, 0, "a UniqueId is never 0");
        assert_eq!(start[2], round.to_string());
        ids.push(id);

        let json = chunk[1].strip_prefix("work ").unwrap();
        let value: serde_json::Value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        let ok = &value["ok"];
        assert_eq!(ok["id"], round as u64);
        assert_eq!(ok["inner"]["name"], "first");
        assert_eq!(ok["inner"]["weight"], 0.5);
        let r = round as u64;
        assert_eq!(ok["values"], serde_json::json!([r, r + 1, r + 2]));
        assert_eq!(chunk[2], format!("label task-{round}"));
        assert_eq!(
            chunk[3],
            format!("stop {id}"),
            "start and stop carry the same id"
        );
    }
    ids.dedup();
    assert_eq!(ids.len(), 3, "each round has its own id: {ids:?}");
}
