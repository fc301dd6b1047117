//! `usdt list` of a relocatable object (`.o`): the notes' addresses are relocations still to
//! apply. With them applied (sections placed at their file offsets), every probe points at
//! its NOP in its own function, the same distance from the function's start as once linked.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{fixture, list_json};
use object::{Object, ObjectKind, ObjectSection, ObjectSymbol};

/// (provider:name) → (function, address, semaphore) of each listed probe of `path`.
fn listing(path: &Path) -> BTreeMap<String, (String, u64, Option<u64>)> {
    list_json([path])
        .iter()
        .map(|p| {
            (
                format!(
                    "{}:{}",
                    p["provider"].as_str().unwrap(),
                    p["name"].as_str().unwrap()
                ),
                (
                    p["function"].as_str().unwrap_or("-").to_string(),
                    p["address"].as_u64().unwrap(),
                    p["semaphore"].as_u64(),
                ),
            )
        })
        .collect()
}

/// The start of function `name` in `path`, where `usdt list` places it: its address in a
/// linked file; in a relocatable one, its section's file offset plus its offset in the
/// section.
fn function_start(path: &Path, name: &str) -> u64 {
    let data = std::fs::read(path).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let symbol = file
        .symbols()
        .find(|s| s.name() == Ok(name) && s.is_definition())
        .unwrap_or_else(|| panic!("{name} not in {path:?}"));
    if file.kind() != ObjectKind::Relocatable {
        return symbol.address();
    }
    let section = file
        .section_by_index(symbol.section_index().unwrap())
        .unwrap();
    section.file_range().unwrap().0 + symbol.address()
}

#[test]
fn notes_of_an_object_file_are_relocated() {
    let Some(f) = fixture() else { return };
    let dir = f.exe.parent().unwrap();
    let obj = dir.join("fixture-sections.o");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixture.c");
    // A section per function: unrelocated, every note would say 0x0.
    let status = Command::new("gcc")
        .args(["-O2", "-ffunction-sections", "-c", "-o"])
        .arg(&obj)
        .arg(&src)
        .status()
        .unwrap();
    assert!(status.success());

    let object_probes = listing(&obj);
    let linked_probes = listing(&f.exe);
    assert_eq!(
        object_probes.keys().collect::<Vec<_>>(),
        linked_probes.keys().collect::<Vec<_>>()
    );
    let data = std::fs::read(&obj).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let probes_section = file.section_by_name(".probes").unwrap();
    let (sem_start, sem_size) = probes_section.file_range().unwrap();
    let mut semaphores = Vec::new();
    for (key, (function, address, semaphore)) in &object_probes {
        assert!(function.starts_with("fire_probe"), "{key} in {function}");
        // Addresses are file offsets: the probe is `<sys/sdt.h>`'s one-byte NOP.
        assert_eq!(data[*address as usize], 0x90, "{key} at {address:#x}");
        let (linked_function, linked_address, _) = &linked_probes[key];
        assert_eq!(function, linked_function, "{key}");
        assert_eq!(
            address - function_start(&obj, function),
            linked_address - function_start(&f.exe, function),
            "{key}: offset in {function}"
        );
        let semaphore = semaphore.unwrap_or_else(|| panic!("{key} has no semaphore"));
        assert!(
            (sem_start..sem_start + sem_size).contains(&semaphore),
            "{key}: semaphore {semaphore:#x} not in .probes"
        );
        semaphores.push(semaphore);
    }
    semaphores.sort_unstable();
    semaphores.dedup();
    assert_eq!(semaphores.len(), object_probes.len(), "one semaphore each");
}
