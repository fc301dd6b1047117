//! Reading a fixture's ELF file: its SystemTap notes, its sections, and the bytes at an
//! address.

use std::path::{Path, PathBuf};

use object::{Object, ObjectSection, ObjectSegment, ObjectSymbol, SegmentFlags};

use crate::HarnessError;

/// One argument of a SystemTap note: `-4@%rax` is size -4 (signed, 4 bytes) in `%rax`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteArg {
    /// Bytes, negative when signed.
    pub size: i32,
    /// Whether the size has the `f` (floating point) suffix.
    pub float: bool,
    /// Where the value is: `%rax`, `x1`, `8(%rsp)`...
    pub location: String,
}

impl NoteArg {
    /// Parse `-4@%rax`, `8f@%r8`, `8@x1`.
    pub fn parse(text: &str) -> Result<Self, HarnessError> {
        let bad = || HarnessError::Parse(format!("note argument `{text}`"));
        let (size, location) = text.split_once('@').ok_or_else(bad)?;
        let (size, float) = match size.strip_suffix('f') {
            Some(s) => (s, true),
            None => (size, false),
        };
        Ok(NoteArg {
            size: size.parse().map_err(|_| bad())?,
            float,
            location: location.to_owned(),
        })
    }
}

/// One `.note.stapsdt` entry (type 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdtNote {
    /// The provider.
    pub provider: String,
    /// The probe name.
    pub name: String,
    /// The probe instruction's address, as linked.
    pub pc: u64,
    /// The address of `.stapsdt.base`, as linked.
    pub base: u64,
    /// The semaphore's address (0 for none).
    pub semaphore: u64,
    /// The arguments as written.
    pub arg_text: String,
    /// The arguments, parsed.
    pub args: Vec<NoteArg>,
}

/// A section's place in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpan {
    /// Its address.
    pub address: u64,
    /// Its size in bytes.
    pub size: u64,
}

impl SectionSpan {
    /// Whether `addr .. addr + len` lies inside.
    pub fn contains(&self, addr: u64, len: u64) -> bool {
        addr >= self.address && addr.saturating_add(len) <= self.address.saturating_add(self.size)
    }
}

/// An ELF file read into memory.
pub struct Elf {
    path: PathBuf,
    data: Vec<u8>,
}

/// A little-endian reader over a note's bytes that fails instead of panicking.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(out)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn align4(&mut self) {
        self.pos = self.pos.next_multiple_of(4);
    }
    fn cstr(&mut self) -> Option<String> {
        let rest = self.data.get(self.pos..)?;
        let len = rest.iter().position(|&b| b == 0)?;
        let s = String::from_utf8_lossy(rest.get(..len)?).into_owned();
        self.pos += len + 1;
        Some(s)
    }
}

impl Elf {
    /// Read `path`.
    pub fn open(path: &Path) -> Result<Self, HarnessError> {
        let data = std::fs::read(path).map_err(|source| HarnessError::Io {
            path: path.to_owned(),
            source,
        })?;
        let elf = Elf {
            path: path.to_owned(),
            data,
        };
        elf.object()?;
        Ok(elf)
    }

    fn object(&self) -> Result<object::File<'_>, HarnessError> {
        object::File::parse(&*self.data).map_err(|e| self.error(e.to_string()))
    }

    fn error(&self, message: impl Into<String>) -> HarnessError {
        HarnessError::Elf {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// The section called `name`, if there is one.
    pub fn section(&self, name: &str) -> Result<Option<SectionSpan>, HarnessError> {
        Ok(self.object()?.section_by_name(name).map(|s| SectionSpan {
            address: s.address(),
            size: s.size(),
        }))
    }

    /// The names of every section.
    pub fn section_names(&self) -> Result<Vec<String>, HarnessError> {
        Ok(self
            .object()?
            .sections()
            .filter_map(|s| s.name().ok().map(str::to_owned))
            .collect())
    }

    /// The `len` bytes of the file mapped at address `addr`.
    pub fn bytes_at(&self, addr: u64, len: u64) -> Result<Vec<u8>, HarnessError> {
        let obj = self.object()?;
        for s in obj.sections() {
            let span = SectionSpan {
                address: s.address(),
                size: s.size(),
            };
            if span.address != 0 && span.contains(addr, len) {
                let data = s.data().map_err(|e| self.error(e.to_string()))?;
                let start =
                    usize::try_from(addr - span.address).map_err(|e| self.error(e.to_string()))?;
                let end = start + usize::try_from(len).map_err(|e| self.error(e.to_string()))?;
                return data
                    .get(start..end)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| self.error(format!("no file bytes at {addr:#x}")));
            }
        }
        Err(self.error(format!("no section holds {addr:#x}..+{len}")))
    }

    /// The address ranges of the executable `PT_LOAD` segments.
    pub fn executable_ranges(&self) -> Result<Vec<std::ops::Range<u64>>, HarnessError> {
        Ok(self
            .object()?
            .segments()
            .filter(|s| {
                matches!(s.flags(), SegmentFlags::Elf { p_flags } if p_flags & object::elf::PF_X != 0)
            })
            .map(|s| s.address()..s.address().saturating_add(s.size()))
            .collect())
    }

    /// The (mangled) name of the sized function symbol of `.symtab` whose bytes hold
    /// `addr`, if any.
    pub fn function_at(&self, addr: u64) -> Result<Option<String>, HarnessError> {
        Ok(self
            .object()?
            .symbols()
            .filter(|s| s.kind() == object::SymbolKind::Text && s.size() > 0)
            .find(|s| s.address() <= addr && addr < s.address().saturating_add(s.size()))
            .and_then(|s| s.name().ok().map(str::to_owned)))
    }

    /// The (mangled) names of the defined function symbols of `.symtab`.
    pub fn function_names(&self) -> Result<Vec<String>, HarnessError> {
        Ok(self
            .object()?
            .symbols()
            .filter(|s| s.kind() == object::SymbolKind::Text && s.is_definition())
            .filter_map(|s| s.name().ok().map(str::to_owned))
            .collect())
    }

    /// How far the file offset of `addr` is from `addr` itself (file offset minus address),
    /// from the section that holds it.
    pub fn offset_shift(&self, addr: u64) -> Result<i128, HarnessError> {
        let obj = self.object()?;
        for s in obj.sections() {
            let span = SectionSpan {
                address: s.address(),
                size: s.size().max(1),
            };
            if span.address != 0 && span.contains(addr, 1) {
                let (offset, _) = s.file_range().ok_or_else(|| {
                    self.error(format!("the section holding {addr:#x} has no file bytes"))
                })?;
                return Ok(i128::from(offset) - i128::from(span.address));
            }
        }
        Err(self.error(format!("no section holds {addr:#x}")))
    }

    /// The semaphores of this file that the kernel may increment in the wrong copy: those
    /// whose file page is also mapped by an earlier writable `PT_LOAD` (lld's RELRO segment
    /// sharing a page with `.data`). The kernel finds a semaphore by its file offset in the
    /// first writable mapping of that page, which before the dynamic loader has made RELRO
    /// read-only is the RELRO copy. One message per semaphore at risk.
    pub fn semaphores_at_risk(&self) -> Result<Vec<String>, HarnessError> {
        const PAGE: u64 = 0x1000;
        struct Load {
            address: u64,
            memsz: u64,
            offset: u64,
            filesz: u64,
            writable: bool,
        }
        let obj = self.object()?;
        let loads: Vec<Load> = obj
            .segments()
            .map(|s| {
                let (offset, filesz) = s.file_range();
                let writable = matches!(s.flags(), SegmentFlags::Elf { p_flags } if p_flags & object::elf::PF_W != 0);
                Load {
                    address: s.address(),
                    memsz: s.size(),
                    offset,
                    filesz,
                    writable,
                }
            })
            .collect();
        let mut sems: Vec<u64> = self
            .notes()?
            .iter()
            .map(|n| n.semaphore)
            .filter(|&s| s != 0)
            .collect();
        sems.sort_unstable();
        sems.dedup();
        let mut risks = Vec::new();
        for sem in sems {
            let seg = loads
                .iter()
                .find(|l| l.address <= sem && sem < l.address.saturating_add(l.memsz))
                .ok_or_else(|| self.error(format!("semaphore {sem:#x} is in no PT_LOAD")))?;
            let page = (sem - seg.address + seg.offset) & !(PAGE - 1);
            for other in &loads {
                let lo = other.offset & !(PAGE - 1);
                let hi = (other.offset + other.filesz).next_multiple_of(PAGE);
                if other.writable
                    && other.filesz > 0
                    && other.address < seg.address
                    && lo <= page
                    && page < hi
                {
                    risks.push(format!(
                        "semaphore {sem:#x} (file page {page:#x}) is also mapped by the writable segment at {:#x}",
                        other.address
                    ));
                }
            }
        }
        Ok(risks)
    }

    /// Every SystemTap note (owner `stapsdt`, type 3) in `.note.stapsdt`, in file order.
    pub fn notes(&self) -> Result<Vec<SdtNote>, HarnessError> {
        let obj = self.object()?;
        if !obj.is_little_endian() || !obj.is_64() {
            return Err(self.error("only 64-bit little-endian files are read"));
        }
        let Some(section) = obj.section_by_name(".note.stapsdt") else {
            return Ok(Vec::new());
        };
        let data = section.data().map_err(|e| self.error(e.to_string()))?;
        let mut notes = Vec::new();
        let mut cur = Cursor { data, pos: 0 };
        while cur.pos < data.len() {
            let note = self
                .one_note(&mut cur)
                .ok_or_else(|| self.error("truncated .note.stapsdt entry"))?;
            notes.extend(note?);
        }
        Ok(notes)
    }

    /// The next note at `cur`: `None` when truncated, `Ok(None)` for a note of another kind.
    #[allow(clippy::type_complexity)]
    fn one_note(&self, cur: &mut Cursor<'_>) -> Option<Result<Option<SdtNote>, HarnessError>> {
        let namesz = usize::try_from(cur.u32()?).ok()?;
        let descsz = usize::try_from(cur.u32()?).ok()?;
        let kind = cur.u32()?;
        let owner = cur.take(namesz)?;
        cur.align4();
        let desc = cur.take(descsz)?;
        cur.align4();
        if owner != b"stapsdt\0" || kind != 3 {
            return Some(Ok(None));
        }
        let mut d = Cursor { data: desc, pos: 0 };
        let (pc, base, semaphore) = (d.u64()?, d.u64()?, d.u64()?);
        let provider = d.cstr()?;
        let name = d.cstr()?;
        let arg_text = d.cstr()?;
        let args = match arg_text.split_whitespace().map(NoteArg::parse).collect() {
            Ok(args) => args,
            Err(e) => return Some(Err(e)),
        };
        Some(Ok(Some(SdtNote {
            provider,
            name,
            pc,
            base,
            semaphore,
            arg_text,
            args,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_arguments_parse() {
        let a = NoteArg::parse("-4@%rax").unwrap();
        assert_eq!((a.size, a.float, a.location.as_str()), (-4, false, "%rax"));
        let a = NoteArg::parse("8f@%r8").unwrap();
        assert_eq!((a.size, a.float, a.location.as_str()), (8, true, "%r8"));
        let a = NoteArg::parse("8@x1").unwrap();
        assert_eq!((a.size, a.location.as_str()), (8, "x1"));
        assert!(NoteArg::parse("rax").is_err());
        assert!(NoteArg::parse("z@%rax").is_err());
    }

    #[test]
    fn truncated_notes_are_errors_not_panics() {
        let mut cur = Cursor {
            data: &[1, 0, 0],
            pos: 0,
        };
        assert_eq!(cur.u32(), None);
        let mut cur = Cursor {
            data: b"abc",
            pos: 0,
        };
        assert_eq!(cur.cstr(), None);
    }
}
