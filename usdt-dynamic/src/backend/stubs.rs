//! The DTrace backend's probe stubs and DOF document, as libusdt makes them: for each probe
//! an is-enabled function and a probe function holding the sequences DTrace's `fasttrap`
//! traces in compiled probes, and a DOF document naming them, built the way static
//! registration builds its own ([`usdt_impl::register::build_dof`]).
//!
//! Each probe has a 16-byte slot: its is-enabled stub at 0, its probe stub at 8.
//!
//! | arch | is-enabled stub | probe stub |
//! | --- | --- | --- |
//! | x86_64 | `33 c0 90 90 90`, `ret`: returns 0, or 1 once traced | five NOPs, `ret` |
//! | aarch64 | `movz x0, #0`, `ret` | `nop`, `ret` |
//!
//! The sequences and where each is traced are [`usdt_impl::record::sequence`]'s. The probe
//! stub is called with the arguments in the argument registers, where `fasttrap` reads them,
//! so a probe has at most 6 arguments on x86_64 and 8 on aarch64, as static probes.

use usdt_impl::record::{sequence, Site, SiteKind};
use usdt_impl::register::{build_dof, Arch, Flavor, Layout, Symbol};

use crate::provider::ProbeSpec;
use crate::Error;

/// Bytes per probe.
pub(crate) const SLOT: usize = 16;
/// Where a slot's probe stub starts.
pub(crate) const PROBE_STUB: usize = 8;

/// The most arguments a probe takes on `arch`: its argument registers.
pub(crate) const fn max_args(arch: Arch) -> usize {
    match arch {
        Arch::X86_64 => 6,
        Arch::Aarch64 => 8,
    }
}

/// One probe's slot.
fn slot(arch: Arch) -> [u8; SLOT] {
    let mut out = [0u8; SLOT];
    match arch {
        Arch::X86_64 => {
            const RET: u8 = 0xc3;
            const INT3: u8 = 0xcc;
            let is_enabled = sequence::X86_64_IS_ENABLED;
            let probe = sequence::X86_64_PROBE;
            out[..5].copy_from_slice(&is_enabled);
            out[5..8].copy_from_slice(&[RET, INT3, INT3]);
            out[8..13].copy_from_slice(&probe);
            out[13..].copy_from_slice(&[RET, INT3, INT3]);
        }
        Arch::Aarch64 => {
            const RET: u32 = 0xd65f_03c0;
            let words = [
                sequence::AARCH64_IS_ENABLED,
                RET,
                sequence::AARCH64_PROBE,
                RET,
            ];
            for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
        }
    }
    out
}

/// The code of `n` probes' stubs.
pub(crate) fn code(arch: Arch, n: usize) -> Vec<u8> {
    std::iter::repeat_n(slot(arch), n).flatten().collect()
}

/// Where DTrace traces the is-enabled stub, from its start.
fn is_enabled_traced(arch: Arch) -> usize {
    match arch {
        Arch::X86_64 => sequence::X86_64_IS_ENABLED_TRACED,
        Arch::Aarch64 => 0,
    }
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
        sites.push(Site {
            kind: SiteKind::IsEnabled,
            provider: provider.to_owned(),
            probe: name.clone(),
            args: Vec::new(),
            address: slot_of(i) + is_enabled_traced(arch) as u64,
        });
        sites.push(Site {
            kind: SiteKind::Probe,
            provider: provider.to_owned(),
            probe: name,
            args: probe.types.iter().map(|t| t.c_type()).collect(),
            address: slot_of(i) + PROBE_STUB as u64,
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
