//! NUL-terminated strings for the tracer, made without touching the heap per fire.
//!
//! A tracer reads a `char *` argument up to its first NUL, from the process's memory, while
//! the thread sits at the probe instruction. Rust strings are not NUL-terminated, so they are
//! copied: short ones into a buffer on the site's stack, long ones into buffers the thread
//! keeps and reuses. A string with an interior NUL is cut there: that is where every tracer
//! stops.
//!
//! Nothing here needs dropping at the site: a site's string code is one call, with no
//! cleanup path (a `Drop` at every site costs compile time and code).

use std::cell::RefCell;
use std::mem::MaybeUninit;

/// Strings up to this many bytes are copied onto the stack.
pub const INLINE_STR_LEN: usize = 256;

/// How many long strings a thread keeps at once: one per argument of a probe (the most a
/// probe takes, `dtrace_parser::MAX_ARGUMENTS`, which a test holds this to), so the copies
/// of one fire never share a buffer.
pub const LONG_BUFFERS: usize = 12;

/// A long-string buffer above this capacity is shrunk when it next holds a string of less
/// than a quarter of it, so one huge string is not kept for the thread's life.
const KEEP_CAPACITY: usize = 64 * 1024;

/// Where a site's string argument is made NUL-terminated when short: a local of the site,
/// alive and unmoved until after the probe instruction.
pub struct StrBuf([MaybeUninit<u8>; INLINE_STR_LEN + 1]);

impl StrBuf {
    /// An empty buffer (its bytes uninitialized: nothing is written until a string is).
    #[inline(always)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> StrBuf {
        StrBuf([MaybeUninit::uninit(); INLINE_STR_LEN + 1])
    }

    /// Copy `s` (up to its first NUL) NUL-terminated into this buffer, or into one of the
    /// thread's long-string buffers when longer than [`INLINE_STR_LEN`]; returns the copy's
    /// address. The copy stays valid until the thread copies [`LONG_BUFFERS`] more long
    /// strings, which no fire does between its copies and its probe instruction.
    // Out of line, and `extern "C"` so that it cannot unwind: a site then has no cleanup
    // path to compile.
    #[allow(improper_ctypes_definitions)]
    #[inline(never)]
    pub extern "C" fn copy(&mut self, s: &[u8]) -> u64 {
        let bytes = match s.iter().position(|&b| b == 0) {
            Some(nul) => &s[..nul],
            None => s,
        };
        if bytes.len() > INLINE_STR_LEN {
            if let Some(address) = copy_long(bytes) {
                return address;
            }
        }
        // Short, or (only re-entered from a signal handler, or while the thread exits) no
        // long buffer to be had: the first INLINE_STR_LEN bytes.
        let bytes = &bytes[..bytes.len().min(INLINE_STR_LEN)];
        for (slot, &b) in self.0.iter_mut().zip(bytes) {
            slot.write(b);
        }
        self.0[bytes.len()].write(0);
        self.0.as_ptr() as usize as u64
    }
}

/// The thread's long-string buffers, used in turn.
struct LongBuffers {
    next: usize,
    buffers: [Vec<u8>; LONG_BUFFERS],
}

thread_local! {
    static LONG: RefCell<LongBuffers> = const {
        RefCell::new(LongBuffers { next: 0, buffers: [const { Vec::new() }; LONG_BUFFERS] })
    };
}

/// Copy `bytes` NUL-terminated into the thread's next long-string buffer.
#[cold]
fn copy_long(bytes: &[u8]) -> Option<u64> {
    LONG.try_with(|long| {
        let mut long = long.try_borrow_mut().ok()?;
        let i = long.next;
        long.next = (i + 1) % LONG_BUFFERS;
        let buffer = &mut long.buffers[i];
        buffer.clear();
        if buffer.capacity() > KEEP_CAPACITY && bytes.len() < buffer.capacity() / 4 {
            buffer.shrink_to(bytes.len() + 1);
        }
        // One allocation for the string and its NUL, not two.
        buffer.reserve_exact(bytes.len() + 1);
        buffer.extend_from_slice(bytes);
        buffer.push(0);
        Some(buffer.as_ptr() as usize as u64)
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn read(address: u64) -> Vec<u8> {
        // SAFETY: every address `copy` returns is NUL-terminated, and the callers keep the
        // buffer alive and unmoved while reading.
        unsafe { CStr::from_ptr(address as usize as *const std::ffi::c_char) }
            .to_bytes()
            .to_vec()
    }

    fn is_inline(b: &StrBuf, address: u64) -> bool {
        address == b.0.as_ptr() as usize as u64
    }

    #[test]
    fn short_strings_are_inline() {
        let mut b = StrBuf::new();
        let a = b.copy(b"hello");
        assert!(is_inline(&b, a));
        assert_eq!(read(a), b"hello");
        let mut b = StrBuf::new();
        let a = b.copy("x".repeat(INLINE_STR_LEN).as_bytes());
        assert!(is_inline(&b, a));
        assert_eq!(read(a).len(), INLINE_STR_LEN);
    }

    #[test]
    fn long_strings_go_to_the_thread_buffers() {
        let s = "y".repeat(INLINE_STR_LEN + 1);
        let mut b = StrBuf::new();
        let a = b.copy(s.as_bytes());
        assert!(!is_inline(&b, a));
        assert_eq!(read(a), s.as_bytes());
    }

    #[test]
    fn one_fire_long_strings_do_not_share_a_buffer() {
        let strings: Vec<String> = (0..LONG_BUFFERS)
            .map(|i| char::from(b'a' + i as u8).to_string().repeat(300 + i))
            .collect();
        let mut bufs: Vec<StrBuf> = (0..LONG_BUFFERS).map(|_| StrBuf::new()).collect();
        let addresses: Vec<u64> = bufs
            .iter_mut()
            .zip(&strings)
            .map(|(b, s)| b.copy(s.as_bytes()))
            .collect();
        for (a, s) in addresses.iter().zip(&strings) {
            assert_eq!(read(*a), s.as_bytes());
        }
    }

    #[test]
    fn long_buffers_are_reused_not_reallocated() {
        let s = "z".repeat(1000);
        let mut b = StrBuf::new();
        let first = b.copy(s.as_bytes());
        for _ in 0..LONG_BUFFERS - 1 {
            b.copy(s.as_bytes());
        }
        assert_eq!(
            b.copy(s.as_bytes()),
            first,
            "the same buffer, its capacity kept"
        );
    }

    #[test]
    fn huge_buffers_are_given_back() {
        let huge = "h".repeat(4 * KEEP_CAPACITY);
        let mut b = StrBuf::new();
        b.copy(huge.as_bytes());
        for _ in 0..LONG_BUFFERS - 1 {
            b.copy(&[b'x'; 300]);
        }
        b.copy(&[b's'; 300]);
        LONG.with(|long| {
            let long = long.borrow();
            assert!(long.buffers.iter().all(|v| v.capacity() <= KEEP_CAPACITY));
        });
    }

    #[test]
    fn re_entry_truncates_instead_of_failing() {
        let s = "r".repeat(INLINE_STR_LEN + 10);
        LONG.with(|long| {
            let _held = long.borrow_mut();
            let mut b = StrBuf::new();
            let a = b.copy(s.as_bytes());
            assert!(is_inline(&b, a));
            assert_eq!(read(a).len(), INLINE_STR_LEN);
        });
    }

    #[test]
    fn interior_nul_cuts_the_string() {
        let mut b = StrBuf::new();
        assert_eq!(read(b.copy(b"ab\0cd")), b"ab");
        let mut b = StrBuf::new();
        assert_eq!(read(b.copy(b"")), b"");
    }
}
