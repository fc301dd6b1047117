//! Writing notes: what `usdt-dynamic`'s in-memory objects hold, byte for byte as
//! `<sys/sdt.h>` and the `usdt` crate's sites assemble them.

use crate::argument::{ArgSize, Argument};
use crate::note::Note;
use crate::{NT_STAPSDT, OWNER};

impl Note {
    /// The descriptor [`parse_desc`](crate::parse_desc) reads: the three addresses, 8 bytes
    /// each in a 64-bit file (`is_64`) and 4 in a 32-bit one, in the file's byte order, then
    /// provider, name and arguments, each NUL-terminated.
    pub fn desc(&self, is_64: bool, big_endian: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for address in [self.pc, self.base, self.semaphore] {
            let bytes = if big_endian {
                address.to_be_bytes()
            } else {
                address.to_le_bytes()
            };
            match (is_64, big_endian) {
                (true, _) => out.extend_from_slice(&bytes),
                (false, false) => out.extend_from_slice(&bytes[..4]),
                (false, true) => out.extend_from_slice(&bytes[4..]),
            }
        }
        for text in [&self.provider, &self.name, &self.args] {
            out.extend_from_slice(text.as_bytes());
            out.push(0);
        }
        out
    }

    /// The whole ELF note as a note section holds it: name size, descriptor size and type
    /// [`NT_STAPSDT`], the owner [`OWNER`] NUL-terminated, then the descriptor, each padded
    /// to 4 bytes (so notes written one after another make a section aligned to 4).
    pub fn to_bytes(&self, is_64: bool, big_endian: bool) -> Vec<u8> {
        let desc = self.desc(is_64, big_endian);
        let word = |n: u32| {
            if big_endian {
                n.to_be_bytes()
            } else {
                n.to_le_bytes()
            }
        };
        let mut out = Vec::new();
        out.extend_from_slice(&word(OWNER.len() as u32 + 1));
        out.extend_from_slice(&word(u32::try_from(desc.len()).unwrap_or(u32::MAX)));
        out.extend_from_slice(&word(NT_STAPSDT));
        out.extend_from_slice(OWNER);
        out.push(0);
        out.resize(out.len().next_multiple_of(4), 0);
        out.extend_from_slice(&desc);
        out.resize(out.len().next_multiple_of(4), 0);
        out
    }
}

impl Argument {
    /// An argument of `size` at `location` (`%rdi`, `8(%rsp)`, `[sp, 8]`), spelled
    /// `SIZE@LOCATION` as [`parse_arguments`](crate::parse_arguments) reads it.
    pub fn new(size: ArgSize, location: &str) -> Argument {
        Argument {
            raw: format!("{size}@{location}"),
            size: Some(size),
            location: location.to_owned(),
        }
    }
}

/// A note's argument string: the arguments separated by spaces.
pub fn format_arguments(args: &[Argument]) -> String {
    args.iter()
        .map(|a| a.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_arguments, parse_desc};

    fn note(args: &str) -> Note {
        Note {
            pc: 0x1130,
            base: 0x2004,
            semaphore: 0x4010,
            provider: "prov".into(),
            name: "probe".into(),
            args: args.into(),
        }
    }

    #[test]
    fn descriptors_read_back() {
        let n = note("-4@%edi 8@%rax");
        for (is_64, big) in [(true, false), (true, true), (false, false), (false, true)] {
            assert_eq!(parse_desc(&n.desc(is_64, big), is_64, big, 0).unwrap(), n);
        }
    }

    #[test]
    fn whole_notes_have_the_header_and_padding() {
        let bytes = note("").to_bytes(true, false);
        assert_eq!(&bytes[..12], &[8, 0, 0, 0, 36, 0, 0, 0, 3, 0, 0, 0]);
        assert_eq!(&bytes[12..20], b"stapsdt\0");
        assert_eq!(bytes.len() % 4, 0);
    }

    #[test]
    fn arguments_spell_size_at_location() {
        let size = |bytes, signed, float| ArgSize {
            bytes,
            signed,
            float,
        };
        let args = [
            Argument::new(size(4, true, false), "%rdi"),
            Argument::new(size(8, false, true), "[sp, 8]"),
        ];
        let text = format_arguments(&args);
        assert_eq!(text, "-4@%rdi 8f@[sp, 8]");
        assert_eq!(parse_arguments(&text), args);
    }
}
