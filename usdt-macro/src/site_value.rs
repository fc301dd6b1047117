//! `__value!([TYPE] BODY)`: the expression a probe site evaluates for its arguments, from
//! the body of the closure the user wrote in place.
//!
//! The body is evaluated in place, not through a closure, when that means the same thing:
//! a closure is a function of its own for rustc to check, borrow-check and compile at every
//! site. It does not mean the same when the body leaves the closure early (`return`, `?`,
//! `break`, `continue`, `.await`, or a macro that might expand to one of them): then the
//! body stays in a closure, called there (`(|| -> TYPE { BODY })()`), so it means exactly
//! what the user wrote.
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

/// `[move] [TYPE] BODY` (`move` when the user's closure was a `move` closure).
pub fn expand(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter().peekable();
    let by_move = matches!(tokens.peek(), Some(TokenTree::Ident(i)) if i.to_string() == "move");
    if by_move {
        tokens.next();
    }
    let ty = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => g.stream(),
        _ => return error("expected `[move] [TYPE] BODY`"),
    };
    let body: TokenStream = tokens.collect();
    if leaves_early(body.clone()) {
        in_closure(by_move, ty, body)
    } else {
        body
    }
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

/// `([move] || -> TYPE { BODY })()`.
fn in_closure(by_move: bool, ty: TokenStream, body: TokenStream) -> TokenStream {
    let mut closure = TokenStream::new();
    if by_move {
        closure.extend([TokenTree::Ident(Ident::new("move", Span::call_site()))]);
    }
    closure.extend([
        TokenTree::Punct(Punct::new('|', Spacing::Joint)),
        TokenTree::Punct(Punct::new('|', Spacing::Alone)),
        TokenTree::Punct(Punct::new('-', Spacing::Joint)),
        TokenTree::Punct(Punct::new('>', Spacing::Alone)),
    ]);
    closure.extend(ty);
    closure.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
    let mut out = TokenStream::new();
    out.extend([
        TokenTree::Group(Group::new(Delimiter::Parenthesis, closure)),
        TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())),
    ]);
    out
}

fn error(message: &str) -> TokenStream {
    format!("::core::compile_error!({message:?})")
        .parse()
        .unwrap_or_default()
}
