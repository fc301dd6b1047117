//! DTrace arguments: native C type names (`uint8_t`, `char *`, `long`) sized by the parser's
//! type table ([`dtrace_parser::c_type_kind`], [`ArgKind::note_size_in`]) in the object's
//! data model, so that DTrace probes fill the same [`SiteArgument`] as stapsdt ones.
//!
//! [`ArgKind::note_size_in`]: dtrace_parser::ArgKind::note_size_in

use dtrace_parser::c_type_kind;

use crate::site::SiteArgument;

/// The arguments of a DTrace probe from its native C types, in order.
///
/// `pointer_size` is the size of a pointer in bytes in the object's data model: 8 for LP64,
/// 4 for ILP32, where `long`, `size_t`, strings and pointers are 4 bytes wide.
pub fn c_arguments(types: &[String], pointer_size: u8) -> Vec<SiteArgument> {
    types
        .iter()
        .enumerate()
        .map(|(i, c)| SiteArgument {
            raw: c.clone(),
            size: c_type_kind(c).map(|kind| kind.note_size_in(pointer_size)),
            location: format!("arg{i}"),
            c_type: Some(c.clone()),
        })
        .collect()
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
    }

    #[test]
    fn ilp32_objects_have_4_byte_longs_and_pointers() {
        let sizes = |types: &[&str]| {
            let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            c_arguments(&types, 4)
                .iter()
                .map(|a| a.size.map_or("?".to_string(), |s| s.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            sizes(&[
                "long",
                "unsigned long",
                "size_t",
                "ssize_t",
                "void *",
                "char *"
            ]),
            ["-4", "4", "4", "-4", "4", "4"]
        );
        assert_eq!(
            sizes(&["long long", "int64_t", "int", "double"]),
            ["-8", "-8", "-4", "8f"]
        );
    }

    #[test]
    fn arguments_keep_the_c_type() {
        let args = c_arguments(&["char *".into(), "uint8_t".into()], 8);
        assert_eq!(args[0].to_string(), "char *");
        assert_eq!(args[1].location, "arg1");
        assert_eq!(args[1].size.map(|s| s.bytes), Some(1));
    }
}
