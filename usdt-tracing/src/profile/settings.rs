//! What the one profiler of the process measures, fixed when it is built.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// The metrics and options a [`ProfileBuilder`](super::ProfileBuilder) chose.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Wall time: busy, idle, total.
    pub(crate) wall: bool,
    /// CPU time: user and system.
    pub(crate) cpu: bool,
    /// Allocations: objects and bytes.
    pub(crate) allocations: bool,
    /// Heap in use: objects and bytes (implies `allocations`).
    pub(crate) heap: bool,
    /// Span fields whose values become labels.
    pub(crate) labels: Vec<String>,
    /// One root span in this many is profiled, with everything under it.
    pub(crate) sample: u32,
    /// At most this many series; spans beyond go to the `(other)` series.
    pub(crate) max_series: u32,
}

/// Nothing measured (before a profiler is built).
static OFF: Settings = Settings {
    wall: false,
    cpu: false,
    allocations: false,
    heap: false,
    labels: Vec::new(),
    sample: 1,
    max_series: 0,
};

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Make `settings` the process's; `false` when a profiler was built before.
pub(crate) fn install(settings: Settings) -> bool {
    let fresh = SETTINGS.set(settings).is_ok();
    if fresh {
        RUNNING.store(true, Ordering::Release);
    }
    fresh
}

/// The process's settings (nothing measured before a profiler is built).
#[inline]
pub(crate) fn get() -> &'static Settings {
    SETTINGS.get().unwrap_or(&OFF)
}

/// Whether the profiler collects: built, and not finished.
#[inline]
pub(crate) fn running() -> bool {
    RUNNING.load(Ordering::Relaxed)
}

/// The profiler has finished: the layer stops counting.
pub(crate) fn stop() {
    RUNNING.store(false, Ordering::Release);
}
