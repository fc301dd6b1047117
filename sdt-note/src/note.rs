//! One note's descriptor: three addresses, then provider, name and arguments.

use crate::argument::{parse_arguments, Argument};
use crate::error::NoteError;

/// One probe description as a note spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The probe site's address.
    pub pc: u64,
    /// The address of [`BASE_SECTION`](crate::BASE_SECTION) when the note was written.
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

impl Note {
    /// The arguments, read from [`Note::args`].
    pub fn arguments(&self) -> Vec<Argument> {
        parse_arguments(&self.args)
    }

    /// The note with pc and semaphore moved by as much as `.stapsdt.base` moved since the
    /// note was written (prelink relocates the section but not the notes).
    ///
    /// `actual_base` is the section's address in the file, `None` when it has no such
    /// section; `is_64` says how wide addresses are.
    pub fn adjusted(mut self, actual_base: Option<u64>, is_64: bool) -> Note {
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

/// Reads one descriptor of a file whose addresses are 8 bytes wide (`is_64`) or 4, in the
/// byte order `big_endian` says; `index` only labels errors.
pub fn parse_desc(
    desc: &[u8],
    is_64: bool,
    big_endian: bool,
    index: usize,
) -> Result<Note, NoteError> {
    let mut rest = desc;
    let mut addr = |field| {
        read_addr(&mut rest, is_64, big_endian).ok_or(NoteError::Truncated {
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
    Ok(Note {
        pc,
        base,
        semaphore,
        provider: string("provider")?,
        name: string("name")?,
        args: string("arguments")?,
    })
}

/// Reads one address and advances past it.
fn read_addr(bytes: &mut &[u8], is_64: bool, big_endian: bool) -> Option<u64> {
    let width = if is_64 { 8 } else { 4 };
    let head = bytes.get(..width)?;
    *bytes = &bytes[width..];
    let mut wide = [0u8; 8];
    if big_endian {
        wide[8 - width..].copy_from_slice(head);
        Some(u64::from_be_bytes(wide))
    } else {
        wide[..width].copy_from_slice(head);
        Some(u64::from_le_bytes(wide))
    }
}

/// A 64-bit little-endian descriptor, for the tests.
#[cfg(test)]
pub(crate) fn desc64(pc: u64, base: u64, semaphore: u64, strings: &[&str; 3]) -> Vec<u8> {
    let [provider, name, args] = strings.map(str::to_owned);
    let note = Note {
        pc,
        base,
        semaphore,
        provider,
        name,
        args,
    };
    note.desc(true, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_32_bit_big_endian_desc() {
        let mut d = Vec::new();
        for a in [0x10u32, 0x20, 0x30] {
            d.extend_from_slice(&a.to_be_bytes());
        }
        d.extend_from_slice(b"p\0n\0-4@r3\0");
        let note = parse_desc(&d, false, true, 0).unwrap();
        assert_eq!((note.pc, note.base, note.semaphore), (0x10, 0x20, 0x30));
        assert_eq!(note.args, "-4@r3");
        assert_eq!(note.arguments()[0].location, "r3");
    }

    #[test]
    fn truncated_descriptors_are_errors() {
        let full = desc64(1, 2, 3, &["p", "n", "a"]);
        assert!(matches!(
            parse_desc(&full[..20], true, false, 7),
            Err(NoteError::Truncated {
                index: 7,
                field: "semaphore",
                ..
            })
        ));
        assert!(matches!(
            parse_desc(&full[..full.len() - 1], true, false, 0),
            Err(NoteError::Unterminated {
                field: "arguments",
                ..
            })
        ));
    }

    #[test]
    fn prelink_adjustment_moves_pc_and_semaphore() {
        let note = Note {
            pc: 0x1000,
            base: 0x2000,
            semaphore: 0x3000,
            provider: String::new(),
            name: String::new(),
            args: String::new(),
        };
        let moved = note.clone().adjusted(Some(0x12000), true);
        assert_eq!((moved.pc, moved.semaphore), (0x11000, 0x13000));
        let no_sem = Note {
            semaphore: 0,
            ..note.clone()
        };
        assert_eq!(no_sem.adjusted(Some(0x2100), true).semaphore, 0);
        assert_eq!(note.clone().adjusted(None, true), note);
    }
}
