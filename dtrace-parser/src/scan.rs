//! The pass before the grammar: finds comments and preprocessor lines.
//!
//! Comments and `#` lines are replaced by spaces (newlines kept) so that the
//! grammar never sees them while every byte offset stays the same. A `#` line
//! is one whose first non-blank character is `#` outside a comment, as in C;
//! its text (continuation lines joined, comments removed) is returned for
//! [`crate::directive`] to interpret.

/// A preprocessor line found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawDirective {
    /// The text after `#`, continuations joined and comments replaced by a
    /// space.
    pub text: String,
    /// Byte offset of the `#`.
    pub offset: usize,
    /// Length in bytes up to (not including) the final newline.
    pub len: usize,
}

/// The outcome of the scan.
#[derive(Debug)]
pub(crate) struct Scanned {
    /// The source with comments and directives blanked.
    pub text: String,
    /// The directives in source order.
    pub directives: Vec<RawDirective>,
}

/// A block comment that never ends, at this byte offset.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UnterminatedComment(pub usize);

/// Blanks comments and preprocessor lines out of `src`.
pub(crate) fn scan(src: &str) -> Result<Scanned, UnterminatedComment> {
    let bytes = src.as_bytes();
    let mut out = bytes.to_vec();
    let mut directives = Vec::new();
    let mut at_line_start = true;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\n' => {
                at_line_start = true;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = block_comment_end(bytes, i)?;
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = line_end(bytes, i);
                blank(&mut out, i, end);
                i = end;
            }
            b'#' if at_line_start => {
                let (end, text) = directive(bytes, i)?;
                blank(&mut out, i, end);
                directives.push(RawDirective {
                    text,
                    offset: i,
                    len: end - i,
                });
                i = end;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
            _ => {
                at_line_start = false;
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced (by spaces) or whole multi-byte
    // characters were blanked byte by byte, so the text stays UTF-8; the
    // fallback only guards that reasoning.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Scanned { text, directives })
}

/// The offset just past the `*/` closing the comment opened at `start`.
fn block_comment_end(bytes: &[u8], start: usize) -> Result<usize, UnterminatedComment> {
    let body = bytes.get(start + 2..).unwrap_or_default();
    body.windows(2)
        .position(|w| w == b"*/")
        .map(|p| start + 2 + p + 2)
        .ok_or(UnterminatedComment(start))
}

/// The offset of the newline ending the line that holds `from` (or the end).
fn line_end(bytes: &[u8], from: usize) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    rest.iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Reads the directive starting at the `#` at `start`: returns its end (the
/// final newline, not included) and its text.
fn directive(bytes: &[u8], start: usize) -> Result<(usize, String), UnterminatedComment> {
    let mut text = Vec::new();
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\n' => {
                // A backslash before the newline (maybe with a CR) continues
                // the directive on the next line.
                let mut t = text.len();
                if t > 0 && text.get(t - 1) == Some(&b'\r') {
                    t -= 1;
                }
                if t > 0 && text.get(t - 1) == Some(&b'\\') {
                    text.truncate(t - 1);
                    text.push(b' ');
                    i += 1;
                } else {
                    break;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(bytes, i)?;
                text.push(b' ');
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
            _ => {
                text.push(c);
                i += 1;
            }
        }
    }
    Ok((i, String::from_utf8_lossy(&text).into_owned()))
}

/// Replaces `out[from..to]` by spaces, keeping newlines.
fn blank(out: &mut [u8], from: usize, to: usize) {
    if let Some(range) = out.get_mut(from..to) {
        for b in range.iter_mut().filter(|b| **b != b'\n') {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_comments_and_keeps_offsets() {
        let src = "a /* x\ny */ b // c\nd";
        let s = scan(src).unwrap();
        assert_eq!(s.text, "a     \n     b     \nd");
        assert!(s.directives.is_empty());
    }

    #[test]
    fn finds_directives_only_at_line_start() {
        let src = "  #define A int /* c */\nx # y\n/*\n#if 0\n*/\n#pragma D a \\\n b\nz";
        let s = scan(src).unwrap();
        let texts: Vec<_> = s.directives.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["define A int  ", "pragma D a   b"]);
        assert_eq!(s.directives[0].offset, 2);
        assert!(s.text.contains("x # y"));
        assert_eq!(s.text.len(), src.len());
    }

    #[test]
    fn multibyte_comment_stays_utf8() {
        let s = scan("/* é */x").unwrap();
        assert_eq!(s.text, "        x");
    }

    #[test]
    fn unterminated_comment() {
        assert_eq!(scan("a /* b").unwrap_err(), UnterminatedComment(2));
    }
}
