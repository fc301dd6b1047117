//! Resolving argument types: C spellings, aliases and the built-in names.
//!
//! Widths are those of LP64 targets; see the README's type table.

use std::collections::HashMap;

use crate::is_identifier;
use crate::kind::{ArgKind, IntWidth};
use crate::names::builtin;

/// Deepest pointer nesting accepted (`int ********` is the limit), which also
/// keeps the nested [`ArgKind`] shallow.
const MAX_POINTER_DEPTH: usize = 8;
/// How deep aliases may refer to aliases before the name counts as unknown.
const MAX_ALIAS_DEPTH: u32 = 32;
/// How many tokens `#define` expansion may produce for one type.
const MAX_EXPANDED_TOKENS: usize = 256;

/// The base of a type, before pointers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    Int {
        signed: bool,
        width: IntWidth,
    },
    /// Plain `char`: a signed byte, or a string behind one pointer.
    Char,
    Bool,
    Float {
        bits: u8,
    },
    Void,
    /// A struct, union, function or other type only usable behind a pointer.
    Opaque,
    /// D's `string`.
    DString,
}

/// A base with a number of pointer levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub base: Base,
    pub depth: usize,
}

/// What a type alias (typedef or option) stands for. (Only the parser makes them: without
/// it, `c_type_kind` resolves built-in names alone.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(feature = "parse"), allow(dead_code))]
pub(crate) enum Alias {
    /// A type spelled as tokens (`const char *`), resolved at use.
    Tokens(Vec<String>),
    /// A type already known (`typedef struct x *T`).
    Fixed(Resolved),
    /// A type that cannot be passed, with the reason (arrays).
    Unsupported(String),
}

/// Why a type could not be resolved. `at` indexes the token (of the list
/// given to [`TypeEnv::resolve`]) to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeError {
    Unknown { name: String, at: usize },
    Unsupported { reason: String },
    Unexpected { at: usize },
    Empty,
}

/// The names a file's types can use.
#[derive(Debug, Default)]
pub(crate) struct TypeEnv {
    /// `#define NAME BODY`, body tokenized.
    pub defines: HashMap<String, Vec<String>>,
    /// Typedefs of the file.
    pub typedefs: HashMap<String, Alias>,
    /// Typedefs given by `ParseOptions::typedef`.
    pub options: HashMap<String, Alias>,
}

/// Splits C-ish text into identifiers, numbers and single punctuation marks.
pub(crate) fn lex(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if c.is_ascii_alphanumeric() || c == '_' {
            while let Some(&(i, d)) = chars.peek() {
                if !(d.is_ascii_alphanumeric() || d == '_') {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
        }
        out.push(text.get(start..end).unwrap_or_default().to_string());
    }
    out
}

/// Whether `word` is a C keyword that can be part of a type.
pub(crate) fn is_type_keyword(word: &str) -> bool {
    is_qualifier(word) || is_specifier_keyword(word) || matches!(word, "struct" | "union" | "enum")
}

fn is_qualifier(word: &str) -> bool {
    matches!(
        word,
        "const" | "volatile" | "restrict" | "__const" | "__volatile__" | "__restrict"
    )
}

fn is_specifier_keyword(word: &str) -> bool {
    matches!(
        word,
        "void"
            | "char"
            | "short"
            | "int"
            | "long"
            | "float"
            | "double"
            | "signed"
            | "unsigned"
            | "_Bool"
    )
}

/// Counts of the C specifier keywords seen in one type.
#[derive(Debug, Default)]
struct Keywords {
    signed: u8,
    unsigned: u8,
    char: u8,
    short: u8,
    int: u8,
    long: u8,
    float: u8,
    double: u8,
    void: u8,
    bool: u8,
}

impl Keywords {
    fn add(&mut self, word: &str) {
        let count = match word {
            "signed" => &mut self.signed,
            "unsigned" => &mut self.unsigned,
            "char" => &mut self.char,
            "short" => &mut self.short,
            "int" => &mut self.int,
            "long" => &mut self.long,
            "float" => &mut self.float,
            "double" => &mut self.double,
            "void" => &mut self.void,
            _ => &mut self.bool,
        };
        *count = count.saturating_add(1);
    }

    /// The base these keywords spell, if they are a valid combination.
    fn base(&self) -> Result<Base, String> {
        let invalid = || Err("not a valid combination of type keywords".to_string());
        let sum = |counts: &[u8]| counts.iter().map(|&c| u32::from(c)).sum::<u32>();
        let sign = sum(&[self.signed, self.unsigned]);
        let others = sum(&[self.char, self.short, self.int, self.long]);
        let exotic = sum(&[self.float, self.double, self.void, self.bool]);
        if exotic > 0 {
            if sign + others + exotic == 1 {
                return Ok(match () {
                    _ if self.float == 1 => Base::Float { bits: 32 },
                    _ if self.double == 1 => Base::Float { bits: 64 },
                    _ if self.void == 1 => Base::Void,
                    _ => Base::Bool,
                });
            }
            if self.double == 1 && self.long == 1 && sign + others + exotic == 2 {
                return Err("long double has no fixed size across platforms".to_string());
            }
            return invalid();
        }
        if sign > 1 || self.int > 1 || self.short > 1 || self.long > 2 || self.char > 1 {
            return invalid();
        }
        let signed = self.unsigned == 0;
        if self.char == 1 {
            if others > 1 {
                return invalid();
            }
            return Ok(if sign == 0 {
                Base::Char
            } else {
                Base::Int {
                    signed,
                    width: IntWidth::Bits(8),
                }
            });
        }
        let width = match (self.short, self.long) {
            (0, 0) => IntWidth::Bits(32),
            (1, 0) => IntWidth::Bits(16),
            (0, 1) => IntWidth::Long,
            (0, _) => IntWidth::Bits(64),
            _ => return invalid(),
        };
        Ok(Base::Int { signed, width })
    }
}

/// Turns a resolved type into the kind of a probe argument.
pub(crate) fn to_kind(r: Resolved) -> Result<ArgKind, String> {
    if r.depth > MAX_POINTER_DEPTH {
        return Err(format!(
            "more than {MAX_POINTER_DEPTH} levels of pointers are not supported"
        ));
    }
    let (mut kind, wraps) = match (r.base, r.depth) {
        (Base::Int { signed, width }, _) => (ArgKind::Integer { signed, width }, r.depth),
        (Base::Char, 0) => (
            ArgKind::Integer {
                signed: true,
                width: IntWidth::Bits(8),
            },
            0,
        ),
        (Base::Char, d) => (ArgKind::String, d - 1),
        (Base::Bool, _) => (ArgKind::Bool, r.depth),
        (Base::Float { bits }, _) => (ArgKind::Float { bits }, r.depth),
        (Base::DString, _) => (ArgKind::String, r.depth),
        (Base::Void, 0) => return Err("void can only be passed behind a pointer".to_string()),
        (Base::Opaque, 0) => {
            return Err("structs, unions and functions can only be passed by pointer".to_string())
        }
        (Base::Void | Base::Opaque, d) => (ArgKind::OpaquePointer, d - 1),
    };
    for _ in 0..wraps {
        kind = ArgKind::Pointer(Box::new(kind));
    }
    Ok(kind)
}

/// The kind of a C type as DTrace records spell argument types (`uint8_t`, `unsigned long`,
/// `const char *`), with the built-in names of the type table only (no file's typedefs).
/// `None` when the table does not know it or it cannot be passed (`struct x`, `void`).
pub fn c_type_kind(text: &str) -> Option<ArgKind> {
    let tokens = lex(text);
    let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
    to_kind(TypeEnv::default().resolve(&words).ok()?).ok()
}

impl TypeEnv {
    /// Resolves a type spelled by `words` (identifiers and `*`, no parameter
    /// name).
    pub(crate) fn resolve(&self, words: &[&str]) -> Result<Resolved, TypeError> {
        self.resolve_at(words, 0)
    }

    fn resolve_at(&self, words: &[&str], level: u32) -> Result<Resolved, TypeError> {
        let mut expanded = Vec::new();
        let mut active = Vec::new();
        for (at, word) in words.iter().enumerate() {
            self.expand(word, at, &mut expanded, &mut active)?;
        }
        self.resolve_expanded(&expanded, level)
    }

    /// Appends `word`, with `#define`s expanded as cpp would (a macro is not
    /// expanded inside itself), tagging each token with `at`.
    fn expand<'a>(
        &'a self,
        word: &'a str,
        at: usize,
        out: &mut Vec<(&'a str, usize)>,
        active: &mut Vec<&'a str>,
    ) -> Result<(), TypeError> {
        match self.defines.get(word) {
            Some(body) if !active.contains(&word) => {
                active.push(word);
                for token in body {
                    self.expand(token, at, out, active)?;
                }
                active.pop();
            }
            _ => {
                if out.len() >= MAX_EXPANDED_TOKENS {
                    return Err(TypeError::Unsupported {
                        reason: "macro expansion is too long".to_string(),
                    });
                }
                out.push((word, at));
            }
        }
        Ok(())
    }

    fn resolve_expanded(&self, words: &[(&str, usize)], level: u32) -> Result<Resolved, TypeError> {
        let mut keywords = Keywords::default();
        let mut any_keyword = false;
        let mut base: Option<Resolved> = None;
        let mut stars = 0usize;
        let mut iter = words.iter();
        while let Some(&(word, at)) = iter.next() {
            let unexpected = Err(TypeError::Unexpected { at });
            if is_qualifier(word) {
                continue;
            }
            if word == "*" {
                if base.is_none() && !any_keyword {
                    return unexpected;
                }
                stars += 1;
                continue;
            }
            if stars > 0 || base.is_some() {
                return unexpected;
            }
            if matches!(word, "struct" | "union" | "enum") {
                if any_keyword {
                    return unexpected;
                }
                match iter.next() {
                    Some(&(tag, _)) if is_identifier(tag) && !is_type_keyword(tag) => {}
                    Some(&(_, at)) => return Err(TypeError::Unexpected { at }),
                    None => return Err(TypeError::Empty),
                }
                let b = if word == "enum" {
                    Base::Int {
                        signed: true,
                        width: IntWidth::Bits(32),
                    }
                } else {
                    Base::Opaque
                };
                base = Some(Resolved { base: b, depth: 0 });
            } else if is_specifier_keyword(word) {
                keywords.add(word);
                any_keyword = true;
            } else if is_identifier(word) && !any_keyword {
                base = Some(self.lookup(word, at, level)?);
            } else {
                return unexpected;
            }
        }
        let base = match base {
            Some(b) => b,
            None if any_keyword => Resolved {
                base: keywords
                    .base()
                    .map_err(|reason| TypeError::Unsupported { reason })?,
                depth: 0,
            },
            None => return Err(TypeError::Empty),
        };
        Ok(Resolved {
            base: base.base,
            depth: base.depth.saturating_add(stars),
        })
    }

    /// Resolves a type name: the file's typedefs, then the options', then the
    /// built-in names.
    fn lookup(&self, name: &str, at: usize, level: u32) -> Result<Resolved, TypeError> {
        let unknown = || TypeError::Unknown {
            name: name.to_string(),
            at,
        };
        if level > MAX_ALIAS_DEPTH {
            return Err(unknown());
        }
        let alias = self.typedefs.get(name).or_else(|| self.options.get(name));
        match alias {
            Some(Alias::Fixed(r)) => Ok(*r),
            Some(Alias::Unsupported(reason)) => Err(TypeError::Unsupported {
                reason: reason.clone(),
            }),
            Some(Alias::Tokens(tokens)) => {
                let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
                // Errors inside the alias point at the alias's use.
                self.resolve_at(&words, level + 1).map_err(|e| match e {
                    TypeError::Unknown { name, .. } => TypeError::Unknown { name, at },
                    TypeError::Unsupported { reason } => TypeError::Unsupported { reason },
                    TypeError::Unexpected { .. } | TypeError::Empty => TypeError::Unsupported {
                        reason: format!("'{name}' is not defined as a type"),
                    },
                })
            }
            None => builtin(name)
                .map(|base| Resolved { base, depth: 0 })
                .ok_or_else(unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(env: &TypeEnv, text: &str) -> Result<ArgKind, TypeError> {
        let tokens = lex(text);
        let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let r = env.resolve(&words)?;
        to_kind(r).map_err(|reason| TypeError::Unsupported { reason })
    }

    fn int(signed: bool, bits: u8) -> ArgKind {
        ArgKind::Integer {
            signed,
            width: IntWidth::Bits(bits),
        }
    }

    fn long(signed: bool) -> ArgKind {
        ArgKind::Integer {
            signed,
            width: IntWidth::Long,
        }
    }

    fn pointer_sized(signed: bool) -> ArgKind {
        ArgKind::Integer {
            signed,
            width: IntWidth::Pointer,
        }
    }

    #[test]
    fn c_integer_spellings() {
        let env = TypeEnv::default();
        let cases = [
            ("char", int(true, 8)),
            ("signed char", int(true, 8)),
            ("unsigned char", int(false, 8)),
            ("short", int(true, 16)),
            ("short int", int(true, 16)),
            ("unsigned short int", int(false, 16)),
            ("int", int(true, 32)),
            ("signed", int(true, 32)),
            ("unsigned", int(false, 32)),
            ("int unsigned", int(false, 32)),
            ("long", long(true)),
            ("long int", long(true)),
            ("unsigned long", long(false)),
            ("long long", int(true, 64)),
            ("signed long long int", int(true, 64)),
            ("unsigned long long", int(false, 64)),
            ("const volatile int", int(true, 32)),
        ];
        for (text, want) in cases {
            assert_eq!(kind(&env, text), Ok(want), "{text}");
        }
    }

    #[test]
    fn named_and_pointer_types() {
        let env = TypeEnv::default();
        assert_eq!(kind(&env, "uint8_t"), Ok(int(false, 8)));
        assert_eq!(kind(&env, "size_t"), Ok(pointer_sized(false)));
        assert_eq!(kind(&env, "ssize_t"), Ok(pointer_sized(true)));
        assert_eq!(kind(&env, "ulong_t"), Ok(long(false)));
        assert_eq!(kind(&env, "pid_t"), Ok(int(true, 32)));
        // Darwin and BSD names of real provider files.
        assert_eq!(kind(&env, "mach_port_t"), Ok(int(false, 32)));
        assert_eq!(kind(&env, "kern_return_t"), Ok(int(true, 32)));
        assert_eq!(kind(&env, "lwpid_t"), Ok(int(true, 32)));
        assert_eq!(kind(&env, "vm_size_t"), Ok(int(false, 64)));
        assert_eq!(kind(&env, "dispatch_time_t"), Ok(int(false, 64)));
        assert_eq!(kind(&env, "register_t"), Ok(long(true)));
        assert_eq!(kind(&env, "bool"), Ok(ArgKind::Bool));
        assert_eq!(kind(&env, "_Bool"), Ok(ArgKind::Bool));
        assert_eq!(kind(&env, "double"), Ok(ArgKind::Float { bits: 64 }));
        assert_eq!(kind(&env, "string"), Ok(ArgKind::String));
        assert_eq!(kind(&env, "const char *"), Ok(ArgKind::String));
        assert_eq!(kind(&env, "char * const"), Ok(ArgKind::String));
        assert_eq!(
            kind(&env, "char **"),
            Ok(ArgKind::Pointer(Box::new(ArgKind::String)))
        );
        assert_eq!(kind(&env, "void *"), Ok(ArgKind::OpaquePointer));
        assert_eq!(kind(&env, "struct foo *"), Ok(ArgKind::OpaquePointer));
        assert_eq!(
            kind(&env, "void **"),
            Ok(ArgKind::Pointer(Box::new(ArgKind::OpaquePointer)))
        );
        assert_eq!(
            kind(&env, "unsigned char *"),
            Ok(ArgKind::Pointer(Box::new(int(false, 8))))
        );
        assert_eq!(kind(&env, "enum e"), Ok(int(true, 32)));
    }

    #[test]
    fn c_type_names_alone() {
        assert_eq!(c_type_kind("unsigned  long"), Some(long(false)));
        assert_eq!(c_type_kind("char"), Some(int(true, 8)));
        assert_eq!(c_type_kind("const char*"), Some(ArgKind::String));
        assert_eq!(c_type_kind("pid_t"), Some(int(true, 32)));
        assert_eq!(c_type_kind("struct foo"), None);
        assert_eq!(c_type_kind("Oid"), None);
    }

    #[test]
    fn rejects() {
        let env = TypeEnv::default();
        assert_eq!(
            kind(&env, "uint7_t"),
            Err(TypeError::Unknown {
                name: "uint7_t".into(),
                at: 0
            })
        );
        assert!(matches!(
            kind(&env, "long double"),
            Err(TypeError::Unsupported { .. })
        ));
        assert!(matches!(
            kind(&env, "unsigned float"),
            Err(TypeError::Unsupported { .. })
        ));
        assert!(matches!(
            kind(&env, "void"),
            Err(TypeError::Unsupported { .. })
        ));
        assert!(matches!(
            kind(&env, "struct x"),
            Err(TypeError::Unsupported { .. })
        ));
        assert!(matches!(
            kind(&env, "int *********"),
            Err(TypeError::Unsupported { .. })
        ));
        assert_eq!(
            kind(&env, "int int8_t"),
            Err(TypeError::Unexpected { at: 1 })
        );
        assert_eq!(kind(&env, "const"), Err(TypeError::Empty));
        assert_eq!(kind(&env, "* int"), Err(TypeError::Unexpected { at: 0 }));
    }

    #[test]
    fn aliases_and_defines() {
        let mut env = TypeEnv::default();
        env.defines.insert("bool".into(), lex("char"));
        env.defines.insert("Oid".into(), lex("unsigned int"));
        env.defines.insert("LOOP".into(), lex("LOOP"));
        env.typedefs
            .insert("Str".into(), Alias::Tokens(lex("const char*")));
        env.typedefs.insert("A".into(), Alias::Tokens(lex("B")));
        env.typedefs.insert("B".into(), Alias::Tokens(lex("A")));
        env.options
            .insert("ngx_int_t".into(), Alias::Tokens(lex("intptr_t")));
        assert_eq!(kind(&env, "bool"), Ok(int(true, 8)));
        assert_eq!(kind(&env, "Oid"), Ok(int(false, 32)));
        assert_eq!(kind(&env, "Str"), Ok(ArgKind::String));
        assert_eq!(
            kind(&env, "Str *"),
            Ok(ArgKind::Pointer(Box::new(ArgKind::String)))
        );
        assert_eq!(kind(&env, "ngx_int_t"), Ok(pointer_sized(true)));
        assert!(matches!(kind(&env, "A"), Err(TypeError::Unknown { .. })));
        assert!(matches!(kind(&env, "LOOP"), Err(TypeError::Unknown { .. })));
    }
}
