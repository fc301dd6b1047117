use usdt_impl::record::sequence;
use usdt_impl::register::{Arch, Flavor};

use super::{code, dof, max_args, PROBE_STUB, SLOT};
use crate::provider::ProbeSpec;
use crate::ArgType::{self, *};

const START: u64 = 0x7f00_0000_1000;

fn probes() -> Vec<ProbeSpec> {
    let p = |name: &str, types: &[ArgType]| ProbeSpec {
        name: name.to_owned(),
        types: types.to_vec(),
    };
    vec![
        p("query__start", &[Str, U64]),
        p("done", &[]),
        p("six", &[I8, U8, I16, U16, I32, U32]),
    ]
}

/// The address the kernel traces for a DOF probe's offset, undoing xnu's x86_64 move.
fn traced(flavor: Flavor, arch: Arch, base: u64, offset: u32, is_enabled: bool) -> u64 {
    let at = base + u64::from(offset);
    match (flavor, arch, is_enabled) {
        (Flavor::Apple, Arch::X86_64, false) => at - 1,
        (Flavor::Apple, Arch::X86_64, true) => at + 2,
        _ => at,
    }
}

#[test]
fn x86_64_stubs_hold_the_sequences() {
    let code = code(Arch::X86_64, 2);
    assert_eq!(code.len(), 2 * SLOT);
    for slot in code.chunks(SLOT) {
        assert_eq!(slot[..5], sequence::X86_64_IS_ENABLED);
        assert_eq!(slot[5], 0xc3);
        assert_eq!(slot[PROBE_STUB..PROBE_STUB + 5], sequence::X86_64_PROBE);
        assert_eq!(slot[PROBE_STUB + 5], 0xc3);
    }
}

#[test]
fn aarch64_stubs_hold_the_sequences() {
    let code = code(Arch::Aarch64, 1);
    let word = |at: usize| u32::from_le_bytes(code[at..at + 4].try_into().unwrap());
    assert_eq!(word(0), sequence::AARCH64_IS_ENABLED);
    assert_eq!(word(4), 0xd65f_03c0);
    assert_eq!(word(PROBE_STUB), sequence::AARCH64_PROBE);
    assert_eq!(word(PROBE_STUB + 4), 0xd65f_03c0);
}

#[test]
fn the_dof_points_at_the_traced_instructions() {
    for arch in [Arch::X86_64, Arch::Aarch64] {
        for flavor in [Flavor::Solaris, Flavor::Apple] {
            let probes = probes();
            let bytes = dof("app", &probes, arch, flavor, START).unwrap();
            let model = dof::Dof::from_bytes(&bytes).unwrap();
            let code = code(arch, probes.len());
            assert_eq!(model.providers.len(), 1);
            let provider = &model.providers[0];
            assert_eq!(provider.name, "app");
            let names: Vec<&str> = provider.probes.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, ["query-start", "done", "six"], "{arch:?} {flavor:?}");
            for (i, probe) in provider.probes.iter().enumerate() {
                assert_eq!(probe.function, probes[i].name);
                let want: Vec<String> = probes[i].types.iter().map(|t| t.c_type()).collect();
                assert_eq!(probe.arg_types, want);
                assert_eq!(probe.offsets.len(), 1);
                assert_eq!(probe.enabled_offsets.len(), 1);
                let slot = START + (i * SLOT) as u64;
                let site = traced(flavor, arch, probe.address, probe.offsets[0], false);
                assert_eq!(site, slot + PROBE_STUB as u64, "{arch:?} {flavor:?}");
                let gate = traced(flavor, arch, probe.address, probe.enabled_offsets[0], true);
                let byte = |a: u64| code[(a - START) as usize];
                match arch {
                    // The trap lands on a one-byte NOP past `xorl %eax, %eax`, and on the
                    // first of the probe's NOPs.
                    Arch::X86_64 => {
                        assert_eq!(gate, slot + 3);
                        assert_eq!((byte(gate - 3), byte(gate)), (0x33, 0x90));
                        assert_eq!(byte(site), 0x90);
                    }
                    Arch::Aarch64 => assert_eq!(gate, slot),
                }
            }
        }
    }
}

#[test]
fn argument_limits_are_the_argument_registers() {
    assert_eq!(max_args(Arch::X86_64), 6);
    assert_eq!(max_args(Arch::Aarch64), 8);
}
