//! The grammar and the walk from its parse tree to the model.

use std::collections::HashSet;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::directive::{self, Directive};
use crate::error::{Error, ErrorKind};
use crate::model::{Argument, File, Pragma, Probe, Provider, Span};
use crate::scan;
use crate::span::Locator;
use crate::typedefs::{self, DeclTok};
use crate::types::{self, Alias, TypeEnv, TypeError};
use crate::MAX_ARGUMENTS;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct DParser;

/// Parses `text` (the source, or cpp's output when `original` is given).
pub(crate) fn parse_text(
    text: &str,
    file_name: &str,
    original: Option<&str>,
    option_typedefs: &[(String, String)],
) -> Result<File, Error> {
    let mut locator = Locator::new(text, file_name, original);
    let scanned = match scan::scan(text) {
        Ok(s) => s,
        Err(scan::UnterminatedComment(offset)) => {
            let (span, file) = locator.locate(offset, 2);
            let kind = ErrorKind::Syntax {
                expected: "'*/' closing this comment".to_string(),
                found: "end of file".to_string(),
            };
            return Err(Error::new(file, span, kind));
        }
    };

    let mut env = TypeEnv::default();
    for (name, c_type) in option_typedefs {
        env.options
            .insert(name.clone(), Alias::Tokens(types::lex(c_type)));
    }
    let mut pragmas = Vec::new();
    for raw in &scanned.directives {
        match directive::interpret(raw) {
            Directive::Define { name, body } => {
                env.defines.insert(name, types::lex(&body));
            }
            Directive::Pragma {
                text,
                provider: Some(provider),
            } => pragmas.push((provider, text, raw.offset, raw.len)),
            Directive::LineMarker { line, file } => locator.add_marker(raw.offset, line, file),
            Directive::Pragma { provider: None, .. } | Directive::Ignored => {}
        }
    }

    // The grammar recurses on brackets; bound the depth so no input can exhaust the stack.
    if let Some(offset) = too_deep(&scanned.text) {
        let (span, file) = locator.locate(offset, 1);
        let kind = ErrorKind::Syntax {
            expected: format!("at most {MAX_NESTING} nested brackets"),
            found: format!("'{}'", &scanned.text[offset..offset + 1]),
        };
        return Err(Error::new(file, span, kind));
    }

    let walker = Walker {
        locator: &locator,
        env,
    };
    let file_pair = DParser::parse(Rule::file, &scanned.text)
        .map_err(|e| walker.syntax_error(&scanned.text, e))?
        .next();
    let items: Vec<Pair<'_, Rule>> = file_pair
        .map(|p| p.into_inner().collect())
        .unwrap_or_default();
    walker.build(file_name, items, pragmas)
}

/// The deepest bracket nesting the parser accepts (real files nest two or three deep).
const MAX_NESTING: usize = 64;

/// The offset of the first bracket nested deeper than [`MAX_NESTING`], if any.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

struct Walker<'l> {
    locator: &'l Locator<'l>,
    env: TypeEnv,
}

impl Walker<'_> {
    fn error(&self, offset: usize, len: usize, kind: ErrorKind) -> Error {
        let (span, file) = self.locator.locate(offset, len);
        Error::new(file, span, kind)
    }

    fn span(&self, offset: usize, len: usize) -> Span {
        self.locator.locate(offset, len).0
    }

    fn pair_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.span(s.start(), s.end() - s.start())
    }

    fn build(
        mut self,
        file_name: &str,
        items: Vec<Pair<'_, Rule>>,
        pragmas: Vec<(String, String, usize, usize)>,
    ) -> Result<File, Error> {
        // Typedefs first: C wants them before use, but definitions after the
        // providers are common enough to accept.
        for item in items.iter().filter(|p| p.as_rule() == Rule::typedef_decl) {
            self.typedef(item.clone())?;
        }
        let mut providers: Vec<Provider> = Vec::new();
        for item in items {
            if item.as_rule() == Rule::provider {
                let provider = self.provider(item)?;
                if providers.iter().any(|p| p.name == provider.name) {
                    let s = provider.span;
                    let kind = ErrorKind::DuplicateProvider(provider.name);
                    return Err(self.error(s.offset, s.len, kind));
                }
                providers.push(provider);
            }
        }
        for (name, text, offset, len) in pragmas {
            if let Some(p) = providers.iter_mut().find(|p| p.name == name) {
                let span = self.span(offset, len);
                p.pragmas.push(Pragma { text, span });
            }
        }
        Ok(File {
            name: file_name.to_string(),
            providers,
        })
    }

    fn typedef(&mut self, pair: Pair<'_, Rule>) -> Result<(), Error> {
        let end = pair.as_span().end().saturating_sub(1);
        let tokens: Vec<DeclTok<'_>> = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::kw_typedef | Rule::semi))
            .map(decl_tok)
            .collect();
        match typedefs::read_typedef(&tokens, end) {
            Ok(list) => {
                for t in list {
                    self.env.typedefs.insert(t.name, t.alias);
                }
                Ok(())
            }
            Err(u) => {
                let found = found_at(self.locator_text(), u.offset);
                Err(self.error(
                    u.offset,
                    1,
                    ErrorKind::Syntax {
                        expected: u.expected.to_string(),
                        found,
                    },
                ))
            }
        }
    }

    fn locator_text(&self) -> &str {
        self.locator.text()
    }

    fn provider(&self, pair: Pair<'_, Rule>) -> Result<Provider, Error> {
        let mut inner = pair.into_inner();
        let name_pair = inner.find(|p| p.as_rule() == Rule::name);
        let (name, span) = match &name_pair {
            Some(p) => (self.identifier(p)?, self.pair_span(p)),
            None => (String::new(), Span::default()),
        };
        let mut probes: Vec<Probe> = Vec::new();
        let mut seen = HashSet::new();
        for p in inner.filter(|p| p.as_rule() == Rule::probe) {
            let probe = self.probe(p)?;
            if !seen.insert(probe.name.clone()) {
                let s = probe.span;
                return Err(self.error(
                    s.offset,
                    s.len,
                    ErrorKind::DuplicateProbe {
                        provider: name,
                        probe: probe.name,
                    },
                ));
            }
            probes.push(probe);
        }
        Ok(Provider {
            name,
            probes,
            pragmas: Vec::new(),
            span,
        })
    }

    /// Checks a provider or probe name.
    fn identifier(&self, pair: &Pair<'_, Rule>) -> Result<String, Error> {
        let name = pair.as_str();
        if crate::is_identifier(name) {
            Ok(name.to_string())
        } else {
            let s = pair.as_span();
            Err(self.error(
                s.start(),
                name.len(),
                ErrorKind::InvalidIdentifier(name.to_string()),
            ))
        }
    }

    fn probe(&self, pair: Pair<'_, Rule>) -> Result<Probe, Error> {
        let mut name = String::new();
        let mut span = Span::default();
        let mut args = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::name => {
                    name = self.identifier(&p)?;
                    span = self.pair_span(&p);
                }
                Rule::arg_list => {
                    let list: Vec<Pair<'_, Rule>> = p
                        .into_inner()
                        .filter(|a| a.as_rule() == Rule::argument)
                        .collect();
                    if list.len() > MAX_ARGUMENTS {
                        return Err(self.error(
                            span.offset,
                            span.len,
                            ErrorKind::TooManyArguments {
                                probe: name,
                                count: list.len(),
                                max: MAX_ARGUMENTS,
                            },
                        ));
                    }
                    // `probe p(void)` declares no arguments, as in C.
                    let is_void = matches!(list.as_slice(), [only] if only.as_str() == "void");
                    if !is_void {
                        for a in list {
                            args.push(self.argument(a, &name)?);
                        }
                    }
                }
                // The translated list (after `:`) is what DTrace consumers
                // see; only the native list matters to the probe's callers.
                _ => {}
            }
        }
        Ok(Probe { name, args, span })
    }

    fn argument(&self, pair: Pair<'_, Rule>, probe: &str) -> Result<Argument, Error> {
        let arg_span = self.pair_span(&pair);
        let tokens: Vec<(&str, usize)> = pair
            .into_inner()
            .map(|t| (t.as_str(), t.as_span().start()))
            .collect();
        // The last word is a parameter name when a type comes before it.
        let has_name = match tokens.as_slice() {
            [before @ .., (last, _)] if !before.is_empty() => {
                *last != "*"
                    && !types::is_type_keyword(last)
                    && !matches!(before.last(), Some((w, _)) if matches!(*w, "struct" | "union" | "enum"))
                    && before
                        .iter()
                        .any(|(w, _)| !matches!(*w, "const" | "volatile" | "restrict"))
            }
            _ => false,
        };
        let type_tokens = if has_name {
            tokens.get(..tokens.len() - 1).unwrap_or_default()
        } else {
            &tokens[..]
        };
        let words: Vec<&str> = type_tokens.iter().map(|(w, _)| *w).collect();
        let c_type = join(&words);
        let all: Vec<&str> = tokens.iter().map(|(w, _)| *w).collect();
        let declared = join(&all);
        let token_error = |at: usize, kind| {
            let (w, offset) = type_tokens
                .get(at)
                .copied()
                .unwrap_or(("", arg_span.offset));
            self.error(offset, w.len(), kind)
        };
        let resolved = self.env.resolve(&words).map_err(|e| match e {
            TypeError::Unknown { name, at } => token_error(
                at,
                ErrorKind::UnknownType {
                    name,
                    probe: probe.to_string(),
                },
            ),
            TypeError::Unsupported { reason } => self.error(
                arg_span.offset,
                arg_span.len,
                ErrorKind::UnsupportedType {
                    name: c_type.clone(),
                    probe: probe.to_string(),
                    reason,
                },
            ),
            TypeError::Unexpected { at } => {
                let found = type_tokens
                    .get(at)
                    .map_or_else(|| "end of argument".to_string(), |(w, _)| format!("'{w}'"));
                token_error(
                    at,
                    ErrorKind::Syntax {
                        expected: "',' or ')'".to_string(),
                        found,
                    },
                )
            }
            TypeError::Empty => {
                let last = type_tokens.last().map_or("", |(w, _)| *w);
                token_error(
                    type_tokens.len().saturating_sub(1),
                    ErrorKind::Syntax {
                        expected: "a type".to_string(),
                        found: format!("'{last}'"),
                    },
                )
            }
        })?;
        let kind = types::to_kind(resolved).map_err(|reason| {
            self.error(
                arg_span.offset,
                arg_span.len,
                ErrorKind::UnsupportedType {
                    name: c_type.clone(),
                    probe: probe.to_string(),
                    reason,
                },
            )
        })?;
        Ok(Argument {
            declared,
            c_type,
            name: has_name
                .then(|| all.last().map(|w| w.to_string()))
                .flatten(),
            kind,
            span: arg_span,
        })
    }

    /// Turns a pest error into a readable one.
    fn syntax_error(&self, text: &str, e: pest::error::Error<Rule>) -> Error {
        let offset = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let expected = match &e.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => describe(positives),
            pest::error::ErrorVariant::CustomError { message } => message.clone(),
        };
        let found = found_at(text, offset);
        let len = text
            .get(offset..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        self.error(offset, len, ErrorKind::Syntax { expected, found })
    }
}

/// Joins type words the way C is usually written: `const char *name`,
/// `char **`.
fn join(words: &[&str]) -> String {
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for w in words {
        match prev {
            Some("*") => {}
            Some(_) => out.push(' '),
            None => {}
        }
        out.push_str(w);
        prev = Some(w);
    }
    out
}

fn decl_tok(pair: Pair<'_, Rule>) -> DeclTok<'_> {
    let offset = pair.as_span().start();
    match pair.as_rule() {
        Rule::word => DeclTok::Word(pair.as_str(), offset),
        Rule::star => DeclTok::Star(offset),
        Rule::comma => DeclTok::Comma(offset),
        Rule::braces => DeclTok::Braces(offset),
        Rule::brackets => DeclTok::Brackets(offset),
        Rule::parens => DeclTok::Parens(pair.into_inner().map(decl_tok).collect(), offset),
        _ => DeclTok::Other(pair.as_str(), offset),
    }
}

/// What is at `offset`, quoted: a whole name, or one character.
fn found_at(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or_default();
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '-' || c == '.';
    match rest.chars().next() {
        None => "end of file".to_string(),
        Some(c) if is_name(c) => {
            let end = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
            format!("'{}'", rest.get(..end).unwrap_or_default())
        }
        Some(c) => format!("'{c}'"),
    }
}

/// Readable alternatives for the rules pest expected, in a fixed order.
fn describe(rules: &[Rule]) -> String {
    // pest names the whole file when the very first item fails.
    let top_level = [Rule::kw_provider, Rule::typedef_decl, Rule::EOI];
    let rules = if rules == [Rule::file] {
        &top_level[..]
    } else {
        rules
    };
    let mut items: Vec<(u8, &str)> = rules
        .iter()
        .filter_map(|r| {
            Some(match r {
                Rule::name => (0, "a name"),
                Rule::word | Rule::argument => (1, "an identifier"),
                Rule::star => (2, "'*'"),
                Rule::lparen | Rule::arg_list | Rule::xlate_list => (3, "'('"),
                Rule::comma => (4, "','"),
                Rule::rparen => (5, "')'"),
                Rule::colon => (6, "':'"),
                Rule::semi => (7, "';'"),
                Rule::lbrace => (8, "'{'"),
                Rule::kw_probe | Rule::probe => (9, "'probe'"),
                Rule::rbrace => (10, "'}'"),
                Rule::kw_provider | Rule::provider => (11, "'provider'"),
                Rule::kw_typedef
                | Rule::typedef_decl
                | Rule::kw_struct
                | Rule::kw_union
                | Rule::kw_enum
                | Rule::aggregate_decl
                | Rule::kw_translator
                | Rule::kw_inline
                | Rule::skipped_decl => (12, "a declaration"),
                Rule::EOI => (13, "end of file"),
                _ => return None,
            })
        })
        .collect();
    items.sort_unstable();
    items.dedup();
    let names: Vec<&str> = items.into_iter().map(|(_, n)| n).collect();
    match names.as_slice() {
        [] => "valid input".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
