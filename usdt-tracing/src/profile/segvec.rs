//! A table that grows without moving: chunks of doubling size, allocated zeroed from the
//! system allocator on first use and never freed before the table. Readers on any thread
//! index it without a lock, and the global allocator may grow it (its chunks do not come
//! from the global allocator, so growing never re-enters it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::marker::PhantomData;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// Entries in the first chunk; chunk `k` holds `FIRST << k`.
const FIRST: usize = 64;
/// Enough chunks for any `u32` index.
const CHUNKS: usize = 27;

/// Types whose all-zero bytes are a valid value (atomics and structs of them).
///
/// # Safety
/// All-zero bytes must be a valid `Self`, and `Self` must need no drop.
pub(crate) unsafe trait Zeroable: Sync {}

/// A table of `T`, indexed by `u32`, whose entries start zeroed and never move.
pub(crate) struct SegVec<T: Zeroable> {
    chunks: [AtomicPtr<T>; CHUNKS],
    _owns: PhantomData<T>,
}

/// The chunk holding index `i`, and the offset in it.
fn place(i: u32) -> (usize, usize) {
    let i = i as usize + FIRST;
    let k = i.ilog2() as usize - FIRST.ilog2() as usize;
    (k, i - (FIRST << k))
}

fn chunk_layout<T>(k: usize) -> Layout {
    // At most FIRST << 26 entries of a small struct: cannot overflow.
    Layout::array::<T>(FIRST << k).unwrap_or_else(|_| Layout::new::<T>())
}

impl<T: Zeroable> SegVec<T> {
    /// An empty table (no chunk allocated).
    pub(crate) const fn new() -> Self {
        SegVec {
            chunks: [const { AtomicPtr::new(ptr::null_mut()) }; CHUNKS],
            _owns: PhantomData,
        }
    }

    /// Entry `i`, if its chunk exists.
    #[inline]
    pub(crate) fn get(&self, i: u32) -> Option<&T> {
        let (k, off) = place(i);
        let chunk = self.chunks.get(k)?.load(Ordering::Acquire);
        // SAFETY: a published chunk holds `FIRST << k` zero-initialized entries and lives
        // as long as `self`; `off < FIRST << k` by construction.
        (!chunk.is_null()).then(|| unsafe { &*chunk.add(off) })
    }

    /// Entry `i`, allocating its chunk if needed; `None` only when the system allocator
    /// has no memory for it.
    #[inline]
    pub(crate) fn get_or_grow(&self, i: u32) -> Option<&T> {
        match self.get(i) {
            Some(entry) => Some(entry),
            None => self.grow(i),
        }
    }

    #[cold]
    fn grow(&self, i: u32) -> Option<&T> {
        let (k, off) = place(i);
        let slot = self.chunks.get(k)?;
        let layout = chunk_layout::<T>(k);
        // SAFETY: the layout has a non-zero size; zeroed memory is a valid `T` (`Zeroable`).
        let fresh = unsafe { System.alloc_zeroed(layout) }.cast::<T>();
        if fresh.is_null() {
            return None;
        }
        let chunk = match slot.compare_exchange(
            ptr::null_mut(),
            fresh,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => fresh,
            Err(theirs) => {
                // Another thread published this chunk first: use theirs.
                // SAFETY: `fresh` came from `System.alloc_zeroed(layout)` and was never shared.
                unsafe { System.dealloc(fresh.cast(), layout) };
                theirs
            }
        };
        // SAFETY: as in `get`.
        Some(unsafe { &*chunk.add(off) })
    }

    /// The entries of every allocated chunk, with their indexes, in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &T)> + '_ {
        self.chunks.iter().enumerate().flat_map(|(k, slot)| {
            let chunk = slot.load(Ordering::Acquire);
            let len = if chunk.is_null() { 0 } else { FIRST << k };
            let start = FIRST * ((1 << k) - 1);
            // SAFETY: as in `get`, for every offset below the chunk's length.
            (0..len).map(move |off| ((start + off) as u32, unsafe { &*chunk.add(off) }))
        })
    }

    /// Bytes held by the allocated chunks.
    pub(crate) fn bytes(&self) -> usize {
        self.chunks
            .iter()
            .enumerate()
            .filter(|(_, slot)| !slot.load(Ordering::Relaxed).is_null())
            .map(|(k, _)| chunk_layout::<T>(k).size())
            .sum()
    }
}

impl<T: Zeroable> Drop for SegVec<T> {
    fn drop(&mut self) {
        for (k, slot) in self.chunks.iter().enumerate() {
            let chunk = slot.swap(ptr::null_mut(), Ordering::AcqRel);
            if !chunk.is_null() {
                // SAFETY: allocated in `grow` with this layout; `T` needs no drop.
                unsafe { System.dealloc(chunk.cast(), chunk_layout::<T>(k)) };
            }
        }
    }
}

// SAFETY: null is all-zero bytes, and an `AtomicPtr` needs no drop.
unsafe impl<T> Zeroable for AtomicPtr<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    // SAFETY: zero is a valid `AtomicU64`, which needs no drop.
    unsafe impl Zeroable for AtomicU64 {}

    #[test]
    fn indexes_map_to_distinct_entries_across_chunks() {
        let v: SegVec<AtomicU64> = SegVec::new();
        for i in 0..5000u32 {
            let e = v.get_or_grow(i).unwrap();
            assert_eq!(e.load(Ordering::Relaxed), 0, "entry {i} starts zeroed");
            e.store(u64::from(i) + 1, Ordering::Relaxed);
        }
        for i in 0..5000u32 {
            assert_eq!(v.get(i).unwrap().load(Ordering::Relaxed), u64::from(i) + 1);
        }
        let seen: Vec<u32> = v.iter().map(|(i, _)| i).take(5000).collect();
        assert_eq!(seen, (0..5000).collect::<Vec<_>>());
        assert!(
            v.get(1 << 20).is_none(),
            "an untouched chunk is not allocated"
        );
    }

    #[test]
    fn place_is_contiguous() {
        assert_eq!(place(0), (0, 0));
        assert_eq!(place(63), (0, 63));
        assert_eq!(place(64), (1, 0));
        assert_eq!(place(191), (1, 127));
        assert_eq!(place(192), (2, 0));
        assert_eq!(place(u32::MAX).0, CHUNKS - 1);
    }
}
