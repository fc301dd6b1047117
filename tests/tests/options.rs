//! The options of `dtrace_provider!` as tracers see them: `module = true` with
//! `provider = "renamed"` makes probes of the provider `renamed`; `probe_format` renames
//! only the macro. A `UniqueId` shows the same number at every fire given it.

use std::path::Path;

use usdt_tests::elf::Elf;
use usdt_tests::tracer_available;
use usdt_tests::tracers::bpftrace;

const BIN: &str = env!("CARGO_BIN_EXE_fx_options");

#[test]
fn notes_carry_the_renamed_provider() {
    let notes = Elf::open(Path::new(BIN)).unwrap().notes().unwrap();
    let mut seen: Vec<(String, String)> = notes
        .iter()
        .map(|n| (n.provider.clone(), n.name.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("renamed".to_owned(), "tick".to_owned()),
            ("tiny".to_owned(), "tick".to_owned())
        ]
    );
    assert_ne!(
        notes[0].semaphore, notes[1].semaphore,
        "two providers, two semaphores"
    );
}

#[test]
fn bpftrace_sees_both_providers_and_stable_unique_ids() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!(
        "usdt:{BIN}:renamed:tick {{ printf(\"renamed %llu\\n\", arg0); }}\n\
         usdt:{BIN}:tiny:tick {{ printf(\"tiny %llu\\n\", arg0); }}"
    );
    let run = bpftrace(&script, Path::new(BIN), &[], &[]).unwrap();
    let ids = |prefix: &str| -> Vec<u64> {
        run.lines
            .iter()
            .filter_map(|l| l.strip_prefix(prefix).and_then(|n| n.trim().parse().ok()))
            .collect()
    };
    let (renamed, tiny) = (ids("renamed "), ids("tiny "));
    assert_eq!(renamed.len(), 2, "{:?}", run.raw);
    assert_eq!(tiny.len(), 2, "{:?}", run.raw);
    assert_eq!(renamed[0], renamed[1], "one id, one number");
    assert_eq!(tiny[0], tiny[1], "one id, one number");
    assert_ne!(renamed[0], tiny[0], "two ids, two numbers");
    assert!(renamed[0] != 0 && tiny[0] != 0, "ids are never 0");
    assert_eq!(run.evaluations, Some(4), "{:?}", run.raw);
}
