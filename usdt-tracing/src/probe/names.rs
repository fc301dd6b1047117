//! Span names and targets as `&'static CStr`, which a probe passes in place: a `&str`
//! argument would be copied into a buffer on the callback's stack, and that buffer would
//! be part of the frame of every subscriber callback the layer's is inlined into.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::sync::Mutex;

/// Every text made so far, by address and length: one per callsite name and target, so
/// what is kept is bounded by the program's callsites.
static NAMES: Mutex<Option<HashMap<(usize, usize), &'static CStr>>> = Mutex::new(None);

/// `text` NUL-terminated (cut at an interior NUL, where every tracer stops), made once.
/// Only called while a probe is enabled.
#[cold]
pub(crate) fn c_str(text: &'static str) -> &'static CStr {
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    let names = names.get_or_insert_with(HashMap::new);
    names
        .entry((text.as_ptr() as usize, text.len()))
        .or_insert_with(|| {
            let bytes = text.as_bytes();
            let cut = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            // No NUL before `cut`: `CString::new` cannot fail; an empty one if it did.
            let owned = CString::new(&bytes[..cut]).unwrap_or_default();
            Box::leak(owned.into_boxed_c_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_once_and_cut_at_a_nul() {
        let a = c_str("request");
        assert_eq!(a.to_bytes(), b"request");
        assert!(std::ptr::eq(a, c_str("request")));
        assert_eq!(c_str("a\0b").to_bytes(), b"a");
    }
}
