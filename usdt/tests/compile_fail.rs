//! The catalogue of compile errors: one case per mistake a user can make, each with the
//! error it must produce and where it must point; and the corner cases that must compile
//! (`tests/pass`).
//!
//! The expected output lives next to each case in `tests/ui/*.stderr`. rustc's wording
//! changes between releases; after reviewing the new output, bless it with
//! `TRYBUILD=overwrite cargo test -p usdt --test compile_fail`. What must stay stable is our
//! part: the file, line and column of a `.d` error, the messages this crate writes, and the
//! span each error points at.

#[test]
fn compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
