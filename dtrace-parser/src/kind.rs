//! What an argument's type is, as far as probes care.

/// The kind of a probe argument, with aliases resolved.
///
/// Sizes are those of LP64 platforms (Linux, macOS and illumos on 64-bit
/// targets): `long` and pointers are 64 bits, plain `char` is a signed byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgKind {
    /// An integer of 8, 16, 32 or 64 bits.
    Integer {
        /// Whether it is signed.
        signed: bool,
        /// Width in bits: 8, 16, 32 or 64.
        bits: u8,
    },
    /// `bool` or `_Bool`, one byte.
    Bool,
    /// `float` (32 bits) or `double` (64 bits).
    Float {
        /// Width in bits: 32 or 64.
        bits: u8,
    },
    /// A NUL-terminated string: `char *`, `const char *` or D's `string`.
    String,
    /// A pointer to a value of a known kind (`uint8_t *` is
    /// `Pointer(Integer)`, `char **` is `Pointer(String)`).
    Pointer(Box<ArgKind>),
    /// A pointer whose target is unknown or opaque: `void *`, `struct NAME *`,
    /// function pointers, pointers to typedef'd structs.
    OpaquePointer,
}

impl ArgKind {
    /// The Rust type a probe argument of this kind is given as: `u8`, `i64`,
    /// `bool`, `f64`, `&str`, `*const u8`, `*const core::ffi::c_void`...
    ///
    /// Pointers to strings are `*const *const core::ffi::c_char`.
    pub fn rust_type(&self) -> String {
        match self {
            ArgKind::Integer { signed, bits } => {
                format!("{}{}", if *signed { "i" } else { "u" }, bits)
            }
            ArgKind::Bool => "bool".to_string(),
            ArgKind::Float { bits } => format!("f{bits}"),
            ArgKind::String => "&str".to_string(),
            ArgKind::Pointer(inner) => format!("*const {}", inner.pointee_rust_type()),
            ArgKind::OpaquePointer => "*const core::ffi::c_void".to_string(),
        }
    }

    /// The Rust type of a value of this kind stored behind a pointer, where a
    /// string is a C string pointer rather than `&str`.
    fn pointee_rust_type(&self) -> String {
        match self {
            ArgKind::String => "*const core::ffi::c_char".to_string(),
            other => other.rust_type(),
        }
    }

    /// Size in bytes on LP64 targets: integers and floats by their width,
    /// `bool` 1, strings and pointers 8.
    pub fn size(&self) -> usize {
        match self {
            ArgKind::Integer { bits, .. } | ArgKind::Float { bits } => usize::from(*bits / 8),
            ArgKind::Bool => 1,
            ArgKind::String | ArgKind::Pointer(_) | ArgKind::OpaquePointer => 8,
        }
    }

    /// Whether the value is signed, as `<sys/sdt.h>` reports it in `stapsdt`
    /// notes: signed integers and floats are; `bool`, strings and pointers
    /// are not.
    pub fn is_signed(&self) -> bool {
        match self {
            ArgKind::Integer { signed, .. } => *signed,
            ArgKind::Float { .. } => true,
            _ => false,
        }
    }

    /// The size field of a SystemTap note argument (`-4`, `8`, `8f`): bytes, negative when
    /// signed, `f` for floating point, as `<sys/sdt.h>` writes it.
    pub fn note_size(&self) -> String {
        match self {
            ArgKind::Float { bits } => format!("{}f", bits / 8),
            ArgKind::Integer { .. } | ArgKind::Bool if self.is_signed() => {
                format!("-{}", self.size())
            }
            ArgKind::Integer { .. } | ArgKind::Bool => self.size().to_string(),
            _ => "8".to_owned(),
        }
    }

    /// The C type name DTrace is given for this kind: `uint8_t`, `int64_t`,
    /// `_Bool`, `float`, `double`, `char *`, `void *`, `uint8_t *`,
    /// `char **`...
    pub fn native_type(&self) -> String {
        match self {
            ArgKind::Integer { signed, bits } => {
                format!("{}int{}_t", if *signed { "" } else { "u" }, bits)
            }
            ArgKind::Bool => "_Bool".to_string(),
            ArgKind::Float { bits: 32 } => "float".to_string(),
            ArgKind::Float { .. } => "double".to_string(),
            ArgKind::String => "char *".to_string(),
            ArgKind::Pointer(inner) => {
                let inner = inner.native_type();
                if inner.ends_with('*') {
                    format!("{inner}*")
                } else {
                    format!("{inner} *")
                }
            }
            ArgKind::OpaquePointer => "void *".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ArgKind::{self, *};

    fn int(signed: bool, bits: u8) -> ArgKind {
        Integer { signed, bits }
    }

    #[test]
    fn rust_types() {
        assert_eq!(int(false, 8).rust_type(), "u8");
        assert_eq!(int(true, 64).rust_type(), "i64");
        assert_eq!(Bool.rust_type(), "bool");
        assert_eq!(Float { bits: 64 }.rust_type(), "f64");
        assert_eq!(String.rust_type(), "&str");
        assert_eq!(Pointer(Box::new(int(false, 8))).rust_type(), "*const u8");
        assert_eq!(
            Pointer(Box::new(String)).rust_type(),
            "*const *const core::ffi::c_char"
        );
        assert_eq!(OpaquePointer.rust_type(), "*const core::ffi::c_void");
        assert_eq!(
            Pointer(Box::new(OpaquePointer)).rust_type(),
            "*const *const core::ffi::c_void"
        );
    }

    #[test]
    fn native_types() {
        assert_eq!(int(false, 8).native_type(), "uint8_t");
        assert_eq!(int(true, 32).native_type(), "int32_t");
        assert_eq!(Bool.native_type(), "_Bool");
        assert_eq!(Float { bits: 32 }.native_type(), "float");
        assert_eq!(Float { bits: 64 }.native_type(), "double");
        assert_eq!(String.native_type(), "char *");
        assert_eq!(Pointer(Box::new(String)).native_type(), "char **");
        assert_eq!(Pointer(Box::new(int(true, 16))).native_type(), "int16_t *");
        assert_eq!(OpaquePointer.native_type(), "void *");
    }

    #[test]
    fn sizes_and_signs() {
        assert_eq!(int(true, 16).size(), 2);
        assert_eq!(Bool.size(), 1);
        assert_eq!(Float { bits: 32 }.size(), 4);
        assert_eq!(String.size(), 8);
        assert_eq!(OpaquePointer.size(), 8);
        assert!(int(true, 8).is_signed());
        assert!(!int(false, 8).is_signed());
        assert!(Float { bits: 64 }.is_signed());
        assert!(!Bool.is_signed());
        assert!(!Pointer(Box::new(int(true, 8))).is_signed());
    }

    #[test]
    fn note_sizes() {
        assert_eq!(int(true, 32).note_size(), "-4");
        assert_eq!(int(false, 8).note_size(), "1");
        assert_eq!(Bool.note_size(), "1");
        assert_eq!(Float { bits: 64 }.note_size(), "8f");
        assert_eq!(String.note_size(), "8");
        assert_eq!(OpaquePointer.note_size(), "8");
    }
}
