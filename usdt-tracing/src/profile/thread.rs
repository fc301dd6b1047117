//! The profiler's state on each thread: the spans it has entered (innermost last), when
//! the innermost last changed, and where its allocations are counted.
//!
//! Time, CPU time and allocations go to the innermost entered span: each transition
//! (enter, exit) charges the interval since the previous one to the span that was
//! innermost during it. So a span's figures are its own (its *self* figures, which a
//! flame graph stacks), they add up to what the thread did inside spans, and nothing needs
//! a parent's state or a lock.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ptr;
use std::sync::atomic::Ordering;

use rustc_hash::FxBuildHasher;

use super::clock;
use super::counters::{self, Counters, Field, ThreadBlock, BLOCKS, PUBLISHED_FRAMES};
use super::series::{self, Key, NONE};
use super::settings::{self, Settings};

/// What the global allocator reads on every call: constant-initialized and without a
/// destructor, so reading it is a plain thread-local load that never allocates.
pub(crate) struct AllocState {
    /// The counters of the innermost profiled span while allocations are counted; null
    /// otherwise (no span, an unprofiled one, or the profiler's own code running).
    pub(crate) current: Cell<*const Counters>,
    /// The tag new allocations get: the innermost span's series while the heap is
    /// tracked, else [`NONE`].
    pub(crate) tag: Cell<u32>,
    /// This thread's block, for frees of other series; null when the thread has none.
    pub(crate) block: Cell<*const ThreadBlock>,
}

thread_local! {
    pub(crate) static ALLOC: AllocState = const {
        AllocState {
            current: Cell::new(ptr::null()),
            tag: Cell::new(NONE),
            block: Cell::new(ptr::null()),
        }
    };
    static STATE: RefCell<Option<ThreadState>> = const { RefCell::new(None) };
}

/// An entered span.
#[derive(Clone, Copy)]
struct Frame {
    /// Its span id.
    id: u64,
    /// Its series ([`NONE`] when not profiled).
    series: u32,
    /// Its counters in this thread's block (null when not profiled).
    row: *const Counters,
    /// When it was entered (0 when the clock was not read).
    at: u64,
    /// Whether the span was already entered further down: its time is counted there.
    again: bool,
}

/// How long a thread goes before it reads its CPU time again (see
/// `ThreadState::transition`): some ten times what reading it costs.
const CPU_READ_EVERY: u64 = 5_000;

/// How long a thread goes before it reads its system time again: it moves at the clock
/// tick (1 ms at 1000 Hz, the shortest), so reading it more often finds nothing new.
const SYSTEM_READ_EVERY: u64 = 1_000_000;

/// The rest of the thread's state, used by the layer's callbacks only.
pub(crate) struct ThreadState {
    /// This thread's block; valid until `drop`.
    block: *const ThreadBlock,
    /// The entered spans, innermost last.
    stack: Vec<Frame>,
    /// When the innermost span last changed.
    last: u64,
    /// The thread's CPU time at the last read of it.
    cpu: u64,
    /// When that was.
    cpu_read_at: u64,
    /// CPU time charged since then without reading it (see `transition`).
    cpu_estimated: u64,
    /// The thread's system time at the last read of it, and when that was.
    system: (u64, u64),
    /// System time read and not charged yet.
    system_owed: u64,
    /// Root spans seen, for sampling.
    roots: u64,
    /// Series already looked up by this thread.
    cache: HashMap<Key, u32, FxBuildHasher>,
}

/// Allocation counting suspended on this thread while it lives (the profiler's own code
/// runs), resumed as it was when dropped.
pub(crate) struct Suspended(*const Counters);

impl Suspended {
    pub(crate) fn new() -> Self {
        Suspended(ALLOC.with(|a| a.current.replace(ptr::null())))
    }
}

impl Drop for Suspended {
    fn drop(&mut self) {
        ALLOC.with(|a| a.current.set(self.0));
    }
}

/// Run `f` on this thread's state (made on first use), with allocation counting
/// suspended: whatever the profiler allocates is never charged to a span. `None` when the
/// state is gone (the thread is exiting) or already in use further up the stack.
pub(crate) fn with_state<R>(f: impl FnOnce(&mut ThreadState) -> R) -> Option<R> {
    let suspended = ALLOC.with(|a| a.current.replace(ptr::null()));
    let out = STATE
        .try_with(|cell| {
            let mut slot = cell.try_borrow_mut().ok()?;
            let state = match &mut *slot {
                Some(state) => state,
                None => slot.insert(ThreadState::new()),
            };
            let out = f(state);
            state.resume();
            Some(out)
        })
        .ok()
        .flatten();
    if out.is_none() {
        ALLOC.with(|a| a.current.set(suspended));
    }
    out
}

impl ThreadState {
    fn new() -> Self {
        let block = counters::register();
        ALLOC.with(|a| a.block.set(block));
        ThreadState {
            block,
            stack: Vec::new(),
            last: 0,
            cpu: 0,
            cpu_read_at: 0,
            cpu_estimated: 0,
            system: (0, 0),
            system_owed: 0,
            roots: 0,
            cache: HashMap::default(),
        }
    }

    fn block(&self) -> &ThreadBlock {
        // SAFETY: the block stays listed, and so alive, until this state is dropped.
        unsafe { &*self.block }
    }

    /// This thread's counters for `series` (`None` for [`NONE`], or out of memory).
    pub(crate) fn row(&self, series: u32) -> Option<&Counters> {
        if series == NONE {
            return None;
        }
        self.block().row(series)
    }

    /// Point the allocator at the innermost span's counters again.
    fn resume(&self) {
        let s = settings::get();
        let (row, tag) = match self.stack.last() {
            Some(top) if top.series != NONE && s.allocations => {
                (top.row, if s.heap { top.series } else { NONE })
            }
            _ => (ptr::null(), NONE),
        };
        ALLOC.with(|a| {
            a.current.set(row);
            a.tag.set(tag);
        });
    }

    /// The series of the innermost span entered on this thread (`Some(NONE)` when it is
    /// not profiled), `None` when none is entered.
    pub(crate) fn innermost(&self) -> Option<u32> {
        self.stack.last().map(|f| f.series)
    }

    /// Whether the next root span is profiled: one in `sample` per thread, the first one
    /// included.
    pub(crate) fn sample_root(&mut self, sample: u32) -> bool {
        let take = self.roots.is_multiple_of(u64::from(sample.max(1)));
        self.roots = self.roots.wrapping_add(1);
        take
    }

    /// The series of `key`: this thread's cache, or the process-wide table.
    pub(crate) fn series(
        &mut self,
        key: Key,
        callsite: &'static tracing_core::Metadata<'static>,
    ) -> u32 {
        if let Some(&id) = self.cache.get(&key) {
            return id;
        }
        let id = series::intern(&key, callsite, settings::get().max_series);
        self.cache.insert(key, id);
        id
    }

    /// The span whose series is `series` was created (`NONE`: nothing to count).
    pub(crate) fn created(&self, series: u32, s: &Settings) {
        if let Some(row) = self.row(series) {
            row.bump(Field::Created, 1);
            if s.wall {
                row.bump(Field::CreatedAt, clock::now());
            }
        }
    }

    /// The span whose series is `series` was closed.
    pub(crate) fn closed(&self, series: u32, s: &Settings) {
        if let Some(row) = self.row(series) {
            row.bump(Field::Closed, 1);
            if s.wall {
                row.bump(Field::ClosedAt, clock::now());
            }
        }
    }

    /// Charge the interval since the last transition to the innermost span, when either
    /// it or the span becoming innermost is profiled; returns the time now (0 when the
    /// clock was not needed).
    ///
    /// CPU time costs a system call to read, more than a short span lasts. So the thread
    /// reads it only once [`CPU_READ_EVERY`] has passed since its last read: an interval
    /// before that counts its wall time (a thread running spans that short is running),
    /// and the read charges the difference to the span innermost then, or to none outside
    /// spans. The split into user and system time comes from `getrusage`, whose system
    /// time moves at the clock tick: it is read at most every [`SYSTEM_READ_EVERY`], and
    /// what it grew by is charged as system time (out of the CPU time read) to the spans
    /// innermost at the next reads.
    fn transition(&mut self, next_profiled: bool, s: &Settings) -> u64 {
        let top = self.stack.last().filter(|f| f.series != NONE).copied();
        if top.is_none() && !next_profiled {
            return 0;
        }
        let now = if s.wall || s.cpu { clock::now() } else { 0 };
        let interval = now.wrapping_sub(self.last);
        // SAFETY: a frame's row lives in this thread's block, alive while `self` is.
        let row = top.map(|top| unsafe { &*top.row });
        if let (Some(row), true) = (row, s.wall) {
            row.bump(Field::Busy, interval);
        }
        if s.cpu {
            self.charge_cpu(row, now, interval);
        }
        self.last = now;
        now
    }

    fn charge_cpu(&mut self, row: Option<&Counters>, now: u64, interval: u64) {
        if now.wrapping_sub(self.cpu_read_at) < CPU_READ_EVERY {
            self.cpu_estimated = self.cpu_estimated.wrapping_add(interval);
            if let Some(row) = row {
                row.bump(Field::CpuUser, interval);
            }
            return;
        }
        let cpu = clock::thread_cpu();
        let spent = cpu.wrapping_sub(self.cpu);
        if now.wrapping_sub(self.system.1) >= SYSTEM_READ_EVERY {
            let system = clock::thread_system();
            self.system_owed = self
                .system_owed
                .wrapping_add(system.wrapping_sub(self.system.0));
            self.system = (system, now);
        }
        match row {
            Some(row) => {
                let system = self.system_owed.min(spent);
                self.system_owed -= system;
                let user = spent.wrapping_sub(self.cpu_estimated).wrapping_sub(system);
                row.bump(Field::CpuUser, user);
                row.bump(Field::CpuSystem, system);
            }
            // Outside spans: whose the system time was is unknown; nobody's.
            None => self.system_owed = 0,
        }
        self.cpu = cpu;
        self.cpu_read_at = now;
        self.cpu_estimated = 0;
    }

    /// Span `id` (of `series`) was entered on this thread.
    pub(crate) fn enter(&mut self, id: u64, series: u32, s: &Settings) {
        let row = self.row(series).map_or(ptr::null(), ptr::from_ref);
        let series = if row.is_null() { NONE } else { series };
        let at = self.transition(series != NONE, s);
        let again = series != NONE && self.stack.iter().any(|f| f.id == id);
        self.stack.push(Frame {
            id,
            series,
            row,
            at,
            again,
        });
        self.publish(self.stack.len() - 1);
    }

    /// Span `id` was exited on this thread (the innermost entry of it, if entered twice).
    pub(crate) fn exit(&mut self, id: u64, s: &Settings) {
        let Some(pos) = self.stack.iter().rposition(|f| f.id == id) else {
            return;
        };
        let frame = self.stack[pos];
        let next_profiled = if pos + 1 == self.stack.len() {
            pos > 0 && self.stack[pos - 1].series != NONE
        } else {
            // Exited out of order: the innermost span stays innermost.
            self.stack.last().is_some_and(|f| f.series != NONE)
        };
        let now = self.transition(next_profiled, s);
        if frame.series != NONE && !frame.again && s.wall {
            // SAFETY: as in `transition`.
            unsafe { &*frame.row }.bump(Field::Entered, now.wrapping_sub(frame.at));
        }
        self.stack.remove(pos);
        self.publish(pos);
    }

    /// Show the entered spans from depth `from` on to snapshots.
    fn publish(&self, from: usize) {
        let block = self.block();
        for (d, f) in self
            .stack
            .iter()
            .enumerate()
            .take(PUBLISHED_FRAMES)
            .skip(from)
        {
            let series = if f.again { NONE } else { f.series };
            block.frame_series[d].store(series, Ordering::Relaxed);
            block.frame_at[d].store(f.at, Ordering::Relaxed);
        }
        let top = self.stack.last().map_or(NONE, |f| f.series);
        block.top.store(top, Ordering::Relaxed);
        block.since.store(self.last, Ordering::Relaxed);
        block
            .depth
            .store(self.stack.len() as u32, Ordering::Release);
    }
}

impl Drop for ThreadState {
    fn drop(&mut self) {
        ALLOC.with(|a| {
            a.current.set(ptr::null());
            a.tag.set(NONE);
            a.block.set(ptr::null());
        });
        let mut list = BLOCKS.lock().unwrap_or_else(|e| e.into_inner());
        if settings::running() {
            // The collector folds the block into its totals and frees it.
            self.block().dead.store(true, Ordering::Release);
        } else if let Some(i) = list.iter().position(|b| ptr::eq(b.0, self.block)) {
            // Nobody collects any more: free it here.
            let block = list.swap_remove(i);
            // SAFETY: unlisted under the lock, and this thread no longer writes to it.
            unsafe { counters::free(block) };
        }
    }
}
