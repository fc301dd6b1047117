//! Probe signatures as Rust types, so that a [`Probe`](crate::Probe) cannot be fired with
//! the wrong arguments: `Probe<(u64, Str)>` takes `(u64, &str)` and nothing else.

use std::ffi::{CStr, CString};

use usdt_impl::StrBuf;

use crate::backend::Site;
use crate::ArgType;

/// The most arguments a probe may carry (the limit of static probes too).
pub const MAX_ARGS: usize = dtrace_parser::MAX_ARGUMENTS;

/// The tracer's argument words of one fire, unused ones zero.
pub(crate) type Words = [u64; MAX_ARGS];

/// A string argument, in a signature: `Probe<(Str, u32)>`. It takes `&str`, `String`,
/// `&CStr` or `CString` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Str {}

mod sealed {
    pub trait Sealed {}
}

/// One argument type of a signature: `i8` ... `u64`, or [`Str`].
pub trait ArgSig: sealed::Sealed {
    /// Its run-time description.
    const TYPE: ArgType;
}

/// A probe's argument list as a tuple type: `()`, `(u64,)`, `(Str, i32)`; up to 12.
pub trait Signature: sealed::Sealed + 'static {
    /// The argument types, in order.
    const TYPES: &'static [ArgType];
}

/// A value an argument of type `S` takes: the integer type itself, or a string for [`Str`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value for a `{S}` probe argument",
    note = "integer arguments take their own type; `Str` takes `&str`, `String`, `&CStr` or `CString`"
)]
pub trait ArgValue<S: ArgSig> {
    /// The tracer's word for the value; strings are copied into `buf` when they need a NUL.
    fn word(&self, buf: &mut StrBuf) -> u64;
}

/// The argument values of one fire of a `Probe<S>`: a tuple of [`ArgValue`]s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` are not the arguments of a `Probe<{S}>`",
    note = "pass a tuple with one value per argument of the signature, `(x,)` for one"
)]
pub trait Args<S: Signature> {
    /// Fire `site` with these values.
    #[doc(hidden)]
    fn fire(self, site: &Site);
}

macro_rules! int_sig {
    ($($t:ty => $v:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl ArgSig for $t {
            const TYPE: ArgType = ArgType::$v;
        }
        impl ArgValue<$t> for $t {
            #[inline(always)]
            fn word(&self, _: &mut StrBuf) -> u64 {
                // Sign- or zero-extended by the cast chain; the note's size says how much of
                // the word the tracer reads.
                i128::from(*self) as u64
            }
        }
    )*};
}
int_sig!(i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32, i64 => I64, u64 => U64);

impl sealed::Sealed for Str {}
impl ArgSig for Str {
    const TYPE: ArgType = ArgType::Str;
}

impl ArgValue<Str> for &str {
    #[inline(always)]
    fn word(&self, buf: &mut StrBuf) -> u64 {
        buf.copy(self.as_bytes())
    }
}

impl ArgValue<Str> for String {
    #[inline(always)]
    fn word(&self, buf: &mut StrBuf) -> u64 {
        buf.copy(self.as_bytes())
    }
}

impl ArgValue<Str> for &String {
    #[inline(always)]
    fn word(&self, buf: &mut StrBuf) -> u64 {
        buf.copy(self.as_bytes())
    }
}

impl ArgValue<Str> for &CStr {
    #[inline(always)]
    fn word(&self, _: &mut StrBuf) -> u64 {
        self.as_ptr() as usize as u64
    }
}

impl ArgValue<Str> for CString {
    #[inline(always)]
    fn word(&self, _: &mut StrBuf) -> u64 {
        self.as_ptr() as usize as u64
    }
}

macro_rules! tuple_sig {
    ($(($S:ident $V:ident $b:ident $i:tt))*) => {
        impl<$($S: ArgSig + 'static),*> sealed::Sealed for ($($S,)*) {}
        impl<$($S: ArgSig + 'static),*> Signature for ($($S,)*) {
            const TYPES: &'static [ArgType] = &[$($S::TYPE),*];
        }
        impl<$($S: ArgSig + 'static, $V: ArgValue<$S>),*> Args<($($S,)*)> for ($($V,)*) {
            #[inline(always)]
            #[allow(unused_variables, unused_mut)]
            fn fire(self, site: &Site) {
                // One buffer per argument, alive and unmoved until the probe has fired; its
                // bytes are written only for a string that needs a NUL.
                $(let mut $b = StrBuf::new();)*
                let mut words: Words = [0; MAX_ARGS];
                $(words[$i] = self.$i.word(&mut $b);)*
                site.fire(&words, <($($S,)*) as Signature>::TYPES.len());
            }
        }
    };
}

tuple_sig!();
tuple_sig!((S0 V0 b0 0));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5)(S6 V6 b6 6));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5)(S6 V6 b6 6)
    (S7 V7 b7 7));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5)(S6 V6 b6 6)
    (S7 V7 b7 7)(S8 V8 b8 8));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5)(S6 V6 b6 6)
    (S7 V7 b7 7)(S8 V8 b8 8)(S9 V9 b9 9));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5)(S6 V6 b6 6)
    (S7 V7 b7 7)(S8 V8 b8 8)(S9 V9 b9 9)(S10 V10 b10 10));
tuple_sig!((S0 V0 b0 0)(S1 V1 b1 1)(S2 V2 b2 2)(S3 V3 b3 3)(S4 V4 b4 4)(S5 V5 b5 5)(S6 V6 b6 6)
    (S7 V7 b7 7)(S8 V8 b8 8)(S9 V9 b9 9)(S10 V10 b10 10)(S11 V11 b11 11));
