//! What an argument's type is, as far as probes care: the facts every crate derives from a
//! C type (its width in each data model, sign, Rust type, note size, DTrace's name), in one
//! place.

use sdt_note::ArgSize;

/// How wide an integer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntWidth {
    /// A width of its own, in bits (8, 16, 32 or 64), the same in every data model:
    /// `int32_t`, `short`, `long long`.
    Bits(u8),
    /// C's `long`, and the types defined as `long` (`ulong_t`, `time_t`, `register_t`): as
    /// wide as a pointer, in the LP64 and ILP32 data models alike. Rust has no such
    /// primitive: probes take its LP64 width, `i64` or `u64`.
    Long,
    /// Pointer-sized by definition (`size_t`, `ssize_t`, `intptr_t`, `uintptr_t`,
    /// `ptrdiff_t`): Rust's `usize` and `isize`.
    Pointer,
}

impl IntWidth {
    /// The width in bits where pointers are `pointer_bits` wide (64 in LP64, 32 in ILP32).
    pub fn bits_in(self, pointer_bits: u8) -> u8 {
        match self {
            IntWidth::Bits(bits) => bits,
            IntWidth::Long | IntWidth::Pointer => pointer_bits,
        }
    }

    /// The width in bits on LP64 targets, the data model of every target with probes.
    pub fn bits(self) -> u8 {
        self.bits_in(64)
    }
}

/// The kind of a probe argument, with aliases resolved.
///
/// Sizes are those of LP64 platforms (Linux, macOS and illumos on 64-bit targets, where
/// probes are compiled) unless a method takes the pointer size: `long` and pointers are 64
/// bits, plain `char` is a signed byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgKind {
    /// An integer.
    Integer {
        /// Whether it is signed.
        signed: bool,
        /// How wide it is.
        width: IntWidth,
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
    /// The Rust type a probe argument of this kind is given as: `u8`, `i64`, `usize`,
    /// `bool`, `f64`, `&str`, `*const u8`, `*const core::ffi::c_void`...
    ///
    /// Pointers to strings are `*const *const core::ffi::c_char`.
    pub fn rust_type(&self) -> String {
        match self {
            ArgKind::Integer { signed, width } => {
                let sign = if *signed { "i" } else { "u" };
                match width {
                    IntWidth::Pointer => format!("{sign}size"),
                    _ => format!("{sign}{}", width.bits()),
                }
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
        self.size_in(8)
    }

    /// Size in bytes where pointers are `pointer_bytes` wide (8 in LP64, 4 in ILP32):
    /// `long`, `size_t`, strings and pointers are that wide.
    pub fn size_in(&self, pointer_bytes: u8) -> usize {
        let bytes = match self {
            ArgKind::Integer { width, .. } => width.bits_in(pointer_bytes.saturating_mul(8)) / 8,
            ArgKind::Float { bits } => *bits / 8,
            ArgKind::Bool => 1,
            ArgKind::String | ArgKind::Pointer(_) | ArgKind::OpaquePointer => pointer_bytes,
        };
        usize::from(bytes)
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

    /// The size of a SystemTap note argument of this kind on LP64 targets, whose `Display`
    /// is the note's spelling (`-4`, `8`, `8f`, see [`ArgSize`]).
    pub fn note_size(&self) -> ArgSize {
        self.note_size_in(8)
    }

    /// The width, sign and class of a value of this kind where pointers are
    /// `pointer_bytes` wide, as a note (or `usdt list`) gives them.
    pub fn note_size_in(&self, pointer_bytes: u8) -> ArgSize {
        ArgSize {
            bytes: u8::try_from(self.size_in(pointer_bytes)).unwrap_or(u8::MAX),
            signed: matches!(self, ArgKind::Integer { signed: true, .. }),
            float: matches!(self, ArgKind::Float { .. }),
        }
    }

    /// The C type name DTrace is given for this kind: `uint8_t`, `int64_t`,
    /// `_Bool`, `float`, `double`, `char *`, `void *`, `uint8_t *`,
    /// `char **`...
    pub fn native_type(&self) -> String {
        match self {
            ArgKind::Integer { signed, width } => {
                format!("{}int{}_t", if *signed { "" } else { "u" }, width.bits())
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
    use super::IntWidth;

    fn int(signed: bool, bits: u8) -> ArgKind {
        Integer {
            signed,
            width: IntWidth::Bits(bits),
        }
    }

    fn int_of(signed: bool, width: IntWidth) -> ArgKind {
        Integer { signed, width }
    }

    #[test]
    fn rust_types() {
        assert_eq!(int(false, 8).rust_type(), "u8");
        assert_eq!(int(true, 64).rust_type(), "i64");
        assert_eq!(int_of(true, IntWidth::Long).rust_type(), "i64");
        assert_eq!(int_of(false, IntWidth::Pointer).rust_type(), "usize");
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
        assert_eq!(int_of(false, IntWidth::Pointer).native_type(), "uint64_t");
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
    fn sizes_in_ilp32() {
        assert_eq!(int_of(true, IntWidth::Long).size_in(4), 4);
        assert_eq!(int_of(false, IntWidth::Pointer).size_in(4), 4);
        assert_eq!(int(true, 64).size_in(4), 8);
        assert_eq!(OpaquePointer.size_in(4), 4);
        assert_eq!(
            int_of(true, IntWidth::Long).note_size_in(4).to_string(),
            "-4"
        );
        assert_eq!(int_of(true, IntWidth::Long).note_size().to_string(), "-8");
    }

    #[test]
    fn note_sizes() {
        let shown = |k: ArgKind| k.note_size().to_string();
        assert_eq!(shown(int(true, 32)), "-4");
        assert_eq!(shown(int(false, 8)), "1");
        assert_eq!(shown(Bool), "1");
        assert_eq!(shown(Float { bits: 64 }), "8f");
        assert_eq!(shown(String), "8");
        assert_eq!(shown(OpaquePointer), "8");
    }
}
