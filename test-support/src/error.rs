//! The harness's errors.

use std::path::PathBuf;

/// Why a harness step failed.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A command could not be started or waited for.
    #[error("cannot run `{command}`: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// A command ran past its time limit and was killed.
    #[error("`{command}` did not finish within {seconds} s; output so far:\n{stdout}\n{stderr}")]
    Timeout {
        /// The command line.
        command: String,
        /// The limit.
        seconds: u64,
        /// What it printed on stdout before it was killed.
        stdout: String,
        /// What it printed on stderr before it was killed.
        stderr: String,
    },
    /// A command exited unsuccessfully where success was required.
    #[error("`{command}` failed ({status}):\n{stdout}\n{stderr}")]
    Failed {
        /// The command line.
        command: String,
        /// How it exited.
        status: String,
        /// Its stdout.
        stdout: String,
        /// Its stderr.
        stderr: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// An ELF file could not be parsed.
    #[error("{path}: not a readable ELF file: {message}")]
    Elf {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Output did not have the expected shape.
    #[error("unexpected output: {0}")]
    Parse(String),
}
