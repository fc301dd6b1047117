//! What the preprocessor lines of a file mean when no C preprocessor runs.
//!
//! This follows SystemTap's `dtrace` without `-C`: `#pragma D` lines are kept,
//! an object-like `#define NAME TEXT` makes NAME stand for TEXT wherever it is
//! used as a type, line markers (`# 12 "file"`, `#line 12 "file"`) map
//! positions, and every other `#` line (`#include`, `#if`..., `#undef`,
//! `# comment`) is ignored with its contents kept.

use crate::scan::RawDirective;

/// An interpreted preprocessor line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Directive {
    /// `#pragma D TEXT`, with the provider it names if any.
    Pragma {
        text: String,
        provider: Option<String>,
    },
    /// `#define NAME BODY` (object-like).
    Define { name: String, body: String },
    /// A line marker: the next line is `line` of `file`.
    LineMarker { line: usize, file: Option<String> },
    /// Anything else.
    Ignored,
}

/// Interprets one directive's text (what follows the `#`).
pub(crate) fn interpret(raw: &RawDirective) -> Directive {
    let text = raw.text.trim_start();
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return line_marker(text);
    }
    let (keyword, rest) = split_word(text);
    match keyword {
        "pragma" => pragma(rest),
        "define" => define(rest),
        "line" => line_marker(rest.trim_start()),
        _ => Directive::Ignored,
    }
}

fn split_word(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    text.split_at(end)
}

fn pragma(rest: &str) -> Directive {
    let mut words = rest.split_whitespace();
    if words.next() != Some("D") {
        return Directive::Ignored;
    }
    let words: Vec<&str> = words.collect();
    let provider = words
        .windows(2)
        .find(|w| w.first() == Some(&"provider"))
        .and_then(|w| w.get(1))
        .map(|s| s.to_string());
    Directive::Pragma {
        text: words.join(" "),
        provider,
    }
}

fn define(rest: &str) -> Directive {
    let (name, body) = split_word(rest.trim_start());
    // A function-like macro has `(` right after its name; those cannot be
    // types and are ignored, as is a malformed `#define`.
    if name.is_empty() || body.starts_with('(') || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Directive::Ignored;
    }
    Directive::Define {
        name: name.to_string(),
        body: body.trim().to_string(),
    }
}

fn line_marker(text: &str) -> Directive {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let Ok(line) = text[..digits].parse::<usize>() else {
        return Directive::Ignored;
    };
    let rest = text[digits..].trim_start();
    let file = rest
        .strip_prefix('"')
        .and_then(|r| r.find('"').map(|end| r[..end].to_string()));
    Directive::LineMarker { line, file }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Directive {
        interpret(&RawDirective {
            text: text.to_string(),
            offset: 0,
            len: 0,
        })
    }

    #[test]
    fn pragmas() {
        assert_eq!(
            d("pragma D attributes  Evolving/Evolving/Common provider postgresql provider"),
            Directive::Pragma {
                text: "attributes Evolving/Evolving/Common provider postgresql provider".into(),
                provider: Some("postgresql".into()),
            }
        );
        assert_eq!(
            d("pragma D option quiet"),
            Directive::Pragma {
                text: "option quiet".into(),
                provider: None
            }
        );
        assert_eq!(d("pragma once"), Directive::Ignored);
    }

    #[test]
    fn defines() {
        assert_eq!(
            d("define Oid unsigned int"),
            Directive::Define {
                name: "Oid".into(),
                body: "unsigned int".into()
            }
        );
        assert_eq!(d("define F(x) x"), Directive::Ignored);
        assert_eq!(
            d(" define EMPTY"),
            Directive::Define {
                name: "EMPTY".into(),
                body: String::new()
            }
        );
    }

    #[test]
    fn markers_and_others() {
        assert_eq!(
            d(" 12 \"a.d\" 1"),
            Directive::LineMarker {
                line: 12,
                file: Some("a.d".into())
            }
        );
        assert_eq!(
            d("line 3"),
            Directive::LineMarker {
                line: 3,
                file: None
            }
        );
        assert_eq!(d(" file: src/util/event_poll.c"), Directive::Ignored);
        assert_eq!(d("include \"vm_opts.h\""), Directive::Ignored);
        assert_eq!(d("if X"), Directive::Ignored);
        assert_eq!(d("99999999999999999999999 \"x\""), Directive::Ignored);
    }
}
