//! The layers against real tools: bpftrace reading the probes of the examples (the
//! README's one-liners against a running process, and every probe's arguments), and
//! `go tool pprof` reading the profile that `span_profile` writes while bpftrace watches
//! the same spans through the probe layer.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use usdt_tests::run::{run, Streaming};
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, tool_available, TRACE_LIMIT};

use common::{example, parse_raw, pprof};

/// The README's bpftrace scripts (`bpftrace -p $PID -e '...'`), in order.
fn readme_one_liners() -> Vec<String> {
    let readme = include_str!("../README.md");
    let mut scripts = Vec::new();
    let mut rest = readme;
    while let Some(at) = rest.find("bpftrace -p $PID -e '") {
        let body = &rest[at + "bpftrace -p $PID -e '".len()..];
        let end = body.find('\'').expect("a closing quote");
        scripts.push(body[..end].to_owned());
        rest = &body[end..];
    }
    scripts
}

/// Run `script` against the running process `pid` for two seconds.
fn attach(pid: u32, script: &str) -> String {
    let script = format!("{script}\ninterval:s:2 {{ exit(); }}");
    let mut cmd = Command::new("bpftrace");
    cmd.args(["-p", &pid.to_string(), "-e", &script]);
    let out = run(&mut cmd, TRACE_LIMIT).expect("bpftrace runs");
    assert!(
        out.stdout.contains("Attaching"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    out.stdout
}

#[test]
fn the_readme_one_liners_read_a_running_process() {
    if !tracer_available("bpftrace") {
        return;
    }
    let scripts = readme_one_liners();
    assert_eq!(scripts.len(), 4, "{scripts:?}");
    let service = Streaming::spawn(&mut Command::new(example("traced_service"))).unwrap();
    let ready = service.wait_for(Duration::from_secs(60), |l| l.starts_with("ready pid="));
    assert!(ready.is_some(), "the service started");
    let pid = service.child.id();

    // Latency histogram per span name.
    let out = attach(pid, &scripts[0]);
    for name in ["request", "db_query"] {
        let at = out
            .find(&format!("@usecs[{name}]:"))
            .unwrap_or_else(|| panic!("a histogram for {name}:\n{out}"));
        let first = out[at..].lines().nth(1).unwrap_or_default();
        assert!(
            first.starts_with('[') && first.contains('|'),
            "a bucket: {first}"
        );
    }

    // The five slowest spans with their fields.
    let out = attach(pid, &scripts[1]);
    let slowest: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("@slowest_us["))
        .collect();
    assert_eq!(slowest.len(), 5, "{out}");
    for line in slowest {
        assert!(
            line.starts_with("@slowest_us[request, route=/")
                || line.starts_with("@slowest_us[db_query, query=SELECT"),
            "a span with its fields: {line}"
        );
    }

    // Events by level: per request one DEBUG and one INFO, a WARN in five, an ERROR in ten.
    let out = attach(pid, &scripts[2]);
    let count = |level: &str| -> u64 {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("@[{level}]: ")))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("a count of {level}:\n{out}"))
    };
    let (debug, info, warn, error) = (count("DEBUG"), count("INFO"), count("WARN"), count("ERROR"));
    assert!(info > 100, "{out}");
    assert!(debug.abs_diff(info) <= 2, "{out}");
    assert!(
        warn.abs_diff(info / 5) <= 2 && error.abs_diff(info / 10) <= 2,
        "{out}"
    );

    // Every event with its message and fields.
    let out = attach(pid, &scripts[3]);
    assert!(
        out.lines().any(|l| l.starts_with("DEBUG accepted n=")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("ERROR backend failed n=")),
        "{out}"
    );

    drop(service);
}

/// Every line of a script printing every probe, split in words.
fn every_probe_script(bin: &Path) -> String {
    let b = bin.display();
    format!(
        r#"usdt:{b}:tracing:span__new {{ printf("new %d %d %s %s %s\n", arg0, arg1, str(arg2), str(arg3), str(arg4)); }}
usdt:{b}:tracing:span__enter {{ printf("enter %d %s\n", arg0, str(arg1)); }}
usdt:{b}:tracing:span__exit {{ printf("exit %d %s\n", arg0, str(arg1)); }}
usdt:{b}:tracing:span__record {{ printf("record %d %s %s\n", arg0, str(arg1), str(arg2)); }}
usdt:{b}:tracing:span__close {{ printf("close %d %s\n", arg0, str(arg1)); }}
usdt:{b}:tracing:event {{ printf("event %s %s %s|%s|%d\n", str(arg0), str(arg1), str(arg2), str(arg3), arg4); }}"#
    )
}

#[test]
fn every_probe_carries_its_arguments_and_fields_are_formatted_only_when_traced() {
    every_probe_from("layer");
}

#[test]
fn probe_subscriber_fires_every_probe_as_the_layer_does() {
    every_probe_from("subscriber");
}

/// `traced_service` firing its probes from `ProbeLayer` (`layer`) or `ProbeSubscriber`
/// (`subscriber`), untraced and traced.
fn every_probe_from(which: &str) {
    let bin = example("traced_service");
    // Untraced: no field is ever formatted.
    let mut cmd = Command::new(&bin);
    cmd.args(["30", which]);
    let out = run(&mut cmd, TRACE_LIMIT).unwrap().success(&cmd).unwrap();
    assert!(out.stdout.contains("formatted=0\n"), "{}", out.stdout);
    if !tracer_available("bpftrace") {
        return;
    }
    let traced = bpftrace(&every_probe_script(&bin), &bin, &["30", which], &[]).unwrap();
    let lines = &traced.lines;
    let words = |kind: &str| -> Vec<Vec<&str>> {
        lines
            .iter()
            .filter(|l| l.starts_with(&format!("{kind} ")))
            .map(|l| l.split(' ').collect())
            .collect()
    };
    let new = words("new");
    assert_eq!(new.len(), 60, "{:?}", traced.raw);
    // request n: a root; its db_query: its child.
    let mut request_of_query = BTreeMap::new();
    for (n, pair) in new.chunks(2).enumerate() {
        let (request, query) = (&pair[0], &pair[1]);
        let route = ["/users", "/orders", "/search"][n % 3];
        assert_eq!(
            request[2..],
            [
                "0",
                "request",
                "traced_service",
                &format!("route={route}"),
                &format!("user={}", n % 7)
            ],
            "{request:?}"
        );
        assert_eq!(query[2..5], [request[1], "db_query", "traced_service"]);
        assert_eq!(query[5..].join(" "), "query=SELECT * FROM accounts");
        request_of_query.insert(query[1].to_owned(), request[1].to_owned());
    }
    for kind in ["enter", "exit", "close"] {
        let seen = words(kind);
        assert_eq!(seen.len(), 60, "{kind}");
        assert!(seen.iter().all(|w| w[2] == "request" || w[2] == "db_query"));
    }
    let records = words("record");
    assert_eq!(records.len(), 30);
    assert_eq!(records[0][2..], ["request", "status=500"]);
    assert_eq!(records[1][2..], ["request", "status=200"]);
    let events: Vec<&String> = lines.iter().filter(|l| l.starts_with("event ")).collect();
    let level = |l: &str| {
        events
            .iter()
            .filter(|e| e.starts_with(&format!("event {l} ")))
            .count()
    };
    assert_eq!(
        (level("DEBUG"), level("INFO"), level("WARN"), level("ERROR")),
        (30, 30, 6, 3)
    );
    let first_request = &new[0][1];
    assert_eq!(
        events[0].as_str(),
        format!("event DEBUG traced_service accepted|n=0|{first_request}")
    );
    assert!(events.contains(&&format!(
        "event ERROR traced_service backend failed|n=0 route=/users|{first_request}"
    )));
    // Traced, `span__new` formatted every query's field: once per db_query span.
    assert!(
        lines.iter().any(|l| l == "formatted=30"),
        "{:?}",
        traced.raw
    );
    // Only the events traced: the spans' fields are formatted by nobody.
    let events_only = format!("usdt:{}:tracing:event {{ @ = count(); }}", bin.display());
    let traced = bpftrace(&events_only, &bin, &["30", which], &[]).unwrap();
    assert!(
        traced.lines.iter().any(|l| l == "formatted=0"),
        "{:?}",
        traced.raw
    );
    assert!(
        traced.lines.iter().any(|l| l == "@: 69"),
        "{:?}",
        traced.raw
    );
    assert!(!request_of_query.is_empty());
}

#[test]
fn both_layers_in_one_subscriber_seen_by_bpftrace_and_go_pprof() {
    if !tool_available("go") || !tracer_available("bpftrace") {
        return;
    }
    let bin = example("span_profile");
    let dir = std::env::temp_dir().join(format!("usdt-tracing-pprof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("profile.pb.gz");
    let script = format!(
        "usdt:{}:tracing:span__new {{ @[str(arg2)] = count(); }}",
        bin.display()
    );
    let traced = bpftrace(&script, &bin, &[&file.display().to_string()], &[]).unwrap();
    // bpftrace saw every span the profile counts.
    let mut seen = BTreeMap::new();
    for line in &traced.lines {
        if let Some((name, n)) = line.strip_prefix("@[").and_then(|l| l.split_once("]: ")) {
            seen.insert(name.to_owned(), n.trim().parse::<i64>().unwrap());
        }
    }
    let names = ["request", "queued", "parse", "db_query", "render"];
    assert_eq!(
        seen.keys().map(String::as_str).collect::<Vec<_>>(),
        ["db_query", "parse", "queued", "render", "request"],
        "{:?}",
        traced.raw
    );
    assert!(seen.values().all(|&n| n == 400), "{seen:?}");

    // go tool pprof reads the profile: the same spans, their stacks, labels and values.
    let raw = parse_raw(&pprof(&["-raw"], &file));
    for name in names {
        let stack: Vec<&str> = if name == "request" {
            vec!["request"]
        } else {
            vec!["request", name]
        };
        assert_eq!(raw.value(&stack, "spans"), seen[name], "{stack:?}");
    }
    let routes = |route: &str| {
        raw.samples
            .iter()
            .filter(|(_, labels, _)| labels.iter().any(|l| l == &format!("route:[{route}]")))
            .map(|(_, _, v)| v[raw.index("spans")])
            .sum::<i64>()
    };
    assert_eq!((routes("/users"), routes("/orders")), (1000, 1000));
    // The render buffers stay in the cache: 400 of 4096 bytes, and the cache's own vector.
    assert!(raw.value(&["request", "render"], "inuse_space") >= 400 * 4096);
    assert_eq!(raw.value(&["request", "parse"], "inuse_objects"), 0);
    for (stack, _, values) in &raw.samples {
        let v = |n: &str| values[raw.index(n)];
        assert_eq!(v("wall"), v("wall_busy") + v("wall_idle"), "{stack:?}");
        assert_eq!(v("cpu"), v("cpu_user") + v("cpu_sys"), "{stack:?}");
    }
    assert!(raw.value(&["request", "db_query"], "wall_busy") >= 400 * 500_000);
    // The totals pprof shows are the program's own.
    for line in &traced.lines {
        if let Some(rest) = line.strip_prefix("total ") {
            let mut w = rest.split(' ');
            let (name, value) = (w.next().unwrap(), w.next().unwrap());
            assert_eq!(raw.total(name), value.parse::<i64>().unwrap(), "{name}");
        }
    }
    assert!(traced
        .lines
        .iter()
        .any(|l| l.starts_with("total spans 2000")));
    // And its views: names in -top, labels in -tags, units.
    let top = pprof(&["-top", "-sample_index=spans"], &file);
    for name in names {
        assert!(top.contains(name), "{top}");
    }
    let tags = pprof(&["-tags"], &file);
    assert!(
        tags.contains("route: Total") && tags.contains("/users") && tags.contains("/orders"),
        "{tags}"
    );
    let heap = pprof(&["-top", "-inuse_space"], &file);
    assert!(
        heap.contains("Type: inuse_space") && heap.contains("render"),
        "{heap}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
