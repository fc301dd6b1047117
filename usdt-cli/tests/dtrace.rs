//! DTrace probe records and DOF: `probe-test-macro` built for illumos and macOS, listed and
//! turned into DOF, as objects and once linked.

mod common;

use common::{list_json, object, scratch, usdt};
use serde_json::Value;
use std::path::Path;
use test_support::cross::{link_elf, link_macho, tool};
use test_support::cross::{DARWIN_AARCH64, DARWIN_X86_64, ILLUMOS};

/// (name, argument types, function, source) of each listed probe, sorted.
fn summary(probes: &[Value]) -> Vec<(String, String, String, String)> {
    let mut rows: Vec<_> = probes
        .iter()
        .map(|p| {
            let types: Vec<&str> = p["arguments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["type"].as_str().unwrap())
                .collect();
            (
                p["name"].as_str().unwrap().to_string(),
                types.join(", "),
                p["function"].as_str().unwrap_or("-").to_string(),
                p["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The listing every build of `probe-test-macro` must give, from `source`.
fn expected(source: &str) -> Vec<(String, String, String, String)> {
    [("start", "uint8_t"), ("stop", "char *, uint8_t")]
        .iter()
        .map(|(name, types)| {
            (
                name.to_string(),
                types.to_string(),
                "probe_test_macro::main".to_string(),
                source.to_string(),
            )
        })
        .collect()
}

/// Checks `usdt list` of a file built from `probe-test-macro`.
fn check_listing(path: &Path) {
    let probes = list_json([path]);
    assert_eq!(summary(&probes), expected("records"), "{path:?}");
    for p in &probes {
        assert_eq!(p["provider"], "test");
        assert_eq!(p["semaphore"], Value::Null);
        let enabled = p["is_enabled_sites"].as_array().unwrap();
        assert!(!enabled.is_empty(), "{p}");
        // The is-enabled check comes before the probe site, in the same function.
        let address = p["address"].as_u64().unwrap();
        assert!(enabled.iter().all(|e| e.as_u64().unwrap() < address), "{p}");
    }
    let table = usdt(["list".as_ref(), path.as_os_str()]);
    let table = String::from_utf8_lossy(&table.stdout);
    let header = table.lines().next().unwrap();
    assert!(header.contains("SEMAPHORE") && header.contains("ARGUMENTS"));
    assert!(table.contains("char *, uint8_t"), "{table}");
    let verbose = usdt(["list".as_ref(), "-v".as_ref(), path.as_os_str()]);
    assert!(String::from_utf8_lossy(&verbose.stdout).contains("is-enabled@0x"));
}

/// Checks `usdt dof` and `usdt dof --raw` of a file with probe records.
fn check_dof(path: &Path) {
    let printed = usdt(["dof".as_ref(), path.as_os_str()]);
    assert!(printed.status.success(), "{printed:?}");
    let printed = String::from_utf8(printed.stdout).unwrap();
    let (heading, dump) = printed.split_once("\n\n").unwrap();
    assert!(
        heading.contains("built from the probe records"),
        "{heading}"
    );
    assert!(dump.contains("Provider test"), "{dump}");
    for probe in ["start", "stop"] {
        let line = format!(":{probe}\n");
        assert!(dump.contains(&line), "{probe} not in {dump}");
    }
    let raw = usdt(["dof".as_ref(), "--raw".as_ref(), path.as_os_str()]);
    assert!(raw.status.success(), "{raw:?}");
    let dof = dof::Dof::from_bytes(&raw.stdout).expect("--raw writes a DOF document");
    assert_eq!(dof.providers.len(), 1);
    assert_eq!(dof.providers[0].name, "test");
    let mut names: Vec<&str> = dof.providers[0]
        .probes
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["start", "stop"]);
    let reread = dof::DofFile::parse(&raw.stdout).unwrap();
    assert_eq!(reread.to_string(), dump);
    assert_eq!(reread.dof, dof);
}

fn check_all(target: &str) {
    let Some(obj) = object(target) else { return };
    check_listing(&obj);
    check_dof(&obj);
}

#[test]
fn illumos_object() {
    check_all(ILLUMOS);
}

#[test]
fn macos_x86_64_object() {
    check_all(DARWIN_X86_64);
}

#[test]
fn macos_aarch64_object() {
    check_all(DARWIN_AARCH64);
}

/// The bytes of `path` at the file offset of link-time `address`.
fn bytes_at(path: &Path, address: u64, len: usize) -> Vec<u8> {
    use object::{Object, ObjectSection};
    let data = std::fs::read(path).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let section = file
        .sections()
        .find(|s| (s.address()..s.address() + s.size()).contains(&address))
        .unwrap();
    let (offset, _) = section.file_range().unwrap();
    let start = (offset + address - section.address()) as usize;
    data[start..start + len].to_vec()
}

#[test]
fn linked_illumos_shared_object_and_executable() {
    let Some(obj) = object(ILLUMOS) else { return };
    // A shared object relocates its records at load time (R_X86_64_RELATIVE); an
    // executable has them in place.
    let so = scratch("probe-test.so");
    let exe = scratch("probe-test.exe");
    let (Some(()), Some(())) = (link_elf(&obj, &so, true), link_elf(&obj, &exe, false)) else {
        return;
    };
    for linked in [&so, &exe] {
        check_listing(linked);
        check_dof(linked);
        for p in list_json([linked]) {
            // Probe sites are 5-byte NOPs; is-enabled sites are traced at byte 3 of
            // `33 c0 90 90 90` (a NOP).
            let address = p["address"].as_u64().unwrap();
            assert_eq!(bytes_at(linked, address, 5), [0x90; 5], "{p}");
            let enabled = p["is_enabled_sites"][0].as_u64().unwrap();
            assert_eq!(
                bytes_at(linked, enabled - 3, 5),
                [0x33, 0xc0, 0x90, 0x90, 0x90]
            );
        }
    }
}

#[test]
fn linked_macos_binaries() {
    for (target, arch, extra) in [
        (DARWIN_X86_64, "x86_64", &[][..]),
        // Chained fixups keep the record addresses as rebase entries.
        (DARWIN_X86_64, "x86_64", &["-fixup_chains"][..]),
        (DARWIN_AARCH64, "arm64", &[][..]),
    ] {
        let Some(obj) = object(target) else { continue };
        let out = scratch(&format!("probe-test-{arch}{}", extra.len()));
        let Some(()) = link_macho(&obj, &out, arch, extra) else {
            continue;
        };
        check_listing(&out);
        check_dof(&out);
        for p in list_json([&out]) {
            let address = p["address"].as_u64().unwrap();
            let nop: &[u8] = if arch == "arm64" {
                &[0x1f, 0x20, 0x03, 0xd5]
            } else {
                &[0x90]
            };
            assert_eq!(bytes_at(&out, address, nop.len()), nop, "{p}");
        }
    }
}

#[test]
fn dof_in_a_section_lists_like_the_records() {
    let Some(obj) = object(ILLUMOS) else { return };
    let raw = usdt(["dof".as_ref(), "--raw".as_ref(), obj.as_os_str()]);
    assert!(raw.status.success());
    let dof_file = scratch("built.dof");
    std::fs::write(&dof_file, &raw.stdout).unwrap();
    // As `dtrace -G` leaves it: DOF in `.SUNW_dof` beside the code.
    let with_dof = scratch("with-dof.o");
    let mut add = std::ffi::OsString::from(".SUNW_dof=");
    add.push(&dof_file);
    let Some(()) = tool(
        "objcopy",
        &[
            "--add-section".as_ref(),
            &add,
            obj.as_os_str(),
            with_dof.as_os_str(),
        ],
    ) else {
        return;
    };
    let probes = list_json([&with_dof]);
    let (records, dof): (Vec<Value>, Vec<Value>) =
        probes.into_iter().partition(|p| p["source"] == "records");
    assert_eq!(summary(&dof), expected("dof"));
    let place = |ps: &[Value]| {
        let mut v: Vec<(String, u64, Value)> = ps
            .iter()
            .map(|p| {
                let name = p["name"].as_str().unwrap().to_string();
                (
                    name,
                    p["address"].as_u64().unwrap(),
                    p["is_enabled_sites"].clone(),
                )
            })
            .collect();
        v.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        v
    };
    assert_eq!(place(&records), place(&dof));

    // Both documents are there; --raw wants one, --section picks it.
    let printed = usdt(["dof".as_ref(), with_dof.as_os_str()]);
    let printed = String::from_utf8_lossy(&printed.stdout);
    assert!(printed.contains("DOF in section .SUNW_dof"), "{printed}");
    assert!(printed.contains("built from the probe records in set_dtrace_probes"));
    let both = usdt(["dof".as_ref(), "--raw".as_ref(), with_dof.as_os_str()]);
    assert_eq!(both.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&both.stderr).contains("--section"));
    let one = usdt([
        "dof".as_ref(),
        "--raw".as_ref(),
        "--section".as_ref(),
        ".SUNW_dof".as_ref(),
        with_dof.as_os_str(),
    ]);
    assert!(one.status.success());
    assert_eq!(one.stdout, raw.stdout);
}

#[test]
fn files_without_dtrace_probes() {
    let out = usdt(["dof", env!("CARGO_BIN_EXE_usdt")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no DOF section and no DTrace probe records"),
        "{stderr}"
    );
    // `usdt list` of a Linux binary shows no DTrace rows.
    let probes = list_json([env!("CARGO_BIN_EXE_usdt")]);
    assert!(probes.iter().all(|p| p["source"] == "stapsdt"));
}
