use super::*;
use crate::record::SiteKind;

fn site(kind: SiteKind, probe: &str, args: &[&str], address: u64) -> SiteRecord {
    SiteRecord {
        kind,
        provider: "test".into(),
        probe: probe.into(),
        args: args.iter().map(|s| s.to_string()).collect(),
        address,
    }
}

const SOLARIS: Layout = Layout {
    arch: Arch::X86_64,
    flavor: Flavor::Solaris,
    helper_base: 0,
};

fn in_main(address: u64) -> Option<Symbol> {
    (0x1000..0x2000).contains(&address).then(|| Symbol {
        name: "main".into(),
        address: 0x1000,
    })
}

#[test]
fn sites_of_one_function_form_one_probe_based_at_the_function() {
    let sites = [
        site(SiteKind::IsEnabled, "start", &[], 0x1010),
        site(SiteKind::Probe, "start", &["uint8_t"], 0x1040),
        site(SiteKind::Probe, "start", &["uint8_t"], 0x1080),
    ];
    let dof = build_model(&sites, &SOLARIS, &in_main).unwrap();
    let probe = &dof.providers[0].probes[0];
    assert_eq!(probe.function, "main");
    assert_eq!(probe.address, 0x1000);
    assert_eq!(probe.offsets, [0x40, 0x80]);
    assert_eq!(probe.enabled_offsets, [0x10]);
    assert_eq!(probe.arg_types, ["uint8_t"]);
}

#[test]
fn unnamed_sites_are_based_at_their_lowest_site() {
    let sites = [
        site(SiteKind::Probe, "stop", &[], 0x5040),
        site(SiteKind::IsEnabled, "stop", &[], 0x5010),
    ];
    let dof = build_model(&sites, &SOLARIS, &|_| None).unwrap();
    let probe = &dof.providers[0].probes[0];
    assert_eq!(probe.function, "");
    assert_eq!(probe.address, 0x5010);
    assert_eq!(probe.offsets, [0x30]);
    assert_eq!(probe.enabled_offsets, [0]);
}

#[test]
fn a_symbol_above_the_site_is_not_its_function() {
    let sites = [site(SiteKind::Probe, "p", &[], 0x10)];
    let resolve = |_| {
        Some(Symbol {
            name: "later".into(),
            address: 0x20,
        })
    };
    let dof = build_model(&sites, &SOLARIS, &resolve).unwrap();
    assert_eq!(dof.providers[0].probes[0].function, "");
}

#[test]
fn macos_x86_64_offsets_undo_the_kernel_adjustment() {
    let layout = Layout {
        arch: Arch::X86_64,
        flavor: Flavor::Apple,
        helper_base: 0x1000,
    };
    let sites = [
        site(SiteKind::IsEnabled, "start", &[], 0x1013),
        site(SiteKind::Probe, "start", &[], 0x1040),
    ];
    let dof = build_model(&sites, &layout, &in_main).unwrap();
    let probe = &dof.providers[0].probes[0];
    assert_eq!(probe.address, 0x1000);
    // xnu traces offset - 1 and enabled offset + 2.
    assert_eq!(probe.offsets, [0x41]);
    assert_eq!(probe.enabled_offsets, [0x11]);
}

#[test]
fn macos_aarch64_offsets_are_plain() {
    let layout = Layout {
        arch: Arch::Aarch64,
        flavor: Flavor::Apple,
        helper_base: 0x1000,
    };
    let sites = [site(SiteKind::Probe, "start", &[], 0x1040)];
    let dof = build_model(&sites, &layout, &in_main).unwrap();
    assert_eq!(dof.providers[0].probes[0].offsets, [0x40]);
}

#[test]
fn macos_sites_below_the_base_are_errors() {
    let layout = Layout {
        arch: Arch::X86_64,
        flavor: Flavor::Apple,
        helper_base: 0x1000,
    };
    let sites = [site(SiteKind::IsEnabled, "start", &[], 0x1001)];
    assert!(matches!(
        build_dof(&sites, &layout, &|_| None),
        Err(DofError::OffsetOutOfRange { .. })
    ));
}

#[test]
fn conflicting_argument_types_are_errors() {
    let sites = [
        site(SiteKind::Probe, "start", &["int"], 0x1010),
        site(SiteKind::Probe, "start", &["char *"], 0x1020),
    ];
    assert!(matches!(
        build_dof(&sites, &SOLARIS, &in_main),
        Err(DofError::Sites(_))
    ));
}

#[test]
fn the_document_reads_back() {
    let sites = [
        site(SiteKind::IsEnabled, "start", &[], 0x1010),
        site(SiteKind::Probe, "start", &["uint8_t"], 0x1040),
        site(SiteKind::Probe, "stop", &["char *", "uint8_t"], 0x1080),
    ];
    let bytes = build_dof(&sites, &SOLARIS, &in_main).unwrap();
    let dof = dof::Dof::from_bytes(&bytes).unwrap();
    assert_eq!(dof, build_model(&sites, &SOLARIS, &in_main).unwrap());
}

#[test]
fn registering_twice_gives_the_first_result() {
    assert_eq!(register(), register());
}
