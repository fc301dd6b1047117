//! The addresses DTrace probes are reported at, and the functions that hold them.
//!
//! Linked files and Mach-O objects give every section an address of its own, and those are
//! used as they are. The sections of a relocatable ELF object all start at address 0, so
//! there each section is placed at its offset in the file: sections never overlap there,
//! every site and function gets a distinct address, and an address reads as a file offset
//! (what `objdump -F` shows). Offsets from a function's start, which is all DOF keeps, are
//! the same as after linking.

use std::collections::HashMap;

use object::{
    BinaryFormat, Object, ObjectKind, ObjectSection, ObjectSymbol, ReadRef, SectionIndex,
};
use usdt_impl::symbols::FunctionMap;

/// Where the sections of one object lie.
#[derive(Debug, Clone, Default)]
pub struct AddressSpace {
    /// For a relocatable ELF object, each section's file offset, by section index; `None`
    /// when sections keep their own addresses.
    placed: Option<HashMap<SectionIndex, u64>>,
}

impl AddressSpace {
    /// The address space of `object`.
    pub fn new<'data, R: ReadRef<'data>>(object: &object::File<'data, R>) -> AddressSpace {
        let relocatable_elf =
            object.format() == BinaryFormat::Elf && object.kind() == ObjectKind::Relocatable;
        let placed = relocatable_elf.then(|| {
            object
                .sections()
                .filter_map(|s| Some((s.index(), s.file_range()?.0)))
                .collect()
        });
        AddressSpace { placed }
    }

    /// True when sections are placed at their file offsets (a relocatable ELF object).
    pub fn is_placed(&self) -> bool {
        self.placed.is_some()
    }

    /// The address of the start of section `index`, whose recorded address is `address`.
    pub fn section_address(&self, index: SectionIndex, address: u64) -> Option<u64> {
        match &self.placed {
            Some(placed) => placed.get(&index).copied(),
            None => Some(address),
        }
    }

    /// The address of a defined symbol.
    pub fn symbol_address<'data>(&self, symbol: &impl ObjectSymbol<'data>) -> Option<u64> {
        match &self.placed {
            // A relocatable ELF symbol's value is an offset in its section.
            Some(placed) => placed
                .get(&symbol.section_index()?)?
                .checked_add(symbol.address()),
            None => Some(symbol.address()),
        }
    }

    /// The function symbols of `object` at the addresses of this space, with the names
    /// `dladdr` would give (the map registration uses too).
    pub fn functions<'data, R: ReadRef<'data>>(
        &self,
        object: &object::File<'data, R>,
    ) -> FunctionMap {
        FunctionMap::of_object(object, &|index, address| {
            self.section_address(index, address)
        })
    }
}
