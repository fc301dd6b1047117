//! What the fixture binaries share: the count of closure evaluations they print at the end,
//! and the values that both a fixture and its test compute.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many times a probe closure has run in this process.
static EVALUATIONS: AtomicUsize = AtomicUsize::new(0);

/// Count one evaluation of a probe closure and hand `value` back: closures are written
/// `|| ev(value)`, so the count says how often the tracer made the program compute
/// arguments.
#[inline(always)]
pub fn ev<T>(value: T) -> T {
    EVALUATIONS.fetch_add(1, Ordering::Relaxed);
    value
}

/// The evaluations counted by [`ev`] so far.
pub fn evaluations() -> usize {
    EVALUATIONS.load(Ordering::Relaxed)
}

/// Print the line every fixture ends with: `evaluations=N`, where `N` is the evaluations of
/// this process plus `extra` (closures counted elsewhere, e.g. in a library crate).
pub fn report(extra: usize) {
    println!("evaluations={}", evaluations() + extra);
}

/// A string of `len` ASCII bytes that does not repeat with a short period, so that a
/// tracer's copy of any prefix can be checked byte for byte.
pub fn long_string(len: usize) -> String {
    (0..len)
        .map(|i| char::from(b'a' + ((i * 7 + i / 26) % 26) as u8))
        .collect()
}

/// The groups a fixture was asked to fire: its arguments, or `default` when there are none.
pub fn groups(default: &[&str]) -> Vec<String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        default.iter().map(|s| (*s).to_owned()).collect()
    } else {
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_are_ascii_and_of_the_asked_length() {
        let s = long_string(5000);
        assert_eq!(s.len(), 5000);
        assert!(s.bytes().all(|b| b.is_ascii_lowercase()));
        assert_eq!(long_string(300).get(..200), s.get(..200));
    }
}
