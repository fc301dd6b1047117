//! What the tests that drive `perf` share: where tracefs is, and undoing what `perf` adds to
//! the system.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::run::run;

/// Where tracefs may be mounted, newest first.
const TRACEFS: [&str; 2] = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

/// The tracefs directory, where uprobe events are defined (perf's probes live there),
/// mounting it at `/sys/kernel/tracing` if it is nowhere yet and that can be done.
pub fn tracefs() -> Option<&'static str> {
    let find = || {
        TRACEFS
            .into_iter()
            .find(|d| Path::new(d).join("uprobe_events").exists())
    };
    find().or_else(|| {
        let _ = run(
            Command::new("mount").args(["-t", "tracefs", "nodev", TRACEFS[0]]),
            Duration::from_secs(30),
        );
        find()
    })
}

/// Undoes `perf buildid-cache --add BINARY` and `perf probe` of the events `EVENTS`
/// (`sdt_test:*`) however the test ends.
pub struct PerfCleanup {
    events: String,
    binary: OsString,
}

impl PerfCleanup {
    /// The guard of the events `events` and the cached `binary`.
    pub fn new(events: &str, binary: impl AsRef<Path>) -> PerfCleanup {
        PerfCleanup {
            events: events.to_owned(),
            binary: binary.as_ref().as_os_str().to_owned(),
        }
    }
}

impl Drop for PerfCleanup {
    fn drop(&mut self) {
        let _ = run(
            Command::new("perf").args(["probe", "-q", "-d", &self.events]),
            Duration::from_secs(60),
        );
        let _ = run(
            Command::new("perf")
                .args(["buildid-cache", "--remove"])
                .arg(&self.binary),
            Duration::from_secs(60),
        );
    }
}
