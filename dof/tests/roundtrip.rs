//! Serialize -> deserialize round trips on generated providers, in both byte orders.

mod common;

use dof::{DataModel, Dof, DofFile, Encoding};
use proptest::prelude::*;

fn model_and_encoding() -> impl Strategy<Value = (DataModel, Encoding)> {
    (
        prop_oneof![Just(DataModel::Lp64), Just(DataModel::Ilp32)],
        prop_oneof![Just(Encoding::Lsb), Just(Encoding::Msb)],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn native_round_trip(dof in common::dof()) {
        let bytes = dof.to_bytes().unwrap();
        prop_assert_eq!(Dof::from_bytes(&bytes).unwrap(), dof.clone());
        // Writing what was read gives the same bytes.
        prop_assert_eq!(Dof::from_bytes(&bytes).unwrap().to_bytes().unwrap(), bytes);
    }

    #[test]
    fn foreign_round_trip(dof in common::dof(), (model, encoding) in model_and_encoding()) {
        let bytes = dof.to_bytes_for(model, encoding).unwrap();
        let file = DofFile::parse(&bytes).unwrap();
        prop_assert_eq!(file.header.model, model);
        prop_assert_eq!(file.header.encoding, encoding);
        prop_assert_eq!(file.header.file_size, bytes.len() as u64);
        prop_assert_eq!(&file.dof, &dof);
        // The dump names every provider and probe.
        let text = file.to_string();
        for provider in &dof.providers {
            for probe in &provider.probes {
                let id = format!("probe {}::{}:{}", provider.name, probe.function, probe.name);
                prop_assert!(text.contains(&id), "{} missing from\n{}", id, text);
            }
        }
    }

    #[test]
    fn trailing_bytes_are_ignored(dof in common::dof(), tail in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = dof.to_bytes().unwrap();
        bytes.extend(tail);
        prop_assert_eq!(Dof::from_bytes(&bytes).unwrap(), dof);
    }
}

#[test]
fn sites_round_trip() {
    let sites = (0..20u64).map(|i| dof::Site {
        provider: format!("p{}", i % 3),
        probe: format!("probe{}", i % 4),
        function: format!("f{}", i % 2),
        function_address: 0x1000 * (i % 2 + 1),
        site_address: 0x1000 * (i % 2 + 1) + 8 * i,
        is_enabled: i % 5 == 0,
        arg_types: vec!["int".into(); (i % 4) as usize],
    });
    let dof = Dof::from_sites(sites).unwrap();
    let bytes = dof.to_bytes().unwrap();
    assert_eq!(Dof::from_bytes(&bytes).unwrap(), dof);
}
