//! [`Text`]: a string on the stack, so that a probe's arguments need no drop.
//!
//! An owned `String` among a probe's arguments must be dropped after the probe, and a
//! function with a drop to run sets up its stack frame (register saves and all) before
//! the probe's gate, on every call, traced or not. Text made into a buffer of the
//! callback's own, declared uninitialized before the gate, costs the untraced call
//! nothing.

use std::fmt;
use std::mem::MaybeUninit;

/// Up to `N` bytes of UTF-8 text; what does not fit is cut at a character boundary.
pub(crate) struct Text<const N: usize> {
    buf: [MaybeUninit<u8>; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    /// An empty text in `slot` (which may hold anything, initialized or not).
    pub(crate) fn init(slot: &mut MaybeUninit<Self>) -> &mut Self {
        let text = slot.as_mut_ptr();
        // SAFETY: `text` points to writable memory for a `Text`; `len` is its only field
        // that must be initialized (`buf` is `MaybeUninit`), so afterwards it is one.
        unsafe {
            std::ptr::addr_of_mut!((*text).len).write(0);
            &mut *text
        }
    }

    /// The text so far.
    pub(crate) fn as_str(&self) -> &str {
        // SAFETY: the first `len` bytes were written by `write_str`, whole characters of
        // `&str`s, so they are initialized UTF-8.
        unsafe {
            let bytes = std::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), self.len);
            std::str::from_utf8_unchecked(bytes)
        }
    }
}

impl<const N: usize> fmt::Write for Text<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        for (dst, &b) in self.buf[self.len..self.len + take]
            .iter_mut()
            .zip(s.as_bytes())
        {
            dst.write(b);
        }
        self.len += take;
        // Cut, not failed: the rest is dropped quietly, as a tracer cuts long strings.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        let mut slot = MaybeUninit::<Text<5>>::uninit();
        let t = Text::init(&mut slot);
        let tail = "çdé";
        write!(t, "ab{tail}").unwrap();
        assert_eq!(t.as_str(), "abçd");
        write!(t, "more").unwrap();
        assert_eq!(t.as_str(), "abçd");
        let mut slot = MaybeUninit::<Text<8>>::uninit();
        assert_eq!(Text::init(&mut slot).as_str(), "");
    }
}
