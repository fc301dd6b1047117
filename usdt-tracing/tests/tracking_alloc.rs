//! `TrackingAllocator` as the global allocator, held to what an allocator owes: every
//! size and alignment, `alloc_zeroed` and `realloc` (growing, shrinking, moving), the
//! contents kept, failures reported as null with the old block intact; and to what it
//! counts: the profile's allocations and heap in use of the span that made them are
//! exactly the operations made in it.

mod common;

use std::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};

use proptest::prelude::*;
use tracing::info_span;
use usdt_tracing::{Metric, ProfileLayer, Profiler, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

/// The profiler of this test binary, with the layer as the global subscriber.
fn profiler() -> &'static Profiler {
    common::profiler(|| ProfileLayer::builder().heap(true))
}

/// One step of a sequence run against the allocator.
#[derive(Debug, Clone)]
enum Op {
    Alloc { size: usize, align: usize },
    AllocZeroed { size: usize, align: usize },
    Realloc { which: usize, size: usize },
    Dealloc { which: usize },
}

fn size() -> impl Strategy<Value = usize> {
    prop_oneof![1usize..=64, 65usize..=4096, 4097usize..=300_000]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (size(), 0u32..=13).prop_map(|(size, a)| Op::Alloc {
            size,
            align: 1 << a
        }),
        (size(), 0u32..=13).prop_map(|(size, a)| Op::AllocZeroed {
            size,
            align: 1 << a
        }),
        (any::<usize>(), size()).prop_map(|(which, size)| Op::Realloc { which, size }),
        any::<usize>().prop_map(|which| Op::Dealloc { which }),
    ]
}

/// A live block: where, its layout, and the byte its contents were filled from.
struct Block {
    ptr: *mut u8,
    layout: Layout,
    seed: u8,
}

fn fill(b: &Block) {
    for i in 0..b.layout.size() {
        // SAFETY: `i` is inside the block.
        unsafe { b.ptr.add(i).write(b.seed.wrapping_add(i as u8)) };
    }
}

/// Whether the first `len` bytes are still what `fill` wrote.
fn intact(b: &Block, len: usize) -> bool {
    // SAFETY: `i` is inside the block.
    (0..len).all(|i| unsafe { b.ptr.add(i).read() } == b.seed.wrapping_add(i as u8))
}

/// What the operations should have added to the span's figures.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    alloc_objects: i64,
    alloc_bytes: i64,
    inuse_objects: i64,
    inuse_bytes: i64,
}

/// Run `ops` (inside span `ops`); the blocks still live are returned.
fn run(ops: &[Op], live: &mut Vec<Block>, want: &mut Expected) -> Result<(), TestCaseError> {
    let mut seed = 1u8;
    for op in ops {
        seed = seed.wrapping_add(37);
        match *op {
            Op::Alloc { size, align } | Op::AllocZeroed { size, align } => {
                let layout = Layout::from_size_align(size, align).unwrap();
                let zeroed = matches!(op, Op::AllocZeroed { .. });
                // SAFETY: a valid layout of non-zero size.
                let ptr = unsafe {
                    if zeroed {
                        alloc_zeroed(layout)
                    } else {
                        alloc(layout)
                    }
                };
                prop_assert!(!ptr.is_null());
                prop_assert_eq!(ptr as usize % align, 0, "aligned to {}", align);
                if zeroed {
                    // SAFETY: inside the block.
                    let zeros = (0..size).all(|i| unsafe { ptr.add(i).read() } == 0);
                    prop_assert!(zeros, "alloc_zeroed gives zeros");
                }
                let block = Block { ptr, layout, seed };
                fill(&block);
                live.push(block);
                want.alloc_objects += 1;
                want.alloc_bytes += size as i64;
                want.inuse_objects += 1;
                want.inuse_bytes += size as i64;
            }
            Op::Realloc { which, size } if !live.is_empty() => {
                let i = which % live.len();
                let old = &live[i];
                // SAFETY: `old` is live, allocated with its layout; `size` is non-zero.
                let ptr = unsafe { realloc(old.ptr, old.layout, size) };
                prop_assert!(!ptr.is_null());
                let align = old.layout.align();
                prop_assert_eq!(ptr as usize % align, 0, "still aligned to {}", align);
                let moved = Block {
                    ptr,
                    layout: Layout::from_size_align(size, align).unwrap(),
                    seed: old.seed,
                };
                prop_assert!(intact(&moved, old.layout.size().min(size)), "contents kept");
                want.alloc_objects += 1;
                want.alloc_bytes += size as i64;
                want.inuse_bytes += size as i64 - old.layout.size() as i64;
                fill(&moved);
                live[i] = moved;
            }
            Op::Dealloc { which } if !live.is_empty() => {
                let b = live.swap_remove(which % live.len());
                prop_assert!(intact(&b, b.layout.size()), "no neighbour wrote into it");
                // SAFETY: live, allocated with this layout.
                unsafe { dealloc(b.ptr, b.layout) };
                want.inuse_objects -= 1;
                want.inuse_bytes -= b.layout.size() as i64;
            }
            Op::Realloc { .. } | Op::Dealloc { .. } => {}
        }
    }
    Ok(())
}

/// The span's figures in a profile.
fn figures(profiler: &Profiler) -> Expected {
    let p = profiler.snapshot().unwrap();
    let v = |m| p.value(&["ops"], m).unwrap();
    Expected {
        alloc_objects: v(Metric::AllocObjects),
        alloc_bytes: v(Metric::AllocBytes),
        inuse_objects: v(Metric::InuseObjects),
        inuse_bytes: v(Metric::InuseBytes),
    }
}

fn diff(after: &Expected, before: &Expected) -> Expected {
    Expected {
        alloc_objects: after.alloc_objects - before.alloc_objects,
        alloc_bytes: after.alloc_bytes - before.alloc_bytes,
        inuse_objects: after.inuse_objects - before.inuse_objects,
        inuse_bytes: after.inuse_bytes - before.inuse_bytes,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_size_and_alignment_is_served_and_counted(ops in prop::collection::vec(op(), 1..40)) {
        let profiler = profiler();
        // Reserved outside the span: inside it, only the operations allocate.
        let mut live = Vec::with_capacity(ops.len());
        let mut want = Expected::default();
        let before = figures(profiler);
        let span = info_span!("ops");
        let result = span.in_scope(|| run(&ops, &mut live, &mut want));
        let during = diff(&figures(profiler), &before);
        // Freed outside the span, the blocks still come off its heap in use.
        for b in live.drain(..) {
            prop_assert!(intact(&b, b.layout.size()));
            // SAFETY: live, allocated with this layout.
            unsafe { dealloc(b.ptr, b.layout) };
        }
        let after = diff(&figures(profiler), &before);
        result?;
        prop_assert_eq!(&during, &want);
        prop_assert_eq!(after, Expected { inuse_objects: 0, inuse_bytes: 0, ..want });
    }
}

#[test]
fn failures_are_null_and_leave_the_block_as_it_was() {
    profiler();
    let layout = Layout::from_size_align(100, 8).unwrap();
    // SAFETY: valid layouts; the huge ones cannot be served, which must show as null.
    unsafe {
        let huge = Layout::from_size_align(isize::MAX as usize - 64, 1).unwrap();
        assert!(alloc(huge).is_null(), "a size the tag cannot follow");
        let ptr = alloc(layout);
        assert!(!ptr.is_null());
        let block = Block {
            ptr,
            layout,
            seed: 9,
        };
        fill(&block);
        assert!(realloc(ptr, layout, isize::MAX as usize - 2).is_null());
        assert!(intact(&block, 100), "the old block is untouched");
        dealloc(ptr, layout);
    }
}
