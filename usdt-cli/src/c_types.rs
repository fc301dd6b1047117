//! DTrace arguments: native C type names (`uint8_t`, `char *`) sized by the parser's type
//! table ([`dtrace_parser::c_type_kind`]), so that DTrace probes fill the same
//! [`SiteArgument`] as stapsdt ones.

use dtrace_parser::{c_type_kind, ArgKind};
use sdt_note::ArgSize;

use crate::site::SiteArgument;

/// The arguments of a DTrace probe from its native C types, in order.
///
/// `pointer_size` is the size of a pointer in bytes in the object's data model: 8 for LP64,
/// 4 for ILP32. (The table's other widths are LP64's: `long` reads as 8 bytes in an ILP32
/// object too.)
pub fn c_arguments(types: &[String], pointer_size: u8) -> Vec<SiteArgument> {
    types
        .iter()
        .enumerate()
        .map(|(i, c)| SiteArgument {
            raw: c.clone(),
            size: c_type_kind(c).map(|kind| size_of(&kind, pointer_size)),
            location: format!("arg{i}"),
            c_type: Some(c.clone()),
        })
        .collect()
}

/// The width, sign and class of a value of `kind`.
fn size_of(kind: &ArgKind, pointer_size: u8) -> ArgSize {
    let int = |bits: u8, signed| ArgSize {
        bytes: bits / 8,
        signed,
        float: false,
    };
    match kind {
        ArgKind::Integer { signed, bits } => int(*bits, *signed),
        ArgKind::Bool => int(8, false),
        ArgKind::Float { bits } => ArgSize {
            bytes: bits / 8,
            signed: false,
            float: true,
        },
        ArgKind::String | ArgKind::Pointer(_) | ArgKind::OpaquePointer => {
            int(pointer_size * 8, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(c: &str) -> String {
        c_arguments(&[c.to_string()], 8)[0]
            .size
            .map_or("?".to_string(), |s| s.to_string())
    }

    #[test]
    fn standard_types() {
        assert_eq!(shown("uint8_t"), "1");
        assert_eq!(shown("char"), "-1");
        assert_eq!(shown("char *"), "8");
        assert_eq!(shown("const char*"), "8");
        assert_eq!(shown("int64_t"), "-8");
        assert_eq!(shown("unsigned  long"), "8");
        assert_eq!(shown("double"), "8f");
        assert_eq!(shown("_Bool"), "1");
        assert_eq!(shown("struct foo"), "?");
        let ilp32 = c_arguments(&["void *".to_string()], 4);
        assert_eq!(ilp32[0].size.map(|s| s.bytes), Some(4));
    }

    #[test]
    fn arguments_keep_the_c_type() {
        let args = c_arguments(&["char *".into(), "uint8_t".into()], 8);
        assert_eq!(args[0].to_string(), "char *");
        assert_eq!(args[1].location, "arg1");
        assert_eq!(args[1].size.map(|s| s.bytes), Some(1));
    }
}
