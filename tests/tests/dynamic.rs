//! Providers defined at run time (`usdt-dynamic`), seen by real tracers in a running
//! process: bpftrace (listing, arguments and strings, with and without `-p`), bcc's tplist,
//! gdb (all 12 arguments), perf (through tracefs for a `memfd`, natively for a file) and
//! `usdt list --pid`; a provider dropped while traced threads fire it; a reload.
//!
//! The fixture, `fx_dynamic`, loads `dynprov` from a `memfd`, which every tool names by
//! the path the dynamic loader opened: `/proc/PID/fd/N`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use usdt_tests::perf::{tracefs, PerfCleanup};
use usdt_tests::run::{run, Streaming};
use usdt_tests::tracers::{skip, TRACE_LIMIT};
use usdt_tests::{require_tracers, tracer_available};

const BIN: &str = env!("CARGO_BIN_EXE_fx_dynamic");
const WAIT: Duration = Duration::from_secs(60);

/// A running fixture and the path its object was loaded from.
struct Fixture {
    process: Streaming,
    path: String,
}

impl Fixture {
    fn start(args: &[&str]) -> Fixture {
        let process = Streaming::spawn(Command::new(BIN).args(args)).unwrap();
        let lines = process
            .wait_for(WAIT, |l| l.starts_with("ready "))
            .expect("the fixture never said ready");
        let path = lines.last().unwrap()["ready ".len()..].to_owned();
        Fixture { process, path }
    }

    fn pid(&self) -> u32 {
        self.process.child.id()
    }

    /// Send a line to the fixture.
    fn say(&mut self) {
        use std::io::Write;
        let stdin = self.process.child.stdin.as_mut().unwrap();
        stdin.write_all(b"go\n").unwrap();
        stdin.flush().unwrap();
    }
}

/// Run bpftrace with `args` until it has printed a line satisfying each of `want`; return
/// those lines.
fn bpftrace_until(args: &[&str], want: &[&dyn Fn(&str) -> bool]) -> Vec<String> {
    let tracer = Streaming::spawn(Command::new("bpftrace").args(args)).unwrap();
    let mut seen = Vec::new();
    for w in want {
        let lines = tracer
            .wait_for(WAIT, |l| w(l))
            .unwrap_or_else(|| panic!("bpftrace {args:?} printed no awaited line; {seen:?}"));
        seen.extend(lines);
    }
    seen
}

fn script_lines(script: &str, path: &str) -> String {
    script.replace("PATH", path)
}

#[test]
fn bpftrace_lists_the_probes_by_the_loaders_path() {
    if !tracer_available("bpftrace") {
        return;
    }
    let f = Fixture::start(&["serve"]);
    assert!(
        f.path.starts_with(&format!("/proc/{}/fd/", f.pid())),
        "{}",
        f.path
    );
    let out = run(
        Command::new("bpftrace")
            .arg("-l")
            .arg(format!("usdt:{}:*", f.path)),
        TRACE_LIMIT,
    )
    .unwrap();
    let mut probes: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("usdt:"))
        .collect();
    probes.sort();
    let p = &f.path;
    assert_eq!(
        probes,
        [
            format!("usdt:{p}:dynprov:dyn"),
            format!("usdt:{p}:dynprov:ints"),
            format!("usdt:{p}:dynprov:start"),
            format!("usdt:{p}:dynprov:twelve"),
        ],
        "{out:?}"
    );
    // With -p, every object the process maps, the memfd under the same path. bcc files a
    // probe by provider and name, so the static `dynprov:start` of the executable hides the
    // memfd's one of the same name there (and only there).
    let pid = f.pid().to_string();
    let out = run(
        Command::new("bpftrace").args(["-p", &pid, "-l", "usdt:*"]),
        TRACE_LIMIT,
    )
    .unwrap();
    for probe in ["dyn", "ints", "twelve"] {
        let line = format!("usdt:{p}:dynprov:{probe}");
        assert!(out.stdout.lines().any(|l| l == line), "{line}: {out:?}");
    }
    assert!(
        out.stdout
            .lines()
            .any(|l| l.ends_with("fx_dynamic:dynprov:start")),
        "{out:?}"
    );
}

#[test]
fn bpftrace_reads_integers_and_strings() {
    if !tracer_available("bpftrace") {
        return;
    }
    let f = Fixture::start(&["serve"]);
    let script = script_lines(
        r#"usdt:PATH:dynprov:start { printf("start %s\n", str(arg1)); }
usdt:PATH:dynprov:ints { printf("ints %lld %llu %lld %llu %lld %llu\n", arg0, arg1, arg2, arg3, arg4, arg5); }
usdt:PATH:dynprov:twelve { printf("twelve %s %lld %llu %lld %llu %s\n", str(arg0), arg1, arg2, arg3, arg4, str(arg5)); }
usdt:PATH:dynprov:dyn { printf("dyn %lld %s\n", arg0, str(arg1)); }"#,
        &f.path,
    );
    let lines = bpftrace_until(
        &["-e", &script],
        &[
            &|l: &str| l == "start hello dynamic",
            &|l: &str| l == "ints -128 255 -32768 65535 -2147483648 4294967295",
            &|l: &str| l == "twelve a -1 2 -3 4 six",
            &|l: &str| l == "dyn -5 dyn",
        ],
    );
    assert!(!lines.is_empty());
    // The tracer set the semaphore, which is what is_enabled() reads.
    let enabled = f.process.wait_for(WAIT, |l| l == "enabled=1");
    assert!(enabled.is_some(), "is_enabled() never turned true");
}

#[test]
fn bpftrace_attaches_by_pid() {
    if !tracer_available("bpftrace") {
        return;
    }
    let f = Fixture::start(&["serve"]);
    let pid = f.pid().to_string();
    bpftrace_until(
        &[
            "-p",
            &pid,
            "-e",
            r#"usdt::dynprov:twelve { printf("twelve %s %s\n", str(arg0), str(arg5)); }"#,
        ],
        &[&|l: &str| l == "twelve a six"],
    );
}

#[test]
fn tplist_lists_the_probes() {
    if !tracer_available("tplist-bpfcc") {
        return;
    }
    let f = Fixture::start(&["serve"]);
    let pid = f.pid().to_string();
    let out = run(Command::new("tplist-bpfcc").args(["-p", &pid]), TRACE_LIMIT).unwrap();
    for probe in ["dyn", "ints", "twelve"] {
        let line = format!("{} dynprov:{probe}", f.path);
        assert!(
            out.stdout.lines().any(|l| l.trim() == line),
            "{line}: {out:?}"
        );
    }
}

#[test]
fn gdb_reads_all_twelve_arguments() {
    if !tracer_available("gdb") {
        return;
    }
    let f = Fixture::start(&["serve"]);
    let pid = f.pid().to_string();
    let out = run(
        Command::new("gdb").args([
            "-q",
            "-batch",
            "-p",
            &pid,
            "-ex",
            "set language c",
            "-ex",
            "info probes stap dynprov",
            "-ex",
            "break -probe-stap dynprov:twelve",
            "-ex",
            "continue",
            "-ex",
            r#"printf "@@%s %d %d %d %d %s %d %d %s %d %d %s\n", (char *) $_probe_arg0, $_probe_arg1, $_probe_arg2, $_probe_arg3, $_probe_arg4, (char *) $_probe_arg5, $_probe_arg6, $_probe_arg7, (char *) $_probe_arg8, $_probe_arg9, $_probe_arg10, (char *) $_probe_arg11"#,
            "-ex",
            "detach",
        ]),
        TRACE_LIMIT,
    )
    .unwrap();
    assert!(
        out.stdout
            .lines()
            .any(|l| l == "@@a -1 2 -3 4 six -7 8 nine -10 11 twelve"),
        "{out:?}"
    );
    // `info probes` names the object as the loader does.
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("twelve") && l.trim_end().ends_with(&f.path)),
        "{out:?}"
    );
}

/// Removes a uprobe event however the test ends.
struct UprobeEvent(String);

impl Drop for UprobeEvent {
    fn drop(&mut self) {
        if let Some(t) = tracefs() {
            let _ = append(&format!("{t}/uprobe_events"), &format!("-:{}", self.0));
        }
    }
}

fn append(file: &str, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(file)?;
    writeln!(f, "{line}")
}

/// `perf record` of `event` in process `pid` for two seconds, then `perf script`.
fn perf_record(event: &str, pid: &str, tag: &str) -> String {
    let data = std::env::temp_dir().join(format!("usdt-dynamic-{tag}-{}.data", std::process::id()));
    let data = data.display().to_string();
    let out = run(
        Command::new("perf").args([
            "record", "-q", "-e", event, "-p", pid, "-o", &data, "--", "sleep", "2",
        ]),
        TRACE_LIMIT,
    )
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    let script = run(
        Command::new("perf").args(["script", "-i", &data]),
        TRACE_LIMIT,
    )
    .unwrap();
    let _ = std::fs::remove_file(&data);
    script.stdout
}

#[test]
fn perf_records_a_memfd_probe_through_tracefs() {
    if !tracer_available("perf") {
        return;
    }
    let Some(tracing) = tracefs() else {
        skip("tracefs is not mounted");
        return;
    };
    let f = Fixture::start(&["serve"]);
    let pid = f.pid().to_string();
    // perf probe -x refuses /proc/PID/fd/N (its real path, "/memfd:dynprov (deleted)", is
    // no file); the kernel takes it. The offsets are usdt list's.
    let probes = usdt_cli::list_process(f.pid()).unwrap().probes;
    let start = probes
        .iter()
        .find(|p| p.name == "start" && p.module.starts_with("memfd:"))
        .expect("usdt list finds the memfd's start");
    let definition = format!(
        "p:dynprov/start {}:{:#x}({:#x}) n=%di:u64 s=+0(%si):string",
        f.path,
        start.address,
        start.semaphore.unwrap()
    );
    let _event = UprobeEvent("dynprov/start".into());
    append(&format!("{tracing}/uprobe_events"), &definition).unwrap();
    let script = perf_record("dynprov:start", &pid, "memfd");
    assert!(script.contains("s=\"hello dynamic\""), "{script}");
}

#[test]
fn perf_probes_a_file_backed_provider_natively() {
    if !tracer_available("perf") {
        return;
    }
    let dir = std::env::temp_dir();
    let f = Fixture::start(&["serve", &dir.display().to_string()]);
    assert!(
        f.path.ends_with(".so") && Path::new(&f.path).exists(),
        "{}",
        f.path
    );
    let cleanup = PerfCleanup::new("sdt_dynprov:*", &f.path);
    for args in [
        vec!["buildid-cache", "--add", &f.path],
        vec!["probe", "-x", &f.path, "-a", "sdt_dynprov:start"],
    ] {
        let out = run(Command::new("perf").args(&args), TRACE_LIMIT).unwrap();
        assert!(out.status.success(), "perf {args:?}: {out:?}");
    }
    let script = perf_record("sdt_dynprov:start", &f.pid().to_string(), "file");
    assert!(script.contains("sdt_dynprov:start"), "{script}");
    // Out of perf's cache while the file is there to say its build id.
    drop(cleanup);
    // The file goes with the provider, when the fixture ends at the end of its input.
    let path = f.path.clone();
    let (status, _, stderr) = f.process.finish(WAIT).unwrap();
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(!Path::new(&path).exists(), "{path} left behind");
}

/// What `usdt list --pid PID` lists of the probe `name` in the memfd object: whether it is
/// enabled, and its argument types.
fn usdt_list(pid: u32, name: &str) -> (Option<bool>, String) {
    let listed = usdt_cli::list_process(pid).unwrap();
    let site = listed
        .probes
        .iter()
        .find(|s| s.module == "memfd:dynprov" && s.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no dynprov:{name} in the memfd object: {:#?}",
                listed.probes
            )
        });
    (site.enabled, site.argument_types())
}

#[test]
fn usdt_list_shows_the_memfd_and_its_enabled_probes() {
    if !tracer_available("bpftrace") {
        return;
    }
    let f = Fixture::start(&["serve"]);
    let (enabled, _) = usdt_list(f.pid(), "ints");
    assert_eq!(enabled, Some(false));
    let script = script_lines(r#"usdt:PATH:dynprov:ints { printf("seen\n"); }"#, &f.path);
    let tracer = Streaming::spawn(Command::new("bpftrace").args(["-e", &script])).unwrap();
    assert!(tracer.wait_for(WAIT, |l| l == "seen").is_some());
    let (enabled, types) = usdt_list(f.pid(), "ints");
    assert_eq!(enabled, Some(true));
    assert_eq!(types, "i8 u8 i16 u16 i32 u32 i64 u64");
}

#[test]
fn dropping_a_provider_while_traced_threads_fire_it_is_safe() {
    if !tracer_available("bpftrace") {
        return;
    }
    let mut f = Fixture::start(&["race"]);
    let script = script_lines(r#"usdt:PATH:dynprov:start { printf("fired\n"); }"#, &f.path);
    let tracer = Streaming::spawn(Command::new("bpftrace").args(["-e", &script])).unwrap();
    assert!(tracer.wait_for(WAIT, |l| l == "fired").is_some());
    f.say();
    let lines = f
        .process
        .wait_for(WAIT, |l| l.starts_with("survived"))
        .expect("the fixture died dropping its provider");
    let traced: u64 = lines.last().unwrap()["survived traced=".len()..]
        .parse()
        .unwrap();
    assert!(traced > 0);
    let (status, _, stderr) = f.process.finish(WAIT).unwrap();
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
}

#[test]
fn a_reloaded_provider_shows_its_new_probes() {
    if !require_tracers(&["bpftrace"]) {
        return;
    }
    let mut f = Fixture::start(&["reload"]);
    f.say();
    let lines = f
        .process
        .wait_for(WAIT, |l| l.starts_with("reloaded "))
        .expect("no reload");
    let path = lines.last().unwrap()["reloaded ".len()..].to_owned();
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", f.pid())).unwrap();
    assert_eq!(
        maps.lines()
            .filter(|l| l.contains("/memfd:dynprov"))
            .count(),
        3,
        "one object, three segments: {maps}"
    );
    let script = script_lines(
        r#"usdt:PATH:dynprov:added { printf("added %u\n", arg0); }"#,
        &path,
    );
    bpftrace_until(&["-e", &script], &[&|l: &str| l.starts_with("added ")]);
    let out = run(
        Command::new("bpftrace")
            .arg("-l")
            .arg(format!("usdt:{path}:*")),
        TRACE_LIMIT,
    )
    .unwrap();
    assert!(!out.stdout.contains(":start"), "{out:?}");
}
