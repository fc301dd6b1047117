//! The DOF documents of a file, for `usdt dof`: the DOF sections already in it, or the
//! document `usdt::register_probes()` would build from its DTrace probe records.

use std::path::Path;

use object::BinaryFormat;

use crate::address_space::AddressSpace;
use crate::dtrace::DtraceObject;
use crate::embedded_dof::find_dof;
use crate::error::Error;
use crate::file::{open, parse};
use crate::records::read_records;

/// Where a DOF document comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DofOrigin {
    /// The bytes of a section of the file.
    Section,
    /// Built from the probe records in a section, as `usdt::register_probes()` builds it.
    Records,
}

/// One DOF document of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DofDocument {
    /// Whether it was found or built.
    pub origin: DofOrigin,
    /// The section it is (or was built from), e.g. `.SUNW_dof` or `set_dtrace_probes`.
    pub section: String,
    /// The document's bytes.
    pub bytes: Vec<u8>,
    /// The document, checked and decoded.
    pub file: dof::DofFile,
}

/// Every DOF document of the object file at `path`: its DOF sections, then the document
/// built from its probe records. Fails with [`Error::NoDof`] when it has neither.
pub fn dof_documents(path: &Path) -> Result<Vec<DofDocument>, Error> {
    let cache = open(path, path)?;
    let object = parse(&cache, path)?;
    if !matches!(object.format(), BinaryFormat::Elf | BinaryFormat::MachO) {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            format: format!("{:?}", object.format()),
        });
    }
    let checked = |origin, section: String, bytes: Vec<u8>| {
        let file = dof::DofFile::parse(&bytes).map_err(|source| Error::Dof {
            path: path.to_path_buf(),
            section: section.clone(),
            source: Box::new(source),
        })?;
        Ok::<_, Error>(DofDocument {
            origin,
            section,
            bytes,
            file,
        })
    };
    let mut documents = Vec::new();
    for embedded in find_dof(&cache, &object, path)? {
        documents.push(checked(
            DofOrigin::Section,
            embedded.section,
            embedded.bytes,
        )?);
    }
    if let Some(records) = read_records(&object, &AddressSpace::new(&object), path)? {
        if !records.sites.is_empty() {
            let bytes = DtraceObject::new(&object, path).build_dof(&records.sites)?;
            documents.push(checked(DofOrigin::Records, records.section, bytes)?);
        }
    }
    if documents.is_empty() {
        return Err(Error::NoDof {
            path: path.to_path_buf(),
        });
    }
    Ok(documents)
}
