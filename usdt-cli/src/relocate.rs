//! The bytes of a probe record section as the program sees them once loaded: with the
//! relocations of a relocatable object, or the load-time relocations of a linked ELF file,
//! applied.
//!
//! Only absolute relocations are understood: the 64-bit ones of probe records (one 64-bit
//! little-endian address each) and of stapsdt notes, and the 32-bit ones of 32-bit ELF
//! notes, in the file's byte order.

use object::elf::{R_AARCH64_RELATIVE, R_X86_64_RELATIVE};
use object::{
    BinaryFormat, Endianness, Object, ObjectKind, ObjectSection, ObjectSymbol, ReadRef, Relocation,
    RelocationFlags, RelocationKind, RelocationTarget,
};

use crate::address_space::AddressSpace;

/// Why a relocation of the record section cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelocError {
    /// A relocation this reader does not apply (records only need 64-bit absolute ones).
    #[error("relocation at offset {offset:#x} has unsupported type {flags}")]
    Unsupported {
        /// Offset in the section.
        offset: u64,
        /// The relocation's type as the object format spells it.
        flags: String,
    },
    /// A relocation's 8 bytes do not lie inside the section.
    #[error("relocation at offset {offset:#x} lies outside the section")]
    OutOfBounds {
        /// Offset in the section.
        offset: u64,
    },
    /// A relocation names a symbol that is missing or not defined in this file.
    #[error("relocation at offset {offset:#x} refers to an unknown or undefined symbol")]
    BadSymbol {
        /// Offset in the section.
        offset: u64,
    },
}

/// The section's bytes with its relocations applied, addresses as `space` places them.
pub fn relocated<'data, 'file, R: ReadRef<'data>>(
    object: &'file object::File<'data, R>,
    section: &object::Section<'data, 'file, R>,
    space: &AddressSpace,
) -> Result<Vec<u8>, RelocError> {
    // The caller reads the section data first and reports its errors.
    let mut bytes = section.data().map(<[u8]>::to_vec).unwrap_or_default();
    let big = object.endianness() == Endianness::Big;
    if object.kind() == ObjectKind::Relocatable {
        for (offset, reloc) in section.relocations() {
            let target = target_address(object, space, &reloc, offset)?;
            apply(&mut bytes, offset, target, &reloc, big)?;
        }
    } else if object.format() == BinaryFormat::Elf {
        let start = section.address();
        let end = start.saturating_add(section.size());
        for (address, reloc) in object.dynamic_relocations().into_iter().flatten() {
            if !(start..end).contains(&address) {
                continue;
            }
            let offset = address - start;
            if is_relative(reloc.flags()) {
                // Link-time addresses: the load base is 0.
                let field = Field {
                    offset,
                    width: 8,
                    big,
                };
                write(&mut bytes, field, reloc.addend() as u64)?;
                continue;
            }
            let target = target_address(object, space, &reloc, offset)?;
            apply(&mut bytes, offset, target, &reloc, big)?;
        }
    }
    Ok(bytes)
}

/// True for the ELF relocations that add the load base to their addend.
fn is_relative(flags: RelocationFlags) -> bool {
    matches!(
        flags,
        RelocationFlags::Elf {
            r_type: R_X86_64_RELATIVE | R_AARCH64_RELATIVE
        }
    )
}

/// `S`: the address of what the relocation refers to.
fn target_address<'data, R: ReadRef<'data>>(
    object: &object::File<'data, R>,
    space: &AddressSpace,
    reloc: &Relocation,
    offset: u64,
) -> Result<u64, RelocError> {
    match reloc.target() {
        RelocationTarget::Symbol(index) => {
            let symbol = object
                .symbol_by_index(index)
                .map_err(|_| RelocError::BadSymbol { offset })?;
            if symbol.is_undefined() {
                return Err(RelocError::BadSymbol { offset });
            }
            // An absolute symbol has no section: its value is its address.
            match symbol.section_index() {
                Some(_) => space
                    .symbol_address(&symbol)
                    .ok_or(RelocError::BadSymbol { offset }),
                None => Ok(symbol.address()),
            }
        }
        // A Mach-O section relocation already holds the full address in place.
        RelocationTarget::Section(_) if object.format() == BinaryFormat::MachO => Ok(0),
        RelocationTarget::Section(index) => {
            let section = object
                .section_by_index(index)
                .map_err(|_| RelocError::BadSymbol { offset })?;
            space
                .section_address(index, section.address())
                .ok_or(RelocError::BadSymbol { offset })
        }
        RelocationTarget::Absolute => Ok(0),
        _ => Err(RelocError::BadSymbol { offset }),
    }
}

/// Writes `S + A` (plus the bytes in place, for formats with implicit addends).
fn apply(
    bytes: &mut [u8],
    offset: u64,
    target: u64,
    reloc: &Relocation,
    big: bool,
) -> Result<(), RelocError> {
    let unsupported = || RelocError::Unsupported {
        offset,
        flags: format!("{:?}", reloc.flags()),
    };
    if reloc.kind() != RelocationKind::Absolute {
        return Err(unsupported());
    }
    let field = Field::at(offset, reloc.size(), big).ok_or_else(unsupported)?;
    let mut value = target.wrapping_add(reloc.addend() as u64);
    if reloc.has_implicit_addend() {
        value = value.wrapping_add(read(bytes, field)?);
    }
    write(bytes, field, value)
}

/// Where a relocated value lies: its offset, width in bytes (4 or 8) and byte order.
#[derive(Clone, Copy)]
struct Field {
    offset: u64,
    width: usize,
    big: bool,
}

impl Field {
    /// A field of `bits` (32 or 64) at `offset`.
    fn at(offset: u64, bits: u8, big: bool) -> Option<Field> {
        let width = match bits {
            32 => 4,
            64 => 8,
            _ => return None,
        };
        Some(Field { offset, width, big })
    }
}

/// The bytes of `field`.
fn slot(bytes: &mut [u8], field: Field) -> Result<&mut [u8], RelocError> {
    let offset = field.offset;
    usize::try_from(offset)
        .ok()
        .and_then(|start| bytes.get_mut(start..start.checked_add(field.width)?))
        .ok_or(RelocError::OutOfBounds { offset })
}

fn read(bytes: &mut [u8], field: Field) -> Result<u64, RelocError> {
    let mut wide = [0u8; 8];
    let slot = slot(bytes, field)?;
    if field.big {
        wide[8 - field.width..].copy_from_slice(slot);
        Ok(u64::from_be_bytes(wide))
    } else {
        wide[..field.width].copy_from_slice(slot);
        Ok(u64::from_le_bytes(wide))
    }
}

fn write(bytes: &mut [u8], field: Field, value: u64) -> Result<(), RelocError> {
    let slot = slot(bytes, field)?;
    if field.big {
        slot.copy_from_slice(&value.to_be_bytes()[8 - field.width..]);
    } else {
        slot.copy_from_slice(&value.to_le_bytes()[..field.width]);
    }
    Ok(())
}
