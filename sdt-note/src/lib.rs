//! The SystemTap SDT v3 note, as `<sys/sdt.h>`, SystemTap's `dtrace -G` and the `usdt` crate
//! write it and bpftrace, perf, bcc, gdb and SystemTap read it: the one description of the
//! format in this workspace, and its reader.
//!
//! Each probe site has one ELF note in section [`NOTE_SECTION`], of owner [`OWNER`] and type
//! [`NT_STAPSDT`]. Its descriptor holds three addresses (8 bytes each in a 64-bit ELF file, 4
//! in a 32-bit one) in the file's byte order: the probe site (`pc`), the link-time address of
//! section [`BASE_SECTION`], and the semaphore (0 for none); then three NUL-terminated
//! strings: provider, probe name and arguments. The arguments are `SIZE@LOCATION` separated
//! by spaces (`-4@%edi 8@%rax 8f@%xmm0`, see [`Argument`]).
//!
//! ```
//! use sdt_note::{parse_arguments, ArgSize};
//!
//! let args = parse_arguments("-4@%edi 8@[sp, 16] 8f@%xmm0");
//! assert_eq!(args[0].size, Some(ArgSize { bytes: 4, signed: true, float: false }));
//! assert_eq!(args[1].location, "[sp, 16]");
//! assert_eq!(args[2].size.map(|s| s.to_string()).as_deref(), Some("8f"));
//! ```
//!
//! With the `read` feature (on by default), [`notes`] reads every note of an object file and
//! [`parse_section`] the bytes of one note section.
//!
//! Writing: [`Note::to_bytes`] writes a whole note (run-time providers' objects do), and
//! [`Argument::new`] and [`format_arguments`] the argument string; [`ArgSize`]'s `Display`
//! is the one spelling of a size (`-4`, `8f`), which `dtrace_parser::ArgKind::note_size`
//! gives every C type. The `usdt` crate's probe sites assemble the same note in a template
//! (`usdt/src/site/stapsdt.rs`), which a test of `usdt` holds to these constants.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod argument;
mod error;
mod note;
#[cfg(feature = "read")]
mod section;
mod write;

pub use argument::{parse_arguments, ArgSize, Argument};
pub use error::NoteError;
pub use note::{parse_desc, Note};
#[cfg(feature = "read")]
pub use section::{notes, parse_section};
pub use write::format_arguments;

/// The owner name of a stapsdt note (without its NUL).
pub const OWNER: &[u8] = b"stapsdt";
/// The note type of a SystemTap v3 probe description.
pub const NT_STAPSDT: u32 = 3;
/// The section that holds the notes.
pub const NOTE_SECTION: &str = ".note.stapsdt";
/// The section whose link-time address every note records, so that readers can tell how far
/// prelink moved the file.
pub const BASE_SECTION: &str = ".stapsdt.base";
/// The section of the semaphores (a `u16` each, which tracers increment while they trace the
/// probe), where `<sys/sdt.h>` puts them.
pub const SEMAPHORE_SECTION: &str = ".probes";
