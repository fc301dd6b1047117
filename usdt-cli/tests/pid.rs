//! `usdt list --pid` on a running fixture process, with and without a tracer attached.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, list_json, usdt};
use serde_json::Value;
use test_support::{skip, tracer_available};

/// Kills and reaps a child process when dropped, so no test leaves one behind.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(command: &mut Command) -> Reaped {
    Reaped(command.spawn().expect("cannot start child"))
}

/// name → enabled, for the `fixture` and `plain` probes of process `pid`.
fn enabled(pid: u32) -> Vec<(String, Value)> {
    let pid = pid.to_string();
    list_json(["--pid", pid.as_str(), "-P", "fixture", "-P", "plain"])
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["enabled"].clone(),
            )
        })
        .collect()
}

fn unset() -> Vec<(String, Value)> {
    [
        ("probe1", Value::Bool(false)),
        ("probe2", Value::Bool(false)),
        ("probe3", Value::Bool(false)),
        ("mixed", Value::Null),
        ("zero", Value::Null),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect()
}

/// Polls until `want` holds or `limit` passes; returns the last state seen.
fn wait_for(
    pid: u32,
    limit: Duration,
    want: impl Fn(&[(String, Value)]) -> bool,
) -> Vec<(String, Value)> {
    let start = Instant::now();
    loop {
        let state = enabled(pid);
        if want(&state) || start.elapsed() > limit {
            return state;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn lists_every_mapped_object_with_semaphores_unset() {
    let Some(f) = fixture() else { return };
    let child = spawn(Command::new(&f.exe).stdout(Stdio::null()));
    let pid = child.0.id();
    let probe = usdt(["list", "--pid", &pid.to_string()]);
    if String::from_utf8_lossy(&probe.stderr).contains("Permission denied") {
        // Yama's ptrace_scope lets a non-root process read only its descendants' memory.
        skip("reading a sibling process's memory is not permitted here");
        return;
    }
    // The library is mapped once the dynamic loader is done; give it a moment.
    let state = wait_for(pid, Duration::from_secs(30), |s| s.len() == 5);
    assert_eq!(state, unset());
    let modules: Vec<String> = list_json(["--pid", &pid.to_string()])
        .iter()
        .map(|p| p["module"].as_str().unwrap().to_string())
        .collect();
    assert!(modules.contains(&"fixture".to_string()), "{modules:?}");
    assert!(modules.contains(&"libplain.so".to_string()), "{modules:?}");
}

#[test]
fn attached_tracer_sets_only_its_semaphore() {
    let Some(f) = fixture() else { return };
    if !tracer_available("bpftrace") {
        return;
    }
    let child = spawn(Command::new(&f.exe).stdout(Stdio::null()));
    let pid = child.0.id();
    assert_eq!(
        wait_for(pid, Duration::from_secs(30), |s| s.len() == 5),
        unset()
    );
    let tracer = spawn(
        Command::new("bpftrace")
            .arg("-p")
            .arg(pid.to_string())
            .arg("-e")
            .arg(format!("usdt:{}:fixture:probe1 {{ }}", f.exe.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let mut want = unset();
    want[0].1 = Value::Bool(true);
    let state = wait_for(pid, Duration::from_secs(30), |s| s == want.as_slice());
    assert_eq!(
        state, want,
        "probe1's semaphore should be set while bpftrace is attached"
    );
    drop(tracer);
    let state = wait_for(pid, Duration::from_secs(30), |s| s == unset().as_slice());
    assert_eq!(
        state,
        unset(),
        "the semaphore should drop when bpftrace detaches"
    );
}
