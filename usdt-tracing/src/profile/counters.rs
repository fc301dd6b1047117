//! Where the figures go: per thread, per series (a stack of span names with its labels), a
//! row of counters that only that thread writes. An update is a plain load and store, no
//! lock and no atomic read-modify-write; the collector reads the rows of every thread
//! and adds them up. A thread's block outlives the thread until the collector has folded
//! it into its own totals.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;

use super::segvec::{SegVec, Zeroable};

/// One counter of a [`Counters`] row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// Nanoseconds the series was the innermost entered span of the thread.
    Busy,
    /// Nanoseconds its spans were entered (nested ones too), for finished intervals.
    Entered,
    /// CPU nanoseconds in user mode while innermost.
    CpuUser,
    /// CPU nanoseconds in the kernel while innermost.
    CpuSystem,
    /// Allocations made while innermost (a `realloc` counts as one).
    AllocObjects,
    /// Bytes of those allocations.
    AllocBytes,
    /// Allocations made while innermost and not freed yet (a wrapping sum: a thread may
    /// free what another allocated, so one thread's row can be negative).
    InuseObjects,
    /// Their bytes (a wrapping sum too).
    InuseBytes,
    /// Spans created.
    Created,
    /// Spans closed.
    Closed,
    /// The sum of the creation times of the spans created (wrapping).
    CreatedAt,
    /// The sum of the closing times of the spans closed (wrapping).
    ClosedAt,
}

/// How many [`Field`]s there are.
pub(crate) const FIELDS: usize = 12;

/// One row of counters: a thread's figures for one series.
pub(crate) struct Counters([AtomicU64; FIELDS]);

// SAFETY: an array of atomics, valid when zeroed, with no drop.
unsafe impl Zeroable for Counters {}

impl Counters {
    /// Add `v` (wrapping). Only for the row's own thread: a load and a store.
    #[inline]
    pub(crate) fn bump(&self, field: Field, v: u64) {
        let c = &self.0[field as usize];
        c.store(c.load(Ordering::Relaxed).wrapping_add(v), Ordering::Relaxed);
    }

    /// Add `v` from any thread (an atomic read-modify-write).
    #[inline]
    pub(crate) fn bump_shared(&self, field: Field, v: u64) {
        self.0[field as usize].fetch_add(v, Ordering::Relaxed);
    }

    /// The current value of every field.
    pub(crate) fn read(&self) -> [u64; FIELDS] {
        std::array::from_fn(|i| self.0[i].load(Ordering::Relaxed))
    }
}

/// How many entered spans per thread a snapshot sees while they are still entered.
pub(crate) const PUBLISHED_FRAMES: usize = 32;

/// A thread's counters, and what it has entered right now.
pub(crate) struct ThreadBlock {
    /// One row per series, indexed by series id.
    pub(crate) rows: SegVec<Counters>,
    /// Set by the thread's last act (its thread-local state being dropped): nothing will
    /// write here any more.
    pub(crate) dead: AtomicBool,
    /// Entered spans on this thread: how many.
    pub(crate) depth: AtomicU32,
    /// The series of the first [`PUBLISHED_FRAMES`] entered spans (0 for a span entered
    /// again while already entered, whose time is counted once).
    pub(crate) frame_series: [AtomicU32; PUBLISHED_FRAMES],
    /// When each of them was entered.
    pub(crate) frame_at: [AtomicU64; PUBLISHED_FRAMES],
    /// The series of the innermost entered span (0 for none or unprofiled).
    pub(crate) top: AtomicU32,
    /// When the innermost span last changed.
    pub(crate) since: AtomicU64,
}

impl ThreadBlock {
    const fn new() -> Self {
        ThreadBlock {
            rows: SegVec::new(),
            dead: AtomicBool::new(false),
            depth: AtomicU32::new(0),
            frame_series: [const { AtomicU32::new(0) }; PUBLISHED_FRAMES],
            frame_at: [const { AtomicU64::new(0) }; PUBLISHED_FRAMES],
            top: AtomicU32::new(0),
            since: AtomicU64::new(0),
        }
    }

    /// The row of `series`, growing the table if needed (`None`: out of memory).
    #[inline]
    pub(crate) fn row(&self, series: u32) -> Option<&Counters> {
        self.rows.get_or_grow(series)
    }
}

/// Rows for frees made by threads that have no block (they never entered a profiled span,
/// or their thread-local state is gone): updated with atomic read-modify-writes.
pub(crate) static SHARED: ThreadBlock = ThreadBlock::new();

/// A block owned by [`BLOCKS`], freed by whoever removes it from there.
#[derive(Clone, Copy)]
pub(crate) struct BlockPtr(pub(crate) *const ThreadBlock);

// SAFETY: a `ThreadBlock` is all atomics (and a lock-free table of them); the pointer is
// only dereferenced while the block is listed or by the one party that unlisted it.
unsafe impl Send for BlockPtr {}

/// Every thread's block. Taken by a thread when it first profiles (to add its block) and
/// by the collector for a moment per round (to copy the list and take dead blocks out).
pub(crate) static BLOCKS: Mutex<Vec<BlockPtr>> = Mutex::new(Vec::new());

/// A new block for the calling thread, listed in [`BLOCKS`].
pub(crate) fn register() -> *const ThreadBlock {
    let block = Box::into_raw(Box::new(ThreadBlock::new())).cast_const();
    // A poisoned list is still a list: a panic elsewhere must not stop profiling.
    let mut list = BLOCKS.lock().unwrap_or_else(|e| e.into_inner());
    list.push(BlockPtr(block));
    block
}

/// Free a block taken out of [`BLOCKS`].
///
/// # Safety
/// `block` came from [`register`], is no longer listed, and nothing uses it any more.
pub(crate) unsafe fn free(block: BlockPtr) {
    // SAFETY: per the contract, this is the only owner of the box.
    drop(unsafe { Box::from_raw(block.0.cast_mut()) });
}
