//! The provider model: what every front door produces and the code generator consumes.
//!
//! Its types are specifications of the code to generate, named `*Spec` apart from
//! `dtrace_parser`'s `Provider` and `Probe` (a D file as written, which [`from_d`] reads) and
//! `usdt-dynamic`'s (providers made at run time).

use dtrace_parser::{ArgKind, IntWidth, Span};
use sdt_note::ArgSize;

/// A provider: a named group of probes.
#[derive(Debug, Clone)]
pub struct ProviderSpec {
    /// The name tracers see (`test` in `test:::start`).
    pub name: String,
    /// The probes, in declaration order.
    pub probes: Vec<ProbeSpec>,
    /// Where the provider is declared, for a `.d` file.
    pub span: Option<Span>,
    /// Items that bring the argument types into scope at every probe site: a
    /// `#[usdt::provider]` module's `use` items (as usdt 0.6 does, so a type named through
    /// them resolves wherever the probe fires). Empty for a D file.
    pub scope: Vec<proc_macro2::TokenStream>,
}

/// One probe of a provider.
#[derive(Debug, Clone)]
pub struct ProbeSpec {
    /// The name as written (`transaction__start`), which Linux notes keep.
    pub name: String,
    /// The arguments, in order.
    pub args: Vec<ArgSpec>,
    /// Where the probe is declared, for a `.d` file.
    pub span: Option<Span>,
}

/// The type of one probe argument.
#[derive(Debug, Clone)]
pub enum ArgSpec {
    /// A value the tracer understands natively: an integer, `bool`, a float, a string or a
    /// pointer, as a D file's C type or a Rust primitive declares it. The closure returns
    /// the kind's Rust type ([`ArgKind::rust_type`]: `u8`, `usize` for `size_t`, `&str`...).
    Native(ArgKind),
    /// `&usdt::UniqueId`: passed as its `u64`.
    UniqueId,
    /// Any `serde::Serialize` type `T` (its tokens, outer references removed), passed as a
    /// JSON string (`{"ok": VALUE}`) made only while the probe is enabled. The closure
    /// returns `T`, `&T`, or anything else that dereferences to `T` (`Box<T>`), whether the
    /// probe declared `T` or `&T`, as in usdt 0.6. Tokens, not a parsed type, so the
    /// build-script path links no type parser.
    Serializable(proc_macro2::TokenStream),
    /// A slice or array of a `serde::Serialize` element type `E` (declared `&[E]`, `[E]` or
    /// `[E; N]`; the tokens are `E`'s), passed as JSON like [`ArgSpec::Serializable`]: the
    /// closure returns anything that is `AsRef<[E]>` (`Vec<E>`, `&Vec<E>`, `&[E]`, an array),
    /// as in usdt 0.6.
    SerializableSlice(proc_macro2::TokenStream),
}

impl ProbeSpec {
    /// The name in DTrace's DOF: `__` becomes `-` (`transaction-start`), as DTrace's own
    /// toolchain does.
    pub fn dtrace_name(&self) -> String {
        dtrace_parser::dtrace_probe_name(&self.name)
    }

    /// Whether an argument is a serializable Rust type (only `#[usdt::provider]` has them).
    pub fn serializes(&self) -> bool {
        self.args.iter().any(ArgSpec::is_serializable)
    }
}

impl ArgSpec {
    /// Whether the value is passed as JSON.
    pub fn is_serializable(&self) -> bool {
        matches!(
            self,
            ArgSpec::Serializable(_) | ArgSpec::SerializableSlice(_)
        )
    }

    /// How the tracer sees the value: a `UniqueId` is a `uint64_t`, a serialized value a
    /// string.
    pub fn kind(&self) -> ArgKind {
        match self {
            ArgSpec::Native(kind) => kind.clone(),
            ArgSpec::UniqueId => ArgKind::Integer {
                signed: false,
                width: IntWidth::Bits(64),
            },
            ArgSpec::Serializable(_) | ArgSpec::SerializableSlice(_) => ArgKind::String,
        }
    }

    /// The C type a DTrace consumer is told (`uint8_t`, `char *`).
    pub fn native_type(&self) -> String {
        self.kind().native_type()
    }

    /// The size of its SystemTap note argument (`-4`, `8`, `8f` when displayed).
    pub fn note_size(&self) -> ArgSize {
        self.kind().note_size()
    }
}

/// The providers of a parsed D file, in the model.
pub fn from_d(file: &dtrace_parser::File) -> Vec<ProviderSpec> {
    file.providers
        .iter()
        .map(|p| ProviderSpec {
            name: p.name.clone(),
            span: Some(p.span),
            scope: Vec::new(),
            probes: p
                .probes
                .iter()
                .map(|probe| ProbeSpec {
                    name: probe.name.clone(),
                    span: Some(probe.span),
                    args: probe.args.iter().map(arg_type).collect(),
                })
                .collect(),
        })
        .collect()
}

/// A D argument in the model: the type the parser resolved, aliases and all (a `typedef`
/// of `size_t` is `usize` as `size_t` is).
fn arg_type(arg: &dtrace_parser::Argument) -> ArgSpec {
    ArgSpec::Native(arg.kind.clone())
}
