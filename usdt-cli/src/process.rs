//! The probes of a running process and whether each is enabled now.
//!
//! Every file-backed object mapped by the process is read from disk; a probe's semaphore is
//! found at its file offset in the process's writable mapping of that file and read from
//! `/proc/PID/mem`.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::file::{read_object_at, ObjectProbes};
use crate::proc_maps::{mapped_files, parse_maps, Mapping};
use crate::site::ProbeSite;

/// The suffix the kernel gives the path of a mapped file that has been deleted.
const DELETED: &str = " (deleted)";

/// The probes of a process, and the problems met with some of its objects.
#[derive(Debug)]
pub struct ProcessProbes {
    /// Probes of every mapped object, with `enabled` set for those with a semaphore.
    pub probes: Vec<ProbeSite>,
    /// Objects that could not be read; their probes are missing from `probes`.
    pub warnings: Vec<Error>,
}

/// Lists the probes of every object that process `pid` maps.
///
/// Mapped files that are not object files are skipped quietly.
pub fn list_process(pid: u32) -> Result<ProcessProbes, Error> {
    let maps_path = PathBuf::from(format!("/proc/{pid}/maps"));
    let text = std::fs::read_to_string(&maps_path).map_err(|e| proc_error(pid, &maps_path, e))?;
    let maps = parse_maps(&text).map_err(|line| Error::Maps { pid, line })?;
    let mem_path = PathBuf::from(format!("/proc/{pid}/mem"));
    let mut mem = None;
    let mut probes = Vec::new();
    let mut warnings = Vec::new();
    for name in mapped_files(&maps) {
        let mut object = match read_mapped(pid, &maps, name) {
            Ok(object) => object,
            Err(e) if e.is_not_object() => continue,
            Err(e) => {
                warnings.push(e);
                continue;
            }
        };
        let own: Vec<&Mapping> = maps
            .iter()
            .filter(|m| m.path.as_deref() == Some(name))
            .collect();
        for mut probe in std::mem::take(&mut object.probes) {
            if let Some(address) = probe
                .semaphore
                .and_then(|s| runtime_address(&object, &own, s))
            {
                let mem = match &mem {
                    Some(file) => file,
                    None => {
                        let file =
                            File::open(&mem_path).map_err(|e| proc_error(pid, &mem_path, e))?;
                        mem.insert(file)
                    }
                };
                let mut value = [0u8; 2];
                match mem.read_exact_at(&mut value, address) {
                    // The semaphore is a native-endian u16; nonzero in either byte means set.
                    Ok(()) => probe.enabled = Some(value != [0, 0]),
                    Err(e) => match proc_error(pid, &mem_path, e) {
                        gone @ Error::NoProcess { .. } => return Err(gone),
                        // One unreadable page leaves that probe's state unknown.
                        other => warnings.push(other),
                    },
                }
            }
            probes.push(probe);
        }
    }
    Ok(ProcessProbes { probes, warnings })
}

/// Reads a mapped object, through `/proc/PID/map_files` when the file was deleted.
fn read_mapped(pid: u32, maps: &[Mapping], name: &str) -> Result<ObjectProbes, Error> {
    match name.strip_suffix(DELETED) {
        None => read_object_at(Path::new(name), Path::new(name)),
        Some(original) => {
            let first = maps.iter().find(|m| m.path.as_deref() == Some(name));
            let range = first.map(|m| format!("{:x}-{:x}", m.start, m.end));
            let source = PathBuf::from(format!(
                "/proc/{pid}/map_files/{}",
                range.unwrap_or_default()
            ));
            read_object_at(&source, Path::new(original))
        }
    }
}

/// Where the semaphore at link-time address `semaphore` lives in the process.
///
/// The semaphore's file page may be mapped twice: by the RELRO segment and by the data
/// segment (lld shares one page between them). The program reads the data segment's copy,
/// which is the last writable mapping of that page; RELRO is read-only once the loader is done.
fn runtime_address(object: &ObjectProbes, mappings: &[&Mapping], semaphore: u64) -> Option<u64> {
    let offset = object.file_offset(semaphore)?;
    mappings
        .iter()
        .filter(|m| m.writable)
        .filter_map(|m| m.address_of(offset))
        .next_back()
}

/// Turns a failure to read `/proc/PID/...` into "no such process" or an access error.
fn proc_error(pid: u32, path: &Path, source: io::Error) -> Error {
    let gone = source.kind() == io::ErrorKind::NotFound || source.raw_os_error() == Some(3);
    if gone && !Path::new(&format!("/proc/{pid}")).exists() {
        Error::NoProcess { pid }
    } else {
        Error::Proc {
            pid,
            path: path.to_path_buf(),
            source,
        }
    }
}
