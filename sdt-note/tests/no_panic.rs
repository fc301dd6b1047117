//! Property tests: no input makes the note reader or the argument parser panic, and
//! well-formed sections read back what was written.

use object::Endianness;
use proptest::prelude::*;
use sdt_note::{parse_arguments, parse_desc, parse_section, NT_STAPSDT, OWNER};

/// A well-formed stapsdt section with one note per (provider, name, args).
fn section(notes: &[(String, String, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (provider, name, args) in notes {
        let mut desc = Vec::new();
        for a in [0x1000u64, 0x2000, 0x3000] {
            desc.extend_from_slice(&a.to_le_bytes());
        }
        for s in [provider, name, args] {
            desc.extend_from_slice(s.as_bytes());
            desc.push(0);
        }
        out.extend_from_slice(&(OWNER.len() as u32 + 1).to_le_bytes());
        out.extend_from_slice(&(desc.len() as u32).to_le_bytes());
        out.extend_from_slice(&NT_STAPSDT.to_le_bytes());
        out.extend_from_slice(OWNER);
        out.push(0);
        out.resize(out.len().next_multiple_of(4), 0);
        out.extend_from_slice(&desc);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    out
}

fn endian() -> impl Strategy<Value = Endianness> {
    prop_oneof![Just(Endianness::Little), Just(Endianness::Big)]
}

fn note() -> impl Strategy<Value = (String, String, String)> {
    (
        "[a-z_]{1,12}",
        "[a-z_0-9]{1,16}",
        "(-?[1248]f?@%[a-z]{2,3} ?){0,6}",
    )
}

proptest! {
    #[test]
    fn random_bytes_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..512),
        align in prop_oneof![Just(0u64), Just(4), Just(8), any::<u64>()],
        is_64 in any::<bool>(),
        endian in endian(),
    ) {
        let _ = parse_section(&data, align, is_64, endian);
        let _ = parse_desc(&data, is_64, endian == Endianness::Big, 0);
    }

    #[test]
    fn well_formed_sections_round_trip(notes in proptest::collection::vec(note(), 0..8)) {
        let data = section(&notes);
        let parsed = parse_section(&data, 4, true, Endianness::Little).unwrap();
        prop_assert_eq!(parsed.len(), notes.len());
        for (p, (provider, name, args)) in parsed.iter().zip(&notes) {
            prop_assert_eq!(&p.provider, provider);
            prop_assert_eq!(&p.name, name);
            prop_assert_eq!(&p.args, args);
            prop_assert_eq!((p.pc, p.base, p.semaphore), (0x1000, 0x2000, 0x3000));
        }
    }

    #[test]
    fn truncated_sections_error_or_lose_notes(
        notes in proptest::collection::vec(note(), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let data = section(&notes);
        let cut = cut.index(data.len());
        match parse_section(&data[..cut], 4, true, Endianness::Little) {
            // Only a cut inside the last note's padding keeps every note.
            Ok(parsed) => prop_assert!(parsed.len() < notes.len() || data.len() - cut < 4),
            Err(e) => prop_assert!(e.to_string().starts_with("note ")),
        }
    }

    #[test]
    fn corrupted_sections_never_panic(
        notes in proptest::collection::vec(note(), 1..6),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut data = section(&notes);
        for (at, byte) in flips {
            let i = at.index(data.len());
            data[i] = byte;
        }
        let _ = parse_section(&data, 4, true, Endianness::Little);
    }

    #[test]
    fn argument_strings_never_panic(raw in "\\PC{0,64}") {
        let args = parse_arguments(&raw);
        for a in &args {
            prop_assert!(!a.raw.is_empty());
        }
    }
}
