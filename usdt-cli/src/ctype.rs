//! DTrace arguments: native C type names (`uint8_t`, `char *`) and the size and sign they
//! imply, so that DTrace probes fill the same [`Argument`] as stapsdt ones.

use crate::probe::{ArgType, Argument};

/// The arguments of a DTrace probe from its native C types, in order.
///
/// `pointer_size` is the size of a pointer (and of `long`) in bytes in the object's data
/// model: 8 for LP64, 4 for ILP32.
pub fn c_arguments(types: &[String], pointer_size: u8) -> Vec<Argument> {
    types
        .iter()
        .enumerate()
        .map(|(i, c)| Argument {
            raw: c.clone(),
            ty: c_arg_type(c, pointer_size),
            location: format!("arg{i}"),
            c_type: Some(c.clone()),
        })
        .collect()
}

/// The size and sign of a C type, when it is one of the standard scalar or pointer types.
pub fn c_arg_type(c_type: &str, pointer_size: u8) -> Option<ArgType> {
    let c_type = c_type.trim();
    let int = |size, signed| {
        Some(ArgType {
            size,
            signed,
            float: false,
        })
    };
    if c_type.ends_with('*') {
        return int(pointer_size, false);
    }
    // Collapse runs of spaces so `unsigned  long` reads as `unsigned long`.
    let words: Vec<&str> = c_type.split_whitespace().collect();
    match words.join(" ").as_str() {
        "int8_t" | "signed char" => int(1, true),
        "uint8_t" | "unsigned char" | "char" | "bool" | "_Bool" => int(1, false),
        "int16_t" | "short" | "short int" => int(2, true),
        "uint16_t" | "unsigned short" | "unsigned short int" => int(2, false),
        "int32_t" | "int" | "signed int" | "signed" => int(4, true),
        "uint32_t" | "unsigned int" | "unsigned" => int(4, false),
        "int64_t" | "long long" | "long long int" => int(8, true),
        "uint64_t" | "unsigned long long" | "unsigned long long int" => int(8, false),
        "long" | "long int" | "ssize_t" | "intptr_t" | "ptrdiff_t" => int(pointer_size, true),
        "unsigned long" | "unsigned long int" | "size_t" | "uintptr_t" => int(pointer_size, false),
        "float" => Some(ArgType {
            size: 4,
            signed: false,
            float: true,
        }),
        "double" => Some(ArgType {
            size: 8,
            signed: false,
            float: true,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(c: &str) -> Option<String> {
        c_arg_type(c, 8).map(|t| t.to_string())
    }

    #[test]
    fn standard_types() {
        assert_eq!(shown("uint8_t").as_deref(), Some("u8"));
        assert_eq!(shown("char *").as_deref(), Some("u64"));
        assert_eq!(shown("const char*").as_deref(), Some("u64"));
        assert_eq!(shown("int64_t").as_deref(), Some("i64"));
        assert_eq!(shown("unsigned  long").as_deref(), Some("u64"));
        assert_eq!(shown("double").as_deref(), Some("f64"));
        assert_eq!(c_arg_type("long", 4).map(|t| t.size), Some(4));
        assert_eq!(shown("struct foo"), None);
    }

    #[test]
    fn arguments_keep_the_c_type() {
        let args = c_arguments(&["char *".into(), "uint8_t".into()], 8);
        assert_eq!(args[0].to_string(), "char *");
        assert_eq!(args[1].location, "arg1");
        assert_eq!(args[1].ty.map(|t| t.size), Some(1));
    }
}
