//! Whole note sections, and every note of an object file (feature `read`).

use object::elf::FileHeader64;
use object::read::elf::NoteIterator;
use object::{Endianness, Object, ObjectSection};

use crate::error::NoteError;
use crate::note::{parse_desc, Note};
use crate::{BASE_SECTION, NOTE_SECTION, NT_STAPSDT, OWNER};

/// Reads every stapsdt note of a note section's bytes, in order; notes of other owners or
/// types are skipped.
///
/// `align` is the section's `sh_addralign`; `is_64` and `endian` are the file's.
pub fn parse_section(
    data: &[u8],
    align: u64,
    is_64: bool,
    endian: Endianness,
) -> Result<Vec<Note>, NoteError> {
    let framing = |index, e: object::read::Error| NoteError::Framing {
        index,
        reason: e.to_string(),
    };
    // Note headers have the same layout in both ELF classes, so the 64-bit reader serves both.
    let mut notes = NoteIterator::<FileHeader64<Endianness>>::new(endian, align, data)
        .map_err(|e| framing(0, e))?;
    let big_endian = endian == Endianness::Big;
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(note) = notes.next().map_err(|e| framing(index, e))? {
        if note.name() == OWNER && note.n_type(endian) == NT_STAPSDT {
            out.push(parse_desc(note.desc(), is_64, big_endian, index)?);
        }
        index += 1;
    }
    Ok(out)
}

/// Every stapsdt note of a linked object file, in section and note order, with addresses
/// moved as far as prelink moved [`BASE_SECTION`] ([`Note::adjusted`]).
///
/// A relocatable object's notes hold addresses still to be relocated; read its sections with
/// [`parse_section`] once relocated (as `usdt list` does).
pub fn notes<'data>(file: &impl Object<'data>) -> Result<Vec<Note>, NoteError> {
    let base = file.section_by_name(BASE_SECTION).map(|s| s.address());
    let mut out = Vec::new();
    for section in file.sections() {
        if section.name_bytes().ok() != Some(NOTE_SECTION.as_bytes()) {
            continue;
        }
        let data = section.data().map_err(|e| NoteError::Framing {
            index: 0,
            reason: e.to_string(),
        })?;
        let notes = parse_section(data, section.align(), file.is_64(), file.endianness())?;
        out.extend(notes.into_iter().map(|n| n.adjusted(base, file.is_64())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::desc64;

    /// A note section holding the given (owner, type, descriptor) notes, little-endian
    /// (other owners and types than [`Note::to_bytes`] writes).
    fn section(notes: &[(&[u8], u32, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (owner, ty, desc) in notes {
            out.extend_from_slice(&(owner.len() as u32 + 1).to_le_bytes());
            out.extend_from_slice(&(desc.len() as u32).to_le_bytes());
            out.extend_from_slice(&ty.to_le_bytes());
            out.extend_from_slice(owner);
            out.push(0);
            out.resize(out.len().next_multiple_of(4), 0);
            out.extend_from_slice(desc);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        out
    }

    #[test]
    fn reads_64_bit_notes_and_skips_others() {
        let data = section(&[
            (b"GNU", 3, vec![1, 2, 3, 4]),
            (
                OWNER,
                3,
                desc64(
                    0x1130,
                    0x2004,
                    0x4010,
                    &["prov", "probe1", "-4@%edi 8@%rax"],
                ),
            ),
            (OWNER, 2, vec![0; 4]),
            (OWNER, 3, desc64(0x1140, 0x2004, 0, &["prov", "probe0", ""])),
        ]);
        let notes = parse_section(&data, 4, true, Endianness::Little).unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!((notes[0].pc, notes[0].semaphore), (0x1130, 0x4010));
        assert_eq!(
            (notes[0].provider.as_str(), notes[0].name.as_str()),
            ("prov", "probe1")
        );
        assert_eq!(notes[0].args, "-4@%edi 8@%rax");
        assert_eq!(notes[1].args, "");
    }

    #[test]
    fn truncated_section_is_an_error() {
        let data = section(&[(OWNER, 3, desc64(1, 2, 3, &["p", "n", ""]))]);
        let err = parse_section(&data[..data.len() - 8], 4, true, Endianness::Little);
        assert!(matches!(err, Err(NoteError::Framing { index: 0, .. })));
    }
}
