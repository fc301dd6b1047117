//! Building a document from probe-site records, as a program finds them in its binary.

use std::collections::HashMap;

use crate::error::SiteError;
use crate::write::MAX_FUNCTION_NAME;
use crate::{Dof, Probe, Provider};

/// One probe site or is-enabled site, as a program records it for each probe use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Provider name.
    pub provider: String,
    /// Probe name.
    pub probe: String,
    /// Name of the function holding the site.
    pub function: String,
    /// Address the site's offset is taken from: the function's start, or the site itself
    /// when the function is unknown.
    pub function_address: u64,
    /// Address of the site's instruction.
    pub site_address: u64,
    /// Whether the site tests whether the probe is enabled rather than firing it.
    pub is_enabled: bool,
    /// C types of the probe's arguments.
    pub arg_types: Vec<String>,
}

/// A probe under construction, with whether its types came from a firing site.
struct Building {
    probe: Probe,
    typed_by_probe_site: bool,
}

impl Dof {
    /// Groups sites into providers and probes and derives each probe's offsets.
    ///
    /// - Providers keep the order in which their first site appears; so do probes within a
    ///   provider. Providers get the default attributes.
    /// - A probe is one (probe name, function name, function address): the same probe used in
    ///   two functions is two `dof_probe_t`s, as `dtrace -G` writes them.
    /// - Each site's offset is `site_address - function_address`, which must be non-negative
    ///   and fit in 32 bits; probe sites go to [`Probe::offsets`], is-enabled sites to
    ///   [`Probe::enabled_offsets`], each sorted with duplicates removed. [`Probe::address`] is
    ///   the function address.
    /// - Argument types come from the probe's firing sites, which must agree; is-enabled sites'
    ///   types count only for a probe that has no firing site. Translated types equal the
    ///   native ones, mapped one to one.
    /// - Function names longer than DTrace allows are cut to its limit (at a character
    ///   boundary); they only label the probe.
    pub fn from_sites<I: IntoIterator<Item = Site>>(sites: I) -> Result<Dof, SiteError> {
        let mut providers: Vec<(Provider, Vec<Building>)> = Vec::new();
        let mut provider_index: HashMap<String, usize> = HashMap::new();
        let mut probe_index: HashMap<(usize, String, String, u64), usize> = HashMap::new();

        for site in sites {
            let function = truncate(&site.function, MAX_FUNCTION_NAME).to_owned();
            let id = || format!("{}:{}:{}", site.provider, function, site.probe);
            let offset = site_offset(&site).map_err(|far| {
                if far {
                    SiteError::TooFar {
                        probe: id(),
                        function_address: site.function_address,
                        site_address: site.site_address,
                    }
                } else {
                    SiteError::BeforeFunction {
                        probe: id(),
                        function_address: site.function_address,
                        site_address: site.site_address,
                    }
                }
            })?;

            let p = *provider_index
                .entry(site.provider.clone())
                .or_insert_with(|| {
                    providers.push((Provider::new(site.provider.clone()), Vec::new()));
                    providers.len() - 1
                });
            let probes = &mut providers[p].1;
            let key = (
                p,
                site.probe.clone(),
                function.clone(),
                site.function_address,
            );
            let index = *probe_index.entry(key).or_insert_with(|| {
                probes.push(Building {
                    probe: Probe::new(
                        site.probe.clone(),
                        function.clone(),
                        site.function_address,
                        site.arg_types.clone(),
                    ),
                    typed_by_probe_site: !site.is_enabled,
                });
                probes.len() - 1
            });
            let building = &mut probes[index];

            if site.is_enabled {
                building.probe.enabled_offsets.push(offset);
                continue;
            }
            building.probe.offsets.push(offset);
            if !building.typed_by_probe_site {
                let probe = &building.probe;
                building.probe = Probe {
                    offsets: probe.offsets.clone(),
                    enabled_offsets: probe.enabled_offsets.clone(),
                    ..Probe::new(
                        probe.name.clone(),
                        probe.function.clone(),
                        probe.address,
                        site.arg_types.clone(),
                    )
                };
                building.typed_by_probe_site = true;
            } else if building.probe.arg_types != site.arg_types {
                return Err(SiteError::ArgTypesDiffer {
                    probe: id(),
                    first: building.probe.arg_types.clone(),
                    other: site.arg_types,
                });
            }
        }

        let providers = providers
            .into_iter()
            .map(|(mut provider, probes)| {
                provider.probes = probes
                    .into_iter()
                    .map(|mut b| {
                        b.probe.offsets.sort_unstable();
                        b.probe.offsets.dedup();
                        b.probe.enabled_offsets.sort_unstable();
                        b.probe.enabled_offsets.dedup();
                        b.probe
                    })
                    .collect();
                provider
            })
            .collect();
        Ok(Dof { providers })
    }
}

/// The site's offset from its function, or whether it is too far (`true`) or before (`false`).
fn site_offset(site: &Site) -> Result<u32, bool> {
    let distance = site
        .site_address
        .checked_sub(site.function_address)
        .ok_or(false)?;
    u32::try_from(distance).map_err(|_| true)
}

/// The longest prefix of `s` of at most `max` bytes that ends at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(probe: &str, function: &str, at: u64, enabled: bool, args: &[&str]) -> Site {
        Site {
            provider: "p".into(),
            probe: probe.into(),
            function: function.into(),
            function_address: 0x1000,
            site_address: at,
            is_enabled: enabled,
            arg_types: args.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn groups_and_sorts_offsets() {
        let dof = Dof::from_sites([
            site("a", "f", 0x1030, false, &["int"]),
            site("a", "f", 0x1010, true, &[]),
            site("a", "f", 0x1020, false, &["int"]),
            site("a", "f", 0x1020, false, &["int"]),
            site("b", "f", 0x1000, false, &[]),
        ])
        .unwrap();
        let probes = &dof.providers[0].probes;
        assert_eq!(probes.len(), 2);
        assert_eq!(probes[0].offsets, [0x20, 0x30]);
        assert_eq!(probes[0].enabled_offsets, [0x10]);
        assert_eq!(probes[0].arg_types, ["int"]);
        assert_eq!(probes[0].arg_mapping, [0]);
        assert_eq!(probes[1].name, "b");
    }

    #[test]
    fn is_enabled_site_first_does_not_fix_types() {
        let dof = Dof::from_sites([
            site("a", "f", 0x1010, true, &[]),
            site("a", "f", 0x1020, false, &["char *", "int"]),
        ])
        .unwrap();
        let probe = &dof.providers[0].probes[0];
        assert_eq!(probe.arg_types, ["char *", "int"]);
        assert_eq!(probe.translated_types, probe.arg_types);
        assert_eq!(probe.enabled_offsets, [0x10]);
    }

    #[test]
    fn rejects_bad_sites() {
        let err = Dof::from_sites([site("a", "f", 0xfff, false, &[])]).unwrap_err();
        assert!(matches!(err, SiteError::BeforeFunction { .. }), "{err}");
        let err = Dof::from_sites([site("a", "f", 0x1_0000_1000, false, &[])]).unwrap_err();
        assert!(matches!(err, SiteError::TooFar { .. }), "{err}");
        let err = Dof::from_sites([
            site("a", "f", 0x1001, false, &["int"]),
            site("a", "f", 0x1002, false, &["long"]),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "sites of `p:f:a` disagree about its argument types: (int) and (long)"
        );
    }

    #[test]
    fn truncates_long_function_names() {
        let long = "é".repeat(100);
        let dof = Dof::from_sites([site("a", &long, 0x1000, false, &[])]).unwrap();
        let function = &dof.providers[0].probes[0].function;
        assert!(function.len() <= MAX_FUNCTION_NAME);
        assert!(long.starts_with(function.as_str()));
    }
}
