//! `__bind!($crate, [[T0] [T1] ...] VALUE, [a0 a1 ...])`: the `let`s that bind a probe
//! site's arguments from the value the user wrote (a closure, or anything callable), each
//! argument by reference with its expected type (`let a0: &u8 = &x;`, see `usdt-codegen`'s
//! `typecheck`).
//!
//! A closure written in place has its body evaluated in place, not through a closure, when
//! that means the same thing: a closure is a function of its own for rustc to check,
//! borrow-check and compile at every site. It does not mean the same when the body leaves
//! the closure early (`return`, `?`, `break`, `continue`, `.await`, or a macro that might
//! expand to one of them): then the body stays in a closure, called there, so it means
//! exactly what the user wrote.
//!
//! A body that is a tuple of as many elements as the probe has arguments (the common case)
//! is bound element by element, each `&` spanned at its element, so that rustc points a wrong
//! type at the element the user wrote. Anything else is bound whole first, then by element.
//!
//! Plain `proc_macro` and no parsing: this runs at every probe site, in a proc macro built
//! without optimizations.

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// Macros known not to expand to control flow that leaves the body.
const PLAIN_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "cfg",
    "column",
    "concat",
    "dbg",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "env",
    "eprint",
    "eprintln",
    "file",
    "format",
    "format_args",
    "include_bytes",
    "include_str",
    "json",
    "line",
    "matches",
    "module_path",
    "option_env",
    "panic",
    "print",
    "println",
    "stringify",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

/// `$crate, [[T0] [T1] ...] VALUE, [a0 a1 ...]`.
pub fn expand(input: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = input.into_iter().collect();
    let names = match tokens.pop() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => g.stream(),
        _ => return error("expected `$crate, [TYPES] VALUE, [NAMES]`"),
    };
    let names: Vec<TokenTree> = names.into_iter().collect();
    // The comma before the names.
    tokens.pop();
    let mut tokens = tokens.into_iter();
    let krate: TokenStream = tokens.by_ref().take_while(|t| !is_punct(t, ',')).collect();
    let types = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => g
            .stream()
            .into_iter()
            .filter_map(|t| match t {
                TokenTree::Group(g) => Some(g.stream()),
                _ => None,
            })
            .collect::<Vec<_>>(),
        _ => return error("expected `[TYPES]`"),
    };
    if types.len() != names.len() {
        return error("expected one type per argument");
    }
    let value: TokenStream = tokens.collect();
    let mut out = TokenStream::new();
    match closure_body(value.clone()) {
        Some((by_move, body)) if !leaves_early(body.clone()) => {
            match elements(body.clone(), names.len()) {
                Some(elements) => {
                    for ((name, ty), element) in names.iter().zip(&types).zip(elements) {
                        bind_ref(&mut out, name.clone(), ty.clone(), element);
                    }
                }
                None => bind_whole(&mut out, &names, &types, by_move, body, false),
            }
        }
        Some((by_move, body)) => bind_whole(&mut out, &names, &types, by_move, body, true),
        None => {
            // Anything else is called, through `usdt`'s one generic `call` (which states the
            // `FnOnce()` bound, and whose errors say so).
            let mut call = krate;
            call.extend(path(&["__private", "call"]));
            call.extend([TokenTree::Group(Group::new(Delimiter::Parenthesis, value))]);
            bind_whole(&mut out, &names, &types, false, call, false);
        }
    }
    out
}

/// The body of `|| BODY` or `move || BODY` (and whether it was `move`), or `None` for any
/// other value.
fn closure_body(value: TokenStream) -> Option<(bool, TokenStream)> {
    let value = unwrap_none(value);
    let mut tokens = value.into_iter().peekable();
    let by_move = matches!(tokens.peek(), Some(TokenTree::Ident(i)) if i.to_string() == "move");
    if by_move {
        tokens.next();
    }
    let first = tokens.next()?;
    let second = tokens.next()?;
    if !is_punct(&first, '|') || !is_punct(&second, '|') {
        return None;
    }
    let body: TokenStream = tokens.collect();
    // `|| -> T { ... }`: a closure with a return type of its own is called as one.
    match body.clone().into_iter().next() {
        Some(t) if is_punct(&t, '-') => None,
        Some(_) => Some((by_move, body)),
        None => None,
    }
}

/// The elements of `body` when it is a tuple of `n` elements (or, for one argument, the body
/// itself), split at top-level commas. `None` when a top-level `<` or `|` could hide a comma
/// that separates no elements (generic arguments, closure parameters).
fn elements(body: TokenStream, n: usize) -> Option<Vec<TokenStream>> {
    if n == 1 {
        return Some(vec![body]);
    }
    let body = unwrap_none(body);
    let mut trees = body.into_iter();
    let (Some(TokenTree::Group(tuple)), None) = (trees.next(), trees.next()) else {
        return None;
    };
    if tuple.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let mut elements = vec![TokenStream::new()];
    for t in tuple.stream() {
        if is_punct(&t, '<') || is_punct(&t, '|') {
            return None;
        }
        if is_punct(&t, ',') {
            elements.push(TokenStream::new());
        } else if let Some(last) = elements.last_mut() {
            last.extend([t]);
        }
    }
    if elements.last().is_some_and(|e| e.is_empty()) {
        elements.pop();
    }
    (elements.len() == n && elements.iter().all(|e| !e.is_empty())).then_some(elements)
}

/// `let NAME: TYPE = &(ELEMENT);`, spanned at the element, so that a mismatch is reported
/// there; an element that is a plain reference (`&x`, `&self.a[..]`) is bound as it is, so
/// that a mismatch names the type the user wrote, not a reference to it.
fn bind_ref(out: &mut TokenStream, name: TokenTree, ty: TokenStream, element: TokenStream) {
    // Not for a trait object (a serializable slice's `&dyn AsRef<[E]>`), which a reference
    // to an unsized value (`&v[1..]`) cannot become.
    let unsizes = ty
        .clone()
        .into_iter()
        .any(|t| matches!(&t, TokenTree::Ident(i) if i.to_string() == "dyn"));
    if !unsizes && is_plain_reference(element.clone()) {
        let_statement(out, TokenStream::from(name), ty, element);
        return;
    }
    let mut trees = element.clone().into_iter();
    let first = trees.next().map_or_else(Span::call_site, |t| t.span());
    let last = trees.last().map_or(first, |t| t.span());
    let mut amp = Punct::new('&', Spacing::Alone);
    amp.set_span(first);
    // Parenthesized (rustc's parser does not keep invisible groups), the parentheses spanned
    // at the element's last token, so the expression's span is the element's.
    let mut element = Group::new(Delimiter::Parenthesis, element);
    element.set_span(last);
    let mut value = TokenStream::new();
    value.extend([TokenTree::Punct(amp), TokenTree::Group(element)]);
    let_statement(out, TokenStream::from(name), ty, value);
}

/// The value bound whole, `let (t0, t1, ...): (_, _, ...) = VALUE;`, then each argument by
/// reference to its part. `VALUE` is `body` as is, or as a closure called there when
/// `as_closure` (a body that leaves early).
fn bind_whole(
    out: &mut TokenStream,
    names: &[TokenTree],
    types: &[TokenStream],
    by_move: bool,
    body: TokenStream,
    as_closure: bool,
) {
    let value = if as_closure {
        let mut closure = TokenStream::new();
        if by_move {
            closure.extend([TokenTree::Ident(Ident::new("move", Span::call_site()))]);
        }
        closure.extend([
            TokenTree::Punct(Punct::new('|', Spacing::Joint)),
            TokenTree::Punct(Punct::new('|', Spacing::Alone)),
        ]);
        closure.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
        let mut call = TokenStream::new();
        call.extend([
            TokenTree::Group(Group::new(Delimiter::Parenthesis, closure)),
            TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())),
        ]);
        call
    } else {
        body
    };
    if names.is_empty() {
        let mut unit = TokenStream::new();
        unit.extend([TokenTree::Group(Group::new(
            Delimiter::Parenthesis,
            TokenStream::new(),
        ))]);
        let underscore = TokenStream::from(TokenTree::Ident(Ident::new("_", Span::call_site())));
        let_statement(out, underscore, unit, value);
        return;
    }
    // Hygienic: the user's code cannot name them.
    let parts: Vec<TokenTree> = (0..names.len())
        .map(|i| TokenTree::Ident(Ident::new(&format!("__usdt_t{i}"), Span::mixed_site())))
        .collect();
    if names.len() == 1 {
        let_statement(
            out,
            TokenStream::from(parts[0].clone()),
            "_".parse().unwrap_or_default(),
            value,
        );
    } else {
        let pattern = tuple(parts.iter().cloned().map(TokenStream::from));
        let holes = tuple((0..names.len()).map(|_| "_".parse().unwrap_or_default()));
        let_statement(out, pattern, holes, value);
    }
    for ((name, ty), part) in names.iter().zip(types).zip(parts) {
        let mut value = TokenStream::new();
        value.extend([TokenTree::Punct(Punct::new('&', Spacing::Alone)), part]);
        let_statement(out, TokenStream::from(name.clone()), ty.clone(), value);
    }
}

/// `let PATTERN: TYPE = VALUE;` (no `: TYPE` for an empty `ty`).
fn let_statement(out: &mut TokenStream, pattern: TokenStream, ty: TokenStream, value: TokenStream) {
    out.extend([TokenTree::Ident(Ident::new("let", Span::call_site()))]);
    out.extend(pattern);
    if !ty.is_empty() {
        out.extend([TokenTree::Punct(Punct::new(':', Spacing::Alone))]);
        out.extend(ty);
    }
    out.extend([TokenTree::Punct(Punct::new('=', Spacing::Alone))]);
    out.extend(value);
    out.extend([TokenTree::Punct(Punct::new(';', Spacing::Alone))]);
}

/// `(A, B, ...)`.
fn tuple(items: impl Iterator<Item = TokenStream>) -> TokenStream {
    let mut inner = TokenStream::new();
    for item in items {
        inner.extend(item);
        inner.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone))]);
    }
    TokenStream::from(TokenTree::Group(Group::new(Delimiter::Parenthesis, inner)))
}

/// `::a::b` after a crate path.
fn path(segments: &[&str]) -> TokenStream {
    let mut out = TokenStream::new();
    for s in segments {
        out.extend([
            TokenTree::Punct(Punct::new(':', Spacing::Joint)),
            TokenTree::Punct(Punct::new(':', Spacing::Alone)),
            TokenTree::Ident(Ident::new(s, Span::call_site())),
        ]);
    }
    out
}

/// Whether `element` is `&` (or `&mut`) then a path, field accesses, calls and indexing: an
/// expression whose value is the reference, whatever follows the `&`.
fn is_plain_reference(element: TokenStream) -> bool {
    let mut trees = unwrap_none(element).into_iter();
    match trees.next() {
        Some(t) if is_punct(&t, '&') => {}
        _ => return false,
    }
    let mut rest = trees.peekable();
    rest.peek().is_some()
        && rest.all(|t| match &t {
            TokenTree::Ident(i) => i.to_string() != "as",
            TokenTree::Punct(p) => matches!(p.as_char(), '.' | ':'),
            TokenTree::Group(g) => g.delimiter() != Delimiter::Brace,
            TokenTree::Literal(_) => true,
        })
}

/// The tokens inside any invisible groups (a macro's `$v:expr`) wrapping all of `tokens`.
fn unwrap_none(tokens: TokenStream) -> TokenStream {
    let mut trees = tokens.clone().into_iter();
    match (trees.next(), trees.next()) {
        (Some(TokenTree::Group(g)), None) if g.delimiter() == Delimiter::None => {
            unwrap_none(g.stream())
        }
        _ => tokens,
    }
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

/// Whether `tokens` may hold control flow that would leave a closure's body.
fn leaves_early(tokens: TokenStream) -> bool {
    let mut previous: Option<TokenTree> = None;
    for token in tokens {
        let leaves = match &token {
            TokenTree::Ident(i) => matches!(
                i.to_string().as_str(),
                "return" | "break" | "continue" | "await" | "yield" | "become"
            ),
            TokenTree::Punct(p) => match p.as_char() {
                '?' => true,
                // `name!(...)`: a macro, unless `!` is a negation or `!=`.
                '!' => matches!(&previous, Some(TokenTree::Ident(name))
                    if !PLAIN_MACROS.contains(&name.to_string().as_str())),
                _ => false,
            },
            TokenTree::Group(g) => leaves_early(g.stream()),
            TokenTree::Literal(_) => false,
        };
        if leaves {
            return true;
        }
        previous = Some(token);
    }
    false
}

fn error(message: &str) -> TokenStream {
    format!("::core::compile_error!({message:?})")
        .parse()
        .unwrap_or_default()
}
