//! The argument string of a stapsdt note: `-4@%edi 8@%rax 8f@%xmm0 -1@-9(%rbp)`.
//!
//! Each argument is `SIZE@LOCATION`, where SIZE is the byte count, negative for a signed
//! integer, with an `f` suffix for floating point. Arguments are separated by spaces, but a
//! location may hold spaces inside brackets (aarch64 writes `8@[sp, 16]`).

use crate::probe::{ArgType, Argument};

/// Parses a note's argument string; never fails: an argument whose size cannot be read keeps
/// its raw text and has no type.
pub fn parse_arguments(raw: &str) -> Vec<Argument> {
    split_arguments(raw)
        .into_iter()
        .map(parse_argument)
        .collect()
}

/// Splits at spaces that are outside brackets.
fn split_arguments(raw: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (i, c) in raw.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if let Some(s) = start.take() {
                out.push(&raw[s..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&raw[s..]);
    }
    out
}

/// Parses one `SIZE@LOCATION` argument.
fn parse_argument(raw: &str) -> Argument {
    let typed = raw
        .split_once('@')
        .and_then(|(size, location)| Some((parse_size(size)?, location)));
    match typed {
        Some((ty, location)) => Argument {
            raw: raw.to_string(),
            ty: Some(ty),
            location: location.to_string(),
            c_type: None,
        },
        // SystemTap v1 notes and odd compilers give a bare location.
        None => Argument {
            raw: raw.to_string(),
            ty: None,
            location: raw.to_string(),
            c_type: None,
        },
    }
}

/// Parses `-4`, `8`, `8f`, `-4f`.
fn parse_size(text: &str) -> Option<ArgType> {
    let (signed, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (float, digits) = match rest.strip_suffix('f') {
        Some(digits) => (true, digits),
        None => (false, rest),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let size: u8 = digits.parse().ok()?;
    if size == 0 {
        return None;
    }
    Some(ArgType {
        size,
        // A float is signed by nature; keep `signed` meaning "signed integer".
        signed: signed && !float,
        float,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(raw: &str) -> Vec<String> {
        parse_arguments(raw).iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn sizes_and_signs() {
        assert_eq!(
            types("-4@%edi 8@%rax -1@-9(%rbp) 2@%cx 8f@%xmm0 4f@-4(%rbp)"),
            ["i32", "u64", "i8", "u16", "f64", "f32"]
        );
    }

    #[test]
    fn empty() {
        assert!(parse_arguments("").is_empty());
        assert!(parse_arguments("   ").is_empty());
    }

    #[test]
    fn locations_with_spaces_in_brackets() {
        let args = parse_arguments("8@[sp, 16] -4@x0");
        assert_eq!(args.len(), 2);
        assert_eq!(args[0].location, "[sp, 16]");
        assert_eq!(args[1].to_string(), "i32");
    }

    #[test]
    fn bare_location_has_no_type() {
        let args = parse_arguments("%eax x@%ebx");
        assert_eq!(types("%eax x@%ebx"), ["?", "?"]);
        assert_eq!(args[0].location, "%eax");
    }

    #[test]
    fn scaled_index_location() {
        let args = parse_arguments("8@(%rax,%rdx,8) 4@$3");
        assert_eq!(args[0].location, "(%rax,%rdx,8)");
        assert_eq!(args[1].location, "$3");
    }
}
