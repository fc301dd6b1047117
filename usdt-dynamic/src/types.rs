//! Argument types, and argument values for probes whose types are known only at run time.

use std::ffi::CStr;

use dtrace_parser::{ArgKind, IntWidth};

/// The type of one probe argument: an integer of 8 to 64 bits, or a NUL-terminated string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// `int8_t`.
    I8,
    /// `uint8_t`.
    U8,
    /// `int16_t`.
    I16,
    /// `uint16_t`.
    U16,
    /// `int32_t`.
    I32,
    /// `uint32_t`.
    U32,
    /// `int64_t`.
    I64,
    /// `uint64_t`.
    U64,
    /// `char *`: a NUL-terminated string.
    Str,
}

impl ArgType {
    /// How tracers see it, in the kinds static probes use (sizes, signs, C types).
    pub fn kind(self) -> ArgKind {
        let int = |signed, bits| ArgKind::Integer {
            signed,
            width: IntWidth::Bits(bits),
        };
        match self {
            ArgType::I8 => int(true, 8),
            ArgType::U8 => int(false, 8),
            ArgType::I16 => int(true, 16),
            ArgType::U16 => int(false, 16),
            ArgType::I32 => int(true, 32),
            ArgType::U32 => int(false, 32),
            ArgType::I64 => int(true, 64),
            ArgType::U64 => int(false, 64),
            ArgType::Str => ArgKind::String,
        }
    }

    /// The C type DTrace is told (`uint8_t`, `char *`).
    pub fn c_type(self) -> String {
        self.kind().native_type()
    }

    /// The integer range of the type as `i128` bounds; `None` for strings.
    fn range(self) -> Option<(i128, i128)> {
        match self.kind() {
            ArgKind::Integer { signed, width } => {
                let bits = width.bits();
                Some(if signed {
                    (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                } else {
                    (0, (1i128 << bits) - 1)
                })
            }
            _ => None,
        }
    }

    /// Whether `value` fits an argument of this type.
    pub(crate) fn admits(self, value: &Value<'_>) -> bool {
        match (self.range(), value) {
            (Some((lo, hi)), Value::Int(v)) => (lo..=hi).contains(&i128::from(*v)),
            (Some((lo, hi)), Value::UInt(v)) => (lo..=hi).contains(&i128::from(*v)),
            (None, Value::Str(_) | Value::CStr(_)) => true,
            _ => false,
        }
    }
}

impl std::fmt::Display for ArgType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.c_type())
    }
}

/// One argument value for a [`DynProbe`](crate::DynProbe), whose types are checked when it
/// fires.
///
/// Integers are checked against the declared type's range, so `Value::Int(-1)` fires an
/// `I8` argument but not a `U8` one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A string, copied NUL-terminated (cut at an interior NUL) while the probe fires.
    Str(&'a str),
    /// A NUL-terminated string, passed in place.
    CStr(&'a CStr),
}

impl Value<'_> {
    /// The value as the tracer's 64-bit argument word: integers sign- or zero-extended.
    /// Strings are not words; the caller passes their address.
    pub(crate) fn int_word(&self) -> u64 {
        match *self {
            Value::Int(v) => v as u64,
            Value::UInt(v) => v,
            Value::Str(_) | Value::CStr(_) => 0,
        }
    }

    /// The value described for an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Value::Int(v) => v.to_string(),
            Value::UInt(v) => v.to_string(),
            Value::Str(s) => format!("the string {s:?}"),
            Value::CStr(s) => format!("the string {s:?}"),
        }
    }
}

macro_rules! value_from {
    ($variant:ident as $wide:ty: $($t:ty)*) => {$(
        impl From<$t> for Value<'_> {
            fn from(v: $t) -> Self {
                Value::$variant(<$wide>::from(v))
            }
        }
    )*};
}
value_from!(Int as i64: i8 i16 i32 i64);
value_from!(UInt as u64: u8 u16 u32 u64);

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Str(v)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Str(v)
    }
}

impl<'a> From<&'a CStr> for Value<'a> {
    fn from(v: &'a CStr) -> Self {
        Value::CStr(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert!(ArgType::I8.admits(&Value::Int(-128)));
        assert!(!ArgType::I8.admits(&Value::Int(128)));
        assert!(!ArgType::U8.admits(&Value::Int(-1)));
        assert!(ArgType::U64.admits(&Value::UInt(u64::MAX)));
        assert!(!ArgType::I64.admits(&Value::UInt(u64::MAX)));
        assert!(ArgType::I64.admits(&Value::Int(i64::MIN)));
        assert!(!ArgType::Str.admits(&Value::Int(0)));
        assert!(!ArgType::U32.admits(&Value::Str("x")));
        assert!(ArgType::Str.admits(&Value::CStr(c"x")));
    }

    #[test]
    fn c_types() {
        assert_eq!(ArgType::U16.c_type(), "uint16_t");
        assert_eq!(ArgType::Str.to_string(), "char *");
        assert_eq!(ArgType::I32.kind().note_size().to_string(), "-4");
    }
}
