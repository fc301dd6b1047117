//! DTrace probes of one object as [`ProbeSite`]s, from its probe records or from DOF, and the DOF
//! document `usdt::register_probes()` would build from its records.
//!
//! A row is one probe site. The is-enabled sites of the same probe in the same function are
//! its [`ProbeSite::is_enabled_sites`] (DTrace enables them together); a probe with is-enabled
//! sites only is listed once, at its first one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use object::{Architecture, BinaryFormat, Object, ObjectSegment, ReadRef};
use usdt_impl::record::{SiteKind, SiteRecord};
use usdt_impl::register::{build_dof, Arch, Flavor, Layout, Symbol};
use usdt_impl::symbols::FunctionMap;

use crate::address_space::AddressSpace;
use crate::c_types::c_arguments;
use crate::demangle::demangle;
use crate::error::Error;
use crate::file::module_name;
use crate::site::{ProbeSite, Source};

/// The parts of a [`ProbeSite`] that differ from row to row.
struct Row<'a> {
    source: Source,
    provider: &'a str,
    name: &'a str,
    function: Option<String>,
    address: u64,
    is_enabled_sites: Vec<u64>,
    types: &'a [String],
}

/// What turning DTrace descriptions of one object into probes needs to know about it.
#[derive(Debug, Clone)]
pub struct DtraceObject {
    /// The path named in probes and errors.
    pub path: PathBuf,
    /// Where its sections lie.
    pub space: AddressSpace,
    /// Its functions, named as `dladdr` names them (mangled).
    pub functions: FunctionMap,
    /// Size of a pointer, in bytes.
    pub pointer_size: u8,
    /// The instruction set, when DTrace supports it.
    pub arch: Option<Arch>,
    /// How DOF offsets are turned into addresses on its platform.
    pub flavor: Flavor,
    /// The Mach-O image base (`__TEXT`'s address), from which macOS DOF offsets are taken.
    pub image_base: u64,
}

impl DtraceObject {
    /// Describes `object`, read from `path`.
    pub fn new<'data, R: ReadRef<'data>>(
        object: &object::File<'data, R>,
        path: &Path,
    ) -> DtraceObject {
        let space = AddressSpace::new(object);
        let functions = space.functions(object);
        let macho = object.format() == BinaryFormat::MachO;
        let image_base = if macho {
            object
                .segments()
                .find(|s| s.name_bytes().ok().flatten() == Some(b"__TEXT".as_slice()))
                .map_or(0, |s| s.address())
        } else {
            0
        };
        DtraceObject {
            path: path.to_path_buf(),
            space,
            functions,
            pointer_size: if object.is_64() { 8 } else { 4 },
            arch: match object.architecture() {
                Architecture::X86_64 => Some(Arch::X86_64),
                Architecture::Aarch64 => Some(Arch::Aarch64),
                _ => None,
            },
            flavor: if macho {
                Flavor::Apple
            } else {
                Flavor::Solaris
            },
            image_base,
        }
    }

    /// One probe row.
    fn probe(&self, row: Row<'_>) -> ProbeSite {
        ProbeSite {
            source: row.source,
            provider: row.provider.to_string(),
            name: row.name.to_string(),
            module: module_name(&self.path),
            path: self.path.clone(),
            function: row.function,
            address: row.address,
            semaphore: None,
            is_enabled_sites: row.is_enabled_sites,
            arguments: c_arguments(row.types, self.pointer_size),
            arguments_raw: row.types.join(", "),
            enabled: None,
        }
    }

    /// The probes of the sites of a record section.
    pub fn record_probes(&self, sites: &[SiteRecord]) -> Vec<ProbeSite> {
        // (provider, probe, function start) → (is-enabled sites, probe sites).
        type Group<'a> = (Vec<u64>, Vec<&'a SiteRecord>);
        let mut groups: BTreeMap<(&str, &str, Option<u64>), Group<'_>> = BTreeMap::new();
        for site in sites {
            let function = self.functions.symbol_at(site.address).map(|(a, _)| a);
            let group = groups
                .entry((&site.provider, &site.probe, function))
                .or_default();
            match site.kind {
                SiteKind::IsEnabled => group.0.push(site.address),
                SiteKind::Probe => group.1.push(site),
            }
        }
        let mut probes = Vec::new();
        for ((provider, name, _), (mut enabled, fired)) in groups {
            enabled.sort_unstable();
            enabled.dedup();
            let function = |at| self.function_at(at);
            if fired.is_empty() {
                if let Some(&first) = enabled.first() {
                    probes.push(self.probe(Row {
                        source: Source::Records,
                        provider,
                        name,
                        function: function(first),
                        address: first,
                        is_enabled_sites: enabled.clone(),
                        types: &[],
                    }));
                }
            }
            for site in fired {
                probes.push(self.probe(Row {
                    source: Source::Records,
                    provider,
                    name,
                    function: function(site.address),
                    address: site.address,
                    is_enabled_sites: enabled.clone(),
                    types: &site.args,
                }));
            }
        }
        probes
    }

    /// The probes a DOF document describes, at the addresses of this file.
    pub fn dof_probes(&self, dof: &dof::Dof) -> Vec<ProbeSite> {
        let mut probes = Vec::new();
        for provider in &dof.providers {
            for p in &provider.probes {
                let base = self.dof_base(p);
                let at = |offset: u32, is_enabled: bool| {
                    let address = base.wrapping_add(u64::from(offset));
                    self.apple_site(address, is_enabled)
                };
                let enabled: Vec<u64> = p.enabled_offsets.iter().map(|&o| at(o, true)).collect();
                let mut sites: Vec<u64> = p.offsets.iter().map(|&o| at(o, false)).collect();
                let only_enabled = sites.is_empty();
                if only_enabled {
                    sites.extend(enabled.first());
                }
                for address in sites {
                    let function = if p.function.is_empty() {
                        self.function_at(address)
                    } else {
                        Some(demangle(&p.function))
                    };
                    let types = if only_enabled { &[][..] } else { &p.arg_types };
                    probes.push(self.probe(Row {
                        source: Source::Dof,
                        provider: &provider.name,
                        name: &p.name,
                        function,
                        address,
                        is_enabled_sites: enabled.clone(),
                        types,
                    }));
                }
            }
        }
        probes
    }

    /// The demangled name of the function that holds `address`.
    fn function_at(&self, address: u64) -> Option<String> {
        self.functions
            .symbol_at(address)
            .map(|(_, name)| demangle(name))
    }

    /// The address a DOF probe's offsets are taken from in this file.
    ///
    /// `dtrace -G` leaves `dofpr_addr` to be relocated, so in a relocatable object the
    /// probe's function is looked up by name; macOS offsets are from the image base.
    fn dof_base(&self, probe: &dof::Probe) -> u64 {
        if self.flavor == Flavor::Apple {
            return self.image_base;
        }
        if self.space.is_placed() && !probe.function.is_empty() {
            if let Some(address) = self.functions.address_of(&probe.function) {
                return address;
            }
        }
        probe.address
    }

    /// Undoes on x86_64 macOS what `usdt_impl` adds for the kernel's adjustment (a probe's
    /// offset points one byte past its site, an is-enabled site's two bytes before it).
    fn apple_site(&self, address: u64, is_enabled: bool) -> u64 {
        match (self.flavor, self.arch) {
            (Flavor::Apple, Some(Arch::X86_64)) if is_enabled => address.wrapping_add(2),
            (Flavor::Apple, Some(Arch::X86_64)) => address.wrapping_sub(1),
            _ => address,
        }
    }

    /// The DOF document `usdt::register_probes()` builds from `sites`, with this file's
    /// symbol table in place of `dladdr` and its link-time addresses.
    pub fn build_dof(&self, sites: &[SiteRecord]) -> Result<Vec<u8>, Error> {
        let arch = self.arch.ok_or_else(|| Error::Unsupported {
            path: self.path.clone(),
            format: "DTrace probe records for this architecture".to_string(),
        })?;
        let layout = Layout {
            arch,
            flavor: self.flavor,
            helper_base: self.image_base,
        };
        let resolve = |address| {
            self.functions
                .symbol_at(address)
                .map(|(start, name)| Symbol {
                    name: name.to_string(),
                    address: start,
                })
        };
        build_dof(sites, &layout, &resolve).map_err(|source| Error::BuildDof {
            path: self.path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use test_support::cross::{
        cross_object, link_elf, link_macho, Profile, DARWIN_AARCH64, DARWIN_X86_64, ILLUMOS,
    };

    use super::DtraceObject;
    use crate::address_space::AddressSpace;
    use crate::file::{open, parse};
    use crate::records::read_records;
    use crate::site::ProbeSite;

    /// The DOF built from the records of a build of `probe-test-macro` lists the same sites
    /// as the records do.
    fn check_dof_round_trip(path: &Path) {
        let cache = open(path, path).unwrap();
        let file = parse(&cache, path).unwrap();
        let records = read_records(&file, &AddressSpace::new(&file), path)
            .unwrap()
            .expect("the object has probe records");
        let dtrace = DtraceObject::new(&file, path);
        let bytes = dtrace.build_dof(&records.sites).unwrap();
        let from_records = dtrace.record_probes(&records.sites);
        let from_dof = dtrace.dof_probes(&dof::Dof::from_bytes(&bytes).unwrap());
        let key = |p: &ProbeSite| {
            (
                p.name.clone(),
                p.address,
                p.is_enabled_sites.clone(),
                p.function.clone(),
                p.arguments_raw.clone(),
            )
        };
        let mut a: Vec<_> = from_records.iter().map(key).collect();
        let mut b: Vec<_> = from_dof.iter().map(key).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{path:?}");
    }

    #[test]
    fn dof_lists_the_sites_of_the_records_in_objects() {
        for target in [ILLUMOS, DARWIN_X86_64, DARWIN_AARCH64] {
            if let Some(object) = cross_object("probe-test-macro", target, Profile::Release, None) {
                check_dof_round_trip(&object);
            }
        }
    }

    /// Linked: an illumos shared object (records relocated at load time) and executable,
    /// and macOS executables (with chained fixups too), whose DOF offsets are taken from
    /// the image base.
    #[test]
    fn dof_lists_the_sites_of_the_records_in_linked_files() {
        let dir = test_support::target_dir().join("usdt-cli-linked");
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(object) = cross_object("probe-test-macro", ILLUMOS, Profile::Release, None) {
            for (name, shared) in [("probe-test.so", true), ("probe-test", false)] {
                let out = dir.join(name);
                if link_elf(&object, &out, shared).is_some() {
                    check_dof_round_trip(&out);
                }
            }
        }
        for (target, arch, extra) in [
            (DARWIN_X86_64, "x86_64", &[][..]),
            (DARWIN_X86_64, "x86_64", &["-fixup_chains"][..]),
            (DARWIN_AARCH64, "arm64", &[][..]),
        ] {
            let Some(object) = cross_object("probe-test-macro", target, Profile::Release, None)
            else {
                continue;
            };
            let out = dir.join(format!("probe-test-{arch}{}", extra.len()));
            if link_macho(&object, &out, arch, extra).is_some() {
                check_dof_round_trip(&out);
            }
        }
    }
}
