//! Golden bytes for provider `test` with probes `start(uint8_t)` and `stop(char *, uint8_t)`,
//! reviewed field by field against the layout of `<sys/dtrace.h>`.
//!
//! The expected document is assembled below one field at a time into a zeroed buffer, each write
//! naming its file offset, the C field, the value and why; the buffer must then equal what
//! `Dof::to_bytes` writes, byte for byte (so every padding byte is checked to be zero too).
//! Integers are in this machine's byte order, as DOF's encoding byte says; the test runs where
//! the data model is LP64.
#![cfg(target_pointer_width = "64")]

mod common;

use common::example;
use dof::{Dof, DofFile, SectionKind};

/// A zeroed buffer with typed, native-endian writers.
struct Expected(Vec<u8>);

impl Expected {
    fn u8(&mut self, at: usize, v: u8) {
        self.0[at] = v;
    }
    fn u16(&mut self, at: usize, v: u16) {
        self.0[at..at + 2].copy_from_slice(&v.to_ne_bytes());
    }
    fn u32(&mut self, at: usize, v: u32) {
        self.0[at..at + 4].copy_from_slice(&v.to_ne_bytes());
    }
    fn u64(&mut self, at: usize, v: u64) {
        self.0[at..at + 8].copy_from_slice(&v.to_ne_bytes());
    }
    fn bytes(&mut self, at: usize, v: &[u8]) {
        self.0[at..at + v.len()].copy_from_slice(v);
    }
    /// A `dof_sec_t` at `at`; every section is loadable (`DOF_SECF_LOAD` = 1).
    fn section(&mut self, at: usize, ty: u32, align: u32, entsize: u32, offset: u64, size: u64) {
        self.u32(at, ty); // dofs_type
        self.u32(at + 4, align); // dofs_align
        self.u32(at + 8, 1); // dofs_flags: DOF_SECF_LOAD
        self.u32(at + 12, entsize); // dofs_entsize
        self.u64(at + 16, offset); // dofs_offset
        self.u64(at + 24, size); // dofs_size
    }
}

/// The reviewed document.
fn expected() -> Vec<u8> {
    // Total: header 64 + 6 section headers * 32 = 256, then data up to 472 (see below).
    let mut e = Expected(vec![0; 472]);
    let little = cfg!(target_endian = "little");

    // ---- dof_hdr_t, offset 0, 64 bytes ----
    e.bytes(0, b"\x7fDOF"); // 0..4 dofh_ident[DOF_ID_MAG0..3]: DOF_MAG_STRING
    e.u8(4, 2); // 4 dofh_ident[DOF_ID_MODEL]: DOF_MODEL_LP64 (64-bit process)
    e.u8(5, if little { 1 } else { 2 }); // 5 [DOF_ID_ENCODING]: DOF_ENCODE_LSB/MSB, native
    e.u8(6, 2); // 6 [DOF_ID_VERSION]: DOF_VERSION_2, needed for is-enabled offsets
    e.u8(7, 2); // 7 [DOF_ID_DIFVERS]: DIF_VERSION_2, the only one kernels accept
    e.u8(8, 8); // 8 [DOF_ID_DIFIREG]: DIF_DIR_NREGS, as libdtrace writes
    e.u8(9, 8); // 9 [DOF_ID_DIFTREG]: DIF_DTR_NREGS
                // 10..16 [DOF_ID_PAD..]: zero, or the kernel rejects the document
    e.u32(16, 0); // 16 dofh_flags: none defined (DOF_FL_VALID == 0)
    e.u32(20, 64); // 20 dofh_hdrsize: sizeof (dof_hdr_t)
    e.u32(24, 32); // 24 dofh_secsize: sizeof (dof_sec_t)
    e.u32(28, 6); // 28 dofh_secnum: STRTAB, PROBES, PRARGS, PROFFS, PRENOFFS, PROVIDER
    e.u64(32, 64); // 32 dofh_secoff: section headers right after the header (8-aligned)
    e.u64(40, 472); // 40 dofh_loadsz: everything is loadable...
    e.u64(48, 472); // 48 dofh_filesz: ...so the file ends where the loadable part does
    e.u64(56, 0); // 56 dofh_pad

    // ---- dof_sec_t[6], offset 64 ----
    // [0] STRTAB (8): align 1, entsize 0 (not a table), data at 256 (first byte after the
    //     section headers), 56 bytes. Section 0 is a string table so that the link value
    //     DOF_SECT_NONE (0) can never be mistaken for a real PRENOFFS section.
    e.section(64, 8, 1, 0, 256, 56);
    // [1] PROBES (16): align 8 (dof_probe_t starts with a uint64_t), entsize 48
    //     (sizeof (dof_probe_t)), at 312 = 256 + 56, already 8-aligned; 2 probes = 96 bytes.
    e.section(96, 16, 8, 48, 312, 96);
    // [2] PRARGS (17): uint8_t array, align 1, entsize 1, at 408 = 312 + 96; 1 + 2 mappings.
    e.section(128, 17, 1, 1, 408, 3);
    // [3] PROFFS (18): uint32_t array, align 4, entsize 4; 411 rounds up to 412; 3 offsets.
    e.section(160, 18, 4, 4, 412, 12);
    // [4] PRENOFFS (26): uint32_t array, align 4, entsize 4, at 424 = 412 + 12; 1 offset.
    e.section(192, 26, 4, 4, 424, 4);
    // [5] PROVIDER (15): one dof_provider_t, align 4, entsize 0 (as libdtrace), at 428,
    //     44 bytes (sizeof (dof_provider_t) in version 2); ends at 472 = dofh_filesz.
    e.section(224, 15, 4, 0, 428, 44);

    // ---- STRTAB data, offset 256, 56 bytes ----
    // Offset 0 is the empty string; names are added in order and shared when repeated;
    // each probe's argument types are consecutive, as the kernel walks them.
    e.bytes(256, b"\0"); // strtab 0: ""
    e.bytes(257, b"test\0"); // strtab 1: provider name
    e.bytes(262, b"start\0"); // strtab 6: probe name
    e.bytes(268, b"main\0"); // strtab 12: function of start
    e.bytes(273, b"uint8_t\0"); // strtab 17: start's native (and translated) arg 0
    e.bytes(281, b"stop\0"); // strtab 25: probe name
    e.bytes(286, b"run_worker\0"); // strtab 30: function of stop
    e.bytes(297, b"char *\0"); // strtab 41: stop's arg 0
    e.bytes(304, b"uint8_t\0"); // strtab 48: stop's arg 1 (a list is never shared)

    // ---- PROBES data, offset 312: dof_probe_t for test::main:start ----
    e.u64(312, 0x40_1000); // +0 dofpr_addr: function address; offsets are relative to it
    e.u32(320, 12); // +8 dofpr_func: "main"
    e.u32(324, 6); // +12 dofpr_name: "start"
    e.u32(328, 17); // +16 dofpr_nargv: "uint8_t"
    e.u32(332, 17); // +20 dofpr_xargv: translated types equal native ones: same strings
    e.u32(336, 0); // +24 dofpr_argidx: first PRARGS entry
    e.u32(340, 0); // +28 dofpr_offidx: first PROFFS entry
    e.u8(344, 1); // +32 dofpr_nargc: one native argument
    e.u8(345, 1); // +33 dofpr_xargc: one translated argument
    e.u16(346, 1); // +34 dofpr_noffs: one probe site
    e.u32(348, 0); // +36 dofpr_enoffidx: first PRENOFFS entry
    e.u16(352, 1); // +40 dofpr_nenoffs: one is-enabled site
                   // +42 dofpr_pad1, +44 dofpr_pad2: zero

    // ---- PROBES data, offset 360: dof_probe_t for test::run_worker:stop ----
    e.u64(360, 0x40_2000); // +0 dofpr_addr
    e.u32(368, 30); // +8 dofpr_func: "run_worker"
    e.u32(372, 25); // +12 dofpr_name: "stop"
    e.u32(376, 41); // +16 dofpr_nargv: "char *", then "uint8_t"
    e.u32(380, 41); // +20 dofpr_xargv: shared with nargv
    e.u32(384, 1); // +24 dofpr_argidx: after start's one mapping
    e.u32(388, 1); // +28 dofpr_offidx: after start's one offset
    e.u8(392, 2); // +32 dofpr_nargc
    e.u8(393, 2); // +33 dofpr_xargc
    e.u16(394, 2); // +34 dofpr_noffs: two probe sites
    e.u32(396, 1); // +36 dofpr_enoffidx: end of the table, with no entries (kernel accepts)
    e.u16(400, 0); // +40 dofpr_nenoffs: no is-enabled site

    // ---- PRARGS data, offset 408: translated argument i comes from native argument map[i] ----
    e.bytes(408, &[0, 0, 1]); // start: args[0] <- arg0; stop: args[0] <- arg0, args[1] <- arg1
                              // 411: one padding byte (zero) to align PROFFS

    // ---- PROFFS data, offset 412: site offsets from dofpr_addr ----
    e.u32(412, 0x24); // start: 0x401024
    e.u32(416, 0x30); // stop: 0x402030
    e.u32(420, 0x88); // stop: 0x402088

    // ---- PRENOFFS data, offset 424 ----
    e.u32(424, 0x10); // start's is-enabled site: 0x401010

    // ---- PROVIDER data, offset 428: dof_provider_t ----
    e.u32(428, 0); // +0 dofpv_strtab: section 0
    e.u32(432, 1); // +4 dofpv_probes: section 1
    e.u32(436, 2); // +8 dofpv_prargs: section 2
    e.u32(440, 3); // +12 dofpv_proffs: section 3
    e.u32(444, 1); // +16 dofpv_name: "test"
                   // +20..+40 dofpv_provattr, modattr, funcattr, nameattr, argsattr:
                   // DOF_ATTR(UNSTABLE 4, UNSTABLE 4, CLASS_COMMON 5) = 4 << 24 | 4 << 16 | 5 << 8,
                   // the attributes dtrace -G gives a provider without #pragma D attributes.
    for field in 0..5 {
        e.u32(448 + 4 * field, 0x0404_0500);
    }
    e.u32(468, 4); // +40 dofpv_prenoffs: section 4

    e.0
}

#[test]
fn golden_bytes_match_the_reviewed_layout() {
    let bytes = example().to_bytes().unwrap();
    let expected = expected();
    for (i, (got, want)) in bytes.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "byte {i} differs");
    }
    assert_eq!(bytes.len(), expected.len());
}

#[test]
fn golden_bytes_read_back() {
    let bytes = expected();
    assert_eq!(Dof::from_bytes(&bytes).unwrap(), example());
    let file = DofFile::parse(&bytes).unwrap();
    assert_eq!(file.sections.len(), 6);
    assert_eq!(file.sections[4].kind, SectionKind::PRENOFFS);
    assert_eq!(file.provider_sections, [5]);
}

/// Version 3, which macOS requires, is version 2's layout under another number: the same
/// bytes but the version byte, and read back the same.
#[test]
fn version_3_is_version_2_renumbered() {
    let mut want = expected();
    want[6] = 3; // dofh_ident[DOF_ID_VERSION]: DOF_VERSION_3
    let bytes = example()
        .to_bytes_as(
            dof::Version::V3,
            dof::DataModel::NATIVE,
            dof::Encoding::NATIVE,
        )
        .unwrap();
    assert_eq!(bytes, want);
    assert_eq!(Dof::from_bytes(&bytes).unwrap(), example());
    assert_eq!(DofFile::parse(&bytes).unwrap().header.version, 3);
}

#[test]
fn golden_pretty_print() {
    let file = DofFile::parse(&expected()).unwrap();
    let text = file.to_string();
    let encoding = if cfg!(target_endian = "little") {
        "LSB (little-endian)"
    } else {
        "MSB (big-endian)"
    };
    let want = format!(
        "\
DOF header
  magic             7f 44 4f 46 (\\x7fDOF)
  data model        LP64
  encoding          {encoding}
  DOF version       2
  DIF version       2
  DIF integer regs  8
  DIF tuple regs    8
  flags             0x0
  header size       64
  section headers   6 of 32 bytes at offset 64
  loadable size     472
  file size         472

Sections
  index  type      flags align entsize   offset     size
    [0]  STRTAB    LOAD      1       0      256       56
    [1]  PROBES    LOAD      8      48      312       96
    [2]  PRARGS    LOAD      1       1      408        3
    [3]  PROFFS    LOAD      4       4      412       12
    [4]  PRENOFFS  LOAD      4       4      424        4
    [5]  PROVIDER  LOAD      4       0      428       44

Provider test (section 5)
  attributes (name/data/class)
    provider  Unstable/Unstable/Common
    module    Unstable/Unstable/Common
    function  Unstable/Unstable/Common
    name      Unstable/Unstable/Common
    args      Unstable/Unstable/Common
  probe test::main:start
    function            main
    address             0x401000
    offsets             0x24 (0x401024)
    is-enabled offsets  0x10 (0x401010)
    arguments           args[0]: uint8_t
  probe test::run_worker:stop
    function            run_worker
    address             0x402000
    offsets             0x30 (0x402030), 0x88 (0x402088)
    is-enabled offsets  none
    arguments           args[0]: char *
                        args[1]: uint8_t
"
    );
    assert_eq!(text, want);
}
