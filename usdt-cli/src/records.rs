//! The DTrace probe records of the `usdt` crate in an object file, read with the same
//! reader `usdt::register_probes()` uses ([`usdt_impl::record`]).
//!
//! The records are in section `set_dtrace_probes` of an illumos/FreeBSD ELF file and in
//! `__DATA,__dtrace_probes` of a macOS Mach-O file. Each holds the absolute address of its
//! site, which the linker fills in: in a relocatable object the section's relocations are
//! applied here (see [`crate::space`] for the addresses that gives), in a linked ELF file its
//! load-time (`R_*_RELATIVE`) relocations.

use std::path::Path;

use object::{BinaryFormat, Object, ObjectSection, ReadRef};
use usdt_impl::record::{parse_records, Site};

use crate::error::Error;
use crate::reloc::relocated;
use crate::space::AddressSpace;

/// The record section of ELF files (illumos, FreeBSD).
pub const ELF_SECTION: &str = "set_dtrace_probes";
/// The record section of Mach-O files (macOS), in segment [`MACHO_SEGMENT`].
pub const MACHO_SECTION: &str = "__dtrace_probes";
/// The segment of [`MACHO_SECTION`].
pub const MACHO_SEGMENT: &str = "__DATA";

/// The sites of one record section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    /// The section's name, e.g. `set_dtrace_probes` or `__DATA,__dtrace_probes`.
    pub section: String,
    /// The sites, in record order, with their addresses as the file places them.
    pub sites: Vec<Site>,
}

/// Reads the probe records of `object`, if it has a record section.
pub fn read_records<'data, R: ReadRef<'data>>(
    object: &object::File<'data, R>,
    space: &AddressSpace,
    path: &Path,
) -> Result<Option<Records>, Error> {
    let (name, section) = match object.format() {
        BinaryFormat::Elf => (ELF_SECTION.to_string(), object.section_by_name(ELF_SECTION)),
        BinaryFormat::MachO => (
            format!("{MACHO_SEGMENT},{MACHO_SECTION}"),
            object.sections().find(|s| {
                s.name_bytes().ok() == Some(MACHO_SECTION.as_bytes())
                    && s.segment_name_bytes().ok().flatten() == Some(MACHO_SEGMENT.as_bytes())
            }),
        ),
        _ => return Ok(None),
    };
    let Some(section) = section else {
        return Ok(None);
    };
    section.data().map_err(|e| Error::Malformed {
        path: path.to_path_buf(),
        what: "probe record section",
        reason: e.to_string(),
    })?;
    let bytes = relocated(object, &section, space).map_err(|source| Error::Relocation {
        path: path.to_path_buf(),
        section: name.clone(),
        source,
    })?;
    let sites = parse_records(&bytes).map_err(|source| Error::Records {
        path: path.to_path_buf(),
        section: name.clone(),
        source,
    })?;
    Ok(Some(Records {
        section: name,
        sites,
    }))
}
