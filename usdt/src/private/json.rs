//! Serializable probe arguments: a JSON string made only while the probe is enabled.

use super::args::Arg;
use super::cstr::StrBuf;

pub use serde::Serialize;

/// A value passed to the tracer as JSON: `{"ok":VALUE}`, or `{"err":"message"}` when
/// serialization fails (a probe never panics). Tracers read it as a string (`str(argN)`).
pub struct Json<T>(pub T);

impl<T: Serialize> Arg for Json<T> {
    type Prepared = StrBuf<'static>;

    fn prepare(self) -> StrBuf<'static> {
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(b"{\"ok\":");
        if let Err(e) = serde_json::to_writer(&mut out, &self.0) {
            out.clear();
            out.extend_from_slice(b"{\"err\":");
            // Serializing a string cannot fail.
            let _ = serde_json::to_writer(&mut out, &e.to_string());
        }
        out.push(b'}');
        StrBuf::from_vec(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::__private::Reg;
    use std::collections::BTreeMap;
    use std::ffi::CStr;

    fn json<T: Serialize>(v: T) -> String {
        let p = Json(v).prepare();
        // SAFETY: prepared strings are NUL-terminated and alive while `p` is.
        let c = unsafe { CStr::from_ptr(p.reg() as usize as *const std::ffi::c_char) };
        c.to_str().unwrap().to_owned()
    }

    #[test]
    fn values_are_wrapped_in_ok() {
        assert_eq!(json([1, 2]), r#"{"ok":[1,2]}"#);
        assert_eq!(json("a\"b"), r#"{"ok":"a\"b"}"#);
    }

    #[test]
    fn failures_become_err() {
        // JSON object keys must be strings.
        let mut m = BTreeMap::new();
        m.insert(vec![1u8], 2);
        let out = json(&m);
        assert!(out.starts_with(r#"{"err":""#), "{out}");
    }
}
