//! List the USDT probes of object files and running processes, without tracing privileges,
//! and show the DTrace DOF of object files: the library behind the `usdt` command.
//!
//! On Linux, probes are SystemTap v3 `.note.stapsdt` ELF notes, written by `<sys/sdt.h>`,
//! SystemTap's `dtrace -G` and the `usdt` crate, and read with the `sdt-note` crate. On
//! illumos, FreeBSD and macOS the `usdt` crate leaves DTrace probe records instead, and
//! `dtrace -G` or ld64 leave DOF. This library reads all of them into [`ProbeSite`]s
//! (provider, name, enclosing function, argument types, semaphore or is-enabled sites), for
//! a running process reads each semaphore to tell whether a tracer has enabled the probe
//! ([`list_process`]), and gives the DOF documents of a file ([`dof_documents`]), built from
//! its records as `usdt::register_probes()` builds them.
//!
//! ```no_run
//! use std::path::Path;
//!
//! for site in usdt_cli::list_file(Path::new("/usr/bin/python3"))? {
//!     println!("{}:{} in {:?}: {}", site.provider, site.name, site.function,
//!              site.argument_types());
//! }
//! # Ok::<(), usdt_cli::Error>(())
//! ```

mod address_space;
mod c_types;
mod demangle;
mod dof_documents;
mod dtrace;
mod embedded_dof;
mod error;
mod file;
mod proc_maps;
mod process;
mod records;
mod relocate;
mod site;
mod stapsdt;

pub use dof_documents::{dof_documents, DofDocument, DofOrigin};
pub use error::Error;
pub use file::list_file;
pub use process::{list_process, ProcessProbes};
pub use sdt_note::ArgSize;
pub use site::{ProbeSite, SiteArgument, Source};
