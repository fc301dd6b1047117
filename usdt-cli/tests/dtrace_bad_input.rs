//! Bad DTrace input (records, relocations, DOF) gives one error line and exit status 1 from
//! both `usdt list` and `usdt dof`, never a panic.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_clean_error, object, scratch, usdt};
use object::{Object, ObjectSection};
use test_support::cross::ILLUMOS;

/// Both commands fail on `path` with `needles` in the message.
fn both_fail(path: &Path, needles: &[&str]) {
    for command in ["list", "dof"] {
        assert_clean_error(&usdt([command.as_ref(), path.as_os_str()]), needles);
    }
    let raw = usdt(["dof".as_ref(), "--raw".as_ref(), path.as_os_str()]);
    assert_clean_error(&raw, needles);
    assert!(raw.stdout.is_empty());
}

/// The file offset and size of a section.
fn section_range(bytes: &[u8], name: &str) -> (usize, usize) {
    let file = object::File::parse(bytes).unwrap();
    let section = file.section_by_name(name).unwrap();
    let (offset, size) = section.file_range().unwrap();
    (offset as usize, size as usize)
}

/// The illumos object with `edit` applied, written to a scratch file.
fn edited(name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> Option<PathBuf> {
    let obj = object(ILLUMOS)?;
    let mut bytes = std::fs::read(obj).unwrap();
    edit(&mut bytes);
    let path = scratch(name);
    std::fs::write(&path, bytes).unwrap();
    Some(path)
}

#[test]
fn truncated_record_section() {
    // The first record claims to run past the end of the section.
    let Some(path) = edited("long-record.o", |bytes| {
        let (offset, _) = section_range(bytes, "set_dtrace_probes");
        bytes[offset + 4..offset + 8].copy_from_slice(&0x1000u32.to_le_bytes());
    }) else {
        return;
    };
    both_fail(
        &path,
        &["malformed probe records in set_dtrace_probes", "truncated"],
    );
}

#[test]
fn unknown_record_version() {
    let Some(path) = edited("version.o", |bytes| {
        let (offset, _) = section_range(bytes, "set_dtrace_probes");
        bytes[offset] = 9;
    }) else {
        return;
    };
    both_fail(&path, &["unknown version 9"]);
}

#[test]
fn unsupported_relocation() {
    // The first relocation of the records becomes R_X86_64_PC32.
    let Some(path) = edited("pc32.o", |bytes| {
        let (offset, _) = section_range(bytes, ".relaset_dtrace_probes");
        bytes[offset + 8] = 2;
    }) else {
        return;
    };
    both_fail(&path, &["cannot relocate set_dtrace_probes", "unsupported"]);
}

#[test]
fn relocation_outside_the_section() {
    let Some(path) = edited("far-reloc.o", |bytes| {
        let (offset, _) = section_range(bytes, ".relaset_dtrace_probes");
        bytes[offset..offset + 8].copy_from_slice(&0xfff0u64.to_le_bytes());
    }) else {
        return;
    };
    both_fail(&path, &["outside the section"]);
}

#[test]
fn garbage_dof() {
    // A section that starts like DOF but whose header is nonsense.
    let Some(path) = edited("garbage-dof.o", |bytes| {
        let (offset, size) = section_range(bytes, ".comment");
        assert!(size >= 8);
        bytes[offset..offset + 4].copy_from_slice(b"\x7fDOF");
        bytes[offset + 4..offset + 8].copy_from_slice(&[0xee; 4]);
    }) else {
        return;
    };
    both_fail(&path, &["malformed DOF in section .comment"]);
}

#[test]
fn truncated_dof() {
    // A real DOF document cut short, in a file of its own section.
    let Some(obj) = object(ILLUMOS) else { return };
    let raw = usdt(["dof".as_ref(), "--raw".as_ref(), obj.as_os_str()]).stdout;
    let Some(path) = edited("short-dof.o", |bytes| {
        let (offset, size) = section_range(bytes, ".comment");
        let n = size.min(raw.len() / 2);
        bytes[offset..offset + n].copy_from_slice(&raw[..n]);
    }) else {
        return;
    };
    both_fail(&path, &["malformed DOF in section .comment"]);
}

#[test]
fn truncated_object() {
    let Some(path) = edited("half.o", |bytes| bytes.truncate(bytes.len() / 2)) else {
        return;
    };
    for command in ["list", "dof"] {
        let out = usdt([command.as_ref(), path.as_os_str()]);
        assert_clean_error(&out, &[path.to_str().unwrap()]);
    }
}

#[test]
fn not_an_object_and_missing_section() {
    let path = scratch("text.txt");
    std::fs::write(&path, "hello\n").unwrap();
    assert_clean_error(
        &usdt(["dof".as_ref(), path.as_os_str()]),
        &["not an object file"],
    );
    let Some(obj) = object(ILLUMOS) else { return };
    let out = usdt([
        "dof".as_ref(),
        "--section".as_ref(),
        ".nothing".as_ref(),
        obj.as_os_str(),
    ]);
    assert_clean_error(
        &out,
        &["no DOF document from section .nothing", "set_dtrace_probes"],
    );
}
