//! Cheap identifiers for correlating probes across threads and async tasks.

use std::sync::atomic::{AtomicU64, Ordering};

/// The next identifier to hand out; 0 means "not yet assigned".
static NEXT: AtomicU64 = AtomicU64::new(1);

/// An identifier for correlating related probes, e.g. the start and end of a request handled
/// across several tasks.
///
/// Making one costs nothing: the number is assigned the first time a probe that is enabled
/// reads it (or the identifier is cloned), so untraced programs never touch the shared
/// counter. Pass `&id` (or `id`) to a probe whose argument is `&UniqueId` in a
/// `#[usdt::provider]` module, or `id.as_u64()` to a `uint64_t` of a D provider; the tracer
/// sees the same number at every probe given the same `UniqueId`.
///
/// A clone has the same number, so work that moves to another thread or task keeps its
/// identifier (as with usdt 0.6's `UniqueId`); unlike 0.6's, a `UniqueId` is also `Sync`.
///
/// ```
/// let id = usdt::UniqueId::new();
/// let a = id.as_u64();
/// assert_eq!(a, id.as_u64());
/// assert_eq!(a, id.clone().as_u64());
/// assert_ne!(a, usdt::UniqueId::new().as_u64());
/// ```
#[derive(Debug, Default)]
pub struct UniqueId {
    id: AtomicU64,
}

impl UniqueId {
    /// A new identifier; no number is assigned until it is read.
    pub const fn new() -> Self {
        UniqueId {
            id: AtomicU64::new(0),
        }
    }

    /// The identifier's number, assigned on first read; never 0.
    #[inline]
    pub fn as_u64(&self) -> u64 {
        match self.id.load(Ordering::Relaxed) {
            0 => self.assign(),
            id => id,
        }
    }

    #[cold]
    fn assign(&self) -> u64 {
        let fresh = NEXT.fetch_add(1, Ordering::Relaxed);
        match self
            .id
            .compare_exchange(0, fresh, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => fresh,
            // Another thread assigned it first; its number wins.
            Err(existing) => existing,
        }
    }
}

impl Clone for UniqueId {
    /// The same identifier: its number is assigned now if it was not yet.
    fn clone(&self) -> Self {
        UniqueId {
            id: AtomicU64::new(self.as_u64()),
        }
    }
}
