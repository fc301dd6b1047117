//! Errors of the reader, the writer and the site builder.

use std::fmt;

use crate::file::SectionKind;

/// Why a byte string is not a DOF document this crate can read: which structure, and what is
/// wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct ReadError {
    /// The structure that is malformed.
    pub at: Location,
    /// What is wrong with it.
    pub problem: Problem,
}

/// A structure of a DOF document, named in a [`ReadError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file header (`dof_hdr_t`).
    Header,
    /// The section header table as a whole.
    SectionTable,
    /// One section (its `dof_sec_t` or its data).
    Section {
        /// Index in the section header table.
        index: u32,
        /// The section's type.
        kind: SectionKind,
    },
    /// A `DOF_SECT_PROVIDER` section's `dof_provider_t`.
    Provider {
        /// Index of the provider section.
        section: u32,
    },
    /// One `dof_probe_t` of a `DOF_SECT_PROBES` section.
    Probe {
        /// Index of the probes section.
        section: u32,
        /// Index of the probe within it.
        index: u64,
    },
}

/// What is wrong with a structure named by a [`Location`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The input ends before the structure does.
    Truncated {
        /// Bytes the structure needs, from the start of the input.
        needed: u64,
        /// Bytes the input has.
        available: u64,
    },
    /// The first four bytes are not `\x7fDOF`.
    BadMagic([u8; 4]),
    /// An identification byte holds a value this crate does not know.
    Unsupported {
        /// Which byte (`data model`, `encoding`, ...).
        field: &'static str,
        /// Its value.
        value: u8,
    },
    /// A padding byte of the identification is not zero.
    NonzeroIdentPad {
        /// Index of the byte in `dofh_ident`.
        index: usize,
    },
    /// `dofh_flags` has bits set, none being defined.
    UnknownFlags(u32),
    /// A size field is smaller than the structure it describes.
    TooSmall {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The least acceptable value.
        minimum: u64,
    },
    /// A field is not a multiple of the alignment it must have.
    Misaligned {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The required alignment.
        align: u64,
    },
    /// A byte range extends past the end of what holds it.
    OutOfBounds {
        /// What the range is.
        what: &'static str,
        /// Its first byte.
        start: u64,
        /// Its size.
        size: u64,
        /// What should hold it.
        container: &'static str,
        /// The container's size.
        limit: u64,
    },
    /// `dofs_align` is not a power of two.
    BadAlignment(u32),
    /// A loadable section type is not flagged `DOF_SECF_LOAD`.
    NotLoadable,
    /// A string table does not end with a NUL byte.
    UnterminatedStringTable,
    /// A section link names a section index that does not exist.
    LinkPastEnd {
        /// The linking field.
        field: &'static str,
        /// The index it holds.
        index: u32,
        /// Number of sections.
        count: u32,
    },
    /// A section link names a section of the wrong type.
    LinkWrongKind {
        /// The linking field.
        field: &'static str,
        /// The index it holds.
        index: u32,
        /// The type the link needs.
        expected: SectionKind,
        /// The type found.
        found: SectionKind,
    },
    /// `dofs_entsize` is not what the section type requires.
    BadEntrySize {
        /// The value found.
        found: u32,
        /// What it must be.
        expected: &'static str,
    },
    /// `dofs_size` is not a whole number of entries.
    RaggedSize {
        /// The section size.
        size: u64,
        /// The entry size.
        entry_size: u32,
    },
    /// A string offset points past the end of the string table.
    StringPastEnd {
        /// Which string.
        what: &'static str,
        /// The offset.
        offset: u64,
        /// The string table's size.
        table_size: u64,
    },
    /// A string is not UTF-8.
    InvalidUtf8 {
        /// Which string.
        what: &'static str,
        /// Its offset in the string table.
        offset: u64,
    },
    /// A run of table entries extends past the end of its section.
    EntriesPastEnd {
        /// The table (`probe offsets`, ...).
        what: &'static str,
        /// Index of the first entry.
        first: u64,
        /// Number of entries.
        count: u64,
        /// Entries the section holds.
        available: u64,
    },
    /// An argument mapping entry names a native argument that does not exist.
    BadMapping {
        /// Index of the translated argument.
        arg: usize,
        /// The native argument it names.
        native: u8,
        /// Number of native arguments.
        native_count: u8,
    },
    /// A stability attribute holds an unknown level or class.
    BadAttribute {
        /// Which attribute.
        which: &'static str,
        /// The unknown value.
        value: u8,
    },
}

/// Why [`Dof::to_bytes`](crate::Dof::to_bytes) cannot encode a model as DOF a kernel accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A provider has no probes (the kernel rejects an empty probes section).
    #[error("provider `{provider}` has no probes")]
    NoProbes {
        /// The provider.
        provider: String,
    },
    /// A probe has neither probe sites nor is-enabled sites.
    #[error("probe `{probe}` has no probe or is-enabled sites")]
    NoSites {
        /// The probe, as `provider:function:name`.
        probe: String,
    },
    /// A name would end early in the string table.
    #[error("{what} {value:?} contains a NUL byte")]
    NulInString {
        /// Which name.
        what: &'static str,
        /// The name.
        value: String,
    },
    /// A name is longer than DTrace allows.
    #[error("{what} {value:?} is {} bytes long; DTrace allows at most {max}", value.len())]
    TooLong {
        /// Which name.
        what: &'static str,
        /// The name.
        value: String,
        /// The longest allowed, in bytes.
        max: usize,
    },
    /// A probe has more of something than its `dof_probe_t` field can count.
    #[error("probe `{probe}` has {count} {what}; DOF allows at most {max}")]
    TooMany {
        /// What there are too many of.
        what: &'static str,
        /// The probe, as `provider:function:name`.
        probe: String,
        /// How many it has.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// The argument mapping is not one entry per translated argument.
    #[error("probe `{probe}` maps {mapping} arguments but has {translated} translated types")]
    MappingLength {
        /// The probe, as `provider:function:name`.
        probe: String,
        /// Mapping entries.
        mapping: usize,
        /// Translated types.
        translated: usize,
    },
    /// An argument mapping entry names a native argument that does not exist.
    #[error("probe `{probe}` maps translated argument {arg} to native argument {native}, but it has {native_count}")]
    MappingRange {
        /// The probe, as `provider:function:name`.
        probe: String,
        /// Index of the translated argument.
        arg: usize,
        /// The native argument named.
        native: u8,
        /// Number of native arguments.
        native_count: usize,
    },
    /// A table outgrew the 32-bit offsets and indices of DOF.
    #[error("the {what} of provider `{provider}` outgrows DOF's 32-bit indices")]
    TooLarge {
        /// The table.
        what: &'static str,
        /// The provider.
        provider: String,
    },
}

/// Why [`Dof::from_sites`](crate::Dof::from_sites) cannot place a site in a probe.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    /// A site lies before the function it is said to be in.
    #[error("site {site_address:#x} of `{probe}` lies before its function's address {function_address:#x}")]
    BeforeFunction {
        /// The probe, as `provider:function:name`.
        probe: String,
        /// The function's address.
        function_address: u64,
        /// The site's address.
        site_address: u64,
    },
    /// A site lies 4 GiB or more past its function's address.
    #[error("site {site_address:#x} of `{probe}` is too far from its function's address {function_address:#x} for a 32-bit offset")]
    TooFar {
        /// The probe, as `provider:function:name`.
        probe: String,
        /// The function's address.
        function_address: u64,
        /// The site's address.
        site_address: u64,
    },
    /// Two probe sites of one probe disagree about its argument types.
    #[error("sites of `{probe}` disagree about its argument types: ({}) and ({})", first.join(", "), other.join(", "))]
    ArgTypesDiffer {
        /// The probe, as `provider:function:name`.
        probe: String,
        /// The types of the first site.
        first: Vec<String>,
        /// The types of a later site.
        other: Vec<String>,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Header => f.write_str("header"),
            Location::SectionTable => f.write_str("section table"),
            Location::Section { index, kind } => write!(f, "{kind} section {index}"),
            Location::Provider { section } => write!(f, "provider section {section}"),
            Location::Probe { section, index } => {
                write!(f, "probes section {section}, probe {index}")
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Truncated { needed, available } => {
                write!(f, "needs {needed} bytes but the input has {available}")
            }
            Problem::BadMagic(found) => write!(
                f,
                "magic is {:02x} {:02x} {:02x} {:02x}, not 7f 44 4f 46 (\\x7fDOF)",
                found[0], found[1], found[2], found[3]
            ),
            Problem::Unsupported { field, value } => write!(f, "unsupported {field} {value}"),
            Problem::NonzeroIdentPad { index } => {
                write!(f, "identification byte {index} should be zero")
            }
            Problem::UnknownFlags(flags) => write!(f, "unknown flags {flags:#x}"),
            Problem::TooSmall {
                field,
                value,
                minimum,
            } => write!(f, "{field} {value} is less than {minimum}"),
            Problem::Misaligned {
                field,
                value,
                align,
            } => write!(f, "{field} {value} is not a multiple of {align}"),
            Problem::OutOfBounds {
                what,
                start,
                size,
                container,
                limit,
            } => write!(
                f,
                "{what} at {start} ({size} bytes) extends past the end of the {container} ({limit} bytes)"
            ),
            Problem::BadAlignment(align) => write!(f, "alignment {align} is not a power of two"),
            Problem::NotLoadable => f.write_str("loadable section type without DOF_SECF_LOAD"),
            Problem::UnterminatedStringTable => f.write_str("string table does not end with NUL"),
            Problem::LinkPastEnd {
                field,
                index,
                count,
            } => write!(
                f,
                "{field} links section {index}, but there are {count} sections"
            ),
            Problem::LinkWrongKind {
                field,
                index,
                expected,
                found,
            } => write!(
                f,
                "{field} links section {index}, a {found} section instead of {expected}"
            ),
            Problem::BadEntrySize { found, expected } => {
                write!(f, "entry size {found}, expected {expected}")
            }
            Problem::RaggedSize { size, entry_size } => {
                write!(f, "size {size} is not a multiple of entry size {entry_size}")
            }
            Problem::StringPastEnd {
                what,
                offset,
                table_size,
            } => write!(
                f,
                "{what} offset {offset} past end of string table ({table_size} bytes)"
            ),
            Problem::InvalidUtf8 { what, offset } => {
                write!(f, "{what} at string offset {offset} is not UTF-8")
            }
            Problem::EntriesPastEnd {
                what,
                first,
                count,
                available,
            } => write!(
                f,
                "{what} entries {first}..{} past end of section ({available} entries)",
                first.saturating_add(*count)
            ),
            Problem::BadMapping {
                arg,
                native,
                native_count,
            } => write!(
                f,
                "translated argument {arg} maps to native argument {native}, but there are {native_count}"
            ),
            Problem::BadAttribute { which, value } => {
                write!(f, "{which} attribute holds unknown stability or class {value}")
            }
        }
    }
}
