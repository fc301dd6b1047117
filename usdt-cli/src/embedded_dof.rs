//! DOF documents already in an object file: the `.SUNW_dof` section that illumos `dtrace -G`
//! writes, the `__dof_*` sections ld64 writes into Mach-O files, or any other section whose
//! bytes start with the DOF magic `\x7fDOF`.

use std::path::Path;

use object::{Object, ObjectSection, ReadRef};

use crate::error::Error;

/// The first bytes of every DOF document.
pub const DOF_MAGIC: &[u8; 4] = b"\x7fDOF";

/// One DOF document found in a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedDof {
    /// The section's name (`segment,section` in Mach-O).
    pub section: String,
    /// The section's bytes.
    pub bytes: Vec<u8>,
}

/// The sections of `object` (read from `data`) that hold DOF.
///
/// Only four bytes of each section are read to test the magic, so that a large file costs
/// little.
pub fn find_dof<'data, R: ReadRef<'data>>(
    data: R,
    object: &object::File<'data, R>,
    path: &Path,
) -> Result<Vec<EmbeddedDof>, Error> {
    let mut found = Vec::new();
    for section in object.sections() {
        let Some((offset, size)) = section.file_range() else {
            continue;
        };
        if size < DOF_MAGIC.len() as u64 {
            continue;
        }
        if data.read_bytes_at(offset, DOF_MAGIC.len() as u64).ok() != Some(DOF_MAGIC.as_slice()) {
            continue;
        }
        let name = section.name().unwrap_or("?");
        let name = match section.segment_name().ok().flatten() {
            Some(segment) if !segment.is_empty() => format!("{segment},{name}"),
            _ => name.to_string(),
        };
        let bytes = data
            .read_bytes_at(offset, size)
            .map_err(|()| Error::Malformed {
                path: path.to_path_buf(),
                what: "DOF section",
                reason: format!("section {name} lies outside the file"),
            })?;
        found.push(EmbeddedDof {
            section: name,
            bytes: bytes.to_vec(),
        });
    }
    Ok(found)
}
