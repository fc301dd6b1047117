//! The byte layouts of `<sys/dtrace.h>` that a provider's DOF uses.
//!
//! Every structure here is `#[repr(C)]`, made only of fixed-size integers and laid out without
//! implicit padding, so the 32-bit and 64-bit data models share one layout; only the byte order
//! (the header's encoding byte) differs between machines.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

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
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable,
)]
#[repr(C)]
pub struct DofHdr {
    /// Magic, data model, encoding, versions and register counts; see `DOF_ID_*`.
    pub dofh_ident: [u8; DOF_ID_SIZE],
    /// File flags; no bit is defined (`DOF_FL_VALID` is 0).
    pub dofh_flags: u32,
    /// Size of this header in bytes.
    pub dofh_hdrsize: u32,
    /// Size of one section header in bytes.
    pub dofh_secsize: u32,
    /// Number of section headers.
    pub dofh_secnum: u32,
    /// File offset of the section header table.
    pub dofh_secoff: u64,
    /// Size of the loadable part of the file (headers and loadable section data).
    pub dofh_loadsz: u64,
    /// Size of the whole file.
    pub dofh_filesz: u64,
    /// Reserved, zero.
    pub dofh_pad: u64,
}

/// `dof_sec_t`: one entry of the section header table.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable,
)]
#[repr(C)]
pub struct DofSec {
    /// Section type, a `DOF_SECT_*` value.
    pub dofs_type: u32,
    /// Required alignment of the section data in memory.
    pub dofs_align: u32,
    /// Section flags (`DOF_SECF_LOAD`).
    pub dofs_flags: u32,
    /// Size of one entry if the section is a table, else 0.
    pub dofs_entsize: u32,
    /// File offset of the section data.
    pub dofs_offset: u64,
    /// Size of the section data in bytes.
    pub dofs_size: u64,
}

/// `dof_provider_t`: a provider and links to the sections describing its probes.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable,
)]
#[repr(C)]
pub struct DofProvider {
    /// Index of the provider's `DOF_SECT_STRTAB`.
    pub dofpv_strtab: u32,
    /// Index of the provider's `DOF_SECT_PROBES`.
    pub dofpv_probes: u32,
    /// Index of the provider's `DOF_SECT_PRARGS`.
    pub dofpv_prargs: u32,
    /// Index of the provider's `DOF_SECT_PROFFS`.
    pub dofpv_proffs: u32,
    /// String-table offset of the provider name.
    pub dofpv_name: u32,
    /// Stability of the provider name (`DOF_ATTR(name, data, class)`).
    pub dofpv_provattr: u32,
    /// Stability of the module name.
    pub dofpv_modattr: u32,
    /// Stability of the function names.
    pub dofpv_funcattr: u32,
    /// Stability of the probe names.
    pub dofpv_nameattr: u32,
    /// Stability of the probe arguments.
    pub dofpv_argsattr: u32,
    /// Index of the provider's `DOF_SECT_PRENOFFS`, or `DOF_SECT_NONE` (version 2 only).
    pub dofpv_prenoffs: u32,
}

/// Size of `dof_provider_t` in DOF version 1, which ends before `dofpv_prenoffs`.
pub const DOF_PROVIDER_V1_SIZE: usize = 40;

/// `dof_probe_t`: one probe in one function.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable,
)]
#[repr(C)]
pub struct DofProbe {
    /// Base address (or offset) that the probe's offsets are relative to.
    pub dofpr_addr: u64,
    /// String-table offset of the function name.
    pub dofpr_func: u32,
    /// String-table offset of the probe name.
    pub dofpr_name: u32,
    /// String-table offset of the first native argument type; the others follow it.
    pub dofpr_nargv: u32,
    /// String-table offset of the first translated argument type; the others follow it.
    pub dofpr_xargv: u32,
    /// Index in `DOF_SECT_PRARGS` of the first argument mapping entry.
    pub dofpr_argidx: u32,
    /// Index in `DOF_SECT_PROFFS` of the first probe-site offset.
    pub dofpr_offidx: u32,
    /// Number of native argument types.
    pub dofpr_nargc: u8,
    /// Number of translated argument types (and mapping entries).
    pub dofpr_xargc: u8,
    /// Number of probe-site offsets.
    pub dofpr_noffs: u16,
    /// Index in `DOF_SECT_PRENOFFS` of the first is-enabled offset (version 2).
    pub dofpr_enoffidx: u32,
    /// Number of is-enabled offsets (version 2).
    pub dofpr_nenoffs: u16,
    /// Reserved, zero.
    pub dofpr_pad1: u16,
    /// Reserved, zero.
    pub dofpr_pad2: u32,
}

/// Size of `dof_probe_t` in DOF version 1, which ends after `dofpr_noffs` and a 32-bit pad
/// (the place of version 2's `dofpr_enoffidx`).
pub const DOF_PROBE_V1_SIZE: usize = 40;

/// `DOF_ATTR(n, d, c)`: packs a name stability, data stability and dependency class.
pub const fn dof_attr(name: u8, data: u8, class: u8) -> u32 {
    ((name as u32) << 24) | ((data as u32) << 16) | ((class as u32) << 8)
}

impl DofHdr {
    /// Reverses the byte order of every multi-byte field.
    pub fn swap_bytes(&mut self) {
        self.dofh_flags = self.dofh_flags.swap_bytes();
        self.dofh_hdrsize = self.dofh_hdrsize.swap_bytes();
        self.dofh_secsize = self.dofh_secsize.swap_bytes();
        self.dofh_secnum = self.dofh_secnum.swap_bytes();
        self.dofh_secoff = self.dofh_secoff.swap_bytes();
        self.dofh_loadsz = self.dofh_loadsz.swap_bytes();
        self.dofh_filesz = self.dofh_filesz.swap_bytes();
        self.dofh_pad = self.dofh_pad.swap_bytes();
    }
}

impl DofSec {
    /// Reverses the byte order of every multi-byte field.
    pub fn swap_bytes(&mut self) {
        self.dofs_type = self.dofs_type.swap_bytes();
        self.dofs_align = self.dofs_align.swap_bytes();
        self.dofs_flags = self.dofs_flags.swap_bytes();
        self.dofs_entsize = self.dofs_entsize.swap_bytes();
        self.dofs_offset = self.dofs_offset.swap_bytes();
        self.dofs_size = self.dofs_size.swap_bytes();
    }
}

impl DofProvider {
    /// Reverses the byte order of every field.
    pub fn swap_bytes(&mut self) {
        for field in [
            &mut self.dofpv_strtab,
            &mut self.dofpv_probes,
            &mut self.dofpv_prargs,
            &mut self.dofpv_proffs,
            &mut self.dofpv_name,
            &mut self.dofpv_provattr,
            &mut self.dofpv_modattr,
            &mut self.dofpv_funcattr,
            &mut self.dofpv_nameattr,
            &mut self.dofpv_argsattr,
            &mut self.dofpv_prenoffs,
        ] {
            *field = field.swap_bytes();
        }
    }
}

impl DofProbe {
    /// Reverses the byte order of every multi-byte field.
    pub fn swap_bytes(&mut self) {
        self.dofpr_addr = self.dofpr_addr.swap_bytes();
        for field in [
            &mut self.dofpr_func,
            &mut self.dofpr_name,
            &mut self.dofpr_nargv,
            &mut self.dofpr_xargv,
            &mut self.dofpr_argidx,
            &mut self.dofpr_offidx,
            &mut self.dofpr_enoffidx,
            &mut self.dofpr_pad2,
        ] {
            *field = field.swap_bytes();
        }
        self.dofpr_noffs = self.dofpr_noffs.swap_bytes();
        self.dofpr_nenoffs = self.dofpr_nenoffs.swap_bytes();
        self.dofpr_pad1 = self.dofpr_pad1.swap_bytes();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    // The sizes and offsets below are those of <sys/dtrace.h> on every data model.
    #[test]
    fn layouts_match_sys_dtrace_h() {
        assert_eq!(size_of::<DofHdr>(), 64);
        assert_eq!(offset_of!(DofHdr, dofh_secoff), 32);
        assert_eq!(size_of::<DofSec>(), 32);
        assert_eq!(offset_of!(DofSec, dofs_offset), 16);
        assert_eq!(size_of::<DofProvider>(), 44);
        assert_eq!(
            offset_of!(DofProvider, dofpv_prenoffs),
            DOF_PROVIDER_V1_SIZE
        );
        assert_eq!(size_of::<DofProbe>(), 48);
        assert_eq!(offset_of!(DofProbe, dofpr_nargc), 32);
        assert_eq!(offset_of!(DofProbe, dofpr_enoffidx), 36);
        assert_eq!(offset_of!(DofProbe, dofpr_nenoffs), DOF_PROBE_V1_SIZE);
    }

    #[test]
    fn attr_packing() {
        assert_eq!(dof_attr(4, 4, 5), 0x0404_0500);
    }
}
