use usdt_impl::record::sequence;
use usdt_impl::register::{Arch, Flavor};

use super::{code, dof, is_enabled_traced, probe_traced, PROBE_STUB, SLOT};
use crate::provider::ProbeSpec;
use crate::ArgType::{self, *};

#[cfg(target_os = "linux")]
mod decode;
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod trap;

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
        p(
            "twelve",
            &[Str, I32, U8, I64, U16, Str, I8, U32, Str, I16, U64, Str],
        ),
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

/// Where the kernel traces each probe's probe and is-enabled sites, from the start of the
/// stubs, as the DOF document for `probes()` built for `arch` and `flavor` says.
fn traced_offsets(arch: Arch, flavor: Flavor) -> Vec<(usize, usize)> {
    let bytes = dof("app", &probes(), arch, flavor, START).unwrap();
    let model = dof::Dof::from_bytes(&bytes).unwrap();
    model.providers[0]
        .probes
        .iter()
        .map(|probe| {
            assert_eq!(probe.offsets.len(), 1);
            assert_eq!(probe.enabled_offsets.len(), 1);
            let at = |offset, is_enabled| {
                let address = traced(flavor, arch, probe.address, offset, is_enabled);
                usize::try_from(address - START).unwrap()
            };
            (
                at(probe.offsets[0], false),
                at(probe.enabled_offsets[0], true),
            )
        })
        .collect()
}

#[test]
fn x86_64_stubs_hold_the_sequences() {
    let code = code(Arch::X86_64, 2);
    assert_eq!(code.len(), 2 * SLOT);
    for slot in code.chunks(SLOT) {
        // is-enabled: the sequence, `ret`.
        assert_eq!(slot[..5], sequence::X86_64_IS_ENABLED);
        assert_eq!(slot[5], 0xc3);
        assert_eq!(slot[6..PROBE_STUB], [0xcc; 10]);
        // probe: `pop %r11`, the sequence, `push %r11`, `ret`.
        let probe = &slot[PROBE_STUB..];
        assert_eq!(probe[..2], [0x41, 0x5b]);
        assert_eq!(probe[2..7], sequence::X86_64_PROBE);
        assert_eq!(probe[7..10], [0x41, 0x53, 0xc3]);
        assert_eq!(probe[10..], [0xcc; 6]);
    }
}

#[test]
fn aarch64_stubs_hold_the_sequences() {
    let code = code(Arch::Aarch64, 2);
    assert_eq!(code.len(), 2 * SLOT);
    for slot in code.chunks(SLOT) {
        let words: Vec<u32> = slot
            .chunks(4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
            .collect();
        let ret = 0xd65f_03c0;
        assert_eq!(
            words,
            [
                sequence::AARCH64_IS_ENABLED,
                ret,
                0,
                0,
                sequence::AARCH64_PROBE,
                ret,
                0,
                0
            ]
        );
    }
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
            assert_eq!(
                names,
                ["query-start", "done", "six", "twelve"],
                "{arch:?} {flavor:?}"
            );
            for (i, probe) in provider.probes.iter().enumerate() {
                assert_eq!(probe.function, probes[i].name);
                let want: Vec<String> = probes[i].types.iter().map(|t| t.c_type()).collect();
                assert_eq!(probe.arg_types, want);
            }
            for (i, (site, gate)) in traced_offsets(arch, flavor).into_iter().enumerate() {
                let slot = i * SLOT;
                assert_eq!(site, slot + probe_traced(arch), "{arch:?} {flavor:?}");
                assert_eq!(gate, slot + is_enabled_traced(arch), "{arch:?} {flavor:?}");
                match arch {
                    // The trap lands on a one-byte NOP past `xorl %eax, %eax`, and on the
                    // first of the probe's NOPs, past `pop %r11`.
                    Arch::X86_64 => {
                        assert_eq!(gate, slot + 3);
                        assert_eq!((code[gate - 3], code[gate]), (0x33, 0x90));
                        assert_eq!(site, slot + PROBE_STUB + 2);
                        assert_eq!(
                            code[site - 2..site + 5],
                            [0x41, 0x5b, 0x90, 0x90, 0x90, 0x90, 0x90]
                        );
                    }
                    // On `movz x0, #0` and on the probe's `nop`, each its stub's first.
                    Arch::Aarch64 => {
                        assert_eq!(gate, slot);
                        assert_eq!(site, slot + PROBE_STUB);
                        let word =
                            |at: usize| u32::from_le_bytes(code[at..at + 4].try_into().unwrap());
                        assert_eq!(word(gate), sequence::AARCH64_IS_ENABLED);
                        assert_eq!(word(site), sequence::AARCH64_PROBE);
                    }
                }
            }
        }
    }
}
