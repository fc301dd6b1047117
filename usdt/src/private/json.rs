//! Serializable probe arguments: a JSON string made only while the probe is enabled.

pub use serde::Serialize;

/// A value serialized for the tracer: `{"ok":VALUE}`, or `{"err":"message"}` when
/// serialization fails (a probe never panics), NUL-terminated. Tracers read it as a string
/// (`str(argN)`). The site keeps it until after the probe.
pub struct Json(Vec<u8>);

impl Json {
    /// Serialize `value`. Runs only while the probe is enabled.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Json {
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(b"{\"ok\":");
        if let Err(e) = serde_json::to_writer(&mut out, value) {
            out.clear();
            out.extend_from_slice(b"{\"err\":");
            // Serializing a string cannot fail.
            let _ = serde_json::to_writer(&mut out, &e.to_string());
        }
        out.extend_from_slice(b"}\0");
        Json(out)
    }

    /// The address of the NUL-terminated JSON text.
    #[inline(always)]
    pub fn address(&self) -> u64 {
        self.0.as_ptr() as usize as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::ffi::CStr;

    fn json<T: Serialize>(v: T) -> String {
        let json = Json::new(&v);
        let address = json.address();
        // SAFETY: the text is NUL-terminated and alive while `json` is.
        let c = unsafe { CStr::from_ptr(address as usize as *const std::ffi::c_char) };
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
