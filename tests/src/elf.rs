//! Reading a fixture's ELF file: its SystemTap notes (with the `sdt-note` crate, the reader
//! `usdt list` uses), its sections, and the bytes at an address.

use std::path::{Path, PathBuf};

use object::{Object, ObjectSection, ObjectSegment, ObjectSymbol, SegmentFlags};

pub use sdt_note::{ArgSize, Argument, Note};

use crate::HarnessError;

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

    /// Every SystemTap note, in file order, read by the workspace's one note reader.
    pub fn notes(&self) -> Result<Vec<Note>, HarnessError> {
        sdt_note::notes(&self.object()?).map_err(|e| self.error(e.to_string()))
    }
}
