//! Span profiles: [`ProfileLayer`] counts, per stack of spans, wall time, CPU time,
//! allocations and heap in use; [`Profiler`] turns the counts into pprof profiles on a
//! thread of its own.
//!
//! How the figures are kept (see each module):
//! - `thread`: each thread charges the interval between two of its transitions (span
//!   entered, exited) to the span innermost during it, into a row of counters that only it
//!   writes (`counters`), one row per *series* (`series`: a stack of span callsites with
//!   its labels, given a small id once).
//! - `alloc`: the global allocator charges allocations to the thread's innermost span and
//!   tags each with its series, so a free on any thread finds where to take it off.
//! - `collector`: the profiler's thread adds the rows of all threads up, folds exited
//!   threads' rows into its own totals, and builds profiles (`report`, `pprof`).
//!
//! Memory is bounded by the number of series and threads, never by the number of spans.

mod alloc;
mod clock;
mod collector;
mod counters;
mod error;
mod layer;
mod pprof;
mod report;
mod segvec;
mod series;
mod settings;
mod thread;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub use alloc::TrackingAllocator;
pub use collector::Stats;
pub use error::ProfileError;
pub use layer::ProfileLayer;
pub use report::{Frame, Metric, Profile, Sample};

use collector::{Collector, Periodic, Request};
use settings::Settings;

/// Bytes the [`TrackingAllocator`] adds to every allocation.
pub const TAG_BYTES: usize = alloc::TAG_BYTES;

impl ProfileLayer {
    /// Choose what to profile, then [`build`](ProfileBuilder::build) the layer and its
    /// [`Profiler`]. By default only wall time is measured.
    pub fn builder() -> ProfileBuilder {
        ProfileBuilder {
            settings: Settings {
                wall: true,
                cpu: false,
                allocations: false,
                heap: false,
                labels: Vec::new(),
                sample: 1,
                max_series: 10_000,
            },
            periodic: None,
        }
    }
}

/// What a [`ProfileLayer`] measures, and where its profiles go.
#[derive(Debug, Clone)]
#[must_use]
pub struct ProfileBuilder {
    settings: Settings,
    periodic: Option<Periodic>,
}

impl ProfileBuilder {
    /// Wall time: `wall_busy` (entered, innermost), `wall_idle` (alive, not entered),
    /// `wall` (both). Two clock reads per span entered and exited, one per span created
    /// and closed. On by default.
    pub fn wall(mut self, on: bool) -> Self {
        self.settings.wall = on;
        self
    }

    /// CPU time while entered: `cpu_user`, `cpu_sys` and `cpu`. A thread reads its CPU
    /// time (`CLOCK_THREAD_CPUTIME_ID`) at a span's enter or exit when 5 µs have passed
    /// since its last read, and charges the intervals in between their wall time until
    /// then; the kernel's share comes from `getrusage`, which the kernel brings up to date
    /// at its clock tick, so short spans get system time in tick-sized pieces, right on
    /// average. Linux, Android and FreeBSD.
    pub fn cpu(mut self, on: bool) -> Self {
        self.settings.cpu = on;
        self
    }

    /// Allocations while entered: `alloc_objects` and `alloc_space`. Needs
    /// [`TrackingAllocator`] as the global allocator.
    pub fn allocations(mut self, on: bool) -> Self {
        self.settings.allocations = on;
        self
    }

    /// Heap in use, per span that allocated it: `inuse_objects` and `inuse_space`,
    /// as they stand at each snapshot. Turns allocations on too. Needs
    /// [`TrackingAllocator`] as the global allocator.
    pub fn heap(mut self, on: bool) -> Self {
        self.settings.heap = on;
        self.settings.allocations |= on;
        self
    }

    /// Every metric this target can measure: wall, allocations and heap, and CPU time
    /// where a thread can read its own (Linux, Android, FreeBSD).
    pub fn all(self) -> Self {
        self.wall(true)
            .cpu(clock::CPU_SUPPORTED)
            .allocations(true)
            .heap(true)
    }

    /// Turn these span fields into pprof labels: a span's samples carry the values they
    /// had when it was created, and its children's carry them too. Each distinct set of
    /// values is a series of its own, so prefer fields with few values.
    pub fn label_fields<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings.labels = names.into_iter().map(Into::into).collect();
        self
    }

    /// Profile one root span in `n` (per thread, the first one included), with all the
    /// spans under it; the others cost a span lookup per callback. Figures are not scaled:
    /// the profile holds what the profiled spans did, and says `n` as its period.
    pub fn sample_one_in(mut self, n: u32) -> Self {
        self.settings.sample = n.max(1);
        self
    }

    /// At most `n` series (distinct stacks of spans with their labels; 10,000 by
    /// default). The spans of any further one are counted under a stack `(other)`, and
    /// the profile says so in a comment.
    pub fn max_series(mut self, n: u32) -> Self {
        self.settings.max_series = n.max(1);
        self
    }

    /// Also write the profile to `path` every `every`, and when the profiler finishes
    /// (from the profiler's thread; see [`Profiler::last_write_error`]).
    pub fn write_every(mut self, every: Duration, path: impl Into<PathBuf>) -> Self {
        self.periodic = Some(Periodic {
            every,
            path: path.into(),
        });
        self
    }

    /// The layer and its profiler. One per process: a second call fails with
    /// [`ProfileError::AlreadyBuilt`].
    pub fn build(self) -> Result<(ProfileLayer, Profiler), ProfileError> {
        let s = &self.settings;
        if s.cpu && !clock::CPU_SUPPORTED {
            return Err(ProfileError::CpuUnsupported);
        }
        if s.allocations {
            // Allocate once, so that a tracking global allocator has seen a call.
            drop(std::hint::black_box(Box::new(0u8)));
            if !alloc::installed() {
                return Err(ProfileError::NoTrackingAllocator);
            }
        }
        if !settings::install(self.settings) {
            return Err(ProfileError::AlreadyBuilt);
        }
        let settings = settings::get();
        let write_error = Arc::new(Mutex::new(None));
        let collector = Collector::new(settings, self.periodic, Arc::clone(&write_error));
        let (requests, incoming) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("usdt-tracing-profiler".into())
            .spawn(move || collector.run(incoming))
            .map_err(|e| {
                settings::stop();
                ProfileError::Spawn(e)
            })?;
        Ok((
            ProfileLayer { settings },
            Profiler {
                requests,
                thread: Some(thread),
                write_error,
            },
        ))
    }
}

/// The handle of the process's span profiler: takes profiles and writes them. The work
/// happens on the profiler's own thread; a call here waits for its answer, and the
/// application's threads that only run spans never wait for anything.
///
/// Dropping it is [`finish`](Self::finish) without the profile.
#[derive(Debug)]
pub struct Profiler {
    requests: Sender<Request>,
    thread: Option<JoinHandle<()>>,
    write_error: Arc<Mutex<Option<String>>>,
}

impl Profiler {
    fn ask<T>(&self, request: impl FnOnce(Sender<T>) -> Request) -> Result<T, ProfileError> {
        let (reply, answer) = mpsc::channel();
        self.requests
            .send(request(reply))
            .map_err(|_| ProfileError::Stopped)?;
        answer.recv().map_err(|_| ProfileError::Stopped)
    }

    /// A profile of everything since the profiler was built. Spans entered right now
    /// count up to this moment (the first 32 per thread); their CPU time counts up to
    /// their last enter or exit.
    pub fn snapshot(&self) -> Result<Profile, ProfileError> {
        self.ask(Request::Snapshot)
    }

    /// Write a [`snapshot`](Self::snapshot) to `path` as gzipped pprof (encoded and
    /// written by the profiler's thread).
    pub fn write_pprof(&self, path: impl AsRef<Path>) -> Result<(), ProfileError> {
        let path = path.as_ref().to_owned();
        self.ask(|reply| Request::Write(path, reply))?
    }

    /// What the profiler itself holds: series, threads, bytes.
    pub fn stats(&self) -> Result<Stats, ProfileError> {
        self.ask(Request::Stats)
    }

    /// The error of the last periodic write that failed, if any.
    pub fn last_write_error(&self) -> Option<String> {
        self.write_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Stop profiling: the last profile (also written to the periodic file, if any).
    /// The layer counts nothing more afterwards.
    pub fn finish(mut self) -> Result<Profile, ProfileError> {
        let profile = self.ask(Request::Finish);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        profile
    }
}

impl Drop for Profiler {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let (reply, _) = mpsc::channel();
            let _ = self.requests.send(Request::Finish(reply));
            let _ = thread.join();
        }
    }
}
