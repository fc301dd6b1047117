//! From probe records to the `dof` crate's sites: function names, bases and offsets.

use crate::record::{SiteKind, SiteRecord};
use std::collections::BTreeMap;

/// The instruction set the sites were compiled for: it fixes where each site is traced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// x86_64.
    X86_64,
    /// aarch64.
    Aarch64,
}

/// How the kernel turns a DOF probe's offsets into addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// illumos and FreeBSD: address = `dofpr_addr` + offset (`dtrace_helper_provide_one`).
    Solaris,
    /// macOS: address = `dofhp_addr` (the helper's base) + offset, then moved by
    /// `fasttrap_meta_create_probe` on x86_64 (−1 for probes, +2 for is-enabled sites, as
    /// ld64's offsets point at a call's displacement); the offsets written undo that move.
    Apple,
}

impl Flavor {
    /// The DOF version the kernel accepts: 2 on illumos and FreeBSD (which take 1 and 2),
    /// 3 on macOS (which takes nothing else, `dtrace_dof_slurp`).
    pub fn dof_version(self) -> dof::Version {
        match self {
            Flavor::Solaris => dof::Version::V2,
            Flavor::Apple => dof::Version::V3,
        }
    }
}

/// Where and how the DOF will be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Instruction set of the sites.
    pub arch: Arch,
    /// Offset convention of the kernel.
    pub flavor: Flavor,
    /// The `dofhp_addr` the DOF is submitted with: the base of macOS offsets (the image's
    /// Mach-O header, below all its code); unused by illumos and FreeBSD offsets.
    pub helper_base: u64,
}

/// A function symbol, as the platform's symbol lookup (or a test's object file) knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The (mangled) symbol name.
    pub name: String,
    /// Its start address.
    pub address: u64,
}

/// Why the sites cannot become a DOF document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DofError {
    /// A macOS site lies below the helper's base or too far above it.
    #[error("site at {address:#x} cannot be expressed as a 32-bit offset from {base:#x}")]
    OffsetOutOfRange {
        /// The site.
        address: u64,
        /// The base.
        base: u64,
    },
    /// The sites cannot be grouped into probes.
    #[error(transparent)]
    Sites(#[from] dof::SiteError),
    /// The probes cannot be written as DOF the kernel accepts.
    #[error(transparent)]
    Write(#[from] dof::WriteError),
}

/// The `dof` sites for `sites`: each named by the function `resolve` finds for it (empty
/// when none), with the base its offset is taken from and the address DTrace expects.
///
/// All sites of one (provider, probe, function) share one base, so they form one DOF probe
/// whose is-enabled and probe sites are enabled together: illumos and FreeBSD take the
/// function's address, or the group's lowest site when the function is unknown; macOS takes
/// the helper's base.
pub fn dof_sites(
    sites: &[SiteRecord],
    layout: &Layout,
    resolve: &dyn Fn(u64) -> Option<Symbol>,
) -> Result<Vec<dof::Site>, DofError> {
    type Key<'a> = (&'a str, &'a str, String);
    let named: Vec<(Key<'_>, u64)> = sites
        .iter()
        .map(|site| {
            let symbol = resolve(site.address).filter(|s| s.address <= site.address);
            let (function, low) = match symbol {
                Some(s) => (s.name, s.address),
                None => (String::new(), site.address),
            };
            ((site.provider.as_str(), site.probe.as_str(), function), low)
        })
        .collect();
    let mut bases: BTreeMap<&Key<'_>, u64> = BTreeMap::new();
    for (key, low) in &named {
        let base = bases.entry(key).or_insert(*low);
        *base = (*base).min(*low);
    }
    sites
        .iter()
        .zip(&named)
        .map(|(site, (key, _))| {
            let (function_address, site_address) = match layout.flavor {
                Flavor::Solaris => (
                    bases.get(key).copied().unwrap_or(site.address),
                    site.address,
                ),
                Flavor::Apple => (layout.helper_base, apple_address(site, layout)?),
            };
            Ok(dof::Site {
                provider: site.provider.clone(),
                probe: site.probe.clone(),
                function: key.2.clone(),
                function_address,
                site_address,
                is_enabled: site.kind == SiteKind::IsEnabled,
                arg_types: site.args.clone(),
            })
        })
        .collect()
}

/// The address to write for a macOS site so that xnu's x86_64 adjustment lands on it.
fn apple_address(site: &SiteRecord, layout: &Layout) -> Result<u64, DofError> {
    let adjust: i64 = match (layout.arch, site.kind) {
        (Arch::X86_64, SiteKind::Probe) => 1,
        (Arch::X86_64, SiteKind::IsEnabled) => -2,
        (Arch::Aarch64, _) => 0,
    };
    site.address
        .checked_add_signed(adjust)
        .filter(|a| {
            a.checked_sub(layout.helper_base)
                .is_some_and(|d| d <= u64::from(u32::MAX))
        })
        .ok_or(DofError::OffsetOutOfRange {
            address: site.address,
            base: layout.helper_base,
        })
}
