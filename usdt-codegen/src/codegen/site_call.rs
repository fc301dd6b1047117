//! The call every probe macro makes, `::usdt::__probe!(...)`: the contract between this
//! generator and the `usdt` crate's site macros (`usdt/src/site/mod.rs`), defined here and
//! nowhere else. The site macros' arms match this grammar; `usdt/tests/site_contract.rs`
//! expands every argument shape through them and checks the notes they leave.
//!
//! ```text
//! call       = "::usdt::__probe!(" provider "," probe "," dtrace_probe ","
//!              check "," "[" "$($f)*" "]" "," args ")"
//! provider   = string literal        the provider's name           "test"
//! probe      = string literal        the probe's name (SystemTap)  "transaction__start"
//! dtrace_probe = string literal      the probe's name in DOF       "transaction-start"
//! check      = "[ret" { "[" type "]" } "]"
//!                                    per argument, the type its value is bound with,
//!                                    `_` for strings and pointers (see typecheck.rs)
//! args       = "[" [ arg { "," arg } ] "]"
//! arg        = "(" binding "," note_size "," native_type "," conversion ")"
//! binding    = identifier            `__usdt_a0`, `__usdt_a1`, ...
//! note_size  = string literal        the SystemTap note size: "-4", "8", "8f", ...
//!                                    (`sdt_note::ArgSize`'s text)
//! native_type = string literal       the C type DTrace consumers are told: "uint8_t"
//! conversion = "int" | "str" | "ptr" | "json" | "slice" | "arg"   (see [`Conversion`])
//! ```
//!
//! With no arguments `check` is `[ret ]` and `args` is `[]`. `$($f)*` is what the user passed
//! to the probe macro: a closure, anything callable, or nothing for a probe without arguments.

use std::fmt;

use dtrace_parser::ArgKind;

use super::typecheck;
use crate::{ArgSpec, ProbeSpec, ProviderSpec};

/// How the site turns an argument's value into the register the tracer reads: one arm of
/// `usdt`'s `__prepare!` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// Integers and `bool`: a cast.
    Int,
    /// Strings: NUL-terminated, the address passed.
    Str,
    /// Pointers: the address.
    Ptr,
    /// A `serde::Serialize` value: serialized as JSON, the string's address passed.
    Json,
    /// A slice of `serde::Serialize` elements, as [`Conversion::Json`].
    Slice,
    /// Everything else (floats, `&UniqueId`): through `usdt`'s `Arg` trait.
    Arg,
}

impl Conversion {
    /// Every conversion, each an arm of `__prepare!`.
    pub const ALL: [Conversion; 6] = [
        Conversion::Int,
        Conversion::Str,
        Conversion::Ptr,
        Conversion::Json,
        Conversion::Slice,
        Conversion::Arg,
    ];

    /// The conversion of an argument of type `arg`.
    pub fn of(arg: &ArgSpec) -> Conversion {
        let kind = match arg {
            ArgSpec::Native(kind) => kind,
            ArgSpec::Serializable(_) => return Conversion::Json,
            ArgSpec::SerializableSlice(_) => return Conversion::Slice,
            ArgSpec::UniqueId => return Conversion::Arg,
        };
        match kind {
            ArgKind::Integer { .. } | ArgKind::Bool => Conversion::Int,
            ArgKind::String => Conversion::Str,
            ArgKind::Pointer(_) | ArgKind::OpaquePointer => Conversion::Ptr,
            ArgKind::Float { .. } => Conversion::Arg,
        }
    }

    /// The keyword the call spells it with.
    pub fn keyword(self) -> &'static str {
        match self {
            Conversion::Int => "int",
            Conversion::Str => "str",
            Conversion::Ptr => "ptr",
            Conversion::Json => "json",
            Conversion::Slice => "slice",
            Conversion::Arg => "arg",
        }
    }
}

impl fmt::Display for Conversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// The binding name of argument `i` inside the generated code.
pub fn binding(i: usize) -> String {
    format!("__usdt_a{i}")
}

/// `check`: the `[ret ...]` list of a probe's expected argument types.
pub fn check(args: &[ArgSpec]) -> String {
    let types: Vec<String> = args
        .iter()
        .map(|a| format!("[{}]", typecheck::expected(a)))
        .collect();
    format!("[ret {}]", types.join(" "))
}

/// `args`: what each argument tells the site.
pub fn args(probe: &ProbeSpec) -> String {
    let items: Vec<String> = probe
        .args
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            format!(
                "({}, \"{}\", {:?}, {})",
                binding(i),
                arg.note_size(),
                arg.native_type(),
                Conversion::of(arg)
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// The whole call for `probe` of `provider`, as text, with the probe macro's `$($f)*` as
/// the value.
pub fn call(provider: &ProviderSpec, probe: &ProbeSpec) -> String {
    format!(
        "::usdt::__probe!({:?}, {:?}, {:?}, {}, [$($f)*], {})",
        provider.name,
        probe.name,
        probe.dtrace_name(),
        check(&probe.args),
        args(probe)
    )
}
