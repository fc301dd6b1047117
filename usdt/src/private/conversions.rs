//! What a closure may return for each kind of probe argument, and how each value becomes the
//! one machine word the tracer reads from a register.
//!
//! Integers are cast where the probe is (no trait to resolve at every site). Strings go
//! through [`StrArg`] and pointers through [`PtrArg`], whose messages say which Rust types a
//! string or pointer argument takes; floats and `UniqueId` through [`Arg`].

use crate::UniqueId;
use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::rc::Rc;
use std::sync::Arc;
use usdt_impl::StrBuf;

/// A value other than an integer, string or pointer that a tracer reads from a register.
/// Sites hold each argument by reference.
pub trait Arg {
    /// The bits the tracer reads.
    fn to_reg(&self) -> u64;
}

impl Arg for f32 {
    #[inline(always)]
    fn to_reg(&self) -> u64 {
        // `4f@REG`: the tracer reinterprets the low 32 bits of the register.
        self.to_bits() as u64
    }
}

impl Arg for f64 {
    #[inline(always)]
    fn to_reg(&self) -> u64 {
        self.to_bits()
    }
}

impl Arg for UniqueId {
    #[inline(always)]
    fn to_reg(&self) -> u64 {
        self.as_u64()
    }
}

#[diagnostic::on_unimplemented(
    message = "a string probe argument takes `&str`, `String`, `&CStr`, `CString` or another string (`Box<str>`, `Cow<str>`, `Rc<str>`, `Arc<str>`), not `{Self}`",
    label = "this is not a string"
)]
/// Rust types accepted for a string argument (`char *`, `const char *`, D `string`): what
/// usdt 0.6 accepted (`AsRef<str>`'s usual types) and C strings, by value or by reference.
pub trait StrArg {
    /// The address of the NUL-terminated string: the value's own bytes when they are
    /// NUL-terminated already, else a copy made in `buf`. The site keeps the value and `buf`
    /// alive and unmoved until after the probe.
    fn c_str(&self, buf: &mut StrBuf) -> u64;
}

/// The string types whose bytes are copied to be NUL-terminated, by value and by reference
/// (one or two levels). Each impl is written out rather than one generic `impl for &T`: a
/// generic impl would be instantiated, and compiled, in every crate with a probe site.
macro_rules! copied {
    ($($t:ty),*) => {$(
        impl StrArg for $t {
            #[inline(always)]
            fn c_str(&self, buf: &mut StrBuf) -> u64 {
                buf.copy(self.as_bytes())
            }
        }
    )*};
}
copied!(
    &str,
    &&str,
    &mut str,
    String,
    &String,
    &&String,
    Box<str>,
    &Box<str>
);
copied!(
    Cow<'_, str>,
    &Cow<'_, str>,
    Rc<str>,
    &Rc<str>,
    Arc<str>,
    &Arc<str>
);

/// The C strings, NUL-terminated already, read in place: a borrowed one outlives the
/// closure that returned it, an owned one is kept by the site until after the probe.
///
/// The string is read once here (its length, kept from being optimized away): a tracer reads
/// it from the probe without faulting pages in (BPF's `probe_read_user_str` gives up on a
/// page not mapped yet), and a literal (`c"..."`) lies in pages of `.rodata` the program
/// may never have touched. A copied string is read by the copy.
macro_rules! in_place {
    ($($t:ty),*) => {$(
        impl StrArg for $t {
            #[inline(always)]
            fn c_str(&self, _: &mut StrBuf) -> u64 {
                ::core::hint::black_box(self.count_bytes());
                self.as_ptr() as usize as u64
            }
        }
    )*};
}
in_place!(&CStr, &&CStr, CString, &CString, &&CString);

#[diagnostic::on_unimplemented(
    message = "a pointer probe argument takes a raw pointer (`*const T`, `*mut T`), not `{Self}`",
    label = "this is not a raw pointer"
)]
/// Rust types accepted for a pointer argument (`void *`, `struct x *`, `uint8_t *`, ...), by
/// value or by reference.
pub trait PtrArg {
    /// The address the tracer reads.
    fn address(&self) -> u64;
}

impl<T: ?Sized> PtrArg for *const T {
    #[inline(always)]
    fn address(&self) -> u64 {
        *self as *const u8 as usize as u64
    }
}

impl<T: ?Sized> PtrArg for *mut T {
    #[inline(always)]
    fn address(&self) -> u64 {
        *self as *const u8 as usize as u64
    }
}

impl<P: PtrArg + ?Sized> PtrArg for &P {
    #[inline(always)]
    fn address(&self) -> u64 {
        (**self).address()
    }
}
