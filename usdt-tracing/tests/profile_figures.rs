//! What the profile says a span did is what it did: allocations and heap counted exactly
//! and given to the innermost span, never the profiler's own; reused span ids kept apart;
//! time and CPU time within what the thread spent; labels from fields; spans still open
//! or entered counted up to the snapshot; totals over many threads equal to the work.
//!
//! One profiler per process: every test here shares it, with its own span names, and
//! compares snapshots taken before and after its work.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tracing::info_span;
use usdt_tracing::{Metric, Profile, ProfileLayer, Profiler, TrackingAllocator};

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator::system();

fn profiler() -> &'static Profiler {
    common::profiler(|| ProfileLayer::builder().all().label_fields(["tenant"]))
}

fn snapshot() -> Profile {
    profiler().snapshot().expect("a snapshot")
}

/// `metric` of stack `names` in `after` less in `before`.
fn delta(before: &Profile, after: &Profile, names: &[&str], metric: Metric) -> i64 {
    after.value(names, metric).unwrap() - before.value(names, metric).unwrap()
}

/// Run `work` once to warm up what `tracing`'s registry allocates on a thread's first
/// spans (its slab pages, its stack of entered spans), which it charges to the span
/// innermost at the time like any code's; then the measured run.
fn warm(mut work: impl FnMut(&str)) {
    work("warm");
    work("measured");
}

#[test]
fn allocations_and_heap_go_to_the_innermost_span_exactly() {
    profiler();
    let mut before = None;
    warm(|phase| {
        let mut kept: Vec<Box<[u8; 32]>> = Vec::with_capacity(64);
        let mut inner_kept: Vec<Vec<u8>> = Vec::with_capacity(64);
        if phase == "measured" {
            before = Some(snapshot());
        }
        for _ in 0..10 {
            info_span!("exact_outer").in_scope(|| {
                for _ in 0..3 {
                    kept.push(Box::new([7u8; 32]));
                }
                info_span!("exact_inner").in_scope(|| {
                    for _ in 0..5 {
                        inner_kept.push(vec![1u8; 100]);
                    }
                    // Two of the inner span's five freed in it, one of the outer's freed in
                    // the outer span.
                    inner_kept.truncate(inner_kept.len() - 2);
                });
                kept.pop();
            });
        }
        if phase == "measured" {
            let before = before.take().unwrap();
            let after = snapshot();
            let outer = ["exact_outer"];
            let inner = ["exact_outer", "exact_inner"];
            let d = |names: &[&str], m| delta(&before, &after, names, m);
            assert_eq!(d(&outer, Metric::AllocObjects), 30);
            assert_eq!(d(&outer, Metric::AllocBytes), 30 * 32);
            assert_eq!(d(&outer, Metric::InuseObjects), 20);
            assert_eq!(d(&outer, Metric::InuseBytes), 20 * 32);
            assert_eq!(d(&inner, Metric::AllocObjects), 50);
            assert_eq!(d(&inner, Metric::AllocBytes), 50 * 100);
            assert_eq!(d(&inner, Metric::InuseObjects), 30);
            assert_eq!(d(&inner, Metric::InuseBytes), 30 * 100);
            assert_eq!(d(&outer, Metric::Spans), 10);
            assert_eq!(d(&inner, Metric::Spans), 10);
            // Freed outside any span, they come off the spans' heap in use.
            drop(kept);
            drop(inner_kept);
            let freed = snapshot();
            let d = |names: &[&str], m| delta(&before, &freed, names, m);
            assert_eq!(d(&outer, Metric::InuseObjects), 0);
            assert_eq!(d(&inner, Metric::InuseBytes), 0);
            assert_eq!(
                d(&outer, Metric::AllocObjects),
                30,
                "allocations stay counted"
            );
        }
    });
}

/// A stack `depth` spans deep, each with a `tenant` label of its own (new series, label
/// strings, a deeper stack of entered spans: all allocated by the profiler), none of
/// which allocates anything itself.
fn quiet_tree(depth: usize, tag: &str) {
    fn level(tenants: &[String]) {
        if let Some((tenant, rest)) = tenants.split_first() {
            let span = info_span!("quiet_child", tenant = tenant.as_str());
            span.in_scope(|| level(rest));
        }
    }
    let tenants: Vec<String> = (0..depth).map(|d| format!("{tag}-{d}")).collect();
    info_span!("quiet_root").in_scope(|| level(&tenants));
}

#[test]
fn the_profilers_own_allocations_are_never_charged_to_spans() {
    // A thread of its own: the profiler makes its per-thread state there too.
    std::thread::spawn(|| {
        profiler();
        quiet_tree(40, "warm");
        let before = snapshot();
        quiet_tree(40, "measured");
        let after = snapshot();
        let mut seen = 0;
        for sample in after.samples() {
            if sample.stack.first().is_some_and(|f| f.name == "quiet_root") {
                let names: Vec<&str> = sample.stack.iter().map(|f| f.name).collect();
                let i = after.index(Metric::AllocObjects).unwrap();
                let was = before
                    .samples()
                    .iter()
                    .find(|s| s.stack == sample.stack && s.labels == sample.labels)
                    .map_or(0, |s| s.values[i]);
                assert_eq!(sample.values[i] - was, 0, "{names:?} {:?}", sample.labels);
                seen += 1;
            }
        }
        // The root, and 40 labelled children per tree.
        assert_eq!(seen, 81);
    })
    .join()
    .unwrap();
}

/// A span that allocates `n` blocks of `size` bytes; returns its id.
fn allocating_span(span: tracing::Span, n: usize, size: usize, keep: &mut Vec<Vec<u8>>) -> u64 {
    span.in_scope(|| (0..n).for_each(|_| keep.push(vec![0; size])));
    span.id().map_or(0, |id| id.into_u64())
}

#[test]
fn reused_span_ids_keep_their_figures_apart() {
    std::thread::spawn(|| {
        profiler();
        let mut keep: Vec<Vec<u8>> = Vec::with_capacity(64);
        // The registry hands a closed span's slot to the next span, with a generation in
        // the id that wraps: on one thread, spans made and closed in turn soon get an id
        // that a span of another name had. Three names, so the wrap lands on another.
        let sizes = [("reuse_a", 3, 10), ("reuse_b", 7, 20), ("reuse_c", 1, 30)];
        let run = |rounds: usize, keep: &mut Vec<Vec<u8>>| {
            let mut owner: HashMap<u64, &str> = HashMap::with_capacity(3 * rounds);
            let mut reused = 0;
            for _ in 0..rounds {
                for (name, n, size) in sizes {
                    let span = match name {
                        "reuse_a" => info_span!("reuse_a"),
                        "reuse_b" => info_span!("reuse_b"),
                        _ => info_span!("reuse_c"),
                    };
                    let id = allocating_span(span, n, size, keep);
                    keep.clear();
                    if owner.insert(id, name).is_some_and(|was| was != name) {
                        reused += 1;
                    }
                }
            }
            reused
        };
        run(10, &mut keep);
        let before = snapshot();
        let rounds = 20_000;
        let reused = run(rounds, &mut keep);
        let after = snapshot();
        assert!(reused > 0, "no id went from one name to another");
        for (name, n, size) in sizes {
            let d = |m| delta(&before, &after, &[name], m);
            assert_eq!(d(Metric::Spans), rounds as i64, "{name}");
            assert_eq!(d(Metric::AllocObjects), (rounds * n) as i64, "{name}");
            assert_eq!(d(Metric::AllocBytes), (rounds * n * size) as i64, "{name}");
            assert_eq!(d(Metric::InuseBytes), 0, "{name}");
        }
    })
    .join()
    .unwrap();
}

#[test]
fn wall_time_is_busy_plus_idle_and_within_the_thread_s_time() {
    std::thread::spawn(|| {
        profiler();
        let before = snapshot();
        let start = Instant::now();
        let parent = info_span!("wall_parent");
        let queued = parent.in_scope(|| info_span!("wall_queued"));
        std::thread::sleep(Duration::from_millis(30));
        parent.in_scope(|| queued.in_scope(|| std::thread::sleep(Duration::from_millis(5))));
        // Gone before its sibling starts: idle time would count while it runs otherwise.
        drop(queued);
        parent.in_scope(|| {
            info_span!("wall_child").in_scope(|| std::thread::sleep(Duration::from_millis(20)));
        });
        drop(parent);
        let elapsed = start.elapsed().as_nanos() as i64;
        let after = snapshot();
        let d = |names: &[&str], m| delta(&before, &after, names, m);
        let child = ["wall_parent", "wall_child"];
        let queued = ["wall_parent", "wall_queued"];
        let parent = ["wall_parent"];
        assert!(d(&child, Metric::WallBusy) >= 20_000_000);
        assert!(d(&queued, Metric::WallIdle) >= 30_000_000);
        assert!(d(&queued, Metric::WallBusy) >= 5_000_000);
        for names in [&parent[..], &child, &queued] {
            assert_eq!(
                d(names, Metric::Wall),
                d(names, Metric::WallBusy) + d(names, Metric::WallIdle),
                "{names:?}"
            );
        }
        // Self values: together no more than the time that passed, when no two spans
        // were alive side by side (idle time is the children's first, and a child idle
        // while its parent was busy a moment, just after its creation, counts that moment
        // twice: allow a millisecond).
        let busy: i64 = [&parent[..], &child, &queued]
            .iter()
            .map(|n| d(n, Metric::WallBusy))
            .sum();
        assert!(busy <= elapsed, "{busy} busy in {elapsed} ns");
        let wall: i64 = [&parent[..], &child, &queued]
            .iter()
            .map(|n| d(n, Metric::Wall))
            .sum();
        assert!(wall <= elapsed + 1_000_000, "{wall} wall in {elapsed} ns");
    })
    .join()
    .unwrap();
}

/// This thread's CPU time in nanoseconds.
#[cfg(target_os = "linux")]
fn thread_cpu() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

#[cfg(target_os = "linux")]
#[test]
fn cpu_time_is_the_span_s_own() {
    std::thread::spawn(|| {
        profiler();
        let before = snapshot();
        let start = thread_cpu();
        info_span!("cpu_spin").in_scope(|| {
            let until = thread_cpu() + 50_000_000;
            let mut x = 1u64;
            while thread_cpu() < until {
                x = std::hint::black_box(x.wrapping_mul(3));
            }
        });
        let spent = thread_cpu() - start;
        let after = snapshot();
        let cpu = delta(&before, &after, &["cpu_spin"], Metric::Cpu);
        let user = delta(&before, &after, &["cpu_spin"], Metric::CpuUser);
        let system = delta(&before, &after, &["cpu_spin"], Metric::CpuSystem);
        assert_eq!(cpu, user + system);
        // getrusage counts in microseconds: allow one at each end.
        assert!(
            cpu >= 50_000_000 - 2_000,
            "{cpu} ns of CPU for a 50 ms spin"
        );
        assert!(
            cpu <= spent + 2_000,
            "{cpu} ns of CPU, the thread spent {spent}"
        );
    })
    .join()
    .unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn system_time_is_told_apart() {
    std::thread::spawn(|| {
        profiler();
        let before = snapshot();
        info_span!("cpu_syscalls").in_scope(|| {
            // System calls for 100 ms of CPU: the kernel's share shows as system time.
            let until = thread_cpu() + 100_000_000;
            while thread_cpu() < until {
                let _ = std::hint::black_box(std::fs::metadata("/"));
            }
        });
        let after = snapshot();
        let d = |m| delta(&before, &after, &["cpu_syscalls"], m);
        let (cpu, system) = (d(Metric::Cpu), d(Metric::CpuSystem));
        assert!(cpu >= 100_000_000, "{cpu}");
        assert!(
            system > 0 && system <= cpu,
            "{system} of {cpu} in the kernel"
        );
    })
    .join()
    .unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn cpu_time_of_short_nested_spans_adds_up_to_the_thread_s() {
    std::thread::spawn(|| {
        profiler();
        let before = snapshot();
        let start = thread_cpu();
        info_span!("cpu_tree").in_scope(|| {
            for i in 0..20_000u64 {
                // Children far shorter than a CPU clock read: charged their wall time,
                // the difference settled at the next read.
                info_span!("cpu_leaf").in_scope(|| std::hint::black_box(i.wrapping_mul(7)));
                if i % 1000 == 0 {
                    let until = thread_cpu() + 1_000_000;
                    while thread_cpu() < until {}
                }
            }
        });
        let spent = thread_cpu() - start;
        let after = snapshot();
        let d = |names: &[&str]| delta(&before, &after, names, Metric::Cpu);
        let (tree, leaf) = (d(&["cpu_tree"]), d(&["cpu_tree", "cpu_leaf"]));
        assert!(tree > 20_000_000 && leaf > 0, "tree {tree}, leaves {leaf}");
        // Everything between the outermost enter and exit, read at both ends.
        let total = tree + leaf;
        assert!(
            total <= spent + 2_000,
            "{total} of CPU in spans, {spent} spent"
        );
        assert!(
            total * 10 >= spent * 9,
            "{total} of CPU in spans, {spent} spent"
        );
    })
    .join()
    .unwrap();
}

#[test]
fn parents_are_explicit_contextual_or_none() {
    std::thread::spawn(|| {
        profiler();
        let parent = info_span!("par_explicit");
        // Outside the parent's scope, named as parent.
        info_span!(parent: &parent, "par_child").in_scope(|| {
            // Inside a span, but made a root.
            info_span!(parent: None, "par_root").in_scope(|| {
                // Contextual: the innermost entered span.
                info_span!("par_inner").in_scope(|| {});
            });
        });
        let p = snapshot();
        let spans = |names: &[&str]| p.value(names, Metric::Spans).unwrap();
        assert_eq!(spans(&["par_explicit", "par_child"]), 1);
        assert_eq!(spans(&["par_root"]), 1);
        assert_eq!(spans(&["par_root", "par_inner"]), 1);
    })
    .join()
    .unwrap();
}

#[test]
fn labels_come_from_fields_and_pass_to_children() {
    profiler();
    info_span!("lab_parent", tenant = "acme").in_scope(|| {
        info_span!("lab_child", other = 3).in_scope(|| {});
    });
    info_span!("lab_parent", tenant = "globex").in_scope(|| {});
    let p = snapshot();
    let labels = |names: &[&str]| -> Vec<Vec<(&str, String)>> {
        p.samples()
            .iter()
            .filter(|s| s.is(names))
            .map(|s| s.labels.clone())
            .collect()
    };
    let mut parents = labels(&["lab_parent"]);
    parents.sort();
    assert_eq!(
        parents,
        [
            vec![("tenant", "acme".to_owned())],
            vec![("tenant", "globex".to_owned())]
        ]
    );
    assert_eq!(
        labels(&["lab_parent", "lab_child"]),
        [vec![("tenant", "acme".to_owned())]]
    );
}

#[test]
fn spans_still_open_or_entered_count_up_to_the_snapshot() {
    std::thread::spawn(|| {
        profiler();
        let open = info_span!("open_never_entered");
        let entered = info_span!("open_entered").entered();
        std::thread::sleep(Duration::from_millis(20));
        let p = snapshot();
        let v = |name: &str, m| p.value(&[name], m).unwrap();
        assert!(v("open_entered", Metric::WallBusy) >= 20_000_000);
        assert!(v("open_never_entered", Metric::WallIdle) >= 20_000_000);
        assert_eq!(v("open_entered", Metric::Spans), 1);
        drop((open, entered));
    })
    .join()
    .unwrap();
}

#[test]
fn totals_over_threads_equal_the_work_done() {
    profiler();
    let before = snapshot();
    // A bounded channel: sending allocates nothing (an unbounded one allocates blocks).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u64>>(4000);
    // Frees on a thread that never enters a span.
    let sink = std::thread::spawn(move || rx.iter().count());
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..1000u64 {
                    info_span!("mt_work").in_scope(|| {
                        let made = vec![i; 2];
                        tx.send(made).unwrap();
                    });
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    drop(tx);
    assert_eq!(sink.join().unwrap(), 4000);
    // Exited threads are folded into the profiler's totals: the figures stay.
    let stats = profiler().stats().unwrap();
    assert!(stats.series > 0);
    let after = snapshot();
    let d = |m| delta(&before, &after, &["mt_work"], m);
    assert_eq!(d(Metric::Spans), 4000);
    assert_eq!(d(Metric::AllocObjects), 4000);
    assert_eq!(d(Metric::AllocBytes), 4000 * 16);
    assert_eq!(d(Metric::InuseObjects), 0);
    assert_eq!(d(Metric::InuseBytes), 0);
}
