//! [`TrackingAllocator`]: the global allocator that charges allocations to the innermost
//! profiled span of the thread making them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use super::counters::{Field, SHARED};
use super::series::{self, NONE};
use super::thread::ALLOC;

/// Bytes added after every allocation: the tag, the series the allocation is charged to.
pub(crate) const TAG_BYTES: usize = 4;

/// Set by the first allocation through a [`TrackingAllocator`].
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Whether a [`TrackingAllocator`] has served an allocation in this process (that is, is
/// the global allocator).
pub(crate) fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// A global allocator that counts, per span, the allocations made while the span is the
/// innermost entered one, and the heap they still hold.
///
/// Every allocation gets 4 more bytes after it, whatever its size and alignment, holding
/// the id of the span stack it was charged to (0 for none), so that freeing it, on any
/// thread, takes it off that stack's heap in use. A `realloc` takes the block off its old
/// stack and charges its new size to the stack of the thread reallocating (it counts as
/// one allocation there). While no profiler runs, or outside profiled spans, the cost is
/// the 4 bytes and a thread-local load.
///
/// ```
/// use usdt_tracing::TrackingAllocator;
///
/// #[global_allocator]
/// static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();
/// # fn main() {}
/// ```
///
/// Wrap another allocator with [`TrackingAllocator::new`].
#[derive(Debug, Default, Clone, Copy)]
pub struct TrackingAllocator<A = System> {
    inner: A,
}

impl TrackingAllocator<System> {
    /// Tracking over the system allocator.
    pub const fn system() -> Self {
        TrackingAllocator { inner: System }
    }
}

impl<A> TrackingAllocator<A> {
    /// Tracking over `inner`.
    pub const fn new(inner: A) -> Self {
        TrackingAllocator { inner }
    }
}

/// The layout asked of the inner allocator for `layout`: the tag after the object.
#[inline]
fn outer(layout: Layout) -> Option<Layout> {
    Layout::from_size_align(layout.size().checked_add(TAG_BYTES)?, layout.align()).ok()
}

/// Write the tag of the object of `size` bytes at `ptr`.
///
/// # Safety
/// `ptr` heads a block of at least `size + TAG_BYTES` bytes.
#[inline]
unsafe fn write_tag(ptr: *mut u8, size: usize, tag: u32) {
    // SAFETY: the tag's bytes are inside the block; unaligned, since `size` may be odd.
    unsafe { ptr.add(size).cast::<u32>().write_unaligned(tag) };
}

/// Read the tag of the object of `size` bytes at `ptr`.
///
/// # Safety
/// As for [`write_tag`], with the tag written.
#[inline]
unsafe fn read_tag(ptr: *const u8, size: usize) -> u32 {
    // SAFETY: see `write_tag`.
    unsafe { ptr.add(size).cast::<u32>().read_unaligned() }
}

/// Count an allocation of `size` bytes on this thread; returns its tag.
#[inline]
fn allocated(size: usize) -> u32 {
    ALLOC.with(|a| {
        let row = a.current.get();
        if row.is_null() {
            return NONE;
        }
        // SAFETY: `current` points into this thread's block, which outlives every value
        // it holds (cleared before the block is released).
        let row = unsafe { &*row };
        row.bump(Field::AllocObjects, 1);
        row.bump(Field::AllocBytes, size as u64);
        let tag = a.tag.get();
        if tag != NONE {
            row.bump(Field::InuseObjects, 1);
            row.bump(Field::InuseBytes, size as u64);
        }
        tag
    })
}

/// Count the freeing of `size` bytes charged to series `tag`.
#[inline]
fn freed(tag: u32, size: usize) {
    // A tag the profiler never gave out is a block overwritten past its end: ignore it
    // rather than index with it.
    if tag == NONE || tag >= series::end() {
        return;
    }
    let (objects, bytes) = (1u64.wrapping_neg(), (size as u64).wrapping_neg());
    ALLOC.with(|a| {
        let block = a.block.get();
        if block.is_null() {
            if let Some(row) = SHARED.row(tag) {
                row.bump_shared(Field::InuseObjects, objects);
                row.bump_shared(Field::InuseBytes, bytes);
            }
        } else {
            // SAFETY: as in `allocated`.
            if let Some(row) = unsafe { &*block }.row(tag) {
                row.bump(Field::InuseObjects, objects);
                row.bump(Field::InuseBytes, bytes);
            }
        }
    });
}

#[inline]
fn mark_installed() {
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

impl<A: GlobalAlloc> TrackingAllocator<A> {
    /// A block for `layout` from the inner allocator's `alloc` or `alloc_zeroed`, with the
    /// tag after it.
    ///
    /// # Safety
    /// As for [`GlobalAlloc::alloc`].
    #[inline]
    unsafe fn allocate(&self, layout: Layout, alloc: unsafe fn(&A, Layout) -> *mut u8) -> *mut u8 {
        mark_installed();
        let Some(outer) = outer(layout) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `outer` is a valid layout of non-zero size.
        let ptr = unsafe { alloc(&self.inner, outer) };
        if !ptr.is_null() {
            // SAFETY: the block has room for the tag.
            unsafe { write_tag(ptr, layout.size(), allocated(layout.size())) };
        }
        ptr
    }
}

// SAFETY: every block handed out is `layout.size()` usable bytes, aligned to
// `layout.align()`, inside a block of the inner allocator that is returned to it with the
// same outer layout; the tag bytes are never handed out.
unsafe impl<A: GlobalAlloc> GlobalAlloc for TrackingAllocator<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.allocate(layout, A::alloc) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.allocate(layout, A::alloc_zeroed) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with `layout`, so its tag is there.
        let tag = unsafe { read_tag(ptr, layout.size()) };
        // `outer` succeeded when the block was allocated with this layout.
        if let Some(outer) = outer(layout) {
            // SAFETY: the block came from the inner allocator with `outer`.
            unsafe { self.inner.dealloc(ptr, outer) };
        }
        freed(tag, layout.size());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = outer(layout);
        let new = Layout::from_size_align(new_size, layout.align())
            .ok()
            .and_then(outer);
        let (Some(old), Some(new)) = (old, new) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as in `dealloc`; read before the block may move.
        let tag = unsafe { read_tag(ptr, layout.size()) };
        // SAFETY: the block came from the inner allocator with `old`; `new.size()` is
        // non-zero and, rounded up to the alignment, does not overflow `isize`.
        let moved = unsafe { self.inner.realloc(ptr, old, new.size()) };
        if moved.is_null() {
            // The old block, tag included, is untouched.
            return moved;
        }
        freed(tag, layout.size());
        // SAFETY: the new block has room for the tag after `new_size` bytes.
        unsafe { write_tag(moved, new_size, allocated(new_size)) };
        moved
    }
}
