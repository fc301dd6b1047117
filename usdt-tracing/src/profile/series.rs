//! Series: what one sample of the profile stands for, a stack of span callsites (the
//! span's own at the top, its parents' below) with the labels taken from their fields.
//! Each gets a small id once, process-wide, and keeps it: the id is what counter rows are
//! indexed by and what the allocator writes into an allocation's tag.

use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::Mutex;

use rustc_hash::FxBuildHasher;
use tracing_core::Metadata;

use super::segvec::SegVec;

/// No series: a span that is not profiled, or no span at all.
pub(crate) const NONE: u32 = 0;
/// Where spans go once the table holds `max_series` series.
pub(crate) const OTHER: u32 = 1;
/// The first id given to a real series.
const FIRST: u32 = 2;

/// A label: a field's name and its value as text.
pub(crate) type Label = (&'static str, Box<str>);

/// What a series stands for.
#[derive(Debug)]
pub(crate) struct SeriesInfo {
    /// The series of the parent span ([`NONE`] for a root).
    pub(crate) parent: u32,
    /// The span's callsite.
    pub(crate) callsite: &'static Metadata<'static>,
    /// Its labels and its parents' (a span's own value wins over a parent's).
    pub(crate) labels: Box<[Label]>,
}

/// What a span is looked up by: its parent's series, its callsite, its own labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// The parent's series.
    pub(crate) parent: u32,
    /// The callsite, by address (a callsite's metadata is a static).
    pub(crate) callsite: usize,
    /// The span's own labels, in the order of its fields.
    pub(crate) labels: Vec<Label>,
}

/// The series, by id. Entries are written once, before their id is handed out.
static TABLE: SegVec<AtomicPtr<SeriesInfo>> = SegVec::new();
/// The next id to hand out.
static NEXT: AtomicU32 = AtomicU32::new(FIRST);
/// Ids by key, for the threads whose own cache misses.
static IDS: Mutex<Option<HashMap<Key, u32, FxBuildHasher>>> = Mutex::new(None);

/// The series of `key` (made now if new), or [`OTHER`] once `max` series exist.
pub(crate) fn intern(key: &Key, callsite: &'static Metadata<'static>, max: u32) -> u32 {
    let mut ids = IDS.lock().unwrap_or_else(|e| e.into_inner());
    let ids = ids.get_or_insert_with(HashMap::default);
    if let Some(&id) = ids.get(key) {
        return id;
    }
    let id = NEXT.load(Ordering::Relaxed);
    if id >= max.saturating_add(FIRST) {
        return OTHER;
    }
    let mut labels: Vec<Label> = get(key.parent).map_or_else(Vec::new, |p| p.labels.to_vec());
    for (name, value) in &key.labels {
        match labels.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.clone(),
            None => labels.push((name, value.clone())),
        }
    }
    let info = Box::new(SeriesInfo {
        parent: key.parent,
        callsite,
        labels: labels.into_boxed_slice(),
    });
    let Some(slot) = TABLE.get_or_grow(id) else {
        return OTHER;
    };
    slot.store(Box::into_raw(info), Ordering::Release);
    NEXT.store(id + 1, Ordering::Release);
    ids.insert(key.clone(), id);
    id
}

/// What series `id` stands for (`None` for [`NONE`], [`OTHER`] and ids not handed out).
pub(crate) fn get(id: u32) -> Option<&'static SeriesInfo> {
    let ptr = TABLE.get(id)?.load(Ordering::Acquire);
    // SAFETY: a published entry is a leaked `Box<SeriesInfo>`, never freed or changed.
    (!ptr.is_null()).then(|| unsafe { &*ptr })
}

/// One more than the highest id handed out: every id below it may have figures.
pub(crate) fn end() -> u32 {
    NEXT.load(Ordering::Acquire)
}

/// Bytes the series table and its entries hold.
pub(crate) fn bytes() -> usize {
    let entries: usize = (FIRST..end())
        .filter_map(get)
        .map(|s| {
            std::mem::size_of::<SeriesInfo>()
                + s.labels.len() * std::mem::size_of::<Label>()
                + s.labels.iter().map(|(_, v)| v.len()).sum::<usize>()
        })
        .sum();
    let map = (end() - FIRST) as usize * (std::mem::size_of::<(Key, u32)>() + 1);
    TABLE.bytes() + entries + map
}
