//! Reading `typedef` declarations.
//!
//! Supported: `typedef TYPE NAME;` with any pointers and several declarators
//! (`typedef int a, *b;`), `typedef struct|union|enum [TAG] [{...}] *NAME;`,
//! function types and function pointers (`typedef void (*fn_t)(void *);`).
//! A struct, union or function typedef is opaque: usable behind a pointer
//! only. Array typedefs are recorded as unsupported, so using one is an error.

use crate::types::{Alias, Base, Resolved};

/// A token of a declaration outside providers, with its byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeclTok<'a> {
    Word(&'a str, usize),
    Star(usize),
    Comma(usize),
    Braces(usize),
    Brackets(usize),
    Parens(Vec<DeclTok<'a>>, usize),
    /// Anything else (numbers, other punctuation), with its text.
    Other(&'a str, usize),
}

impl DeclTok<'_> {
    fn offset(&self) -> usize {
        match self {
            DeclTok::Word(_, o)
            | DeclTok::Star(o)
            | DeclTok::Comma(o)
            | DeclTok::Braces(o)
            | DeclTok::Brackets(o)
            | DeclTok::Parens(_, o)
            | DeclTok::Other(_, o) => *o,
        }
    }
}

/// A typedef'd name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Typedef {
    pub name: String,
    pub alias: Alias,
}

/// A token that does not belong in a typedef, at this offset, with what was
/// expected there.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unexpected {
    pub offset: usize,
    pub expected: &'static str,
}

/// Reads the tokens after `typedef` (up to the `;`) into the names declared.
/// `end` is the offset of the `;`, for errors about a missing name.
pub(crate) fn read_typedef(tokens: &[DeclTok<'_>], end: usize) -> Result<Vec<Typedef>, Unexpected> {
    // D keywords inside a typedef mean a missing `;` swallowed a provider.
    if let Some(t) = tokens
        .iter()
        .find(|t| matches!(t, DeclTok::Word("provider" | "probe" | "typedef", _)))
    {
        return Err(Unexpected {
            offset: t.offset(),
            expected: "';'",
        });
    }
    let (spec, rest) = split_specifier(tokens, end)?;
    let mut out = Vec::new();
    for declarator in rest.split(|t| matches!(t, DeclTok::Comma(_))) {
        let end_of = declarator.last().map_or(end, DeclTok::offset);
        let (name, shape) = read_declarator(declarator, end_of)?;
        out.push(Typedef {
            name: name.to_string(),
            alias: alias_of(&spec, shape),
        });
    }
    Ok(out)
}

/// The type a declaration starts with.
enum Specifier<'a> {
    Words(Vec<&'a str>),
    Fixed(Base),
}

/// What a declarator adds to the specifier.
enum Shape {
    /// `NAME` behind this many pointers.
    Pointers(usize),
    /// A function, or a pointer to one or to an array: opaque behind that
    /// many pointers.
    Opaque(usize),
    Array,
}

fn alias_of(spec: &Specifier<'_>, shape: Shape) -> Alias {
    match (spec, shape) {
        (_, Shape::Array) => Alias::Unsupported("arrays cannot be passed to probes".to_string()),
        (_, Shape::Opaque(depth)) => Alias::Fixed(Resolved {
            base: Base::Opaque,
            depth,
        }),
        (Specifier::Fixed(base), Shape::Pointers(depth)) => {
            Alias::Fixed(Resolved { base: *base, depth })
        }
        (Specifier::Words(words), Shape::Pointers(depth)) => {
            let mut tokens: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            tokens.extend(std::iter::repeat_n("*".to_string(), depth));
            Alias::Tokens(tokens)
        }
    }
}

/// Splits the specifier from the first declarator and the others.
fn split_specifier<'t, 'a>(
    tokens: &'t [DeclTok<'a>],
    end: usize,
) -> Result<(Specifier<'a>, &'t [DeclTok<'a>]), Unexpected> {
    let expected_name = |offset| Unexpected {
        offset,
        expected: "a type name",
    };
    match tokens.first() {
        Some(DeclTok::Word(kw @ ("struct" | "union" | "enum"), _)) => {
            let mut i = 1;
            if matches!(tokens.get(i), Some(DeclTok::Word(..))) {
                i += 1;
            }
            if matches!(tokens.get(i), Some(DeclTok::Braces(_))) {
                i += 1;
            }
            let base = if *kw == "enum" {
                Base::Int {
                    signed: true,
                    width: crate::kind::IntWidth::Bits(32),
                }
            } else {
                Base::Opaque
            };
            Ok((Specifier::Fixed(base), tokens.get(i..).unwrap_or_default()))
        }
        Some(DeclTok::Word(..)) => {
            // The specifier is every word before the declarator, which starts
            // at the first `*` or `(`, or else is the last word before `,`.
            let first_group = tokens
                .iter()
                .position(|t| matches!(t, DeclTok::Comma(_)))
                .unwrap_or(tokens.len());
            let starts = match tokens
                .iter()
                .take(first_group)
                .position(|t| matches!(t, DeclTok::Star(_) | DeclTok::Parens(..)))
            {
                // `RET NAME(PARAMS)`: a function type; the name is before.
                Some(p) if is_parameter_list(tokens.get(p)) => p.saturating_sub(1),
                Some(p) => p,
                None => tokens
                    .iter()
                    .take(first_group)
                    .rposition(|t| matches!(t, DeclTok::Word(..)))
                    .unwrap_or(0),
            };
            let (spec, rest) = tokens.split_at(starts.min(tokens.len()));
            let mut words = Vec::new();
            for t in spec {
                match t {
                    DeclTok::Word(w, _) => words.push(*w),
                    other => return Err(expected_name(other.offset())),
                }
            }
            if words.is_empty() {
                return Err(expected_name(rest.first().map_or(end, DeclTok::offset)));
            }
            Ok((Specifier::Words(words), rest))
        }
        Some(other) => Err(expected_name(other.offset())),
        None => Err(expected_name(end)),
    }
}

/// Whether `t` is a parenthesised list not starting with `*` (so not a
/// `(*NAME)` declarator).
fn is_parameter_list(t: Option<&DeclTok<'_>>) -> bool {
    matches!(t, Some(DeclTok::Parens(inner, _)) if !matches!(inner.first(), Some(DeclTok::Star(_))))
}

/// Reads `*...NAME`, `NAME[..]`, `NAME(..)`, `(*NAME)(..)` or `(*NAME)[..]`.
fn read_declarator<'a>(tokens: &[DeclTok<'a>], end: usize) -> Result<(&'a str, Shape), Unexpected> {
    let stars = tokens
        .iter()
        .take_while(|t| matches!(t, DeclTok::Star(_)))
        .count();
    let rest = tokens.get(stars..).unwrap_or_default();
    let unexpected = |t: Option<&DeclTok<'_>>, expected| Unexpected {
        offset: t.map_or(end, DeclTok::offset),
        expected,
    };
    match rest {
        [DeclTok::Word(name, _)] => Ok((name, Shape::Pointers(stars))),
        [DeclTok::Word(name, _), DeclTok::Brackets(_), ..] => Ok((name, Shape::Array)),
        [DeclTok::Word(name, _), DeclTok::Parens(..)] => Ok((name, Shape::Opaque(0))),
        [DeclTok::Word(..), next, ..] => Err(unexpected(Some(next), "';'")),
        [DeclTok::Parens(inner, _), DeclTok::Parens(..) | DeclTok::Brackets(_)] => {
            let inner_stars = inner
                .iter()
                .take_while(|t| matches!(t, DeclTok::Star(_)))
                .count();
            match inner.get(inner_stars..).unwrap_or_default() {
                [DeclTok::Word(name, _)] if inner_stars > 0 => {
                    Ok((name, Shape::Opaque(inner_stars)))
                }
                other => Err(unexpected(other.first(), "'*' and a name")),
            }
        }
        [first, ..] => Err(unexpected(Some(first), "a name")),
        [] => Err(unexpected(None, "a name")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeclTok::*;

    fn words(text: &str) -> Vec<DeclTok<'_>> {
        text.split_whitespace()
            .map(|w| match w {
                "*" => Star(0),
                "," => Comma(0),
                "{}" => Braces(0),
                "[]" => Brackets(0),
                "()" => Parens(vec![], 0),
                w => Word(w, 0),
            })
            .collect()
    }

    fn one(tokens: &[DeclTok<'_>]) -> (String, Alias) {
        let mut v = read_typedef(tokens, 0).unwrap();
        assert_eq!(v.len(), 1);
        let t = v.remove(0);
        (t.name, t.alias)
    }

    fn tokens(list: &[&str]) -> Alias {
        Alias::Tokens(list.iter().map(|s| s.to_string()).collect())
    }

    fn opaque(depth: usize) -> Alias {
        Alias::Fixed(Resolved {
            base: Base::Opaque,
            depth,
        })
    }

    #[test]
    fn simple_and_pointer_typedefs() {
        assert_eq!(
            one(&words("int64_t ngx_int_t")),
            ("ngx_int_t".into(), tokens(&["int64_t"]))
        );
        assert_eq!(
            one(&words("const char * TclDTraceStr")),
            ("TclDTraceStr".into(), tokens(&["const", "char", "*"]))
        );
        assert_eq!(
            one(&words("unsigned long long u64")),
            ("u64".into(), tokens(&["unsigned", "long", "long"]))
        );
    }

    #[test]
    fn struct_typedefs() {
        assert_eq!(one(&words("struct {} T")), ("T".into(), opaque(0)));
        assert_eq!(
            one(&words("struct Tcl_Obj Tcl_Obj")),
            ("Tcl_Obj".into(), opaque(0))
        );
        assert_eq!(one(&words("struct s {} * p_t")), ("p_t".into(), opaque(1)));
    }

    #[test]
    fn function_pointers_and_arrays() {
        let fnptr = vec![
            Word("void", 0),
            Parens(vec![Star(0), Word("fn_t", 0)], 0),
            Parens(vec![Word("void", 0), Star(0)], 0),
        ];
        assert_eq!(one(&fnptr), ("fn_t".into(), opaque(1)));
        assert_eq!(one(&words("int f_t ()")), ("f_t".into(), opaque(0)));
        assert!(matches!(one(&words("int a_t []")).1, Alias::Unsupported(_)));
    }

    #[test]
    fn several_declarators() {
        let v = read_typedef(&words("int a , * b"), 0).unwrap();
        assert_eq!(v[0].alias, tokens(&["int"]));
        assert_eq!(v[1].name, "b");
        assert_eq!(v[1].alias, tokens(&["int", "*"]));
    }

    #[test]
    fn errors() {
        assert!(read_typedef(&words("int foo provider x {}"), 0).is_err());
        assert!(read_typedef(&words("*"), 0).is_err());
        assert!(read_typedef(&[], 0).is_err());
        assert!(read_typedef(&words("int a {}"), 0).is_err());
    }
}
