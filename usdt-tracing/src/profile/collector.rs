//! The profiler's own thread: it adds up the threads' counters into profiles, folds the
//! blocks of threads that have exited into its totals, and writes profiles. The
//! application's threads never wait for it: they only ever write their own counters.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::clock;
use super::counters::{
    self, BlockPtr, Field, ThreadBlock, BLOCKS, FIELDS, PUBLISHED_FRAMES, SHARED,
};
use super::error::ProfileError;
use super::report::{Frame, Metric, Profile, Sample};
use super::series::{self, NONE, OTHER};
use super::settings::{self, Settings};

/// What the application asks of the collector.
pub(crate) enum Request {
    /// A profile of everything so far.
    Snapshot(Sender<Profile>),
    /// Write a profile of everything so far to a file.
    Write(PathBuf, Sender<Result<(), ProfileError>>),
    /// Figures about the profiler itself.
    Stats(Sender<Stats>),
    /// A last profile (also written to the periodic file, if any); then stop.
    Finish(Sender<Profile>),
}

/// What the profiler itself holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Series (stacks of spans with their labels) seen so far.
    pub series: usize,
    /// Threads whose counters are kept separately (alive, or exited and not folded yet).
    pub threads: usize,
    /// Bytes of memory the profiler holds: series, counters, totals of exited threads.
    pub bytes: usize,
}

/// How often the collector looks for exited threads when nothing else wakes it.
const TICK: Duration = Duration::from_millis(500);

/// Where and how often profiles are written without being asked.
#[derive(Debug, Clone)]
pub(crate) struct Periodic {
    pub(crate) every: Duration,
    pub(crate) path: PathBuf,
}

/// The collector's state.
pub(crate) struct Collector {
    settings: &'static Settings,
    /// Per series, the counters of threads that have exited.
    retired: Vec<[u64; FIELDS]>,
    start: SystemTime,
    started: Instant,
    periodic: Option<Periodic>,
    next_write: Option<Instant>,
    /// The last error of a periodic write, for [`Profiler::last_write_error`].
    pub(crate) write_error: Arc<Mutex<Option<String>>>,
}

impl Collector {
    pub(crate) fn new(
        settings: &'static Settings,
        periodic: Option<Periodic>,
        write_error: Arc<Mutex<Option<String>>>,
    ) -> Self {
        let started = Instant::now();
        Collector {
            settings,
            retired: Vec::new(),
            start: SystemTime::now(),
            started,
            next_write: periodic.as_ref().map(|p| started + p.every),
            periodic,
            write_error,
        }
    }

    /// Serve requests until asked to finish, or until every [`Profiler`] handle is gone.
    pub(crate) fn run(mut self, requests: Receiver<Request>) {
        loop {
            let wait = self.next_write.map_or(TICK, |t| {
                t.saturating_duration_since(Instant::now()).min(TICK)
            });
            match requests.recv_timeout(wait) {
                Ok(Request::Snapshot(reply)) => {
                    let _ = reply.send(self.snapshot());
                }
                Ok(Request::Write(path, reply)) => {
                    let _ = reply.send(self.snapshot().write_pprof(path));
                }
                Ok(Request::Stats(reply)) => {
                    let _ = reply.send(self.stats());
                }
                Ok(Request::Finish(reply)) => {
                    let profile = self.finish();
                    let _ = reply.send(profile);
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.fold_exited();
                    self.write_if_due();
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.finish();
                    return;
                }
            }
        }
    }

    fn write_if_due(&mut self) {
        let (Some(periodic), Some(due)) = (&self.periodic, self.next_write) else {
            return;
        };
        if Instant::now() < due {
            return;
        }
        self.next_write = Some(Instant::now() + periodic.every);
        let path = periodic.path.clone();
        self.write_periodic(&self.snapshot(), path);
    }

    fn write_periodic(&self, profile: &Profile, path: PathBuf) {
        if let Err(e) = profile.write_pprof(path) {
            let mut slot = self.write_error.lock().unwrap_or_else(|e| e.into_inner());
            *slot = Some(e.to_string());
        }
    }

    /// The last profile: written to the periodic file, if any; then the layer stops
    /// counting and every thread frees its own block when it exits.
    fn finish(&mut self) -> Profile {
        let profile = self.snapshot();
        if let Some(periodic) = &self.periodic {
            self.write_periodic(&profile, periodic.path.clone());
        }
        let mut list = BLOCKS.lock().unwrap_or_else(|e| e.into_inner());
        settings::stop();
        list.retain(|b| {
            // SAFETY: listed blocks are alive; only this thread frees them while running.
            let dead = unsafe { &*b.0 }
                .dead
                .load(std::sync::atomic::Ordering::Acquire);
            if dead {
                // SAFETY: its thread is gone, and it leaves the list here.
                unsafe { counters::free(*b) };
            }
            !dead
        });
        profile
    }

    /// Take the blocks of exited threads out of the list and add them to `retired`.
    fn fold_exited(&mut self) {
        let dead: Vec<BlockPtr> = {
            let mut list = BLOCKS.lock().unwrap_or_else(|e| e.into_inner());
            let mut dead = Vec::new();
            list.retain(|b| {
                // SAFETY: as in `finish`.
                let is_dead = unsafe { &*b.0 }
                    .dead
                    .load(std::sync::atomic::Ordering::Acquire);
                if is_dead {
                    dead.push(*b);
                }
                !is_dead
            });
            dead
        };
        for block in dead {
            // SAFETY: unlisted, and its thread is gone: nobody else reads or writes it.
            let rows = unsafe { &*block.0 };
            for (series, row) in rows.rows.iter() {
                let values = row.read();
                if values.iter().all(|&v| v == 0) {
                    continue;
                }
                let i = series as usize;
                if self.retired.len() <= i {
                    self.retired.resize(i + 1, [0; FIELDS]);
                }
                for (t, v) in self.retired[i].iter_mut().zip(values) {
                    *t = t.wrapping_add(v);
                }
            }
            // SAFETY: as above.
            unsafe { counters::free(block) };
        }
    }

    fn stats(&mut self) -> Stats {
        self.fold_exited();
        let list: Vec<BlockPtr> = BLOCKS.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let blocks: usize = list
            .iter()
            // SAFETY: listed blocks stay alive while the collector runs.
            .map(|b| std::mem::size_of::<ThreadBlock>() + unsafe { &*b.0 }.rows.bytes())
            .sum();
        Stats {
            series: (series::end() as usize).saturating_sub(2),
            threads: list.len(),
            bytes: series::bytes()
                + blocks
                + SHARED.rows.bytes()
                + self.retired.capacity() * std::mem::size_of::<[u64; FIELDS]>(),
        }
    }

    /// Every series' counters, summed over threads, with the time of spans entered right
    /// now counted up to `now`.
    fn totals(&self, now: u64) -> Vec<[u64; FIELDS]> {
        let end = series::end() as usize;
        let mut totals = self.retired.clone();
        totals.resize(end.max(totals.len()), [0; FIELDS]);
        let mut add = |series: u32, values: [u64; FIELDS]| {
            if let Some(t) = totals.get_mut(series as usize) {
                for (t, v) in t.iter_mut().zip(values) {
                    *t = t.wrapping_add(v);
                }
            }
        };
        let list: Vec<BlockPtr> = BLOCKS.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let blocks = list
            .iter()
            // SAFETY: listed blocks stay alive while the collector runs.
            .map(|b| unsafe { &*b.0 })
            .chain([&SHARED]);
        for block in blocks {
            for (series, row) in block.rows.iter() {
                if (series as usize) < end {
                    add(series, row.read());
                }
            }
            if self.settings.wall {
                in_progress(block, now, &mut add);
            }
        }
        totals
    }

    /// A profile of everything so far.
    pub(crate) fn snapshot(&self) -> Profile {
        let now = clock::now();
        let totals = self.totals(now);
        build(
            self.settings,
            &totals,
            now,
            self.start,
            self.started.elapsed(),
        )
    }
}

/// The time of the spans a thread has entered right now, up to `now`: busy time for the
/// innermost, entered time for each.
fn in_progress(block: &ThreadBlock, now: u64, add: &mut impl FnMut(u32, [u64; FIELDS])) {
    use std::sync::atomic::Ordering::{Acquire, Relaxed};
    let depth = (block.depth.load(Acquire) as usize).min(PUBLISHED_FRAMES);
    for d in 0..depth {
        let series = block.frame_series[d].load(Relaxed);
        if series != NONE {
            let mut v = [0; FIELDS];
            v[Field::Entered as usize] = now.saturating_sub(block.frame_at[d].load(Relaxed));
            add(series, v);
        }
    }
    let top = block.top.load(Relaxed);
    if top != NONE {
        let mut v = [0; FIELDS];
        v[Field::Busy as usize] = now.saturating_sub(block.since.load(Relaxed));
        add(top, v);
    }
}

/// The metrics a profile with `settings` has, in sample order.
fn metrics(settings: &Settings) -> Vec<Metric> {
    let mut m = Vec::new();
    if settings.wall {
        m.extend([Metric::Wall, Metric::WallBusy, Metric::WallIdle]);
    }
    if settings.cpu {
        m.extend([Metric::Cpu, Metric::CpuUser, Metric::CpuSystem]);
    }
    if settings.allocations {
        m.extend([Metric::AllocObjects, Metric::AllocBytes]);
    }
    if settings.heap {
        m.extend([Metric::InuseObjects, Metric::InuseBytes]);
    }
    m.push(Metric::Spans);
    m
}

/// The stack of `series`, root first.
fn stack(series: u32) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut at = series;
    while let Some(info) = series::get(at) {
        let meta = info.callsite;
        frames.push(Frame {
            name: meta.name(),
            target: meta.target(),
            file: meta.file(),
            line: meta.line(),
        });
        at = info.parent;
    }
    if at == OTHER {
        frames.push(Frame {
            name: "(other)",
            target: "usdt_tracing",
            file: None,
            line: None,
        });
    }
    frames.reverse();
    frames
}

/// Turn per-series counters into a profile.
fn build(
    settings: &Settings,
    totals: &[[u64; FIELDS]],
    now: u64,
    start: SystemTime,
    duration: Duration,
) -> Profile {
    let f = |s: usize, field: Field| totals[s][field as usize];
    // Idle time, children's included: the spans' lifetimes (open ones up to now) less
    // their entered time. Sums of timestamps wrap; their difference does not.
    let idle_incl: Vec<i64> = (0..totals.len())
        .map(|s| {
            let open = f(s, Field::Created).wrapping_sub(f(s, Field::Closed));
            let lifetime = f(s, Field::ClosedAt)
                .wrapping_sub(f(s, Field::CreatedAt))
                .wrapping_add(open.wrapping_mul(now));
            (lifetime.wrapping_sub(f(s, Field::Entered))) as i64
        })
        .collect();
    let mut children_idle = vec![0i64; totals.len()];
    for (s, idle) in idle_incl.iter().enumerate() {
        if let Some(info) = series::get(s as u32) {
            if let Some(c) = children_idle.get_mut(info.parent as usize) {
                *c = c.saturating_add(*idle);
            }
        }
    }
    let metrics = metrics(settings);
    let mut samples = Vec::new();
    for s in 1..totals.len() {
        let t = &totals[s];
        if t.iter().all(|&v| v == 0) {
            continue;
        }
        let busy = f(s, Field::Busy) as i64;
        let idle = idle_incl[s].saturating_sub(children_idle[s]).max(0);
        let (user, system) = (f(s, Field::CpuUser) as i64, f(s, Field::CpuSystem) as i64);
        let values = metrics
            .iter()
            .map(|m| match m {
                Metric::Spans => f(s, Field::Created) as i64,
                Metric::Wall => busy.saturating_add(idle),
                Metric::WallBusy => busy,
                Metric::WallIdle => idle,
                Metric::Cpu => user.saturating_add(system),
                Metric::CpuUser => user,
                Metric::CpuSystem => system,
                Metric::AllocObjects => f(s, Field::AllocObjects) as i64,
                Metric::AllocBytes => f(s, Field::AllocBytes) as i64,
                Metric::InuseObjects => f(s, Field::InuseObjects) as i64,
                Metric::InuseBytes => f(s, Field::InuseBytes) as i64,
            })
            .collect();
        let labels = series::get(s as u32).map_or_else(Vec::new, |info| {
            info.labels
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .collect()
        });
        samples.push(Sample {
            stack: stack(s as u32),
            labels,
            values,
        });
    }
    let mut comments = vec![format!(
        "usdt-tracing span profile: self values per span stack; one root span in {} profiled",
        settings.sample
    )];
    if totals
        .get(OTHER as usize)
        .is_some_and(|t| t[Field::Created as usize] != 0)
    {
        comments.push(format!(
            "more than {} span stacks: the spans of the others are counted under (other)",
            settings.max_series
        ));
    }
    Profile {
        metrics,
        samples,
        start,
        duration,
        sample_one_in: settings.sample,
        comments,
    }
}
