//! Probes named like built-in attributes (`used`, `test`, `derive`) and prelude macros
//! (`write`, `file`) work in both spellings.

usdt::dtrace_provider!("builtin_names.d");

fn main() {
    names_used!(|| 1u8);
    names::used!(|| 2u8);
    names_test!();
    names::test!();
    names_derive!();
    names::cfg!();
    names::inline!();
    names_write!(|| "w");
    names::file!(|| "f");
}
