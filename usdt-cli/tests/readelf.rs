//! `usdt list` against the C fixtures, checked with `readelf -n`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{fixture, list_json, usdt};
use serde_json::Value;
use test_support::readelf::ReadelfNote;

/// The (provider, name, address) → probe object map of `usdt list --json PATH`.
fn probes_by_site(path: &Path) -> BTreeMap<(String, String, u64), Value> {
    list_json([path])
        .into_iter()
        .map(|p| {
            let key = (
                p["provider"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["address"].as_u64().unwrap(),
            );
            (key, p)
        })
        .collect()
}

/// The sizes a raw argument string gives, e.g. `-4@%edi 8f@%xmm0` → [4, 8].
fn raw_sizes(raw: &str) -> Vec<u64> {
    raw.split_whitespace()
        .map(|a| {
            let size = a.split('@').next().unwrap();
            size.trim_start_matches('-')
                .trim_end_matches('f')
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn every_note_is_listed_as_readelf_shows_it() {
    let Some(f) = fixture() else { return };
    for path in [&f.exe, &f.lib, &f.cxx] {
        let notes = readelf_notes(path);
        assert!(
            !notes.is_empty(),
            "readelf finds no notes in {}",
            path.display()
        );
        let ours = probes_by_site(path);
        assert_eq!(ours.len(), notes.len(), "{}", path.display());
        for note in notes {
            let key = (note.provider.clone(), note.name.clone(), note.location);
            let probe = ours
                .get(&key)
                .unwrap_or_else(|| panic!("{key:?} missing from {}", path.display()));
            assert_eq!(probe["arguments_raw"], note.args.join(" "));
            let sizes: Vec<u64> = probe["arguments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["size"].as_u64().unwrap())
                .collect();
            assert_eq!(sizes, raw_sizes(&note.args.join(" ")), "{key:?}");
            let semaphore = probe["semaphore"].as_u64().unwrap_or(0);
            assert_eq!(semaphore, note.semaphore, "{key:?}");
            assert_eq!(probe["module"], path.file_name().unwrap().to_str().unwrap());
        }
    }
}

#[test]
fn function_column_names_the_enclosing_function() {
    let Some(f) = fixture() else { return };
    let functions: BTreeMap<String, String> = list_json([&f.exe, &f.lib, &f.cxx])
        .into_iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["function"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    let expected = [
        ("probe1", "fire_probe1"),
        ("probe2", "fire_probe2"),
        ("probe3", "fire_probe3"),
        ("zero", "plain_fire"),
        ("mixed", "plain_fire"),
        ("area", "shapes::Circle::area"),
    ];
    for (name, function) in expected {
        assert_eq!(
            functions.get(name).map(String::as_str),
            Some(function),
            "{name}"
        );
    }
}

#[test]
fn argument_types_have_sizes_and_signs() {
    let Some(f) = fixture() else { return };
    let out = usdt(["list".as_ref(), f.exe.as_os_str(), f.lib.as_os_str()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("PROVIDER"), "{text}");
    for header in ["MODULE", "FUNCTION", "NAME", "SEMAPHORE", "ARGUMENTS"] {
        assert!(lines[0].contains(header), "{text}");
    }
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().nth(3) == Some(name))
            .unwrap_or_else(|| panic!("no row for {name} in\n{text}"))
            .to_string()
    };
    assert!(row("probe1").ends_with("i64 u8"), "{text}");
    assert!(row("probe3").ends_with("i32 u16 f64 f32 i8"), "{text}");
    assert!(row("mixed").ends_with("i8 u16 i32 u64 u64"), "{text}");
    assert!(row("zero").ends_with(" -"), "{text}");
    // Sorted by provider, then name.
    let order: Vec<&str> = lines[1..]
        .iter()
        .filter_map(|l| l.split_whitespace().nth(3))
        .collect();
    assert_eq!(order, ["probe1", "probe2", "probe3", "mixed", "zero"]);
}

#[test]
fn verbose_shows_addresses_and_raw_arguments() {
    let Some(f) = fixture() else { return };
    let out = usdt(["list".as_ref(), "-v".as_ref(), f.exe.as_os_str()]);
    let text = String::from_utf8(out.stdout).unwrap();
    let notes = readelf_notes(&f.exe);
    assert!(text.lines().next().unwrap().contains("ADDRESS"));
    for note in notes {
        let row = text
            .lines()
            .find(|l| l.contains(&format!("{:#x}", note.location)))
            .unwrap_or_else(|| panic!("no row at {:#x}:\n{text}", note.location));
        assert!(row.ends_with(&note.args.join(" ")), "{row}");
    }
}

#[test]
fn globs_filter_providers_and_names() {
    let Some(f) = fixture() else { return };
    let names = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        all.push(f.exe.as_os_str());
        all.push(f.lib.as_os_str());
        list_json(all)
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&["-P", "pl*"]), ["mixed", "zero"]);
    assert_eq!(names(&["-n", "probe?"]), ["probe1", "probe2", "probe3"]);
    assert_eq!(names(&["-P", "fixture", "-n", "*2"]), ["probe2"]);
    assert_eq!(names(&["-n", "zero", "-n", "probe1"]), ["probe1", "zero"]);
    assert!(names(&["-P", "nothing*"]).is_empty());
}

#[test]
fn json_has_every_field() {
    let Some(f) = fixture() else { return };
    let probes = list_json(["-n".as_ref(), "probe3".as_ref(), f.exe.as_os_str()]);
    assert_eq!(probes.len(), 1);
    let p = &probes[0];
    assert_eq!(p["source"], "stapsdt");
    assert_eq!(p["provider"], "fixture");
    assert_eq!(p["function"], "fire_probe3");
    assert!(p["address"].as_u64().unwrap() > 0);
    assert!(p["semaphore"].as_u64().unwrap() > 0);
    assert_eq!(p["enabled"], Value::Null);
    assert_eq!(p["path"], f.exe.to_str().unwrap());
    let args = p["arguments"].as_array().unwrap();
    let types: Vec<&str> = args.iter().map(|a| a["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["i32", "u16", "f64", "f32", "i8"]);
    assert_eq!(args[0]["signed"], true);
    assert_eq!(args[2]["float"], true);
    assert_eq!(
        args[0]["raw"],
        format!("-4@{}", args[0]["location"].as_str().unwrap())
    );
}

#[test]
fn stripped_objects_fall_back_to_dynsym() {
    let Some(f) = fixture() else { return };
    let dir = f.exe.parent().unwrap();
    let exe = dir.join("fixture.stripped");
    let lib = dir.join("libplain.stripped.so");
    for (from, to) in [(&f.exe, &exe), (&f.lib, &lib)] {
        let status = Command::new("strip")
            .arg("-o")
            .arg(to)
            .arg(from)
            .status()
            .expect("cannot run strip");
        assert!(status.success());
    }
    let functions: Vec<(String, String)> = list_json([&exe, &lib])
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["function"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    // The executable's functions are not exported; the library's are, in .dynsym.
    assert!(
        functions.contains(&("probe1".into(), "-".into())),
        "{functions:?}"
    );
    assert!(
        functions.contains(&("zero".into(), "plain_fire".into())),
        "{functions:?}"
    );
}

#[test]
fn prelinked_notes_are_moved_by_the_base_difference() {
    use object::{Object, ObjectSection};
    let Some(f) = fixture() else { return };
    let mut bytes = std::fs::read(&f.exe).unwrap();
    let (offset, size) = {
        let file = object::File::parse(&*bytes).unwrap();
        let section = file.section_by_name(".note.stapsdt").unwrap();
        let (offset, size) = section.file_range().unwrap();
        (offset as usize, size as usize)
    };
    // Pretend each note was written when .stapsdt.base sat 0x1000 lower (what prelink
    // leaves behind after moving the file up by 0x1000).
    let mut at = offset;
    while at < offset + size {
        let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let (namesz, descsz) = (word(at), word(at + 4));
        let desc = at + 12 + namesz.next_multiple_of(4);
        let base = desc + 8;
        let old = u64::from_le_bytes(bytes[base..base + 8].try_into().unwrap());
        bytes[base..base + 8].copy_from_slice(&(old - 0x1000).to_le_bytes());
        at = desc + descsz.next_multiple_of(4);
    }
    let path = f.exe.with_file_name("fixture.prelinked");
    std::fs::write(&path, &bytes).unwrap();
    let moved = probes_by_site(&path);
    for note in readelf_notes(&f.exe) {
        let key = (note.provider, note.name, note.location + 0x1000);
        let probe = moved
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} not moved"));
        assert_eq!(probe["semaphore"].as_u64(), Some(note.semaphore + 0x1000));
    }
}

/// Compiles `src` into an object file with `compiler` and `flags`, or says why not.
fn cross_object(compiler: &str, flags: &[&str], out: &Path) -> Result<(), String> {
    let dir = out.parent().unwrap();
    let src = dir.join("cross.c");
    std::fs::write(
        &src,
        "#include <sys/sdt.h>\n\
         int f(int a, long long b, unsigned char c) { DTRACE_PROBE3(cross, three, a, b, c); return a; }\n",
    )
    .unwrap();
    // <sys/sdt.h> sits in the host's multiarch directory; it includes nothing target-specific.
    let output = Command::new(compiler)
        .args(flags)
        .args([
            "-O2",
            "-c",
            "-idirafter",
            "/usr/include/x86_64-linux-gnu",
            "-o",
        ])
        .arg(out)
        .arg(&src)
        .output()
        .map_err(|e| format!("cannot run {compiler}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn thirty_two_bit_and_aarch64_objects() {
    let Some(f) = fixture() else { return };
    let dir = f.exe.parent().unwrap();
    for (compiler, flags, name) in [
        ("gcc", &["-m32"][..], "cross32.o"),
        ("aarch64-linux-gnu-gcc", &[][..], "crossa64.o"),
    ] {
        let out = dir.join(name);
        if let Err(reason) = cross_object(compiler, flags, &out) {
            eprintln!("skipped {name}: {reason}");
            continue;
        }
        let notes = readelf_notes(&out);
        let ours = list_json([&out]);
        assert_eq!(ours.len(), 1, "{name}");
        assert_eq!(notes.len(), 1, "{name}");
        assert_eq!(ours[0]["arguments_raw"], notes[0].args.join(" "), "{name}");
        let types: Vec<&str> = ours[0]["arguments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["i32", "i64", "u8"], "{name}");
        assert_eq!(ours[0]["function"], "f", "{name}");
    }
}

/// The stapsdt notes of `path` according to `readelf -n`.
fn readelf_notes(path: &Path) -> Vec<ReadelfNote> {
    test_support::readelf::readelf_notes(path).expect("readelf -n runs")
}
