//! The SystemTap probes of an ELF file, read with the `sdt-note` crate.
//!
//! In a relocatable object (`.o`) the notes' addresses are relocations still to apply; they
//! are applied with the sections placed as [`AddressSpace`] places them (at their file
//! offsets), where the functions are looked up too.

use std::path::Path;

use object::{Object, ObjectSection, ReadRef};
use sdt_note::{parse_section, BASE_SECTION, NOTE_SECTION};
use usdt_impl::symbols::FunctionMap;

use crate::address_space::AddressSpace;
use crate::demangle::demangle;
use crate::error::Error;
use crate::file::module_name;
use crate::relocate::relocated;
use crate::site::{ProbeSite, SiteArgument, Source};

/// The stapsdt probe sites of an ELF file, in note order.
pub fn elf_probes<'data, R: ReadRef<'data>>(
    object: &object::File<'data, R>,
    path: &Path,
) -> Result<Vec<ProbeSite>, Error> {
    let is_64 = object.is_64();
    let space = AddressSpace::new(object);
    let base = object
        .section_by_name(BASE_SECTION)
        .and_then(|s| space.section_address(s.index(), s.address()));
    let mut notes = Vec::new();
    for section in object.sections() {
        if section.name_bytes().ok() != Some(NOTE_SECTION.as_bytes()) {
            continue;
        }
        let data = section.data().map_err(|e| Error::Malformed {
            path: path.to_path_buf(),
            what: "section .note.stapsdt",
            reason: e.to_string(),
        })?;
        let relocated_data;
        let data = if space.is_placed() {
            relocated_data =
                relocated(object, &section, &space).map_err(|source| Error::Relocation {
                    path: path.to_path_buf(),
                    section: NOTE_SECTION.to_string(),
                    source,
                })?;
            &relocated_data[..]
        } else {
            data
        };
        let parsed =
            parse_section(data, section.align(), is_64, object.endianness()).map_err(|source| {
                Error::Note {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        notes.extend(parsed.into_iter().map(|n| n.adjusted(base, is_64)));
    }
    let functions = if notes.is_empty() {
        FunctionMap::default()
    } else {
        space.functions(object)
    };
    let module = module_name(path);
    let sites = notes
        .into_iter()
        .map(|note| ProbeSite {
            source: Source::Stapsdt,
            function: functions.symbol_at(note.pc).map(|(_, name)| demangle(name)),
            arguments: note
                .arguments()
                .into_iter()
                .map(|a| SiteArgument {
                    raw: a.raw,
                    size: a.size,
                    location: a.location,
                    c_type: None,
                })
                .collect(),
            provider: note.provider,
            name: note.name,
            module: module.clone(),
            path: path.to_path_buf(),
            address: note.pc,
            semaphore: (note.semaphore != 0).then_some(note.semaphore),
            is_enabled_sites: Vec::new(),
            arguments_raw: note.args,
            enabled: None,
        })
        .collect();
    Ok(sites)
}
