//! The DTrace Object Format (DOF): a model of USDT providers, a writer and a checking reader.
//!
//! On illumos, FreeBSD and macOS a program registers its USDT probes by handing the kernel a
//! DOF document (`DTRACEHIOC_ADDDOF` on the DTrace helper device). This crate builds such
//! documents and reads them back; it makes no system calls and builds on every platform.
//!
//! ```
//! use dof::{Dof, Site};
//!
//! let site = |probe: &str, at: u64, is_enabled: bool, args: &[&str]| Site {
//!     provider: "test".into(),
//!     probe: probe.into(),
//!     function: "main".into(),
//!     function_address: 0x40_1000,
//!     site_address: at,
//!     is_enabled,
//!     arg_types: args.iter().map(|s| s.to_string()).collect(),
//! };
//! let dof = Dof::from_sites([
//!     site("start", 0x40_1024, false, &["uint8_t"]),
//!     site("start", 0x40_1010, true, &["uint8_t"]),
//! ])?;
//! assert_eq!(dof.providers[0].probes[0].offsets, [0x24]);
//!
//! let bytes = dof.to_bytes()?;
//! assert_eq!(&bytes[..4], b"\x7fDOF");
//! assert_eq!(Dof::from_bytes(&bytes)?, dof);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`DofFile::parse`] also keeps the header and section table; its `Display` is a full dump,
//! and so is [`Dof`]'s for the providers alone.

mod error;
mod file;
mod model;
mod pretty;
pub mod raw;
mod read;
mod sites;
mod write;

pub use error::{Location, Problem, ReadError, SiteError, WriteError};
pub use file::{DataModel, DofFile, Encoding, Header, SectionHeader, SectionKind};
pub use model::{Attribute, DependencyClass, Dof, Probe, Provider, ProviderAttributes, Stability};
pub use sites::Site;
pub use write::{Version, MAX_ARG_TYPE, MAX_FUNCTION_NAME, MAX_PROBE_NAME, MAX_PROVIDER_NAME};
