//! What a closure may return for each kind of probe argument, and how each value is handed
//! to the tracer: as one machine word in a register.
//!
//! The generated probe macros name these traits in their closure check, so a wrong type is a
//! compile error that says which D type the argument has and which Rust types it takes.

use super::cstr::StrBuf;
use crate::UniqueId;
use std::ffi::{CStr, CString};

/// A value that can be passed to a tracer in one general-purpose register.
///
/// `prepare` runs only while the probe is enabled; what it returns must stay alive until
/// after the probe instruction (for strings it owns the NUL-terminated copy).
pub trait Arg {
    /// The value as it lives across the probe instruction.
    type Prepared: Reg;
    /// Convert the closure's value into its register form.
    fn prepare(self) -> Self::Prepared;
}

/// The register form of a prepared argument.
pub trait Reg {
    /// The bits the tracer reads from the register.
    fn reg(&self) -> u64;
}

impl Reg for u64 {
    #[inline(always)]
    fn reg(&self) -> u64 {
        *self
    }
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            type Prepared = u64;
            #[inline(always)]
            fn prepare(self) -> u64 {
                // Sign- or zero-extension as the type demands; the tracer truncates to the
                // size the note gives.
                self as u64
            }
        }
    )*};
}
int_arg!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl Arg for bool {
    type Prepared = u64;
    #[inline(always)]
    fn prepare(self) -> u64 {
        self as u64
    }
}

impl Arg for f32 {
    type Prepared = u64;
    #[inline(always)]
    fn prepare(self) -> u64 {
        // `4f@REG`: the tracer reinterprets the low 32 bits of the register.
        self.to_bits() as u64
    }
}

impl Arg for f64 {
    type Prepared = u64;
    #[inline(always)]
    fn prepare(self) -> u64 {
        self.to_bits()
    }
}

impl Arg for &UniqueId {
    type Prepared = u64;
    #[inline(always)]
    fn prepare(self) -> u64 {
        self.as_u64()
    }
}

/// Rust types accepted for a string argument (`char *`, `const char *`, D `string`).
#[diagnostic::on_unimplemented(
    message = "a string probe argument takes `&str`, `String`, `&CStr` or `CString`, not `{Self}`",
    label = "this is not a string"
)]
pub trait StrArg: Arg {}

/// Rust types accepted for a pointer argument (`void *`, `struct x *`, `uint8_t *`, ...).
#[diagnostic::on_unimplemented(
    message = "a pointer probe argument takes a raw pointer (`*const T`, `*mut T`), not `{Self}`",
    label = "this is not a raw pointer"
)]
pub trait PtrArg: Arg {}

impl<T: ?Sized> Arg for *const T {
    type Prepared = u64;
    #[inline(always)]
    fn prepare(self) -> u64 {
        self as *const u8 as usize as u64
    }
}
impl<T: ?Sized> Arg for *mut T {
    type Prepared = u64;
    #[inline(always)]
    fn prepare(self) -> u64 {
        self as *const u8 as usize as u64
    }
}
impl<T: ?Sized> PtrArg for *const T {}
impl<T: ?Sized> PtrArg for *mut T {}

macro_rules! str_arg {
    ($(($t:ty, $life:lifetime, $via:ident)),*) => {$(
        impl<'a> Arg for $t {
            type Prepared = StrBuf<$life>;
            #[inline(always)]
            fn prepare(self) -> StrBuf<$life> {
                StrBuf::$via(self)
            }
        }
        impl<'a> StrArg for $t {}
    )*};
}
str_arg!(
    (&'a str, 'static, from_bytes),
    (&'a String, 'static, from_bytes),
    (&'a CStr, 'a, from_cstr),
    (&'a CString, 'a, from_cstring)
);

impl Arg for String {
    type Prepared = StrBuf<'static>;
    #[inline(always)]
    fn prepare(self) -> StrBuf<'static> {
        StrBuf::from_owned(self)
    }
}
impl StrArg for String {}

impl Arg for CString {
    type Prepared = StrBuf<'static>;
    #[inline(always)]
    fn prepare(self) -> StrBuf<'static> {
        StrBuf::from_owned_cstring(self)
    }
}
impl StrArg for CString {}
