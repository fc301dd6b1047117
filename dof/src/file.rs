//! A DOF document as read: its header and section table alongside the model.

use std::fmt;

use crate::raw;
use crate::Dof;

/// A parsed DOF document: the header and section table as found, and the providers they hold.
///
/// [`Dof::from_bytes`] keeps only [`DofFile::dof`]; the rest serves the pretty printer and tools
/// that inspect a document's layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DofFile {
    /// The file header.
    pub header: Header,
    /// The section header table, in index order.
    pub sections: Vec<SectionHeader>,
    /// The providers, in the order of their `DOF_SECT_PROVIDER` sections.
    pub dof: Dof,
    /// For each provider in `dof`, the index of its `DOF_SECT_PROVIDER` section.
    pub provider_sections: Vec<u32>,
}

/// The decoded file header (`dof_hdr_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Data model of the instrumented program (`DOF_ID_MODEL`).
    pub model: DataModel,
    /// Byte order of every multi-byte field (`DOF_ID_ENCODING`).
    pub encoding: Encoding,
    /// DOF format version (`DOF_ID_VERSION`): 1, or 2 with is-enabled probes, or 3 (2's
    /// layout, which macOS requires).
    pub version: u8,
    /// DIF instruction set version (`DOF_ID_DIFVERS`).
    pub dif_version: u8,
    /// DIF integer registers used (`DOF_ID_DIFIREG`).
    pub dif_int_regs: u8,
    /// DIF tuple registers used (`DOF_ID_DIFTREG`).
    pub dif_tuple_regs: u8,
    /// `dofh_flags`.
    pub flags: u32,
    /// `dofh_hdrsize`: size of the header.
    pub header_size: u32,
    /// `dofh_secsize`: size of one section header.
    pub section_header_size: u32,
    /// `dofh_secnum`: number of section headers.
    pub section_count: u32,
    /// `dofh_secoff`: file offset of the section header table.
    pub section_offset: u64,
    /// `dofh_loadsz`: size of the loadable part.
    pub load_size: u64,
    /// `dofh_filesz`: size of the whole document.
    pub file_size: u64,
}

/// The data model byte of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataModel {
    /// `DOF_MODEL_ILP32`.
    Ilp32,
    /// `DOF_MODEL_LP64`.
    Lp64,
}

/// The encoding (byte order) byte of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `DOF_ENCODE_LSB`: little-endian.
    Lsb,
    /// `DOF_ENCODE_MSB`: big-endian.
    Msb,
}

/// One decoded section header (`dof_sec_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionHeader {
    /// `dofs_type`.
    pub kind: SectionKind,
    /// `dofs_align`: alignment of the data in memory.
    pub align: u32,
    /// `dofs_flags` (`DOF_SECF_LOAD`).
    pub flags: u32,
    /// `dofs_entsize`: size of one entry for tables, else 0.
    pub entry_size: u32,
    /// `dofs_offset`: file offset of the data.
    pub offset: u64,
    /// `dofs_size`: size of the data.
    pub size: u64,
}

/// A section type (`DOF_SECT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SectionKind(pub u32);

/// Names of the section types of `<sys/dtrace.h>`, by number.
const SECTION_NAMES: [&str; 27] = [
    "NONE",
    "COMMENTS",
    "SOURCE",
    "ECBDESC",
    "PROBEDESC",
    "ACTDESC",
    "DIFOHDR",
    "DIF",
    "STRTAB",
    "VARTAB",
    "RELTAB",
    "TYPTAB",
    "URELHDR",
    "KRELHDR",
    "OPTDESC",
    "PROVIDER",
    "PROBES",
    "PRARGS",
    "PROFFS",
    "INTTAB",
    "UTSNAME",
    "XLTAB",
    "XLMEMBERS",
    "XLIMPORT",
    "XLEXPORT",
    "PREXPORT",
    "PRENOFFS",
];

impl SectionKind {
    /// `DOF_SECT_STRTAB`.
    pub const STRTAB: SectionKind = SectionKind(raw::DOF_SECT_STRTAB);
    /// `DOF_SECT_PROVIDER`.
    pub const PROVIDER: SectionKind = SectionKind(raw::DOF_SECT_PROVIDER);
    /// `DOF_SECT_PROBES`.
    pub const PROBES: SectionKind = SectionKind(raw::DOF_SECT_PROBES);
    /// `DOF_SECT_PRARGS`.
    pub const PRARGS: SectionKind = SectionKind(raw::DOF_SECT_PRARGS);
    /// `DOF_SECT_PROFFS`.
    pub const PROFFS: SectionKind = SectionKind(raw::DOF_SECT_PROFFS);
    /// `DOF_SECT_PRENOFFS`.
    pub const PRENOFFS: SectionKind = SectionKind(raw::DOF_SECT_PRENOFFS);

    /// The name `<sys/dtrace.h>` gives the type after `DOF_SECT_`, if it is a known one.
    pub fn name(self) -> Option<&'static str> {
        SECTION_NAMES.get(self.0 as usize).copied()
    }

    /// Whether `DOF_SEC_ISLOADABLE` holds: the kernel requires `DOF_SECF_LOAD` on such types.
    pub fn is_loadable(self) -> bool {
        // Everything but NONE, COMMENTS, SOURCE and UTSNAME, up to PRENOFFS.
        matches!(self.0, 3..=19 | 21..=26)
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.pad(name),
            None => f.pad(&format!("type {}", self.0)),
        }
    }
}

impl DataModel {
    /// The model of the machine this code runs on.
    pub const NATIVE: DataModel = if cfg!(target_pointer_width = "64") {
        DataModel::Lp64
    } else {
        DataModel::Ilp32
    };

    /// The header byte.
    pub fn to_raw(self) -> u8 {
        match self {
            DataModel::Ilp32 => raw::DOF_MODEL_ILP32,
            DataModel::Lp64 => raw::DOF_MODEL_LP64,
        }
    }
}

impl Encoding {
    /// The byte order of the machine this code runs on.
    pub const NATIVE: Encoding = if cfg!(target_endian = "little") {
        Encoding::Lsb
    } else {
        Encoding::Msb
    };

    /// The header byte.
    pub fn to_raw(self) -> u8 {
        match self {
            Encoding::Lsb => raw::DOF_ENCODE_LSB,
            Encoding::Msb => raw::DOF_ENCODE_MSB,
        }
    }
}

impl fmt::Display for DataModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            DataModel::Ilp32 => "ILP32",
            DataModel::Lp64 => "LP64",
        })
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Encoding::Lsb => "LSB (little-endian)",
            Encoding::Msb => "MSB (big-endian)",
        })
    }
}

impl SectionHeader {
    /// Whether `DOF_SECF_LOAD` is set.
    pub fn is_loaded(&self) -> bool {
        self.flags & raw::DOF_SECF_LOAD != 0
    }
}
