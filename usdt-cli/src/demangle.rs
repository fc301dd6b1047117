//! Symbol names as a person reads them: Rust (v0 and legacy, without the hash) and C++.

use cpp_demangle::{DemangleOptions, Symbol};

/// Demangles a Rust or C++ symbol name; other names come back unchanged.
pub fn demangle(name: &str) -> String {
    if is_rust(name) {
        if let Ok(d) = rustc_demangle::try_demangle(name) {
            // The alternate form leaves out the legacy hash (`::h0123...`).
            return format!("{d:#}");
        }
    }
    if name.starts_with("_Z") {
        let options = DemangleOptions::new().no_params().no_return_type();
        if let Ok(Ok(text)) = Symbol::new(name).map(|s| s.demangle_with_options(&options)) {
            return text;
        }
    }
    name.to_string()
}

/// Rust v0 names start with `_R`; legacy ones look like C++ `_ZN...E` but end with a
/// `17h<16 hex digits>E` hash segment, which tells them from C++ names.
fn is_rust(name: &str) -> bool {
    if name.starts_with("_R") {
        return true;
    }
    // Legacy names may carry a `.llvm.NNN` style suffix after the `E`.
    let core = name.split('.').next().unwrap_or(name);
    let Some(body) = core.strip_prefix("_ZN").and_then(|b| b.strip_suffix('E')) else {
        return false;
    };
    body.len() >= 19
        && body
            .get(body.len() - 19..)
            .and_then(|tail| tail.strip_prefix("17h"))
            .is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::demangle;

    #[test]
    fn rust_legacy_without_hash() {
        assert_eq!(
            demangle("_ZN7example4main17h0123456789abcdefE"),
            "example::main"
        );
    }

    #[test]
    fn rust_v0() {
        assert_eq!(demangle("_RNvCs1234_7example4main"), "example::main");
    }

    #[test]
    fn cpp_without_parameters() {
        assert_eq!(demangle("_ZN2ns3Foo3barEi"), "ns::Foo::bar");
        assert_eq!(demangle("_Z3addii"), "add");
    }

    #[test]
    fn c_and_garbage_unchanged() {
        assert_eq!(demangle("main"), "main");
        assert_eq!(demangle("_Zgarbage"), "_Zgarbage");
        assert_eq!(demangle("_R"), "_R");
    }
}
