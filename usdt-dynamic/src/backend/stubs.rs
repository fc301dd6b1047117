//! The DTrace backend's probe stubs and DOF document, as libusdt makes them: for each probe
//! an is-enabled function and a probe function holding the sequences DTrace's `fasttrap`
//! traces in compiled probes, and a DOF document naming them, built the way static
//! registration builds its own ([`usdt_impl::register::build_dof`]).
//!
//! Each probe has a 32-byte slot: its is-enabled stub at 0, its probe stub at 16.
//!
//! | arch | is-enabled stub | probe stub |
//! | --- | --- | --- |
//! | x86_64 | `33 c0 90 90 90` (traced at 3), `ret`: returns 0, or 1 once traced | `pop %r11`, five NOPs (traced at the first), `push %r11`, `ret` |
//! | aarch64 | `movz x0, #0` (traced), `ret` | `nop` (traced), `ret` |
//!
//! The sequences and where each is traced are [`usdt_impl::record::sequence`]'s.
//!
//! # Arguments
//!
//! A probe takes up to 12 arguments, as static probes. The probe stub is called as a C
//! function of 12 (or, for a short probe, 6 or 8) 64-bit words, so the first 6 (x86_64) or
//! 8 (aarch64) are in the argument registers and the rest on the caller's stack, from its
//! stack pointer up. `fasttrap` reads them at the traced instruction as at a static site
//! (the `usdt` crate's `site/dtrace.rs`): the registers, then argument `i` at
//! `%rsp + 8 * (i - 6)` on x86_64 and `sp + 8 * (i - 8)` on aarch64.
//!
//! - aarch64: `bl` leaves the return address in `x30`, so at the stub's `nop` `sp` is the
//!   caller's and argument 8 is at `[sp]`. (Every argument is a 64-bit word, so each takes
//!   an 8-byte slot under Apple's ABI too, which packs smaller ones.)
//! - x86_64: `call` pushes the return address on top of the arguments. The stub pops it
//!   into `%r11` (a scratch register, and no argument register, in the System V ABI) before
//!   its NOPs, so at the traced NOP `%rsp` is the caller's again and argument 6 is at
//!   `(%rsp)`; it pushes it back before `ret`, so that calls and returns stay paired for
//!   the processor's return predictor. A signal in between finds the return address in a
//!   register, which the kernel saves and restores.
//!
//! The unit tests run the stubs with a trap at the traced instructions, as `fasttrap` plants
//! one, and read the arguments where it does.

use usdt_impl::record::{self, sequence, SiteKind};
use usdt_impl::register::{build_dof, Arch, Flavor, Layout, Symbol};

use crate::provider::ProbeSpec;
use crate::Error;

/// The stubs mapped executable, and the calls into them (wherever `libc` is at hand).
#[cfg(all(
    any(
        target_os = "linux",
        target_os = "illumos",
        target_os = "solaris",
        target_os = "freebsd",
        target_os = "macos"
    ),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub(crate) mod exec;

/// Bytes per probe: its two stubs, each on a 16-byte boundary.
pub(crate) const SLOT: usize = 32;
/// Where a slot's probe stub starts.
pub(crate) const PROBE_STUB: usize = 16;

/// x86_64 `ret`.
const X86_64_RET: u8 = 0xc3;
/// x86_64 `int3`, between the stubs.
const X86_64_INT3: u8 = 0xcc;
/// x86_64 `pop %r11`: the return address out of the way of the stack arguments.
const X86_64_POP_R11: [u8; 2] = [0x41, 0x5b];
/// x86_64 `push %r11`: the return address back.
const X86_64_PUSH_R11: [u8; 2] = [0x41, 0x53];
/// aarch64 `ret`.
const AARCH64_RET: u32 = 0xd65f_03c0;

/// How many arguments `arch`'s C calling convention passes in registers; from there on,
/// argument `i` is on the stack at `8 * (i - register_args(arch))` from the stack pointer.
pub(crate) const fn register_args(arch: Arch) -> usize {
    match arch {
        Arch::X86_64 => 6,
        Arch::Aarch64 => 8,
    }
}

/// Where DTrace traces a slot's is-enabled stub, from the slot's start.
pub(crate) fn is_enabled_traced(arch: Arch) -> usize {
    match arch {
        Arch::X86_64 => sequence::X86_64_IS_ENABLED_TRACED,
        Arch::Aarch64 => 0,
    }
}

/// Where DTrace traces a slot's probe stub, from the slot's start: the first instruction
/// of the probe sequence, past the x86_64 `pop`.
pub(crate) fn probe_traced(arch: Arch) -> usize {
    match arch {
        Arch::X86_64 => PROBE_STUB + X86_64_POP_R11.len(),
        Arch::Aarch64 => PROBE_STUB,
    }
}

/// Writes `parts` one after the other into `out` from `at`.
fn put(out: &mut [u8], at: usize, parts: &[&[u8]]) {
    let mut at = at;
    for part in parts {
        out[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
}

/// aarch64 instruction words, as bytes.
fn words(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// One probe's slot.
fn slot(arch: Arch) -> [u8; SLOT] {
    match arch {
        Arch::X86_64 => {
            let mut out = [X86_64_INT3; SLOT];
            put(&mut out, 0, &[&sequence::X86_64_IS_ENABLED, &[X86_64_RET]]);
            put(
                &mut out,
                PROBE_STUB,
                &[
                    &X86_64_POP_R11,
                    &sequence::X86_64_PROBE,
                    &X86_64_PUSH_R11,
                    &[X86_64_RET],
                ],
            );
            out
        }
        Arch::Aarch64 => {
            // Zero words between the stubs: `udf #0`.
            let mut out = [0; SLOT];
            put(
                &mut out,
                0,
                &[&words(&[sequence::AARCH64_IS_ENABLED, AARCH64_RET])],
            );
            put(
                &mut out,
                PROBE_STUB,
                &[&words(&[sequence::AARCH64_PROBE, AARCH64_RET])],
            );
            out
        }
    }
}

/// The code of `n` probes' stubs.
pub(crate) fn code(arch: Arch, n: usize) -> Vec<u8> {
    std::iter::repeat_n(slot(arch), n).flatten().collect()
}

/// The DOF document for `probes` of `provider` with their stubs at `start`, for `arch` and
/// the kernel's `flavor`. The function of each probe is its own name; `start` is the
/// helper's base address.
pub(crate) fn dof(
    provider: &str,
    probes: &[ProbeSpec],
    arch: Arch,
    flavor: Flavor,
    start: u64,
) -> Result<Vec<u8>, Error> {
    let slot_of = |i: usize| start + (i * SLOT) as u64;
    let mut sites = Vec::with_capacity(2 * probes.len());
    for (i, probe) in probes.iter().enumerate() {
        let name = dtrace_parser::dtrace_probe_name(&probe.name);
        sites.push(record::SiteRecord {
            kind: SiteKind::IsEnabled,
            provider: provider.to_owned(),
            probe: name.clone(),
            args: Vec::new(),
            address: slot_of(i) + is_enabled_traced(arch) as u64,
        });
        sites.push(record::SiteRecord {
            kind: SiteKind::Probe,
            provider: provider.to_owned(),
            probe: name,
            args: probe.types.iter().map(|t| t.c_type()).collect(),
            address: slot_of(i) + probe_traced(arch) as u64,
        });
    }
    let resolve = |address: u64| {
        let i = usize::try_from(address.checked_sub(start)?).ok()? / SLOT;
        Some(Symbol {
            name: probes.get(i)?.name.clone(),
            address: slot_of(i),
        })
    };
    let layout = Layout {
        arch,
        flavor,
        helper_base: start,
    };
    build_dof(&sites, &layout, &resolve).map_err(|e| Error::Build(e.to_string()))
}

#[cfg(test)]
mod tests;
