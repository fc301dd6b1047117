//! One probe fired from several sites: from two places, from each instantiation of a
//! generic function, from each inlined copy of an `#[inline(always)]` function. Every site
//! has its own note; all the sites of one probe share one semaphore, so one tracer attach
//! enables them all; and the tracer sees every fire.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::bpftrace;

const BIN: &str = env!("CARGO_BIN_EXE_fx_sites");

/// Notes per probe of the `sites` provider: (sites, distinct semaphores).
fn sites() -> BTreeMap<String, (usize, BTreeSet<u64>)> {
    let mut out: BTreeMap<String, (usize, BTreeSet<u64>)> = BTreeMap::new();
    for n in Elf::open(Path::new(BIN)).unwrap().notes().unwrap() {
        assert_eq!(n.provider, "sites");
        let e = out.entry(n.name).or_default();
        e.0 += 1;
        e.1.insert(n.semaphore);
    }
    out
}

#[test]
fn every_site_has_a_note_and_all_sites_share_one_semaphore() {
    let sites = sites();
    let count = |name: &str| sites.get(name).map(|s| s.0).unwrap_or(0);
    assert_eq!(count("hit"), 2, "two call sites: {sites:?}");
    assert_eq!(count("generic"), 2, "two instantiations: {sites:?}");
    assert_eq!(count("inlined"), 2, "two inlined copies: {sites:?}");
    let mut all = BTreeSet::new();
    for (name, (_, sems)) in &sites {
        assert_eq!(
            sems.len(),
            1,
            "{name}: sites use different semaphores {sems:x?}"
        );
        assert!(!sems.contains(&0), "{name} has no semaphore");
        all.extend(sems.iter().copied());
    }
    assert_eq!(all.len(), 3, "one semaphore per probe: {sites:x?}");
}

#[test]
fn semaphores_live_in_the_probes_section() {
    let elf = Elf::open(Path::new(BIN)).unwrap();
    let probes = elf.section(".probes").unwrap().expect("a .probes section");
    for n in elf.notes().unwrap() {
        assert!(
            probes.contains(n.semaphore, 2),
            "{}: semaphore {:#x} outside .probes {probes:x?}",
            n.name,
            n.semaphore
        );
    }
}

#[test]
fn bpftrace_sees_every_fire_of_every_site() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!(
        "usdt:{BIN}:sites:hit {{ @hit[arg0] = count(); }}\n\
         usdt:{BIN}:sites:generic {{ @generic[arg0] = count(); }}\n\
         usdt:{BIN}:sites:inlined {{ @inlined[arg0] = count(); }}"
    );
    let run = bpftrace(&script, Path::new(BIN), &["5"], &[]).unwrap();
    let mut lines = run.lines.clone();
    lines.sort();
    assert_eq!(
        lines,
        [
            "@generic[32]: 5",
            "@generic[8]: 5",
            "@hit[1]: 5",
            "@hit[2]: 5",
            "@inlined[1]: 5",
            "@inlined[2]: 5",
        ],
        "{:?}",
        run.raw
    );
    assert_eq!(run.evaluations, Some(30), "{:?}", run.raw);
}
