//! Calls some of the library's functions: `called`, `inlined` at two sites, and `generic`
//! for two types; never `never_called` or `never_called_inliner`.

fn main() {
    let n = std::env::args().count() as u64;
    fixture_gc::called(n);
    fixture_gc::inlined(n);
    fixture_gc::inlined(n + 1);
    fixture_gc::generic(n as u8);
    fixture_gc::generic(n as u32);
}
