//! The built-in type names that are not C keywords: C99's, POSIX's, and the illumos,
//! FreeBSD and Darwin (Mach) typedefs that real provider files use. The one table of what
//! each is (the keywords' combinations are `types::Keywords`); every other crate asks
//! [`named_types`] or [`c_type_kind`](crate::c_type_kind) rather than keeping a list.

use crate::kind::ArgKind;
use crate::kind::IntWidth::{self, Bits, Long, Pointer};
use crate::types::{to_kind, Base, Resolved};

const fn int(signed: bool, width: IntWidth) -> Base {
    Base::Int { signed, width }
}

/// Each base, with the names that spell it. Fixed widths are the LP64 ones, which are also
/// every 64-bit target's; `Long` names are C's `long` in every data model (pointer-wide in
/// LP64 and ILP32 alike), `Pointer` names are pointer-sized by definition (Rust's `usize`
/// and `isize`).
const TABLE: &[(Base, &[&str])] = &[
    (Base::Bool, &["bool"]),
    (Base::DString, &["string"]),
    (int(true, Bits(8)), &["int8_t"]),
    (
        int(false, Bits(8)),
        &["uint8_t", "uchar_t", "u_char", "u_int8_t"],
    ),
    (int(true, Bits(16)), &["int16_t"]),
    (
        int(false, Bits(16)),
        &[
            "uint16_t",
            "ushort_t",
            "u_short",
            "u_int16_t",
            "in_port_t",
            "sa_family_t",
            "char16_t",
        ],
    ),
    (
        int(true, Bits(32)),
        &[
            "int32_t",
            "pid_t",
            "key_t",
            "clockid_t",
            "wchar_t",
            "int_t",
            "zoneid_t",
            "processorid_t",
            "psetid_t",
            "taskid_t",
            "ctid_t",
            "lwpid_t",
            "errno_t",
            "boolean_t",
            "integer_t",
            "kern_return_t",
            "mach_msg_return_t",
            "mach_msg_id_t",
            "vm_prot_t",
        ],
    ),
    (
        int(false, Bits(32)),
        &[
            "uint32_t",
            "u_int32_t",
            "uid_t",
            "gid_t",
            "id_t",
            "mode_t",
            "useconds_t",
            "socklen_t",
            "in_addr_t",
            "uint_t",
            "u_int",
            "uint",
            "major_t",
            "minor_t",
            "char32_t",
            "fixpt_t",
            "natural_t",
            "mach_port_t",
            "mach_port_name_t",
            "task_t",
            "thread_t",
            "mach_msg_size_t",
            "mach_msg_bits_t",
        ],
    ),
    (
        int(true, Bits(64)),
        &[
            "int64_t",
            "off_t",
            "off64_t",
            "loff_t",
            "offset_t",
            "intmax_t",
            "suseconds_t",
            "blkcnt_t",
            "blksize_t",
            "hrtime_t",
            "longlong_t",
            "sbintime_t",
            "quad_t",
            "user_ssize_t",
            "user_long_t",
        ],
    ),
    (
        int(true, Long),
        &["long_t", "time_t", "clock_t", "register_t", "segsz_t"],
    ),
    (int(true, Pointer), &["intptr_t", "ssize_t", "ptrdiff_t"]),
    (
        int(false, Bits(64)),
        &[
            "uint64_t",
            "u_int64_t",
            "uintmax_t",
            "dev_t",
            "ino_t",
            "ino64_t",
            "nlink_t",
            "rlim_t",
            "fsblkcnt_t",
            "fsfilcnt_t",
            "u_longlong_t",
            "u_quad_t",
            "vm_offset_t",
            "vm_size_t",
            "vm_address_t",
            "mach_vm_address_t",
            "mach_vm_size_t",
            "mach_vm_offset_t",
            "user_addr_t",
            "user_size_t",
            "user_ulong_t",
            "dispatch_time_t",
        ],
    ),
    (
        int(false, Long),
        &["ulong_t", "u_long", "ulong", "u_register_t"],
    ),
    (int(false, Pointer), &["uintptr_t", "size_t"]),
];

/// The base a built-in name spells, if it is one.
pub(crate) fn builtin(name: &str) -> Option<Base> {
    TABLE
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(base, _)| *base)
}

/// Every built-in type name that is not a C keyword (`uint8_t`, `size_t`, `pid_t`, D's
/// `string`...), with its kind: the table the parser, the code generator and `usdt list`
/// all read.
pub fn named_types() -> impl Iterator<Item = (&'static str, ArgKind)> {
    TABLE.iter().flat_map(|(base, names)| {
        names.iter().filter_map(move |name| {
            let kind = to_kind(Resolved {
                base: *base,
                depth: 0,
            })
            .ok()?;
            Some((*name, kind))
        })
    })
}
