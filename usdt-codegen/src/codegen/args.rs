//! What the backend is told about each argument: a binding name, the SystemTap note size and
//! the native C type.

use crate::{ArgType, Probe};
use dtrace_parser::ArgKind;

/// The binding name of argument `i` inside the generated code.
pub fn binding(i: usize) -> String {
    format!("__usdt_a{i}")
}

/// The argument list of `__probe!`, as text: `[(binding, "note size", "native type",
/// conversion), ...]`.
pub fn site_list(probe: &Probe) -> String {
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
                conversion(arg)
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// How the backend turns the closure's value into a register value: `int` for integers and
/// `bool` (a cast), `str` for strings, `ptr` for pointers, `json` for serializable values,
/// `slice` for serializable slices, and `arg` for everything else (floats, `&UniqueId`),
/// through the `Arg` trait.
fn conversion(arg: &ArgType) -> &'static str {
    let kind = match arg {
        ArgType::Native(kind) => kind,
        ArgType::Serializable(_) => return "json",
        ArgType::SerializableSlice(_) => return "slice",
        ArgType::UniqueId => return "arg",
    };
    match kind {
        ArgKind::Integer { .. } | ArgKind::Bool => "int",
        ArgKind::String => "str",
        ArgKind::Pointer(_) | ArgKind::OpaquePointer => "ptr",
        _ => "arg",
    }
}
