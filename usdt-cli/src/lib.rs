//! List the USDT probes of object files and running processes, without tracing privileges,
//! and show the DTrace DOF of object files.
//!
//! On Linux, probes are SystemTap v3 `.note.stapsdt` ELF notes, written by `<sys/sdt.h>`,
//! SystemTap's `dtrace -G` and the `usdt` crate. On illumos, FreeBSD and macOS the `usdt`
//! crate leaves DTrace probe records instead ([`records`]), and `dtrace -G` or ld64 leave DOF
//! ([`embedded`]). This library reads all of them into [`Probe`]s (provider, name, enclosing
//! function, argument types, semaphore or is-enabled sites), for a running process reads each
//! semaphore to tell whether a tracer has enabled the probe, and gives the DOF documents of
//! a file ([`dof_documents`]), built from its records as `usdt::register_probes()` builds them.
//!
//! ```no_run
//! use std::path::Path;
//!
//! for probe in usdt_cli::list_file(Path::new("/usr/bin/python3"))? {
//!     println!("{}:{} in {:?}: {}", probe.provider, probe.name, probe.function,
//!              probe.argument_types());
//! }
//! # Ok::<(), usdt_cli::Error>(())
//! ```

pub mod args;
pub mod cli;
pub mod ctype;
pub mod demangle;
pub mod dofdoc;
pub mod dtrace;
pub mod embedded;
pub mod error;
pub mod filter;
pub mod objfile;
pub mod output;
pub mod probe;
pub mod process;
pub mod procmaps;
pub mod records;
pub mod reloc;
pub mod space;
pub mod stapsdt;
pub mod symbols;

pub use dofdoc::{dof_documents, DofDocument, DofOrigin};
pub use error::Error;
pub use filter::Filter;
pub use objfile::{list_file, read_object, ObjectProbes};
pub use probe::{sort_probes, ArgType, Argument, Probe, Source};
pub use process::{list_process, ProcessProbes};
