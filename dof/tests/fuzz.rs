//! The reader on random, truncated and mutated input: it returns errors and never panics.

mod common;

use dof::{Dof, DofFile};
use proptest::prelude::*;

/// Parses and, when that works, also prints: neither may panic.
fn read(bytes: &[u8]) -> bool {
    match DofFile::parse(bytes) {
        Ok(file) => {
            let _ = file.to_string();
            let _ = file.dof.to_string();
            true
        }
        Err(err) => {
            let _ = err.to_string();
            false
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        read(&bytes);
    }

    #[test]
    fn random_bytes_after_a_valid_identification(tail in prop::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = b"\x7fDOF\x02\x01\x02\x02\x08\x08\0\0\0\0\0\0".to_vec();
        bytes.extend(tail);
        read(&bytes);
    }

    #[test]
    fn mutated_fields(
        edits in prop::collection::vec((0usize..472 / 4, any::<u32>()), 1..4),
    ) {
        // Whole 32-bit fields of the example, to reach the checks behind the first ones.
        let mut bytes = common::example().to_bytes().unwrap();
        for (field, value) in edits {
            bytes[field * 4..field * 4 + 4].copy_from_slice(&value.to_ne_bytes());
        }
        read(&bytes);
        if let Ok(dof) = Dof::from_bytes(&bytes) {
            let _ = dof.to_bytes();
        }
    }
}

proptest! {
    // Generating documents costs more than reading them: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn truncated(dof in common::dof(), cut in any::<prop::sample::Index>()) {
        let bytes = dof.to_bytes().unwrap();
        let len = cut.index(bytes.len());
        // Anything shorter than dofh_filesz is refused.
        prop_assert!(!read(&bytes[..len]));
    }

    #[test]
    fn mutated(
        dof in common::dof(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = dof.to_bytes().unwrap();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        read(&bytes);
    }
}
