//! The argument string of a note: `-4@%edi 8@%rax 8f@%xmm0 -1@-9(%rbp)`.
//!
//! Each argument is `SIZE@LOCATION`, where SIZE is the byte count, negative for a signed
//! integer, with an `f` suffix for floating point. Arguments are separated by spaces, but a
//! location may hold spaces inside brackets (aarch64 writes `8@[sp, 16]`).

use std::fmt;

/// The `SIZE` of an argument: its width, sign and class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArgSize {
    /// Width in bytes.
    pub bytes: u8,
    /// Signed integer (a note spells it with a `-`).
    pub signed: bool,
    /// Floating point (a note spells it with an `f`).
    pub float: bool,
}

impl ArgSize {
    /// Reads `-4`, `8`, `8f`; `None` for anything else. A float is never `signed`: the field
    /// means "signed integer", and `-4f` reads as `4f`.
    pub fn parse(text: &str) -> Option<ArgSize> {
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
        let bytes: u8 = digits.parse().ok()?;
        (bytes != 0).then_some(ArgSize {
            bytes,
            signed: signed && !float,
            float,
        })
    }

    /// The width as a signed number, as tools that read notes report it: `-4` for a signed
    /// 4-byte integer, `8` for an unsigned or floating 8-byte one.
    pub fn signed_bytes(self) -> i32 {
        let bytes = i32::from(self.bytes);
        if self.signed {
            -bytes
        } else {
            bytes
        }
    }
}

impl fmt::Display for ArgSize {
    /// As a note spells it: `-4`, `8`, `8f`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let float = if self.float { "f" } else { "" };
        write!(f, "{}{float}", self.signed_bytes())
    }
}

/// One argument of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    /// The argument as the note spells it, e.g. `-4@%edi`.
    pub raw: String,
    /// Its size, when the note gives one that reads (SystemTap v1 notes and some compilers
    /// give a bare location).
    pub size: Option<ArgSize>,
    /// Where the value lives at the probe site, e.g. `%edi`, `-8(%rbp)` or `[sp, 16]`.
    pub location: String,
}

/// Reads a note's argument string. Never fails: an argument whose size does not read keeps
/// its raw text as its location and has no size.
pub fn parse_arguments(raw: &str) -> Vec<Argument> {
    split(raw).into_iter().map(parse_argument).collect()
}

/// Splits at whitespace outside brackets.
fn split(raw: &str) -> Vec<&str> {
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

/// Reads one `SIZE@LOCATION`.
fn parse_argument(raw: &str) -> Argument {
    let sized = raw
        .split_once('@')
        .and_then(|(size, location)| Some((ArgSize::parse(size)?, location)));
    let (size, location) = match sized {
        Some((size, location)) => (Some(size), location),
        None => (None, raw),
    };
    Argument {
        raw: raw.to_string(),
        size,
        location: location.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(raw: &str) -> Vec<String> {
        parse_arguments(raw)
            .iter()
            .map(|a| a.size.map_or("?".to_string(), |s| s.to_string()))
            .collect()
    }

    #[test]
    fn sizes_and_signs() {
        assert_eq!(
            sizes("-4@%edi 8@%rax -1@-9(%rbp) 2@%cx 8f@%xmm0 4f@-4(%rbp) -8f@%xmm1"),
            ["-4", "8", "-1", "2", "8f", "4f", "8f"]
        );
        let size = ArgSize::parse("-2").unwrap();
        assert_eq!(
            (size.bytes, size.signed, size.signed_bytes()),
            (2, true, -2)
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
        assert_eq!(args[1].location, "x0");
    }

    #[test]
    fn unsized_arguments_keep_their_text() {
        assert_eq!(sizes("%eax x@%ebx 0@%ecx"), ["?", "?", "?"]);
        assert_eq!(parse_arguments("%eax")[0].location, "%eax");
    }

    #[test]
    fn scaled_index_location() {
        let args = parse_arguments("8@(%rax,%rdx,8) 4@$3");
        assert_eq!(args[0].location, "(%rax,%rdx,8)");
        assert_eq!(args[1].location, "$3");
    }
}
