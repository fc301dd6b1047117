//! Semaphores are set however the tracer attaches: before the program starts (`bpftrace -c`,
//! when the kernel must find the semaphore's page before the dynamic loader has made RELRO
//! read-only) and to a running process (`bpftrace -p`). `semcheck.py` finds no semaphore on
//! a file page that an earlier writable segment also maps, in debug and release builds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use usdt_tests::elf::Elf;
use usdt_tests::nested::{release_fixture, shared_tool};
use usdt_tests::run::{run, Streaming};
use usdt_tests::tracer_available;
use usdt_tests::tracers::{bpftrace, evaluations_in, skip, tool_available, TRACE_LIMIT};

const TINY: &str = env!("CARGO_BIN_EXE_fx_tiny");
const FIXTURES: &[&str] = &usdt_tests::fixtures!();

fn release_tiny() -> PathBuf {
    release_fixture("fx_tiny", Path::new(TINY)).unwrap()
}

/// `bpftrace -c` on `bin fire 3`: all three fires seen, three evaluations.
fn attach_before_start(bin: &Path) {
    let script = format!(
        "usdt:{}:tiny:tick {{ printf(\"tick %llu\\n\", arg0); }}",
        bin.display()
    );
    let run = bpftrace(&script, bin, &["fire", "3"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(lines, ["tick 1", "tick 2", "tick 3"], "{:?}", run.raw);
    assert_eq!(run.evaluations, Some(3), "{:?}", run.raw);
}

#[test]
fn bpftrace_c_enables_probes_before_the_program_starts() {
    if !tracer_available("bpftrace") {
        return;
    }
    attach_before_start(Path::new(TINY));
}

#[test]
fn bpftrace_c_enables_probes_of_a_release_build() {
    if !tracer_available("bpftrace") {
        return;
    }
    attach_before_start(&release_tiny());
}

#[test]
fn bpftrace_p_enables_probes_of_a_running_process() {
    if !tracer_available("bpftrace") {
        return;
    }
    let fixture = Streaming::spawn(Command::new(TINY).args(["loop", "10"])).unwrap();
    assert!(fixture
        .wait_for(Duration::from_secs(30), |l| l == "ready")
        .is_some());
    let pid = fixture.child.id().to_string();
    let script = format!("usdt:{TINY}:tiny:tick {{ printf(\"tick %llu\\n\", arg0); }}");
    let tracer =
        Streaming::spawn(Command::new("bpftrace").args(["-e", &script, "-p", &pid])).unwrap();
    // Wait until bpftrace has seen five ticks, then end the fixture; bpftrace ends with it.
    let ticks = std::cell::Cell::new(0);
    let attached = tracer.wait_for(TRACE_LIMIT, |l| {
        if l.starts_with("tick ") {
            ticks.set(ticks.get() + 1);
        }
        ticks.get() == 5
    });
    assert!(
        attached.is_some(),
        "bpftrace saw no five ticks of the running fixture"
    );
    let (status, rest, stderr) = fixture.finish(Duration::from_secs(30)).unwrap();
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    let fires: u64 = rest
        .iter()
        .find_map(|l| l.strip_prefix("fires=").and_then(|n| n.parse().ok()))
        .expect("the fixture reports its fires");
    let evaluations = evaluations_in(rest.iter().map(String::as_str)).expect("and its evaluations");
    let (_, tail, bt_err) = tracer.finish(Duration::from_secs(30)).unwrap();
    let mut seen: Vec<u64> = attached
        .unwrap_or_default()
        .iter()
        .chain(&tail)
        .filter_map(|l| l.strip_prefix("tick ").and_then(|n| n.parse().ok()))
        .collect();
    seen.sort();
    let first = *seen.first().expect("some ticks");
    let expected: Vec<u64> = (first..=fires).collect();
    assert_eq!(
        seen, expected,
        "every fire after the attach is seen, to the last: {bt_err}"
    );
    // Before the attach no closure ran; after it, one per fire. The kernel sets the
    // semaphore when the uprobe is registered, and bpftrace attaches its program a moment
    // later (longer on a loaded machine), so the fires in between run their closure unseen.
    let seen_count = seen.len();
    assert!(
        evaluations >= seen_count,
        "{evaluations} evaluations for {seen_count} fires seen (of {fires})"
    );
    assert!(
        fires > evaluations as u64,
        "the fires before the attach ran no closure"
    );
}

/// The debug fixtures and two release builds.
fn every_build() -> Vec<PathBuf> {
    let mut bins: Vec<PathBuf> = FIXTURES.iter().map(PathBuf::from).collect();
    bins.push(release_tiny());
    bins.push(release_fixture("fx_sites", Path::new(TINY)).unwrap());
    bins
}

#[test]
fn no_semaphore_shares_a_file_page_with_an_earlier_writable_segment() {
    for bin in every_build() {
        let risks = Elf::open(&bin).unwrap().semaphores_at_risk().unwrap();
        assert!(risks.is_empty(), "{}:\n{}", bin.display(), risks.join("\n"));
    }
}

#[test]
fn semcheck_passes_on_every_fixture_debug_and_release() {
    let Some(semcheck) = shared_tool("semcheck.py") else {
        // A file outside the repository (a fresh clone has none): the test above makes the
        // same check.
        println!("skipping: semcheck.py is not in ../shared/tools");
        return;
    };
    if !tool_available("python3") || !tool_available("readelf") {
        return;
    }
    let bins = every_build();
    let mut cmd = Command::new("python3");
    cmd.arg(&semcheck).args(&bins);
    let out = run(&mut cmd, Duration::from_secs(120)).unwrap();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("BAD"), "{}", out.stdout);
    // Every fixture has semaphores, so each is reported.
    for bin in &bins {
        assert!(
            out.stdout.contains(&bin.display().to_string()),
            "{} not checked:\n{}",
            bin.display(),
            out.stdout
        );
    }
}

/// The page check above is not vacuous: a C program linked by lld, whose semaphore shares
/// its file page with the RELRO segment, is caught.
#[test]
fn the_page_check_catches_a_semaphore_on_a_relro_page() {
    if !tool_available("gcc") || !tool_available("dtrace") {
        return;
    }
    // rustc's own lld, where `gcc -fuse-ld=lld` can find it.
    let sysroot = run(
        Command::new("rustc").args(["--print", "sysroot"]),
        Duration::from_secs(60),
    )
    .unwrap();
    let lld_dir =
        Path::new(sysroot.stdout.trim()).join("lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld");
    if !lld_dir.join("ld.lld").is_file() {
        skip("rustc's ld.lld is not installed");
        return;
    }
    let dir = usdt_tests::nested::nested_target_dir(Path::new(TINY)).join("relro-semaphore");
    std::fs::create_dir_all(&dir).unwrap();
    // One declaration per line: SystemTap's `dtrace` reads a provider so without pyparsing.
    std::fs::write(dir.join("p.d"), "provider pc {\n  probe a(int);\n};\n").unwrap();
    std::fs::write(
        dir.join("m.c"),
        "#include \"p.h\"\nint x = 5;\nconst char *rel[] = {\"a\", \"b\"};\n\
         int main(int c, char **v) { PC_A(c); return rel[0][0] + x; }\n",
    )
    .unwrap();
    for args in [
        vec!["dtrace", "-h", "-s", "p.d", "-o", "p.h"],
        vec!["dtrace", "-G", "-s", "p.d", "-o", "p.o"],
    ] {
        let mut cmd = Command::new(args[0]);
        cmd.args(&args[1..]).current_dir(&dir);
        run(&mut cmd, Duration::from_secs(60))
            .unwrap()
            .success(&cmd)
            .unwrap();
    }
    let mut cc = Command::new("gcc");
    cc.arg(format!("-B{}", lld_dir.display()))
        .args(["-fuse-ld=lld", "-o", "m", "m.c", "p.o"])
        .current_dir(&dir);
    run(&mut cc, Duration::from_secs(60))
        .unwrap()
        .success(&cc)
        .unwrap();
    let risks = Elf::open(&dir.join("m"))
        .unwrap()
        .semaphores_at_risk()
        .unwrap();
    assert_eq!(risks.len(), 1, "{risks:?}");
}
