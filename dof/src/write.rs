//! Serialization of the model into the byte layout of `<sys/dtrace.h>`.
//!
//! Layout written, for `n` sections:
//!
//! ```text
//! 0                    dof_hdr_t (64 bytes)
//! 64                   dof_sec_t[n] (32 bytes each)
//! 64 + 32n             section data, in section order, each padded to its alignment
//! ```
//!
//! Each provider contributes, in this order: STRTAB, PROBES, PRARGS, PROFFS, PRENOFFS (only if
//! one of its probes has is-enabled sites, as `dtrace -G` does) and PROVIDER. Every section is
//! loadable, so `dofh_loadsz == dofh_filesz`. The first section is always a string table, so the
//! `DOF_SECT_NONE` (0) link that means "no is-enabled offsets" never names a real PRENOFFS.

use std::collections::HashMap;

use zerocopy::byteorder::{BigEndian, ByteOrder, LittleEndian, U32};
use zerocopy::IntoBytes;

use crate::error::WriteError;
use crate::file::{DataModel, Encoding};
use crate::raw::{self, DofHdr, DofProbe, DofProvider, DofSec};
use crate::{Dof, Probe, Provider};

/// Longest provider name written: `DTRACE_PROVNAMELEN` less the NUL and the up to 10 digits of
/// the process id that the kernel appends when it instantiates the provider.
pub const MAX_PROVIDER_NAME: usize = raw::DTRACE_PROVNAMELEN - 1 - 10;
/// Longest function name written (`DTRACE_FUNCNAMELEN` less the NUL).
pub const MAX_FUNCTION_NAME: usize = raw::DTRACE_FUNCNAMELEN - 1;
/// Longest probe name written (`DTRACE_NAMELEN` less the NUL).
pub const MAX_PROBE_NAME: usize = raw::DTRACE_NAMELEN - 1;
/// Longest argument type name written (`DTRACE_ARGTYPELEN` less the NUL).
pub const MAX_ARG_TYPE: usize = raw::DTRACE_ARGTYPELEN - 1;

/// The DOF format version a document is written as. Both have the same layout; kernels
/// differ in the number they accept: illumos and FreeBSD take 1 and 2, macOS only 3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Version {
    /// `DOF_VERSION_2`, as `dtrace -G` writes it on illumos and FreeBSD.
    #[default]
    V2,
    /// `DOF_VERSION_3`, the only version macOS accepts.
    V3,
}

impl Version {
    /// The `DOF_ID_VERSION` byte.
    pub fn to_raw(self) -> u8 {
        match self {
            Version::V2 => raw::DOF_VERSION_2,
            Version::V3 => raw::DOF_VERSION_3,
        }
    }
}

/// One section before layout: its header fields but the offset, and its data.
struct Pending {
    kind: u32,
    align: u32,
    entry_size: u32,
    data: Vec<u8>,
}

impl Dof {
    /// Encodes the document as DOF version 2 in this machine's data model and byte order, as
    /// the `DTRACEHIOC_ADDDOF` ioctl expects it.
    ///
    /// Fails if the kernel's validator would reject the result (a provider without probes, a
    /// probe without sites, a name too long for DTrace's buffers) or if a count does not fit
    /// its `dof_probe_t` field.
    pub fn to_bytes(&self) -> Result<Vec<u8>, WriteError> {
        self.to_bytes_for(DataModel::NATIVE, Encoding::NATIVE)
    }

    /// Encodes the document for a machine with the given data model and byte order, as
    /// [`to_bytes`](Dof::to_bytes) does for this one. The layout is the same for both models;
    /// only the header's model byte differs.
    pub fn to_bytes_for(
        &self,
        model: DataModel,
        encoding: Encoding,
    ) -> Result<Vec<u8>, WriteError> {
        self.to_bytes_as(Version::V2, model, encoding)
    }

    /// Encodes the document as DOF `version` for a machine with the given data model and
    /// byte order, as [`to_bytes_for`](Dof::to_bytes_for) does for version 2.
    pub fn to_bytes_as(
        &self,
        version: Version,
        model: DataModel,
        encoding: Encoding,
    ) -> Result<Vec<u8>, WriteError> {
        match encoding {
            Encoding::Lsb => self.encode::<LittleEndian>(version, model, encoding),
            Encoding::Msb => self.encode::<BigEndian>(version, model, encoding),
        }
    }

    /// [`Dof::to_bytes_as`] in byte order `O`, which `encoding` names.
    fn encode<O: ByteOrder>(
        &self,
        version: Version,
        model: DataModel,
        encoding: Encoding,
    ) -> Result<Vec<u8>, WriteError> {
        let mut sections = Vec::new();
        for provider in &self.providers {
            check_provider(provider)?;
            let first = u32::try_from(sections.len()).map_err(|_| WriteError::TooLarge {
                what: "section table",
                provider: provider.name.clone(),
            })?;
            sections.extend(encode_provider::<O>(provider, first)?);
        }
        Ok(lay_out::<O>(&sections, version, model, encoding))
    }
}

/// Places the header, the section table and the section data, in byte order `O`.
fn lay_out<O: ByteOrder>(
    sections: &[Pending],
    version: Version,
    model: DataModel,
    encoding: Encoding,
) -> Vec<u8> {
    let header_size = std::mem::size_of::<DofHdr<O>>();
    let table_size = std::mem::size_of::<DofSec<O>>() * sections.len();
    let mut headers = Vec::with_capacity(sections.len());
    let mut data = Vec::new();
    let data_start = header_size + table_size;
    for section in sections {
        let align = section.align as usize;
        while !(data_start + data.len()).is_multiple_of(align) {
            data.push(0);
        }
        let header = DofSec::<O> {
            dofs_type: section.kind.into(),
            dofs_align: section.align.into(),
            dofs_flags: raw::DOF_SECF_LOAD.into(),
            dofs_entsize: section.entry_size.into(),
            dofs_offset: ((data_start + data.len()) as u64).into(),
            dofs_size: (section.data.len() as u64).into(),
        };
        headers.push(header);
        data.extend_from_slice(&section.data);
    }
    let file_size = (data_start + data.len()) as u64;

    let mut ident = [0u8; raw::DOF_ID_SIZE];
    ident[..4].copy_from_slice(&raw::DOF_MAGIC);
    ident[raw::DOF_ID_MODEL] = model.to_raw();
    ident[raw::DOF_ID_ENCODING] = encoding.to_raw();
    ident[raw::DOF_ID_VERSION] = version.to_raw();
    ident[raw::DOF_ID_DIFVERS] = raw::DIF_VERSION_2;
    ident[raw::DOF_ID_DIFIREG] = raw::DIF_DIR_NREGS;
    ident[raw::DOF_ID_DIFTREG] = raw::DIF_DTR_NREGS;
    let header = DofHdr::<O> {
        dofh_ident: ident,
        dofh_flags: 0.into(),
        dofh_hdrsize: (header_size as u32).into(),
        dofh_secsize: (std::mem::size_of::<DofSec<O>>() as u32).into(),
        dofh_secnum: (sections.len() as u32).into(),
        dofh_secoff: (header_size as u64).into(),
        dofh_loadsz: file_size.into(),
        dofh_filesz: file_size.into(),
        dofh_pad: 0.into(),
    };

    let mut out = Vec::with_capacity(file_size as usize);
    out.extend_from_slice(header.as_bytes());
    for section in &headers {
        out.extend_from_slice(section.as_bytes());
    }
    out.extend_from_slice(&data);
    out
}

/// A string table that starts with the empty string and shares repeated single names.
struct StringTable {
    bytes: Vec<u8>,
    names: HashMap<String, u32>,
}

impl StringTable {
    fn new() -> Self {
        let mut names = HashMap::new();
        names.insert(String::new(), 0);
        StringTable {
            bytes: vec![0],
            names,
        }
    }

    /// Offset of `name`, added if new. `None` once offsets outgrow 32 bits.
    fn name(&mut self, name: &str) -> Option<u32> {
        if let Some(&offset) = self.names.get(name) {
            return Some(offset);
        }
        let offset = self.append(std::slice::from_ref(&name))?;
        self.names.insert(name.to_owned(), offset);
        Some(offset)
    }

    /// Appends `list` as consecutive strings (the kernel walks argument types that way) and
    /// returns the offset of the first; an empty list points at the empty string.
    fn list<S: AsRef<str>>(&mut self, list: &[S]) -> Option<u32> {
        if list.is_empty() {
            return Some(0);
        }
        self.append(list)
    }

    fn append<S: AsRef<str>>(&mut self, list: &[S]) -> Option<u32> {
        let offset = u32::try_from(self.bytes.len()).ok()?;
        for item in list {
            self.bytes.extend_from_slice(item.as_ref().as_bytes());
            self.bytes.push(0);
        }
        Some(offset)
    }
}

/// The sections of one provider, whose first section will have index `first`.
fn encode_provider<O: ByteOrder>(
    provider: &Provider,
    first: u32,
) -> Result<Vec<Pending>, WriteError> {
    let too_large = |what| WriteError::TooLarge {
        what,
        provider: provider.name.clone(),
    };
    let mut strings = StringTable::new();
    let name = strings
        .name(&provider.name)
        .ok_or_else(|| too_large("string table"))?;

    let mut probes = Vec::with_capacity(provider.probes.len() * std::mem::size_of::<DofProbe<O>>());
    let mut mapping = Vec::new();
    // Entry indices count u32s, not bytes.
    let mut offsets: Vec<U32<O>> = Vec::new();
    let mut enabled: Vec<U32<O>> = Vec::new();
    for probe in &provider.probes {
        let probe_name = strings.name(&probe.name);
        let func = strings.name(&probe.function);
        let nargv = strings.list(&probe.arg_types);
        // Translated types usually equal the native ones: share the strings.
        let xargv = if probe.translated_types == probe.arg_types {
            nargv
        } else {
            strings.list(&probe.translated_types)
        };
        let (Some(func), Some(probe_name), Some(nargv), Some(xargv)) =
            (func, probe_name, nargv, xargv)
        else {
            return Err(too_large("string table"));
        };
        let record = DofProbe::<O> {
            dofpr_addr: probe.address.into(),
            dofpr_func: func.into(),
            dofpr_name: probe_name.into(),
            dofpr_nargv: nargv.into(),
            dofpr_xargv: xargv.into(),
            dofpr_argidx: (u32::try_from(mapping.len()).map_err(|_| too_large("argument map"))?)
                .into(),
            dofpr_offidx: (u32::try_from(offsets.len()).map_err(|_| too_large("offset table"))?)
                .into(),
            // The counts were checked by check_probe.
            dofpr_nargc: probe.arg_types.len() as u8,
            dofpr_xargc: probe.translated_types.len() as u8,
            dofpr_noffs: (probe.offsets.len() as u16).into(),
            dofpr_enoffidx: u32::try_from(enabled.len())
                .map_err(|_| too_large("is-enabled offset table"))?
                .into(),
            dofpr_nenoffs: (probe.enabled_offsets.len() as u16).into(),
            dofpr_pad1: 0.into(),
            dofpr_pad2: 0.into(),
        };
        probes.extend_from_slice(record.as_bytes());
        mapping.extend_from_slice(&probe.arg_mapping);
        offsets.extend(probe.offsets.iter().map(|&o| U32::<O>::new(o)));
        enabled.extend(probe.enabled_offsets.iter().map(|&o| U32::<O>::new(o)));
    }

    let has_enabled = !enabled.is_empty();
    let strtab_index = first;
    let provider_record = DofProvider::<O> {
        dofpv_strtab: strtab_index.into(),
        dofpv_probes: (first + 1).into(),
        dofpv_prargs: (first + 2).into(),
        dofpv_proffs: (first + 3).into(),
        dofpv_name: name.into(),
        dofpv_provattr: provider.attributes.provider.to_raw().into(),
        dofpv_modattr: provider.attributes.module.to_raw().into(),
        dofpv_funcattr: provider.attributes.function.to_raw().into(),
        dofpv_nameattr: provider.attributes.name.to_raw().into(),
        dofpv_argsattr: provider.attributes.args.to_raw().into(),
        dofpv_prenoffs: if has_enabled {
            first + 4
        } else {
            raw::DOF_SECT_NONE
        }
        .into(),
    };

    let u32_size = std::mem::size_of::<u32>() as u32;
    let mut sections = vec![
        Pending {
            kind: raw::DOF_SECT_STRTAB,
            align: 1,
            entry_size: 0,
            data: strings.bytes,
        },
        Pending {
            kind: raw::DOF_SECT_PROBES,
            align: std::mem::size_of::<u64>() as u32,
            entry_size: std::mem::size_of::<DofProbe<O>>() as u32,
            data: probes,
        },
        Pending {
            kind: raw::DOF_SECT_PRARGS,
            align: 1,
            entry_size: 1,
            data: mapping,
        },
        Pending {
            kind: raw::DOF_SECT_PROFFS,
            align: u32_size,
            entry_size: u32_size,
            data: offsets.as_bytes().to_vec(),
        },
    ];
    if has_enabled {
        sections.push(Pending {
            kind: raw::DOF_SECT_PRENOFFS,
            align: u32_size,
            entry_size: u32_size,
            data: enabled.as_bytes().to_vec(),
        });
    }
    sections.push(Pending {
        kind: raw::DOF_SECT_PROVIDER,
        align: u32_size,
        entry_size: 0,
        data: provider_record.as_bytes().to_vec(),
    });
    Ok(sections)
}

/// Checks what the kernel's validator and the field widths require of a provider.
fn check_provider(provider: &Provider) -> Result<(), WriteError> {
    check_name("provider name", &provider.name, MAX_PROVIDER_NAME)?;
    if provider.probes.is_empty() {
        return Err(WriteError::NoProbes {
            provider: provider.name.clone(),
        });
    }
    for probe in &provider.probes {
        check_probe(provider, probe)?;
    }
    Ok(())
}

fn check_probe(provider: &Provider, probe: &Probe) -> Result<(), WriteError> {
    let id = || format!("{}:{}:{}", provider.name, probe.function, probe.name);
    check_name("probe name", &probe.name, MAX_PROBE_NAME)?;
    check_name("function name", &probe.function, MAX_FUNCTION_NAME)?;
    for ty in probe.arg_types.iter().chain(&probe.translated_types) {
        check_name("argument type", ty, MAX_ARG_TYPE)?;
    }
    let counts = [
        (
            "argument types",
            probe.arg_types.len(),
            usize::from(u8::MAX),
        ),
        (
            "translated argument types",
            probe.translated_types.len(),
            usize::from(u8::MAX),
        ),
        ("probe sites", probe.offsets.len(), usize::from(u16::MAX)),
        (
            "is-enabled sites",
            probe.enabled_offsets.len(),
            usize::from(u16::MAX),
        ),
    ];
    for (what, count, max) in counts {
        if count > max {
            return Err(WriteError::TooMany {
                what,
                probe: id(),
                count,
                max,
            });
        }
    }
    if probe.offsets.is_empty() && probe.enabled_offsets.is_empty() {
        return Err(WriteError::NoSites { probe: id() });
    }
    if probe.arg_mapping.len() != probe.translated_types.len() {
        return Err(WriteError::MappingLength {
            probe: id(),
            mapping: probe.arg_mapping.len(),
            translated: probe.translated_types.len(),
        });
    }
    for (arg, &native) in probe.arg_mapping.iter().enumerate() {
        if usize::from(native) >= probe.arg_types.len() {
            return Err(WriteError::MappingRange {
                probe: id(),
                arg,
                native,
                native_count: probe.arg_types.len(),
            });
        }
    }
    Ok(())
}

fn check_name(what: &'static str, value: &str, max: usize) -> Result<(), WriteError> {
    if value.contains('\0') {
        return Err(WriteError::NulInString {
            what,
            value: value.to_owned(),
        });
    }
    if value.len() > max {
        return Err(WriteError::TooLong {
            what,
            value: value.to_owned(),
            max,
        });
    }
    Ok(())
}
