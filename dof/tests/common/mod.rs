//! Shared fixtures: the example provider and proptest strategies for models.
#![allow(dead_code)] // Each test crate uses a different part.

use dof::{Attribute, DependencyClass, Dof, Probe, Provider, ProviderAttributes, Stability};
use proptest::prelude::*;

/// Provider `test` with `start(uint8_t)` in `main` at 0x401000 and `stop(char *, uint8_t)` in
/// `run_worker` at 0x402000; all numbers are made up but fixed.
pub fn example() -> Dof {
    let types = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut start = Probe::new("start", "main", 0x40_1000, types(&["uint8_t"]));
    start.offsets = vec![0x24];
    start.enabled_offsets = vec![0x10];
    let mut stop = Probe::new(
        "stop",
        "run_worker",
        0x40_2000,
        types(&["char *", "uint8_t"]),
    );
    stop.offsets = vec![0x30, 0x88];
    let mut provider = Provider::new("test");
    provider.probes = vec![start, stop];
    Dof::new(vec![provider])
}

fn attribute() -> impl Strategy<Value = Attribute> {
    (0u8..=7, 0u8..=7, 0u8..=5).prop_map(|(n, d, c)| Attribute {
        name: Stability::from_u8(n).unwrap_or(Stability::Unstable),
        data: Stability::from_u8(d).unwrap_or(Stability::Unstable),
        class: DependencyClass::from_u8(c).unwrap_or(DependencyClass::Common),
    })
}

fn attributes() -> impl Strategy<Value = ProviderAttributes> {
    (
        attribute(),
        attribute(),
        attribute(),
        attribute(),
        attribute(),
    )
        .prop_map(
            |(provider, module, function, name, args)| ProviderAttributes {
                provider,
                module,
                function,
                name,
                args,
            },
        )
}

/// A probe with 0..12 arguments, sometimes translated differently, and at least one site.
pub fn probe() -> impl Strategy<Value = Probe> {
    (
        "[a-zA-Z0-9_é-]{0,30}",
        "[a-zA-Z0-9_:<>é]{0,60}",
        any::<u64>(),
        prop::collection::vec("[a-z_ *0-9]{1,30}", 0..12),
        prop::collection::vec(any::<u32>(), 0..5),
        prop::collection::vec(any::<u32>(), 0..3),
        prop::collection::vec(("[a-z_ *]{1,20}", any::<u8>()), 0..12),
        any::<bool>(),
    )
        .prop_map(
            |(name, function, address, args, mut offsets, enabled, xlate, translate)| {
                if offsets.is_empty() && enabled.is_empty() {
                    offsets.push(0);
                }
                let mut probe = Probe::new(name, function, address, args);
                probe.offsets = offsets;
                probe.enabled_offsets = enabled;
                // Translated arguments must each name an existing native argument.
                if translate && !probe.arg_types.is_empty() {
                    let native = probe.arg_types.len();
                    probe.translated_types = xlate.iter().map(|(t, _)| t.clone()).collect();
                    probe.arg_mapping = xlate.iter().map(|(_, n)| n % native as u8).collect();
                }
                probe
            },
        )
}

/// A provider with 1..6 probes.
pub fn provider() -> impl Strategy<Value = Provider> {
    (
        "[a-z][a-z0-9_]{0,20}",
        attributes(),
        prop::collection::vec(probe(), 1..6),
    )
        .prop_map(|(name, attributes, probes)| Provider {
            name,
            attributes,
            probes,
        })
}

/// A document with 0..4 providers.
pub fn dof() -> impl Strategy<Value = Dof> {
    prop::collection::vec(provider(), 0..4).prop_map(Dof::new)
}
