//! The DTrace probe records of the `usdt` crate in an object file, read with the same
//! reader `usdt::register_probes()` uses ([`usdt_impl::record`]).
//!
//! The records are in section `set_dtrace_probes` of an illumos/FreeBSD ELF file and in
//! `__DATA,__dtrace_probes` of a macOS Mach-O file. Each holds the absolute address of its
//! site, which the linker fills in: in a relocatable object the section's relocations are
//! applied here (see [`crate::address_space`] for the addresses that gives), in a linked ELF file its
//! load-time (`R_*_RELATIVE`) relocations. A linked Mach-O file holds the addresses in place,
//! or, when it uses chained fixups (`LC_DYLD_CHAINED_FIXUPS`), as rebase entries of a fixup
//! chain, which are decoded here.

use std::path::Path;

use object::macho::LC_DYLD_CHAINED_FIXUPS;
use object::{BinaryFormat, Object, ObjectSection, ObjectSegment, ReadRef};
use usdt_impl::record::{parse_records, SiteRecord};

use crate::address_space::AddressSpace;
use crate::error::Error;
use crate::relocate::relocated;

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
    pub sites: Vec<SiteRecord>,
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
    let mut sites = parse_records(&bytes).map_err(|source| Error::Records {
        path: path.to_path_buf(),
        section: name.clone(),
        source,
    })?;
    if let Some(image_base) = chained_fixups_base(object) {
        for site in &mut sites {
            site.address = chained_rebase_target(site.address, image_base);
        }
    }
    Ok(Some(Records {
        section: name,
        sites,
    }))
}

/// For a linked 64-bit Mach-O file with chained fixups, the address of its `__TEXT` segment
/// (the image base); `None` for every other file.
fn chained_fixups_base<'data, R: ReadRef<'data>>(object: &object::File<'data, R>) -> Option<u64> {
    let object::File::MachO64(macho) = object else {
        return None;
    };
    let mut commands = macho.macho_load_commands().ok()?;
    let mut chained = false;
    while let Ok(Some(command)) = commands.next() {
        chained |= command.cmd() == LC_DYLD_CHAINED_FIXUPS;
    }
    chained.then(|| {
        object
            .segments()
            .find(|s| s.name_bytes().ok().flatten() == Some(b"__TEXT".as_slice()))
            .map_or(0, |s| s.address())
    })
}

/// The address a chained-fixup rebase entry stands for.
///
/// Both generic 64-bit pointer formats keep the target in the low 36 bits and its top byte
/// in the next 8 (the bits above them link the chain). `DYLD_CHAINED_PTR_64` stores a
/// virtual address, `DYLD_CHAINED_PTR_64_OFFSET` an offset from the image base: a target
/// below the image base can only be the latter.
pub fn chained_rebase_target(entry: u64, image_base: u64) -> u64 {
    let target = entry & ((1 << 36) - 1);
    let high8 = (entry >> 36) & 0xff;
    let address = target | (high8 << 56);
    if address < image_base {
        address.wrapping_add(image_base)
    } else {
        address
    }
}

#[cfg(test)]
mod tests {
    use super::chained_rebase_target;

    #[test]
    fn decodes_chained_rebases() {
        let base = 0x1_0000_0000;
        // DYLD_CHAINED_PTR_64 with a `next` link: the address is kept.
        assert_eq!(
            chained_rebase_target(0x0040_0001_0000_0943, base),
            0x1_0000_0943
        );
        // DYLD_CHAINED_PTR_64_OFFSET: an offset from the image base.
        assert_eq!(
            chained_rebase_target(0x0010_0000_0000_0943, base),
            0x1_0000_0943
        );
        // A plain address, as a file without chained fixups has it, is kept.
        assert_eq!(chained_rebase_target(0x1_0000_0943, base), 0x1_0000_0943);
    }
}
