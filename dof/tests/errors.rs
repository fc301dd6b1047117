//! What the reader and writer say about specific defects of the example document.
//!
//! Field positions are those reviewed in `golden.rs`.

mod common;

use common::example;
use dof::{Dof, Probe, Provider, WriteError};

/// The example with the native 32-bit value `value` written at byte `at`.
fn with_u32(at: usize, value: u32) -> Vec<u8> {
    let mut bytes = example().to_bytes().unwrap();
    bytes[at..at + 4].copy_from_slice(&value.to_ne_bytes());
    bytes
}

fn with_u64(at: usize, value: u64) -> Vec<u8> {
    let mut bytes = example().to_bytes().unwrap();
    bytes[at..at + 8].copy_from_slice(&value.to_ne_bytes());
    bytes
}

fn with_byte(at: usize, value: u8) -> Vec<u8> {
    let mut bytes = example().to_bytes().unwrap();
    bytes[at] = value;
    bytes
}

fn read_error(bytes: &[u8]) -> String {
    Dof::from_bytes(bytes).unwrap_err().to_string()
}

#[test]
fn header_defects() {
    assert_eq!(
        read_error(&[]),
        "header: needs 64 bytes but the input has 0"
    );
    assert_eq!(
        read_error(&with_byte(0, 0)),
        "header: magic is 00 44 4f 46, not 7f 44 4f 46 (\\x7fDOF)"
    );
    assert_eq!(
        read_error(&with_byte(4, 7)),
        "header: unsupported data model 7"
    );
    assert_eq!(
        read_error(&with_byte(5, 0)),
        "header: unsupported encoding 0"
    );
    assert_eq!(
        read_error(&with_byte(6, 4)),
        "header: unsupported DOF version 4"
    );
    assert_eq!(
        read_error(&with_byte(7, 9)),
        "header: unsupported DIF version 9"
    );
    assert_eq!(
        read_error(&with_byte(8, 9)),
        "header: unsupported DIF integer register count 9"
    );
    assert_eq!(
        read_error(&with_byte(12, 1)),
        "header: identification byte 12 should be zero"
    );
    assert_eq!(read_error(&with_u32(16, 4)), "header: unknown flags 0x4");
    assert_eq!(
        read_error(&with_u32(24, 28)),
        "header: section header size 28 is less than 32"
    );
    assert_eq!(
        read_error(&with_u64(48, 1000)),
        "header: needs 1000 bytes but the input has 472"
    );
    assert_eq!(
        read_error(&with_u32(28, 100)),
        "section table: section table at 64 (3200 bytes) extends past the end of the loadable part (472 bytes)"
    );
    let bytes = example().to_bytes().unwrap();
    assert_eq!(
        read_error(&bytes[..300]),
        "header: needs 472 bytes but the input has 300"
    );
}

#[test]
fn section_defects() {
    // PROFFS's dofs_offset (section 3 at 160, field +16).
    assert_eq!(
        read_error(&with_u64(176, 413)),
        "PROFFS section 3: data offset 413 is not a multiple of 4"
    );
    assert_eq!(
        read_error(&with_u64(176, 468)),
        "PROFFS section 3: section data at 468 (12 bytes) extends past the end of the loadable part (472 bytes)"
    );
    // PROBES's dofs_flags.
    assert_eq!(
        read_error(&with_u32(104, 0)),
        "PROBES section 1: loadable section type without DOF_SECF_LOAD"
    );
    assert_eq!(
        read_error(&with_u32(100, 3)),
        "PROBES section 1: alignment 3 is not a power of two"
    );
    // The last byte of the string table.
    assert_eq!(
        read_error(&with_byte(311, b'x')),
        "STRTAB section 0: string table does not end with NUL"
    );
    // PROFFS's dofs_entsize.
    assert_eq!(
        read_error(&with_u32(172, 8)),
        "PROFFS section 3: entry size 8, expected 4 (uint32_t)"
    );
}

#[test]
fn provider_defects() {
    assert_eq!(
        read_error(&with_u32(432, 9)),
        "provider section 5: probes links section 9, but there are 6 sections"
    );
    assert_eq!(
        read_error(&with_u32(468, 3)),
        "provider section 5: prenoffs links section 3, a PROFFS section instead of PRENOFFS"
    );
    assert_eq!(
        read_error(&with_u32(444, 56)),
        "provider section 5: provider name offset 56 past end of string table (56 bytes)"
    );
    assert_eq!(
        read_error(&with_u32(448, 0x0904_0500)),
        "provider section 5: provider attribute holds unknown stability or class 9"
    );
}

#[test]
fn probe_defects() {
    assert_eq!(
        read_error(&with_u32(324, 812)),
        "probes section 1, probe 0: probe name offset 812 past end of string table (56 bytes)"
    );
    assert_eq!(
        read_error(&with_byte(262, 0xff)),
        "probes section 1, probe 0: probe name at string offset 6 is not UTF-8"
    );
    // stop's last native type starts at 48; one more would start past the end.
    assert_eq!(
        read_error(&with_byte(392, 3)),
        "probes section 1, probe 1: native argument type offset 56 past end of string table (56 bytes)"
    );
    assert_eq!(
        read_error(&with_byte(410, 5)),
        "probes section 1, probe 1: translated argument 1 maps to native argument 5, but there are 2"
    );
    // stop's dofpr_noffs.
    let mut bytes = example().to_bytes().unwrap();
    bytes[394..396].copy_from_slice(&3u16.to_ne_bytes());
    assert_eq!(
        read_error(&bytes),
        "probes section 1, probe 1: probe offset entries 1..4 past end of section (3 entries)"
    );
    // stop's dofpr_nenoffs.
    let mut bytes = example().to_bytes().unwrap();
    bytes[400..402].copy_from_slice(&1u16.to_ne_bytes());
    assert_eq!(
        read_error(&bytes),
        "probes section 1, probe 1: is-enabled offset entries 1..2 past end of section (1 entries)"
    );
}

#[test]
fn version_1_documents_have_no_is_enabled_offsets() {
    let dof = Dof::from_bytes(&with_byte(6, 1)).unwrap();
    let mut want = example();
    want.providers[0].probes[0].enabled_offsets.clear();
    assert_eq!(dof, want);
}

#[test]
fn writer_refusals() {
    let error = |dof: Dof| dof.to_bytes().unwrap_err();
    assert_eq!(
        error(Dof::new(vec![Provider::new("empty")])),
        WriteError::NoProbes {
            provider: "empty".into()
        }
    );

    let mut dof = example();
    dof.providers[0].probes[0].offsets.clear();
    dof.providers[0].probes[0].enabled_offsets.clear();
    assert_eq!(
        error(dof).to_string(),
        "probe `test:main:start` has no probe or is-enabled sites"
    );

    let mut dof = example();
    dof.providers[0].name = "a".repeat(54);
    assert_eq!(
        error(dof).to_string(),
        format!(
            "provider name {:?} is 54 bytes long; DTrace allows at most 53",
            "a".repeat(54)
        )
    );

    let mut dof = example();
    dof.providers[0].probes[1].function = "run\0worker".into();
    assert_eq!(
        error(dof).to_string(),
        "function name \"run\\0worker\" contains a NUL byte"
    );

    let mut dof = example();
    dof.providers[0].probes[0] = Probe::new("start", "main", 0, vec!["int".to_string(); 256]);
    dof.providers[0].probes[0].offsets = vec![0];
    assert_eq!(
        error(dof).to_string(),
        "probe `test:main:start` has 256 argument types; DOF allows at most 255"
    );

    let mut dof = example();
    dof.providers[0].probes[0].arg_mapping = vec![1];
    assert_eq!(
        error(dof).to_string(),
        "probe `test:main:start` maps translated argument 0 to native argument 1, but it has 1"
    );

    let mut dof = example();
    dof.providers[0].probes[0].arg_mapping.clear();
    assert_eq!(
        error(dof).to_string(),
        "probe `test:main:start` maps 0 arguments but has 1 translated types"
    );
}

#[test]
fn translated_types_print_with_their_sources() {
    let mut dof = example();
    let stop = &mut dof.providers[0].probes[1];
    stop.translated_types = vec!["string".into()];
    stop.arg_mapping = vec![0];
    let text = Dof::from_bytes(&dof.to_bytes().unwrap())
        .unwrap()
        .to_string();
    assert!(
        text.contains(
            "    native arguments    arg0: char *\n\
             \x20                       arg1: uint8_t\n\
             \x20   translated          args[0]: string (from arg0)\n"
        ),
        "{text}"
    );
}
