//! Bad input gives one clear error line naming the file or process, a non-zero exit, and
//! never a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_clean_error, fixture, usdt};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-input");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn random_bytes_are_not_an_object_file() {
    let path = scratch("random.bin");
    // A fixed pseudo-random sequence (xorshift), so the test is repeatable.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&path, bytes).unwrap();
    let out = usdt(["list".as_ref(), path.as_os_str()]);
    assert_clean_error(&out, &[path.to_str().unwrap(), "not an object file"]);
}

#[test]
fn empty_file_and_directory_are_not_object_files() {
    let path = scratch("empty");
    std::fs::write(&path, b"").unwrap();
    assert_clean_error(
        &usdt(["list".as_ref(), path.as_os_str()]),
        &["empty", "not an object file"],
    );
    let dir = path.parent().unwrap();
    assert_clean_error(
        &usdt(["list".as_ref(), dir.as_os_str()]),
        &["not a regular file"],
    );
}

#[test]
fn missing_file_is_named() {
    let out = usdt(["list", "/nonexistent/usdt-test-file"]);
    assert_clean_error(&out, &["/nonexistent/usdt-test-file", "cannot read"]);
}

#[test]
fn truncated_elf_is_malformed() {
    let Some(f) = fixture() else { return };
    let bytes = std::fs::read(&f.exe).unwrap();
    let path = scratch("truncated");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let out = usdt(["list".as_ref(), path.as_os_str()]);
    assert_clean_error(&out, &[path.to_str().unwrap()]);
}

/// The file offset and size of a section, from the object crate.
fn section_range(bytes: &[u8], name: &str) -> (usize, usize) {
    use object::{Object, ObjectSection};
    let file = object::File::parse(bytes).unwrap();
    let section = file.section_by_name(name).unwrap();
    let (offset, size) = section.file_range().unwrap();
    (offset as usize, size as usize)
}

#[test]
fn corrupt_notes_are_reported() {
    let Some(f) = fixture() else { return };
    let mut bytes = std::fs::read(&f.exe).unwrap();
    let (offset, _) = section_range(&bytes, ".note.stapsdt");
    // The first note's descriptor size: claim far more than the section holds.
    bytes[offset + 4..offset + 8].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    let path = scratch("corrupt-notes");
    std::fs::write(&path, &bytes).unwrap();
    let out = usdt(["list".as_ref(), path.as_os_str()]);
    assert_clean_error(
        &out,
        &[path.to_str().unwrap(), "malformed .note.stapsdt", "note 0"],
    );
}

#[test]
fn unterminated_strings_are_reported() {
    let Some(f) = fixture() else { return };
    let mut bytes = std::fs::read(&f.exe).unwrap();
    let (offset, size) = section_range(&bytes, ".note.stapsdt");
    // Overwrite every NUL after the first note's addresses (12 header bytes, 8 of owner,
    // 24 of addresses) up to its end with 'x', so its strings never end.
    let descsz = u32::from_le_bytes(bytes[offset + 4..offset + 8].try_into().unwrap()) as usize;
    let strings = offset + 12 + 8 + 24..offset + 12 + 8 + descsz;
    assert!(strings.end <= offset + size);
    for b in &mut bytes[strings] {
        if *b == 0 {
            *b = b'x';
        }
    }
    let path = scratch("unterminated");
    std::fs::write(&path, &bytes).unwrap();
    let out = usdt(["list".as_ref(), path.as_os_str()]);
    assert_clean_error(&out, &["malformed .note.stapsdt", "no terminating NUL"]);
}

#[test]
fn one_bad_file_does_not_hide_the_others() {
    let Some(f) = fixture() else { return };
    let out = usdt([
        "list".as_ref(),
        "/nonexistent/x".as_ref(),
        f.lib.as_os_str(),
    ]);
    assert_clean_error(&out, &["/nonexistent/x"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("plain_fire"), "{stdout}");
}

#[test]
fn missing_process_is_an_error() {
    // Above the kernel's largest pid_max (2^22).
    let out = usdt(["list", "--pid", "99999999"]);
    assert_clean_error(&out, &["process 99999999", "no such process"]);
}

#[test]
fn exited_process_is_an_error() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    let out = usdt(["list", "--pid", &pid.to_string()]);
    assert_clean_error(&out, &[&format!("process {pid}")]);
}

#[test]
fn usage_errors_exit_non_zero() {
    let out = usdt(["list"]);
    assert!(!out.status.success());
    let out = usdt(["list", "--pid", "notanumber"]);
    assert!(!out.status.success());
}
