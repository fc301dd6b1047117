//! The byte layouts of `<sys/dtrace.h>` that a provider's DOF uses.
//!
//! Every structure here is `#[repr(C)]`, made only of fixed-size integers and laid out without
//! implicit padding, so the 32-bit and 64-bit data models share one layout; only the byte order
//! (the header's encoding byte) differs between machines. Each is generic over that byte order
//! `O` (zerocopy's [`LittleEndian`](zerocopy::LittleEndian) or
//! [`BigEndian`](zerocopy::BigEndian)), as `object`'s raw ELF structures are: a field is read
//! with `.get()` and written with `.set()` or `.into()`, and no byte is swapped by hand.

use zerocopy::byteorder::{ByteOrder, U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Size of `dofh_ident`.
pub const DOF_ID_SIZE: usize = 16;
/// `dofh_ident` index of the data model byte.
pub const DOF_ID_MODEL: usize = 4;
/// `dofh_ident` index of the encoding (byte order) byte.
pub const DOF_ID_ENCODING: usize = 5;
/// `dofh_ident` index of the DOF format version byte.
pub const DOF_ID_VERSION: usize = 6;
/// `dofh_ident` index of the DIF instruction set version byte.
pub const DOF_ID_DIFVERS: usize = 7;
/// `dofh_ident` index of the number of DIF integer registers used.
pub const DOF_ID_DIFIREG: usize = 8;
/// `dofh_ident` index of the number of DIF tuple registers used.
pub const DOF_ID_DIFTREG: usize = 9;
/// `dofh_ident` index of the first padding byte; the rest of the identification is zero.
pub const DOF_ID_PAD: usize = 10;

/// The magic number at the start of every DOF document.
pub const DOF_MAGIC: [u8; 4] = *b"\x7fDOF";

/// `DOF_MODEL_ILP32`: 32-bit pointers.
pub const DOF_MODEL_ILP32: u8 = 1;
/// `DOF_MODEL_LP64`: 64-bit pointers.
pub const DOF_MODEL_LP64: u8 = 2;
/// `DOF_ENCODE_LSB`: little-endian.
pub const DOF_ENCODE_LSB: u8 = 1;
/// `DOF_ENCODE_MSB`: big-endian.
pub const DOF_ENCODE_MSB: u8 = 2;
/// `DOF_VERSION_1`: the first format, without is-enabled probes.
pub const DOF_VERSION_1: u8 = 1;
/// `DOF_VERSION_2`: adds is-enabled probe offsets (`dofpv_prenoffs`, `dofpr_enoffidx`).
pub const DOF_VERSION_2: u8 = 2;
/// `DOF_VERSION_3`: the layout of version 2 under another number. macOS accepts nothing
/// else (xnu's `dtrace_dof_slurp`), and Oracle's `dtrace -G` writes it too.
pub const DOF_VERSION_3: u8 = 3;
/// `DIF_VERSION_2`: the only DIF version kernels accept.
pub const DIF_VERSION_2: u8 = 2;
/// `DIF_DIR_NREGS`: DIF integer registers.
pub const DIF_DIR_NREGS: u8 = 8;
/// `DIF_DTR_NREGS`: DIF tuple registers.
pub const DIF_DTR_NREGS: u8 = 8;

/// `DOF_SECF_LOAD`: the section is loaded into the kernel.
pub const DOF_SECF_LOAD: u32 = 1;
/// `DOF_SECT_NONE`: "no section" in a section link (so section 0 can never be linked as such).
pub const DOF_SECT_NONE: u32 = 0;
/// `DOF_SECT_STRTAB`: a table of NUL-terminated strings, referred to by byte offset.
pub const DOF_SECT_STRTAB: u32 = 8;
/// `DOF_SECT_PROVIDER`: one `dof_provider_t`.
pub const DOF_SECT_PROVIDER: u32 = 15;
/// `DOF_SECT_PROBES`: an array of `dof_probe_t`.
pub const DOF_SECT_PROBES: u32 = 16;
/// `DOF_SECT_PRARGS`: a `uint8_t` array mapping translated to native arguments.
pub const DOF_SECT_PRARGS: u32 = 17;
/// `DOF_SECT_PROFFS`: a `uint32_t` array of probe-site offsets.
pub const DOF_SECT_PROFFS: u32 = 18;
/// `DOF_SECT_PRENOFFS`: a `uint32_t` array of is-enabled site offsets.
pub const DOF_SECT_PRENOFFS: u32 = 26;

/// `DTRACE_PROVNAMELEN`: a provider name is shorter than this (it includes the NUL).
pub const DTRACE_PROVNAMELEN: usize = 64;
/// `DTRACE_FUNCNAMELEN` as on illumos and macOS (FreeBSD allows 192).
pub const DTRACE_FUNCNAMELEN: usize = 128;
/// `DTRACE_NAMELEN`: a probe name is shorter than this.
pub const DTRACE_NAMELEN: usize = 64;
/// `DTRACE_ARGTYPELEN`: an argument type name, with its NUL, fits in this.
pub const DTRACE_ARGTYPELEN: usize = 128;

/// `dof_hdr_t`: the file header, at offset 0.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[repr(C)]
pub struct DofHdr<O: ByteOrder> {
    /// Magic, data model, encoding, versions and register counts; see `DOF_ID_*`.
    pub dofh_ident: [u8; DOF_ID_SIZE],
    /// File flags; no bit is defined (`DOF_FL_VALID` is 0).
    pub dofh_flags: U32<O>,
    /// Size of this header in bytes.
    pub dofh_hdrsize: U32<O>,
    /// Size of one section header in bytes.
    pub dofh_secsize: U32<O>,
    /// Number of section headers.
    pub dofh_secnum: U32<O>,
    /// File offset of the section header table.
    pub dofh_secoff: U64<O>,
    /// Size of the loadable part of the file (headers and loadable section data).
    pub dofh_loadsz: U64<O>,
    /// Size of the whole file.
    pub dofh_filesz: U64<O>,
    /// Reserved, zero.
    pub dofh_pad: U64<O>,
}

/// `dof_sec_t`: one entry of the section header table.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[repr(C)]
pub struct DofSec<O: ByteOrder> {
    /// Section type, a `DOF_SECT_*` value.
    pub dofs_type: U32<O>,
    /// Required alignment of the section data in memory.
    pub dofs_align: U32<O>,
    /// Section flags (`DOF_SECF_LOAD`).
    pub dofs_flags: U32<O>,
    /// Size of one entry if the section is a table, else 0.
    pub dofs_entsize: U32<O>,
    /// File offset of the section data.
    pub dofs_offset: U64<O>,
    /// Size of the section data in bytes.
    pub dofs_size: U64<O>,
}

/// `dof_provider_t`: a provider and links to the sections describing its probes.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[repr(C)]
pub struct DofProvider<O: ByteOrder> {
    /// Index of the provider's `DOF_SECT_STRTAB`.
    pub dofpv_strtab: U32<O>,
    /// Index of the provider's `DOF_SECT_PROBES`.
    pub dofpv_probes: U32<O>,
    /// Index of the provider's `DOF_SECT_PRARGS`.
    pub dofpv_prargs: U32<O>,
    /// Index of the provider's `DOF_SECT_PROFFS`.
    pub dofpv_proffs: U32<O>,
    /// String-table offset of the provider name.
    pub dofpv_name: U32<O>,
    /// Stability of the provider name (`DOF_ATTR(name, data, class)`).
    pub dofpv_provattr: U32<O>,
    /// Stability of the module name.
    pub dofpv_modattr: U32<O>,
    /// Stability of the function names.
    pub dofpv_funcattr: U32<O>,
    /// Stability of the probe names.
    pub dofpv_nameattr: U32<O>,
    /// Stability of the probe arguments.
    pub dofpv_argsattr: U32<O>,
    /// Index of the provider's `DOF_SECT_PRENOFFS`, or `DOF_SECT_NONE` (version 2 only).
    pub dofpv_prenoffs: U32<O>,
}

/// Size of `dof_provider_t` in DOF version 1, which ends before `dofpv_prenoffs`.
pub const DOF_PROVIDER_V1_SIZE: usize = 40;

/// `dof_probe_t`: one probe in one function.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[repr(C)]
pub struct DofProbe<O: ByteOrder> {
    /// Base address (or offset) that the probe's offsets are relative to.
    pub dofpr_addr: U64<O>,
    /// String-table offset of the function name.
    pub dofpr_func: U32<O>,
    /// String-table offset of the probe name.
    pub dofpr_name: U32<O>,
    /// String-table offset of the first native argument type; the others follow it.
    pub dofpr_nargv: U32<O>,
    /// String-table offset of the first translated argument type; the others follow it.
    pub dofpr_xargv: U32<O>,
    /// Index in `DOF_SECT_PRARGS` of the first argument mapping entry.
    pub dofpr_argidx: U32<O>,
    /// Index in `DOF_SECT_PROFFS` of the first probe-site offset.
    pub dofpr_offidx: U32<O>,
    /// Number of native argument types.
    pub dofpr_nargc: u8,
    /// Number of translated argument types (and mapping entries).
    pub dofpr_xargc: u8,
    /// Number of probe-site offsets.
    pub dofpr_noffs: U16<O>,
    /// Index in `DOF_SECT_PRENOFFS` of the first is-enabled offset (version 2).
    pub dofpr_enoffidx: U32<O>,
    /// Number of is-enabled offsets (version 2).
    pub dofpr_nenoffs: U16<O>,
    /// Reserved, zero.
    pub dofpr_pad1: U16<O>,
    /// Reserved, zero.
    pub dofpr_pad2: U32<O>,
}

/// Size of `dof_probe_t` in DOF version 1, which ends after `dofpr_noffs` and a 32-bit pad
/// (the place of version 2's `dofpr_enoffidx`).
pub const DOF_PROBE_V1_SIZE: usize = 40;

/// `DOF_ATTR(n, d, c)`: packs a name stability, data stability and dependency class.
pub const fn dof_attr(name: u8, data: u8, class: u8) -> u32 {
    ((name as u32) << 24) | ((data as u32) << 16) | ((class as u32) << 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    // The sizes and offsets below are those of <sys/dtrace.h> on every data model.
    #[test]
    fn layouts_match_sys_dtrace_h() {
        assert_eq!(size_of::<DofHdr<zerocopy::BigEndian>>(), 64);
        assert_eq!(offset_of!(DofHdr<zerocopy::BigEndian>, dofh_secoff), 32);
        assert_eq!(size_of::<DofSec<zerocopy::BigEndian>>(), 32);
        assert_eq!(offset_of!(DofSec<zerocopy::BigEndian>, dofs_offset), 16);
        assert_eq!(size_of::<DofProvider<zerocopy::BigEndian>>(), 44);
        assert_eq!(
            offset_of!(DofProvider<zerocopy::BigEndian>, dofpv_prenoffs),
            DOF_PROVIDER_V1_SIZE
        );
        assert_eq!(size_of::<DofProbe<zerocopy::BigEndian>>(), 48);
        assert_eq!(offset_of!(DofProbe<zerocopy::BigEndian>, dofpr_nargc), 32);
        assert_eq!(
            offset_of!(DofProbe<zerocopy::BigEndian>, dofpr_enoffidx),
            36
        );
        assert_eq!(
            offset_of!(DofProbe<zerocopy::BigEndian>, dofpr_nenoffs),
            DOF_PROBE_V1_SIZE
        );
    }

    #[test]
    fn attr_packing() {
        assert_eq!(dof_attr(4, 4, 5), 0x0404_0500);
    }
}
