//! NUL-terminated strings for the tracer, made without touching the heap when short.
//!
//! A tracer reads a `char *` argument up to its first NUL, from the process's memory, while
//! the thread sits at the probe instruction. Rust strings are not NUL-terminated, so short
//! ones are copied into a buffer on the stack (resident, never allocated) and long ones into
//! the heap. A string with an interior NUL is cut there: that is where every tracer stops.

use std::ffi::{CStr, CString};
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};

/// Strings up to this many bytes are passed without a heap allocation.
pub const INLINE_STR_LEN: usize = 256;

/// A NUL-terminated string that lives across the probe instruction.
///
/// A struct, not an enum: the probe takes the address with one select (`reg`), so the
/// compiler has no reason to copy the probe instruction (and its note) into one branch per
/// kind of string.
pub struct StrBuf<'a> {
    /// The string's address; null when it is in `inline`, whose address changes when the
    /// buffer moves and is taken only at the probe.
    ptr: *const u8,
    /// A short string's copy, NUL-terminated; untouched for other strings.
    inline: [MaybeUninit<u8>; INLINE_STR_LEN + 1],
    /// Keeps a heap copy or an owned C string alive until after the probe; freed by the
    /// out-of-line `Drop`, so no site carries the code that frees it.
    owner: ManuallyDrop<Owner>,
    _borrow: PhantomData<&'a CStr>,
}

/// What a [`StrBuf`] owns besides its inline buffer.
enum Owner {
    None,
    Bytes(#[allow(dead_code)] Vec<u8>),
    CString(#[allow(dead_code)] CString),
}

impl<'a> StrBuf<'a> {
    fn pointing(ptr: *const u8, owner: Owner) -> Self {
        StrBuf {
            ptr,
            inline: [MaybeUninit::uninit(); INLINE_STR_LEN + 1],
            owner: ManuallyDrop::new(owner),
            _borrow: PhantomData,
        }
    }

    /// Copy `s` (up to its first NUL) into a NUL-terminated buffer.
    // Out of line: the copy runs only for enabled probes, and inlined at every site it
    // would cost some 140 bytes of code per string argument.
    #[inline(never)]
    pub fn from_bytes(s: &str) -> StrBuf<'static> {
        let bytes = s.as_bytes();
        let bytes = match bytes.iter().position(|&b| b == 0) {
            Some(nul) => &bytes[..nul],
            None => bytes,
        };
        if bytes.len() <= INLINE_STR_LEN {
            let mut buf = StrBuf::pointing(std::ptr::null(), Owner::None);
            for (slot, &b) in buf.inline.iter_mut().zip(bytes) {
                slot.write(b);
            }
            buf.inline[bytes.len()].write(0);
            buf
        } else {
            let mut v = Vec::with_capacity(bytes.len() + 1);
            v.extend_from_slice(bytes);
            v.push(0);
            StrBuf::pointing(v.as_ptr(), Owner::Bytes(v))
        }
    }

    /// As [`StrBuf::from_bytes`]; the `String` is dropped after the probe.
    #[inline(never)]
    pub fn from_owned(s: String) -> StrBuf<'static> {
        Self::from_bytes(&s)
    }

    /// Take `bytes`, cut at its first NUL if any, and terminate it.
    pub fn from_vec(mut bytes: Vec<u8>) -> StrBuf<'static> {
        if let Some(nul) = bytes.iter().position(|&b| b == 0) {
            bytes.truncate(nul);
        }
        bytes.push(0);
        StrBuf::pointing(bytes.as_ptr(), Owner::Bytes(bytes))
    }

    /// No copy: the caller's bytes are already NUL-terminated.
    #[inline]
    pub fn from_cstr(s: &'a CStr) -> Self {
        StrBuf::pointing(s.as_ptr().cast(), Owner::None)
    }

    /// No copy: the caller's bytes are already NUL-terminated.
    #[inline]
    pub fn from_cstring(s: &'a CString) -> Self {
        Self::from_cstr(s.as_c_str())
    }

    /// No copy: the string is kept alive until after the probe.
    #[inline]
    pub fn from_owned_cstring(s: CString) -> StrBuf<'static> {
        StrBuf::pointing(s.as_ptr().cast(), Owner::CString(s))
    }

    /// The address of the first byte.
    #[inline(always)]
    pub fn as_ptr(&self) -> *const u8 {
        if self.ptr.is_null() {
            self.inline.as_ptr().cast()
        } else {
            self.ptr
        }
    }
}

impl Drop for StrBuf<'_> {
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: `owner` is dropped only here, once, and never used afterwards.
        unsafe { ManuallyDrop::drop(&mut self.owner) }
    }
}

impl super::args::Reg for StrBuf<'_> {
    #[inline(always)]
    fn reg(&self) -> u64 {
        self.as_ptr() as usize as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(b: &StrBuf<'_>) -> Vec<u8> {
        // SAFETY: every variant is NUL-terminated and alive for the borrow of `b`.
        unsafe { CStr::from_ptr(b.as_ptr().cast()) }
            .to_bytes()
            .to_vec()
    }

    #[test]
    fn short_strings_are_inline() {
        let b = StrBuf::from_bytes("hello");
        assert!(b.ptr.is_null(), "inline");
        assert_eq!(read(&b), b"hello");
        let b = StrBuf::from_bytes(&"x".repeat(INLINE_STR_LEN));
        assert!(b.ptr.is_null(), "inline");
        assert_eq!(read(&b).len(), INLINE_STR_LEN);
    }

    #[test]
    fn long_strings_go_to_the_heap() {
        let s = "y".repeat(INLINE_STR_LEN + 1);
        let b = StrBuf::from_bytes(&s);
        assert!(!b.ptr.is_null(), "on the heap");
        assert_eq!(read(&b), s.as_bytes());
    }

    #[test]
    fn interior_nul_cuts_the_string() {
        assert_eq!(read(&StrBuf::from_bytes("ab\0cd")), b"ab");
        assert_eq!(read(&StrBuf::from_bytes("")), b"");
    }

    #[test]
    fn c_strings_are_not_copied() {
        let c = CString::new("zz").unwrap();
        let b = StrBuf::from_cstring(&c);
        assert_eq!(b.as_ptr(), c.as_ptr().cast());
    }
}
