//! The probe records that every DTrace probe site leaves in the binary, and their reader.
//!
//! # Where the records live
//!
//! Each site of the `usdt` crate's DTrace backend appends one record to a section of its
//! own, so the linker gathers the records of every crate in the binary (libraries
//! included) into one array:
//!
//! - ELF (illumos, FreeBSD): section `set_dtrace_probes` (flags `awR`: writable because the
//!   addresses are relocated at load time, retained against `--gc-sections`), bounded by
//!   the linker-made symbols `__start_set_dtrace_probes` and `__stop_set_dtrace_probes`;
//! - Mach-O (macOS): section `__DATA,__dtrace_probes` (`no_dead_strip`), bounded by
//!   `section$start$__DATA$__dtrace_probes` and `section$end$__DATA$__dtrace_probes`.
//!
//! # Record format, version 1
//!
//! Records start on 8-byte boundaries (relative to the start of the section) and are
//! padded with zeros to a multiple of 8 bytes. All integers are little-endian (every
//! DTrace target is).
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 1 | version: `1`. `0` is not a version: an 8-byte all-zero word where a record would start is padding (linkers may align input sections), and is skipped |
//! | 1 | 1 | kind: `0` probe site, `1` is-enabled site |
//! | 2 | 1 | argument count `n` (0 for is-enabled sites) |
//! | 3 | 1 | reserved, `0` |
//! | 4 | 4 | record length in bytes, header and padding included (a multiple of 8) |
//! | 8 | 8 | address of the traced instruction (absolute, relocated by the linker and loader) |
//! | 16 | … | provider name, NUL-terminated |
//! | … | … | probe name as DTrace spells it (`transaction-start`), NUL-terminated |
//! | … | … | `n` native C argument types (`char *`, `uint8_t`), each NUL-terminated |
//! | … | … | zero padding to the record length |
//!
//! The function that holds a site is not recorded: the assembler cannot name it. It is
//! found at registration (see [`crate::register`]).
//!
//! # The instruction sequences, and where DTrace defines them
//!
//! The recorded address is the instruction `fasttrap` traps, which must be what the
//! platform's own tools leave there for a C probe:
//!
//! - **x86_64, is-enabled**: `33 c0 90 90 90` (`xorl %eax,%eax; nop; nop; nop`), traced at
//!   byte 3. ld64 writes exactly these bytes (`OutputFile.cpp`,
//!   `kindStoreX86DtraceIsEnableSiteClear`) and xnu traces two bytes past the call's
//!   displacement, i.e. byte 3 (`fasttrap.c`, `fasttrap_meta_create_probe`); illumos
//!   `dt_modtext` (`dt_link.c`) writes `48 33 c0 90 90` for LP64 objects and records byte 3
//!   too. Either way the trap lands on a one-byte NOP, which `fasttrap_pid_probe`
//!   (`fasttrap_isa.c`) skips after setting `%rax` to 1 (`is_enabled`).
//! - **x86_64, probe**: `90 90 90 90 90`, traced at byte 0, as `dt_modtext` writes it
//!   (ld64 writes `90 0f 1f 40 00`, also traced at byte 0: any NOP works, `fasttrap`
//!   emulates it). Arguments in `rdi, rsi, rdx, rcx, r8, r9`, where `fasttrap_usdt_args64`
//!   and `fasttrap_anarg` read them, and from the seventh at `%rsp + 8 * (i - 6)`.
//! - **aarch64, is-enabled**: `movz x0, #0` (`d2800000`), **probe**: `nop` (`d503201f`),
//!   both traced at offset 0: ld64's `kindStoreARM64DtraceIsEnableSiteClear` and
//!   `kindStoreARM64DtraceCallSiteNop`, and xnu's "all ARM and ARM64 probes are zero
//!   offset". Arguments in `x0`-`x7`, and from the ninth at `sp + 8 * (i - 8)`.

mod error;

pub use error::RecordError;

/// The instruction sequences described above, as bytes, for code that writes sites at run
/// time (run-time providers' stubs), and the offset of the traced instruction in each.
pub mod sequence {
    /// x86_64 is-enabled: `xorl %eax, %eax; nop; nop; nop`.
    pub const X86_64_IS_ENABLED: [u8; 5] = [0x33, 0xc0, 0x90, 0x90, 0x90];
    /// Where the x86_64 is-enabled sequence is traced.
    pub const X86_64_IS_ENABLED_TRACED: usize = 3;
    /// x86_64 probe: five one-byte NOPs, traced at the first.
    pub const X86_64_PROBE: [u8; 5] = [0x90; 5];
    /// aarch64 is-enabled: `movz x0, #0`, traced at offset 0.
    pub const AARCH64_IS_ENABLED: u32 = 0xd280_0000;
    /// aarch64 probe: `nop`, traced at offset 0.
    pub const AARCH64_PROBE: u32 = 0xd503_201f;
}

/// The record version this reader understands.
pub const RECORD_VERSION: u8 = 1;

/// Size of a record's fixed header.
pub const RECORD_HEADER_LEN: usize = 16;

/// Records are aligned (and padded) to this many bytes.
pub const RECORD_ALIGN: usize = 8;

/// What a site is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SiteKind {
    /// The probe itself: DTrace traps here and reads the arguments.
    Probe,
    /// The is-enabled check in front of it.
    IsEnabled,
}

/// One probe or is-enabled site, as read from its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRecord {
    /// Probe or is-enabled site.
    pub kind: SiteKind,
    /// Provider name.
    pub provider: String,
    /// Probe name as DTrace spells it.
    pub probe: String,
    /// Native C argument types (empty for is-enabled sites).
    pub args: Vec<String>,
    /// Address of the traced instruction.
    pub address: u64,
}

/// Read every record of a record section. Never panics, whatever the input.
pub fn parse_records(bytes: &[u8]) -> Result<Vec<SiteRecord>, RecordError> {
    let mut sites = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        if rest[0] == 0 {
            // Padding: a whole aligned word of zeros (or the zero tail of the section).
            let word = &rest[..rest.len().min(RECORD_ALIGN)];
            if word.iter().any(|&b| b != 0) {
                return Err(RecordError::BadPadding { offset });
            }
            offset += word.len();
            continue;
        }
        let (site, len) = parse_one(rest).map_err(|e| e.at(offset))?;
        sites.push(site);
        offset += len;
    }
    Ok(sites)
}

/// One record at the start of `bytes`: the site and the record's length. Offsets in errors
/// are relative to the record; the caller makes them absolute.
fn parse_one(bytes: &[u8]) -> Result<(SiteRecord, usize), RecordError> {
    let header = bytes
        .get(..RECORD_HEADER_LEN)
        .ok_or(RecordError::Truncated { offset: 0 })?;
    let version = header[0];
    if version != RECORD_VERSION {
        return Err(RecordError::UnknownVersion { offset: 0, version });
    }
    let kind = match header[1] {
        0 => SiteKind::Probe,
        1 => SiteKind::IsEnabled,
        other => {
            return Err(RecordError::BadKind {
                offset: 0,
                kind: other,
            })
        }
    };
    let nargs = header[2];
    let declared = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let len = usize::try_from(declared).map_err(|_| RecordError::BadLength {
        offset: 0,
        length: declared,
    })?;
    if len < RECORD_HEADER_LEN || len % RECORD_ALIGN != 0 {
        return Err(RecordError::BadLength {
            offset: 0,
            length: declared,
        });
    }
    let record = bytes
        .get(..len)
        .ok_or(RecordError::Truncated { offset: 0 })?;
    let mut address = [0u8; 8];
    address.copy_from_slice(&header[8..16]);
    let address = u64::from_le_bytes(address);

    let mut strings = Strings {
        bytes: record,
        pos: RECORD_HEADER_LEN,
    };
    let provider = strings.next()?;
    let probe = strings.next()?;
    if provider.is_empty() || probe.is_empty() {
        return Err(RecordError::EmptyName { offset: 0 });
    }
    let args = (0..nargs)
        .map(|_| strings.next())
        .collect::<Result<Vec<_>, _>>()?;
    if kind == SiteKind::IsEnabled && !args.is_empty() {
        return Err(RecordError::IsEnabledWithArguments { offset: 0 });
    }
    if record[strings.pos..].iter().any(|&b| b != 0) {
        return Err(RecordError::BadPadding {
            offset: strings.pos,
        });
    }
    let site = SiteRecord {
        kind,
        provider,
        probe,
        args,
        address,
    };
    Ok((site, len))
}

/// NUL-terminated UTF-8 strings read one after another from a record.
struct Strings<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Strings<'_> {
    fn next(&mut self) -> Result<String, RecordError> {
        let offset = self.pos;
        let rest = self.bytes.get(offset..).unwrap_or_default();
        let nul = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(RecordError::UnterminatedString { offset })?;
        let s = std::str::from_utf8(&rest[..nul]).map_err(|_| RecordError::NotUtf8 { offset })?;
        self.pos = offset + nul + 1;
        Ok(s.to_owned())
    }
}

#[cfg(test)]
mod tests;
