//! The errors of listing probes: each names the file or process and what is wrong with it.

use std::io;
use std::path::PathBuf;

use sdt_note::NoteError;

use crate::relocate::RelocError;

/// Everything that can go wrong while listing probes.
///
/// Each variant displays as one line that names the file or process concerned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why reading failed.
        source: io::Error,
    },
    /// The file is not an object file (ELF, Mach-O, ...).
    #[error("{}: not an object file ({reason})", path.display())]
    NotObject {
        /// The file.
        path: PathBuf,
        /// What the object parser said.
        reason: String,
    },
    /// The file is an object file whose probe records are in a format not read yet.
    #[error("{}: {format} files are not supported yet", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The object format, e.g. "Mach-O".
        format: String,
    },
    /// A structure of the object file (section table, symbol table, ...) is malformed.
    #[error("{}: malformed {what}: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The structure that could not be read.
        what: &'static str,
        /// What the object parser said.
        reason: String,
    },
    /// A `.note.stapsdt` note is malformed.
    #[error("{}: malformed .note.stapsdt: {source}", path.display())]
    Note {
        /// The file.
        path: PathBuf,
        /// What is wrong with the note.
        source: NoteError,
    },
    /// A DTrace probe record section is malformed.
    #[error("{}: malformed probe records in {section}: {source}", path.display())]
    Records {
        /// The file.
        path: PathBuf,
        /// The record section.
        section: String,
        /// What the record reader said.
        source: usdt_impl::record::RecordError,
    },
    /// The relocations of a probe record section cannot be applied.
    #[error("{}: cannot relocate {section}: {source}", path.display())]
    Relocation {
        /// The file.
        path: PathBuf,
        /// The record section.
        section: String,
        /// What is wrong with the relocation.
        source: RelocError,
    },
    /// A section that starts like DOF is not a DOF document this tool can read.
    #[error("{}: malformed DOF in section {section}: {source}", path.display())]
    Dof {
        /// The file.
        path: PathBuf,
        /// The section holding the document.
        section: String,
        /// What the DOF reader said (boxed: it is large, and errors travel far).
        source: Box<dof::ReadError>,
    },
    /// The probe records cannot be described in DOF.
    #[error("{}: cannot build DOF from the probe records: {source}", path.display())]
    BuildDof {
        /// The file.
        path: PathBuf,
        /// What the DOF builder said.
        source: usdt_impl::register::DofError,
    },
    /// `usdt dof` was given a file with neither DOF nor DTrace probe records.
    #[error("{}: no DOF section and no DTrace probe records", path.display())]
    NoDof {
        /// The file.
        path: PathBuf,
    },
    /// `usdt dof --raw` was given a file with several DOF documents and no `--section`.
    #[error("{}: holds several DOF documents ({sections}); choose one with --section", path.display())]
    SeveralDof {
        /// The file.
        path: PathBuf,
        /// The sections the documents come from, comma-separated.
        sections: String,
    },
    /// `usdt dof --section NAME` names no DOF document of the file.
    #[error("{}: no DOF document from section {section} (it has: {sections})", path.display())]
    NoSuchDof {
        /// The file.
        path: PathBuf,
        /// The section asked for.
        section: String,
        /// The sections the documents come from, comma-separated.
        sections: String,
    },
    /// No process has this id.
    #[error("process {pid}: no such process")]
    NoProcess {
        /// The process id.
        pid: u32,
    },
    /// A file under `/proc/PID` could not be read (permission, or the process exited).
    #[error("process {pid}: cannot read {}: {source}", path.display())]
    Proc {
        /// The process id.
        pid: u32,
        /// The file under `/proc`.
        path: PathBuf,
        /// Why reading failed.
        source: io::Error,
    },
    /// A line of `/proc/PID/maps` could not be parsed.
    #[error("process {pid}: malformed line in /proc/{pid}/maps: {line:?}")]
    Maps {
        /// The process id.
        pid: u32,
        /// The offending line.
        line: String,
    },
    /// Writing the listing failed.
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
}

impl Error {
    /// True when the error only says that a file is not an object file.
    ///
    /// A process maps many such files (locale archives, fonts, caches); listing a process
    /// skips them quietly.
    pub fn is_not_object(&self) -> bool {
        matches!(self, Error::NotObject { .. })
    }
}
