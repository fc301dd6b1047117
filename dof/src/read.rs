//! Deserialization: checks every header, section and link before trusting it.
//!
//! The checks are those of the kernel's DOF validator (header identification, section bounds
//! and alignment, provider links, string and table indices), applied to any document rather than
//! only to one the kernel would load; both byte orders are read.

use std::marker::PhantomData;

use zerocopy::byteorder::{BigEndian, ByteOrder, LittleEndian, U32};
use zerocopy::FromBytes;
use zerocopy::{FromZeros, IntoBytes};

use crate::error::{Location, Problem, ReadError};
use crate::file::{DataModel, DofFile, Encoding, Header, SectionHeader, SectionKind};
use crate::model::{Attribute, ProviderAttributes};
use crate::raw::{self, DofHdr, DofProbe, DofProvider, DofSec};
use crate::{Dof, Probe, Provider};

impl Dof {
    /// Reads the providers of a DOF document, checking everything it relies on.
    pub fn from_bytes(bytes: &[u8]) -> Result<Dof, ReadError> {
        DofFile::parse(bytes).map(|file| file.dof)
    }
}

impl DofFile {
    /// Reads a DOF document: its header, section table and providers. Bytes past
    /// `dofh_filesz` are ignored; sections that no provider links are listed but not decoded.
    pub fn parse(bytes: &[u8]) -> Result<DofFile, ReadError> {
        let ident = read_ident(bytes)?;
        match ident.encoding {
            Encoding::Lsb => parse_as::<LittleEndian>(bytes, ident),
            Encoding::Msb => parse_as::<BigEndian>(bytes, ident),
        }
    }
}

/// [`DofFile::parse`] once the byte order `O` is known.
fn parse_as<O: ByteOrder>(bytes: &[u8], ident: Ident) -> Result<DofFile, ReadError> {
    {
        let header = read_header::<O>(bytes, ident)?;
        // Bounds below are checked against the document, not whatever follows it.
        let bytes = bytes.get(..header.file_size as usize).unwrap_or(bytes);
        let sections = read_section_table::<O>(bytes, &header)?;
        let reader = Reader::<O> {
            bytes,
            header: &header,
            sections: &sections,
            order: PhantomData,
        };
        let mut providers = Vec::new();
        let mut provider_sections = Vec::new();
        for (index, section) in sections.iter().enumerate() {
            if section.kind == SectionKind::PROVIDER {
                let index = index as u32;
                providers.push(reader.provider(index, section)?);
                provider_sections.push(index);
            }
        }
        Ok(DofFile {
            header,
            sections,
            dof: Dof { providers },
            provider_sections,
        })
    }
}

fn error(at: Location, problem: Problem) -> ReadError {
    ReadError { at, problem }
}

/// The header's identification bytes, checked: they say how to read every other field.
#[derive(Clone, Copy)]
struct Ident {
    model: DataModel,
    encoding: Encoding,
    version: u8,
    dif_version: u8,
    dif_int_regs: u8,
    dif_tuple_regs: u8,
}

/// Decodes and checks the identification bytes of the header.
fn read_ident(bytes: &[u8]) -> Result<Ident, ReadError> {
    let at = Location::Header;
    let header_size = std::mem::size_of::<DofHdr<LittleEndian>>();
    let Some(ident) = bytes
        .get(..header_size)
        .and_then(|h| h.get(..raw::DOF_ID_SIZE))
    else {
        return Err(error(
            at,
            Problem::Truncated {
                needed: header_size as u64,
                available: bytes.len() as u64,
            },
        ));
    };
    let magic = [ident[0], ident[1], ident[2], ident[3]];
    if magic != raw::DOF_MAGIC {
        return Err(error(at, Problem::BadMagic(magic)));
    }
    let unsupported = |field, value| error(at, Problem::Unsupported { field, value });
    let model = match ident[raw::DOF_ID_MODEL] {
        raw::DOF_MODEL_ILP32 => DataModel::Ilp32,
        raw::DOF_MODEL_LP64 => DataModel::Lp64,
        other => return Err(unsupported("data model", other)),
    };
    let encoding = match ident[raw::DOF_ID_ENCODING] {
        raw::DOF_ENCODE_LSB => Encoding::Lsb,
        raw::DOF_ENCODE_MSB => Encoding::Msb,
        other => return Err(unsupported("encoding", other)),
    };
    let version = ident[raw::DOF_ID_VERSION];
    if !matches!(
        version,
        raw::DOF_VERSION_1 | raw::DOF_VERSION_2 | raw::DOF_VERSION_3
    ) {
        return Err(unsupported("DOF version", version));
    }
    let dif_version = ident[raw::DOF_ID_DIFVERS];
    if dif_version == 0 || dif_version > raw::DIF_VERSION_2 {
        return Err(unsupported("DIF version", dif_version));
    }
    if ident[raw::DOF_ID_DIFIREG] > raw::DIF_DIR_NREGS {
        return Err(unsupported(
            "DIF integer register count",
            ident[raw::DOF_ID_DIFIREG],
        ));
    }
    if ident[raw::DOF_ID_DIFTREG] > raw::DIF_DTR_NREGS {
        return Err(unsupported(
            "DIF tuple register count",
            ident[raw::DOF_ID_DIFTREG],
        ));
    }
    if let Some(index) = (raw::DOF_ID_PAD..raw::DOF_ID_SIZE).find(|&i| ident[i] != 0) {
        return Err(error(at, Problem::NonzeroIdentPad { index }));
    }

    Ok(Ident {
        model,
        encoding,
        version,
        dif_version,
        dif_int_regs: ident[raw::DOF_ID_DIFIREG],
        dif_tuple_regs: ident[raw::DOF_ID_DIFTREG],
    })
}

/// Decodes and checks the header, whose identification `ident` has been read.
fn read_header<O: ByteOrder>(bytes: &[u8], ident: Ident) -> Result<Header, ReadError> {
    let Ok((raw_header, _)) = DofHdr::<O>::read_from_prefix(bytes) else {
        // read_ident checked the length.
        return Err(error(
            Location::Header,
            Problem::Truncated {
                needed: std::mem::size_of::<DofHdr<O>>() as u64,
                available: bytes.len() as u64,
            },
        ));
    };
    let header = Header {
        model: ident.model,
        encoding: ident.encoding,
        version: ident.version,
        dif_version: ident.dif_version,
        dif_int_regs: ident.dif_int_regs,
        dif_tuple_regs: ident.dif_tuple_regs,
        flags: raw_header.dofh_flags.get(),
        header_size: raw_header.dofh_hdrsize.get(),
        section_header_size: raw_header.dofh_secsize.get(),
        section_count: raw_header.dofh_secnum.get(),
        section_offset: raw_header.dofh_secoff.get(),
        load_size: raw_header.dofh_loadsz.get(),
        file_size: raw_header.dofh_filesz.get(),
    };
    check_header_sizes(&header, bytes.len() as u64)?;
    Ok(header)
}

fn check_header_sizes(header: &Header, available: u64) -> Result<(), ReadError> {
    let at = Location::Header;
    if header.flags != 0 {
        return Err(error(at, Problem::UnknownFlags(header.flags)));
    }
    let too_small = |field, value, minimum| {
        error(
            at,
            Problem::TooSmall {
                field,
                value,
                minimum,
            },
        )
    };
    let header_size = std::mem::size_of::<DofHdr<LittleEndian>>() as u64;
    if u64::from(header.header_size) < header_size {
        return Err(too_small(
            "header size",
            header.header_size.into(),
            header_size,
        ));
    }
    let entry_size = std::mem::size_of::<DofSec<LittleEndian>>() as u64;
    if u64::from(header.section_header_size) < entry_size {
        return Err(too_small(
            "section header size",
            header.section_header_size.into(),
            entry_size,
        ));
    }
    if !header.section_header_size.is_multiple_of(8) {
        return Err(error(
            at,
            Problem::Misaligned {
                field: "section header size",
                value: header.section_header_size.into(),
                align: 8,
            },
        ));
    }
    if header.file_size > available {
        return Err(error(
            at,
            Problem::Truncated {
                needed: header.file_size,
                available,
            },
        ));
    }
    if header.load_size < u64::from(header.header_size) {
        return Err(too_small(
            "loadable size",
            header.load_size,
            header.header_size.into(),
        ));
    }
    if header.load_size > header.file_size {
        return Err(error(
            at,
            Problem::OutOfBounds {
                what: "loadable part",
                start: 0,
                size: header.load_size,
                container: "file",
                limit: header.file_size,
            },
        ));
    }
    if header.section_offset < u64::from(header.header_size) {
        return Err(too_small(
            "section table offset",
            header.section_offset,
            header.header_size.into(),
        ));
    }
    if !header.section_offset.is_multiple_of(8) {
        return Err(error(
            at,
            Problem::Misaligned {
                field: "section table offset",
                value: header.section_offset,
                align: 8,
            },
        ));
    }
    let table_size =
        u64::from(header.section_count).saturating_mul(header.section_header_size.into());
    if !fits(header.section_offset, table_size, header.load_size) {
        return Err(error(
            Location::SectionTable,
            Problem::OutOfBounds {
                what: "section table",
                start: header.section_offset,
                size: table_size,
                container: "loadable part",
                limit: header.load_size,
            },
        ));
    }
    Ok(())
}

/// Whether `[start, start + size)` lies within `[0, limit)`.
fn fits(start: u64, size: u64, limit: u64) -> bool {
    start.checked_add(size).is_some_and(|end| end <= limit)
}

fn read_section_table<O: ByteOrder>(
    bytes: &[u8],
    header: &Header,
) -> Result<Vec<SectionHeader>, ReadError> {
    let entry_size = std::mem::size_of::<DofSec<O>>();
    let mut sections = Vec::with_capacity(header.section_count as usize);
    for index in 0..header.section_count {
        // In bounds: check_header_sizes placed the whole table within the loadable part.
        let start =
            header.section_offset as usize + index as usize * header.section_header_size as usize;
        let entry = bytes
            .get(start..start + entry_size)
            .and_then(|b| DofSec::<O>::read_from_bytes(b).ok());
        let Some(entry) = entry else {
            return Err(error(
                Location::SectionTable,
                Problem::Truncated {
                    needed: (start + entry_size) as u64,
                    available: bytes.len() as u64,
                },
            ));
        };
        let section = SectionHeader {
            kind: SectionKind(entry.dofs_type.get()),
            align: entry.dofs_align.get(),
            flags: entry.dofs_flags.get(),
            entry_size: entry.dofs_entsize.get(),
            offset: entry.dofs_offset.get(),
            size: entry.dofs_size.get(),
        };
        check_section(bytes, header, index, &section)?;
        sections.push(section);
    }
    Ok(sections)
}

fn check_section(
    bytes: &[u8],
    header: &Header,
    index: u32,
    section: &SectionHeader,
) -> Result<(), ReadError> {
    let at = Location::Section {
        index,
        kind: section.kind,
    };
    if section.kind.is_loadable() && !section.is_loaded() {
        return Err(error(at, Problem::NotLoadable));
    }
    // The kernel accepts alignment 0, meaning none.
    if section.align & section.align.wrapping_sub(1) != 0 {
        return Err(error(at, Problem::BadAlignment(section.align)));
    }
    let align = u64::from(section.align.max(1));
    if !section.offset.is_multiple_of(align) {
        return Err(error(
            at,
            Problem::Misaligned {
                field: "data offset",
                value: section.offset,
                align,
            },
        ));
    }
    let (container, limit) = if section.is_loaded() {
        ("loadable part", header.load_size)
    } else {
        ("file", header.file_size)
    };
    if !fits(section.offset, section.size, limit) {
        return Err(error(
            at,
            Problem::OutOfBounds {
                what: "section data",
                start: section.offset,
                size: section.size,
                container,
                limit,
            },
        ));
    }
    if section.kind == SectionKind::STRTAB {
        let last = section
            .offset
            .checked_add(section.size)
            .and_then(|end| end.checked_sub(1));
        let terminated =
            section.size > 0 && last.and_then(|i| bytes.get(i as usize)).copied() == Some(0);
        if !terminated {
            return Err(error(at, Problem::UnterminatedStringTable));
        }
    }
    Ok(())
}

/// Decodes provider sections once the section table has been checked; `O` is the byte order.
struct Reader<'a, O> {
    bytes: &'a [u8],
    header: &'a Header,
    sections: &'a [SectionHeader],
    order: PhantomData<O>,
}

impl<'a, O: ByteOrder> Reader<'a, O> {
    /// The data of a checked section.
    fn data(&self, section: &SectionHeader) -> &'a [u8] {
        let start = section.offset as usize;
        // check_section placed the data within the document.
        self.bytes
            .get(start..start.saturating_add(section.size as usize))
            .unwrap_or_default()
    }

    /// Follows a section link from `at`, requiring a section of type `expected`.
    fn link(
        &self,
        at: Location,
        field: &'static str,
        index: u32,
        expected: SectionKind,
    ) -> Result<&'a SectionHeader, ReadError> {
        let Some(section) = self.sections.get(index as usize) else {
            return Err(error(
                at,
                Problem::LinkPastEnd {
                    field,
                    index,
                    count: self.sections.len() as u32,
                },
            ));
        };
        if section.kind != expected {
            return Err(error(
                at,
                Problem::LinkWrongKind {
                    field,
                    index,
                    expected,
                    found: section.kind,
                },
            ));
        }
        Ok(section)
    }

    /// Checks a linked table's entry size and whole-entry size.
    fn table(
        &self,
        index: u32,
        section: &SectionHeader,
        entry_size: u32,
        expected: &'static str,
    ) -> Result<&'a [u8], ReadError> {
        let at = Location::Section {
            index,
            kind: section.kind,
        };
        if section.entry_size != entry_size {
            return Err(error(
                at,
                Problem::BadEntrySize {
                    found: section.entry_size,
                    expected,
                },
            ));
        }
        if !section.size.is_multiple_of(u64::from(entry_size)) {
            return Err(error(
                at,
                Problem::RaggedSize {
                    size: section.size,
                    entry_size,
                },
            ));
        }
        Ok(self.data(section))
    }

    fn u32s(&self, data: &[u8]) -> Vec<u32> {
        data.chunks_exact(4)
            .filter_map(|c| U32::<O>::read_from_bytes(c).ok())
            .map(U32::get)
            .collect()
    }

    fn provider(&self, index: u32, section: &SectionHeader) -> Result<Provider, ReadError> {
        let at = Location::Provider { section: index };
        let v1 = self.header.version == raw::DOF_VERSION_1;
        let needed = if v1 {
            raw::DOF_PROVIDER_V1_SIZE
        } else {
            std::mem::size_of::<DofProvider<O>>()
        };
        if section.size < needed as u64 {
            return Err(error(
                at,
                Problem::TooSmall {
                    field: "provider section size",
                    value: section.size,
                    minimum: needed as u64,
                },
            ));
        }
        // A version 1 record ends before `dofpv_prenoffs`, which stays 0 (DOF_SECT_NONE).
        let mut record = DofProvider::<O>::new_zeroed();
        let data = self.data(section);
        let len = std::mem::size_of::<DofProvider<O>>().min(data.len());
        record.as_mut_bytes()[..len].copy_from_slice(&data[..len]);
        if v1 {
            record.dofpv_prenoffs = raw::DOF_SECT_NONE.into();
        }

        let strtab =
            self.data(self.link(at, "strtab", record.dofpv_strtab.get(), SectionKind::STRTAB)?);
        let probes_index = record.dofpv_probes.get();
        let probes_section = self.link(at, "probes", probes_index, SectionKind::PROBES)?;
        let prargs_index = record.dofpv_prargs.get();
        let prargs_section = self.link(at, "prargs", prargs_index, SectionKind::PRARGS)?;
        let proffs_index = record.dofpv_proffs.get();
        let proffs_section = self.link(at, "proffs", proffs_index, SectionKind::PROFFS)?;
        let prenoffs = match record.dofpv_prenoffs.get() {
            raw::DOF_SECT_NONE => None,
            link => {
                let section = self.link(at, "prenoffs", link, SectionKind::PRENOFFS)?;
                let data = self.table(link, section, 4, "4 (uint32_t)")?;
                Some(self.u32s(data))
            }
        };
        let mapping = self.table(prargs_index, prargs_section, 1, "1 (uint8_t)")?;
        let offsets = self.u32s(self.table(proffs_index, proffs_section, 4, "4 (uint32_t)")?);

        let name = string(strtab, record.dofpv_name.get().into(), "provider name")
            .map_err(|p| error(at, p))?;
        let attributes = attributes(&record).map_err(|p| error(at, p))?;

        let tables = Tables {
            strtab,
            mapping,
            offsets: &offsets,
            enabled: prenoffs.as_deref(),
        };
        let probes = self.probes(probes_index, probes_section, &tables)?;
        Ok(Provider {
            name: name.to_owned(),
            attributes,
            probes,
        })
    }

    fn probes(
        &self,
        index: u32,
        section: &SectionHeader,
        tables: &Tables<'_>,
    ) -> Result<Vec<Probe>, ReadError> {
        let at = Location::Section {
            index,
            kind: section.kind,
        };
        let full = std::mem::size_of::<DofProbe<O>>();
        if (section.entry_size as usize) < raw::DOF_PROBE_V1_SIZE {
            return Err(error(
                at,
                Problem::BadEntrySize {
                    found: section.entry_size,
                    expected: "at least 40 (dof_probe_t)",
                },
            ));
        }
        if !section.size.is_multiple_of(u64::from(section.entry_size)) {
            return Err(error(
                at,
                Problem::RaggedSize {
                    size: section.size,
                    entry_size: section.entry_size,
                },
            ));
        }
        let data = self.data(section);
        let mut probes = Vec::new();
        for (i, entry) in data.chunks_exact(section.entry_size as usize).enumerate() {
            // A version 1 entry may end before the is-enabled fields, which it lacks anyway.
            let mut record = DofProbe::<O>::new_zeroed();
            let len = full.min(entry.len());
            record.as_mut_bytes()[..len].copy_from_slice(&entry[..len]);
            if self.header.version == raw::DOF_VERSION_1 {
                record.dofpr_enoffidx = 0.into();
                record.dofpr_nenoffs = 0.into();
            }
            let at = Location::Probe {
                section: index,
                index: i as u64,
            };
            probes.push(tables.probe(&record).map_err(|p| error(at, p))?);
        }
        Ok(probes)
    }
}

/// The tables a provider's probes index into.
struct Tables<'a> {
    strtab: &'a [u8],
    mapping: &'a [u8],
    offsets: &'a [u32],
    enabled: Option<&'a [u32]>,
}

impl Tables<'_> {
    fn probe<O: ByteOrder>(&self, record: &DofProbe<O>) -> Result<Probe, Problem> {
        let name = string(self.strtab, record.dofpr_name.get().into(), "probe name")?;
        let function = string(self.strtab, record.dofpr_func.get().into(), "function name")?;
        let arg_types = strings(
            self.strtab,
            record.dofpr_nargv.get(),
            record.dofpr_nargc,
            "native argument type",
        )?;
        let translated_types = strings(
            self.strtab,
            record.dofpr_xargv.get(),
            record.dofpr_xargc,
            "translated argument type",
        )?;
        let arg_mapping = entries(
            self.mapping,
            record.dofpr_argidx.get(),
            record.dofpr_xargc,
            "argument mapping",
        )?
        .to_vec();
        if let Some((arg, &native)) = arg_mapping
            .iter()
            .enumerate()
            .find(|(_, &n)| n >= record.dofpr_nargc)
        {
            return Err(Problem::BadMapping {
                arg,
                native,
                native_count: record.dofpr_nargc,
            });
        }
        let offsets = entries(
            self.offsets,
            record.dofpr_offidx.get(),
            record.dofpr_noffs.get(),
            "probe offset",
        )?
        .to_vec();
        let enabled_offsets = entries(
            self.enabled.unwrap_or_default(),
            record.dofpr_enoffidx.get(),
            record.dofpr_nenoffs.get(),
            "is-enabled offset",
        )?
        .to_vec();
        Ok(Probe {
            name: name.to_owned(),
            function: function.to_owned(),
            address: record.dofpr_addr.get(),
            offsets,
            enabled_offsets,
            arg_types,
            translated_types,
            arg_mapping,
        })
    }
}

/// `count` entries of `table` from `first`.
fn entries<'t, T>(
    table: &'t [T],
    first: u32,
    count: impl Into<u64>,
    what: &'static str,
) -> Result<&'t [T], Problem> {
    let count = count.into();
    // No entries need no table, wherever they claim to start (the kernel agrees).
    if count == 0 {
        return Ok(&[]);
    }
    let start = first as usize;
    start
        .checked_add(count as usize)
        .and_then(|end| table.get(start..end))
        .ok_or(Problem::EntriesPastEnd {
            what,
            first: first.into(),
            count,
            available: table.len() as u64,
        })
}

/// The NUL-terminated string at `offset` of a string table that ends with NUL.
fn string<'t>(table: &'t [u8], offset: u64, what: &'static str) -> Result<&'t str, Problem> {
    let past_end = Problem::StringPastEnd {
        what,
        offset,
        table_size: table.len() as u64,
    };
    let tail = usize::try_from(offset)
        .ok()
        .and_then(|start| table.get(start..))
        .filter(|tail| !tail.is_empty())
        .ok_or(past_end.clone())?;
    let len = tail.iter().position(|&b| b == 0).ok_or(past_end)?;
    std::str::from_utf8(&tail[..len]).map_err(|_| Problem::InvalidUtf8 { what, offset })
}

/// `count` consecutive strings from `first`.
fn strings(
    table: &[u8],
    first: u32,
    count: u8,
    what: &'static str,
) -> Result<Vec<String>, Problem> {
    let mut offset = u64::from(first);
    let mut list = Vec::with_capacity(count.into());
    for _ in 0..count {
        let item = string(table, offset, what)?;
        offset += item.len() as u64 + 1;
        list.push(item.to_owned());
    }
    Ok(list)
}

fn attributes<O: ByteOrder>(record: &DofProvider<O>) -> Result<ProviderAttributes, Problem> {
    let one = |which, raw| {
        Attribute::from_raw(raw).map_err(|value| Problem::BadAttribute { which, value })
    };
    Ok(ProviderAttributes {
        provider: one("provider", record.dofpv_provattr.get())?,
        module: one("module", record.dofpv_modattr.get())?,
        function: one("function", record.dofpv_funcattr.get())?,
        name: one("name", record.dofpv_nameattr.get())?,
        args: one("args", record.dofpv_argsattr.get())?,
    })
}
