//! Reading the probe sites of one object file, whatever records it carries.
//!
//! This is the seam between probe sources and the rest of the library: an ELF file's
//! `.note.stapsdt` notes are read by [`crate::stapsdt`]; the DTrace probe records of the
//! `usdt` crate (illumos/FreeBSD ELF, macOS Mach-O) by [`crate::records`], and DOF already in
//! a file by [`crate::embedded_dof`]. Each fills the same [`ProbeSite`]s.

use std::fs::File;
use std::path::Path;

use object::read::ReadCache;
use object::{BinaryFormat, Object, ObjectSegment, ReadRef};

use crate::address_space::AddressSpace;
use crate::dtrace::DtraceObject;
use crate::embedded_dof::find_dof;
use crate::error::Error;
use crate::records::read_records;
use crate::site::ProbeSite;
use crate::stapsdt::elf_probes;

/// A loadable segment: `file_size` bytes at `file_offset` are mapped at `address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadSegment {
    /// Link-time virtual address.
    pub address: u64,
    /// Offset of the segment's bytes in the file.
    pub file_offset: u64,
    /// Number of bytes that come from the file.
    pub file_size: u64,
}

/// The probes of one object file and what is needed to find their semaphores in a process.
#[derive(Debug, Clone)]
pub struct ObjectProbes {
    /// The probes, in note order.
    pub probes: Vec<ProbeSite>,
    /// The loadable segments.
    pub segments: Vec<LoadSegment>,
}

impl ObjectProbes {
    /// The file offset of the byte at link-time `address`, if a segment loads it from the file.
    pub fn file_offset(&self, address: u64) -> Option<u64> {
        self.segments.iter().find_map(|s| {
            let delta = address.checked_sub(s.address)?;
            (delta < s.file_size).then(|| s.file_offset.checked_add(delta))?
        })
    }
}

/// Lists the probe sites of the object file at `path` (an executable, a shared library or a
/// relocatable object; ELF or Mach-O): its stapsdt notes in note order, then its DTrace
/// probe records and DOF.
pub fn list_file(path: &Path) -> Result<Vec<ProbeSite>, Error> {
    Ok(read_object(path)?.probes)
}

/// Reads the probes and segments of the object file at `path`.
pub fn read_object(path: &Path) -> Result<ObjectProbes, Error> {
    read_object_at(path, path)
}

/// Reads the object file at `source`, naming it `path` in probes and errors.
///
/// A process may map a file that has since been deleted; it is then read through
/// `/proc/PID/map_files` but named by its original path.
pub fn read_object_at(source: &Path, path: &Path) -> Result<ObjectProbes, Error> {
    let cache = open(source, path)?;
    let object = parse(&cache, path)?;
    let mut probes = match object.format() {
        BinaryFormat::Elf => elf_probes(&object, path)?,
        BinaryFormat::MachO => Vec::new(),
        other => {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                format: format!("{other:?}"),
            })
        }
    };
    probes.extend(dtrace_probes(&cache, &object, path)?);
    Ok(ObjectProbes {
        probes,
        segments: load_segments(&object),
    })
}

/// Opens the file at `source` for lazy reading, naming it `path` in errors.
pub fn open(source: &Path, path: &Path) -> Result<ReadCache<File>, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(source).map_err(read_error)?;
    if !metadata.is_file() {
        return Err(Error::NotObject {
            path: path.to_path_buf(),
            reason: "not a regular file".to_string(),
        });
    }
    let file = File::open(source).map_err(read_error)?;
    // Read lazily: a large binary's notes and symbols are a small part of it.
    Ok(ReadCache::new(file))
}

/// Parses the object file in `cache`.
pub fn parse<'data>(
    cache: &'data ReadCache<File>,
    path: &Path,
) -> Result<object::File<'data, &'data ReadCache<File>>, Error> {
    object::File::parse(cache).map_err(|e| Error::NotObject {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The loadable segments of `object`.
fn load_segments<'data>(object: &impl Object<'data>) -> Vec<LoadSegment> {
    object
        .segments()
        .map(|s| {
            let (file_offset, file_size) = s.file_range();
            LoadSegment {
                address: s.address(),
                file_offset,
                file_size,
            }
        })
        .collect()
}

/// The DTrace probes of an object: from its probe records and from DOF already in it.
fn dtrace_probes<'data, R: ReadRef<'data>>(
    data: R,
    object: &object::File<'data, R>,
    path: &Path,
) -> Result<Vec<ProbeSite>, Error> {
    let dtrace = || DtraceObject::new(object, path);
    let mut probes = Vec::new();
    let mut described = None;
    if let Some(records) = read_records(object, &AddressSpace::new(object), path)? {
        let info = described.insert(dtrace());
        probes.extend(info.record_probes(&records.sites));
    }
    for embedded in find_dof(data, object, path)? {
        let dof = dof::Dof::from_bytes(&embedded.bytes).map_err(|source| Error::Dof {
            path: path.to_path_buf(),
            section: embedded.section.clone(),
            source: Box::new(source),
        })?;
        let info = described.get_or_insert_with(dtrace);
        probes.extend(info.dof_probes(&dof));
    }
    Ok(probes)
}

/// The file name of `path`, as the MODULE column shows it.
pub fn module_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string_lossy().into_owned())
}
