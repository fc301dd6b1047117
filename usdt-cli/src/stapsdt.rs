//! The reader of SystemTap v3 `.note.stapsdt` ELF notes.
//!
//! Each note has owner `stapsdt` and type 3. Its descriptor holds three addresses (8 bytes
//! each in a 64-bit ELF, 4 in a 32-bit one) in the file's byte order: the probe site (pc),
//! the link-time address of the `.stapsdt.base` section, and the semaphore (0 for none);
//! then three NUL-terminated strings: provider, name and arguments.

use object::elf::FileHeader64;
use object::read::elf::NoteIterator;
use object::Endianness;

/// The owner name of a stapsdt note.
pub const OWNER: &[u8] = b"stapsdt";
/// The note type of a SystemTap v3 probe description.
pub const NT_STAPSDT: u32 = 3;
/// The section that holds the notes.
pub const NOTE_SECTION: &str = ".note.stapsdt";
/// The section whose address the notes record, to detect prelinking.
pub const BASE_SECTION: &str = ".stapsdt.base";

/// One probe description as a note spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdtNote {
    /// The probe site's address.
    pub pc: u64,
    /// The address of `.stapsdt.base` when the note was written.
    pub base: u64,
    /// The semaphore's address, 0 for none.
    pub semaphore: u64,
    /// The provider.
    pub provider: String,
    /// The probe name.
    pub name: String,
    /// The argument string, e.g. `-4@%edi 8@%rax`.
    pub args: String,
}

/// What is wrong with a note section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note headers do not fit the section.
    #[error("note {index}: {reason}")]
    Framing {
        /// Index of the note in the section (counting every owner).
        index: usize,
        /// What the note parser said.
        reason: String,
    },
    /// A descriptor ends before one of its addresses.
    #[error("note {index}: descriptor of {len} bytes ends inside the {field} address")]
    Truncated {
        /// Index of the note.
        index: usize,
        /// The address that does not fit.
        field: &'static str,
        /// The descriptor's length.
        len: usize,
    },
    /// A descriptor ends before the NUL that ends one of its strings.
    #[error("note {index}: the {field} string has no terminating NUL")]
    Unterminated {
        /// Index of the note.
        index: usize,
        /// The string that is not terminated.
        field: &'static str,
    },
}

/// Reads every stapsdt v3 note of a `.note.stapsdt` section's bytes.
///
/// `align` is the section's `sh_addralign`. Notes of other owners or types are skipped.
pub fn parse_section(
    data: &[u8],
    align: u64,
    is_64: bool,
    endian: Endianness,
) -> Result<Vec<SdtNote>, NoteError> {
    let framing = |index, e: object::read::Error| NoteError::Framing {
        index,
        reason: e.to_string(),
    };
    // Note headers have the same layout in both ELF classes, so the 64-bit reader serves both.
    let mut notes = NoteIterator::<FileHeader64<Endianness>>::new(endian, align, data)
        .map_err(|e| framing(0, e))?;
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(note) = notes.next().map_err(|e| framing(index, e))? {
        if note.name() == OWNER && note.n_type(endian) == NT_STAPSDT {
            out.push(parse_desc(note.desc(), is_64, endian, index)?);
        }
        index += 1;
    }
    Ok(out)
}

/// Reads one stapsdt v3 descriptor; `index` only labels errors.
pub fn parse_desc(
    desc: &[u8],
    is_64: bool,
    endian: Endianness,
    index: usize,
) -> Result<SdtNote, NoteError> {
    let mut rest = desc;
    let mut addr = |field| {
        read_addr(&mut rest, is_64, endian).ok_or(NoteError::Truncated {
            index,
            field,
            len: desc.len(),
        })
    };
    let pc = addr("pc")?;
    let base = addr("base")?;
    let semaphore = addr("semaphore")?;
    let mut string = |field| {
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(NoteError::Unterminated { index, field })?;
        let (text, tail) = rest.split_at(end);
        rest = tail.get(1..).unwrap_or_default();
        Ok(String::from_utf8_lossy(text).into_owned())
    };
    let provider = string("provider")?;
    let name = string("name")?;
    let args = string("arguments")?;
    Ok(SdtNote {
        pc,
        base,
        semaphore,
        provider,
        name,
        args,
    })
}

/// Reads one address and advances past it.
fn read_addr(bytes: &mut &[u8], is_64: bool, endian: Endianness) -> Option<u64> {
    let big = matches!(endian, Endianness::Big);
    if is_64 {
        let (head, tail) = bytes.split_first_chunk::<8>()?;
        *bytes = tail;
        Some(if big {
            u64::from_be_bytes(*head)
        } else {
            u64::from_le_bytes(*head)
        })
    } else {
        let (head, tail) = bytes.split_first_chunk::<4>()?;
        *bytes = tail;
        Some(u64::from(if big {
            u32::from_be_bytes(*head)
        } else {
            u32::from_le_bytes(*head)
        }))
    }
}

impl SdtNote {
    /// The note with pc and semaphore moved by as much as `.stapsdt.base` moved since the note
    /// was written (prelink relocates the section but not the notes).
    ///
    /// `actual_base` is the section's address in the file, `None` when it has no such section.
    pub fn adjusted(mut self, actual_base: Option<u64>, is_64: bool) -> SdtNote {
        if let Some(actual) = actual_base {
            let mask = if is_64 { u64::MAX } else { u64::from(u32::MAX) };
            let delta = actual.wrapping_sub(self.base);
            self.pc = self.pc.wrapping_add(delta) & mask;
            if self.semaphore != 0 {
                self.semaphore = self.semaphore.wrapping_add(delta) & mask;
            }
            self.base = actual;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a note section holding the given (owner, type, descriptor) notes.
    pub(crate) fn section(notes: &[(&[u8], u32, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (owner, ty, desc) in notes {
            out.extend_from_slice(&(owner.len() as u32 + 1).to_le_bytes());
            out.extend_from_slice(&(desc.len() as u32).to_le_bytes());
            out.extend_from_slice(&ty.to_le_bytes());
            out.extend_from_slice(owner);
            out.push(0);
            while out.len() % 4 != 0 {
                out.push(0);
            }
            out.extend_from_slice(desc);
            while out.len() % 4 != 0 {
                out.push(0);
            }
        }
        out
    }

    fn desc64(pc: u64, base: u64, sem: u64, strings: &[&str]) -> Vec<u8> {
        let mut d = Vec::new();
        for a in [pc, base, sem] {
            d.extend_from_slice(&a.to_le_bytes());
        }
        for s in strings {
            d.extend_from_slice(s.as_bytes());
            d.push(0);
        }
        d
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
        assert_eq!(notes[0].pc, 0x1130);
        assert_eq!(notes[0].semaphore, 0x4010);
        assert_eq!(notes[0].provider, "prov");
        assert_eq!(notes[0].name, "probe1");
        assert_eq!(notes[0].args, "-4@%edi 8@%rax");
        assert_eq!(notes[1].args, "");
    }

    #[test]
    fn reads_32_bit_big_endian_desc() {
        let mut d = Vec::new();
        for a in [0x10u32, 0x20, 0x30] {
            d.extend_from_slice(&a.to_be_bytes());
        }
        d.extend_from_slice(b"p\0n\0-4@r3\0");
        let note = parse_desc(&d, false, Endianness::Big, 0).unwrap();
        assert_eq!((note.pc, note.base, note.semaphore), (0x10, 0x20, 0x30));
        assert_eq!(note.args, "-4@r3");
    }

    #[test]
    fn truncated_descriptors_are_errors() {
        let full = desc64(1, 2, 3, &["p", "n", "a"]);
        assert!(matches!(
            parse_desc(&full[..20], true, Endianness::Little, 7),
            Err(NoteError::Truncated {
                index: 7,
                field: "semaphore",
                ..
            })
        ));
        assert!(matches!(
            parse_desc(&full[..full.len() - 1], true, Endianness::Little, 0),
            Err(NoteError::Unterminated {
                field: "arguments",
                ..
            })
        ));
    }

    #[test]
    fn truncated_section_is_an_error() {
        let data = section(&[(OWNER, 3, desc64(1, 2, 3, &["p", "n", ""]))]);
        let err = parse_section(&data[..data.len() - 8], 4, true, Endianness::Little);
        assert!(matches!(err, Err(NoteError::Framing { index: 0, .. })));
    }

    #[test]
    fn prelink_adjustment_moves_pc_and_semaphore() {
        let note = SdtNote {
            pc: 0x1000,
            base: 0x2000,
            semaphore: 0x3000,
            provider: String::new(),
            name: String::new(),
            args: String::new(),
        };
        let moved = note.clone().adjusted(Some(0x12000), true);
        assert_eq!((moved.pc, moved.semaphore), (0x11000, 0x13000));
        let no_sem = SdtNote {
            semaphore: 0,
            ..note.clone()
        };
        assert_eq!(no_sem.adjusted(Some(0x2100), true).semaphore, 0);
        assert_eq!(note.clone().adjusted(None, true), note);
    }
}
