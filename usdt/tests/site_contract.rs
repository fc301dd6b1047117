//! The contract between the code generator and the site macros: every argument shape
//! `usdt-codegen` writes into a `__probe!` call (see its `codegen::site_call`) is expanded here
//! through `usdt`'s site macros, so a change to the grammar on one side that the other does
//! not follow fails to compile; on Linux, the notes the sites leave in this binary are read
//! back and held to the sizes the generator's model gives each argument.

use std::collections::HashSet;
use std::ffi::c_void;

use usdt_codegen::codegen::site_call::Conversion;
use usdt_codegen::{dtrace_parser, model};

const D_SOURCE: &str = include_str!("site_contract.d");

usdt::dtrace_provider!("tests/site_contract.d");

/// A serializable argument.
#[derive(serde::Serialize)]
pub struct Point {
    x: i32,
    y: i32,
}

#[usdt::provider]
mod rusty {
    use crate::Point;

    fn text(a: &str, b: String) {}
    fn serialized(p: Point, t: (u8, bool)) {}
    fn slices(s: &[u32], a: [u8; 4]) {}
    fn id(id: &usdt::UniqueId) {}
    fn raw(p: *const u8, q: *mut std::ffi::c_void) {}
}

/// The conversions the `rusty` provider's arguments take, as the attribute's model gives them
/// (`usdt-macro`'s `provider_attr`): strings, JSON for serializable values, slices, `Arg` for
/// `UniqueId`, pointers.
const RUSTY_CONVERSIONS: [Conversion; 5] = [
    Conversion::Str,
    Conversion::Json,
    Conversion::Slice,
    Conversion::Arg,
    Conversion::Ptr,
];

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
/// The probes of `rusty` with each argument's note size: strings, serialized values and
/// pointers are addresses, a `UniqueId` its `u64`.
const RUSTY_NOTES: [(&str, &[&str]); 5] = [
    ("text", &["8", "8"]),
    ("serialized", &["8", "8"]),
    ("slices", &["8", "8"]),
    ("id", &["8"]),
    ("raw", &["8", "8"]),
];

/// Every probe fires once, in both spellings where it has them.
fn fire_all() {
    let byte = 7u8;
    let s = String::from("s");
    let c = c"c";
    contract_none!();
    contract::none!();
    contract_unsigned_ints!(|| (1u8, 2u16, 3u32, 4u64, 5usize, 6usize));
    contract::unsigned_ints!(|| (&1, &2, &3, &4, &5, &6));
    contract_signed_ints!(|| (-1i8, -2i16, -3i32, -4i64, -5isize, -6i8));
    contract_c_ints!(|| (1u8, 2i16, 3i32, 4i64, 5i64, 6u64));
    contract_scalars!(|| (true, 1.5f32, 2.5f64));
    contract_strings!(|| ("a", s.clone(), c));
    contract_pointers!(|| (
        &byte as *const u8,
        std::ptr::null::<c_void>(),
        std::ptr::null::<*const std::ffi::c_char>(),
        std::ptr::null::<c_void>()
    ));
    contract_twelve!(|| (
        1u8,
        2u16,
        3u32,
        4u64,
        -1i8,
        -2i16,
        -3i32,
        -4i64,
        1.0f32,
        2.0f64,
        "twelve",
        std::ptr::null::<c_void>()
    ));
    let id = usdt::UniqueId::new();
    rusty::text!(|| ("a", s.clone()));
    rusty::serialized!(|| (Point { x: 1, y: 2 }, (3u8, true)));
    rusty::slices!(|| (vec![1u32, 2], [1u8, 2, 3, 4]));
    rusty::id!(|| &id);
    rusty::raw!(|| (&byte as *const u8, std::ptr::null_mut::<c_void>()));
}

/// The model the generator builds from `site_contract.d`.
fn d_model() -> Vec<model::ProviderSpec> {
    let file = dtrace_parser::parse(D_SOURCE, "site_contract.d").expect("site_contract.d parses");
    model::from_d(&file)
}

#[test]
fn every_shape_expands() {
    fire_all();
}

#[test]
fn every_conversion_is_covered() {
    let mut covered: HashSet<Conversion> = RUSTY_CONVERSIONS.into_iter().collect();
    for provider in d_model() {
        for probe in &provider.probes {
            covered.extend(probe.args.iter().map(Conversion::of));
        }
    }
    let all: HashSet<Conversion> = Conversion::ALL.into_iter().collect();
    assert_eq!(
        covered, all,
        "a conversion of the site call that this test does not expand"
    );
}

#[test]
fn the_arguments_reach_the_limit() {
    let twelve = d_model()
        .into_iter()
        .flat_map(|p| p.probes)
        .find(|p| p.name == "twelve")
        .expect("probe twelve");
    assert_eq!(twelve.args.len(), usdt_codegen::codegen::MAX_ARGUMENTS);
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[test]
fn notes_carry_the_generated_sizes() {
    use object::Object;
    use std::collections::HashMap;

    fire_all();
    let exe = std::env::current_exe().expect("the test binary's path");
    let data = std::fs::read(&exe).expect("the test binary reads");
    let file = object::File::parse(&*data).expect("the test binary parses");
    assert!(file.is_64());
    let mut found: HashMap<(String, String), Vec<String>> = HashMap::new();
    for note in sdt_note::notes(&file).expect("the notes parse") {
        let sizes = note
            .arguments()
            .iter()
            .map(|a| a.size.map(|s| s.to_string()).unwrap_or_default())
            .collect();
        // Both spellings of a probe are one site each, with one note each: all agree.
        if let Some(before) = found.insert((note.provider.clone(), note.name.clone()), sizes) {
            let now = &found[&(note.provider.clone(), note.name.clone())];
            assert_eq!(&before, now, "{}:{}", note.provider, note.name);
        }
    }

    let mut expected: Vec<((String, String), Vec<String>)> = Vec::new();
    for provider in d_model() {
        for probe in &provider.probes {
            let sizes = probe
                .args
                .iter()
                .map(|a| a.note_size().to_string())
                .collect();
            expected.push(((provider.name.clone(), probe.name.clone()), sizes));
        }
    }
    for (probe, sizes) in RUSTY_NOTES {
        let sizes = sizes.iter().map(|s| s.to_string()).collect();
        expected.push((("rusty".to_owned(), probe.to_owned()), sizes));
    }
    for (key, sizes) in expected {
        let note = found
            .get(&key)
            .unwrap_or_else(|| panic!("no note for {}:{}", key.0, key.1));
        assert_eq!(note, &sizes, "{}:{}", key.0, key.1);
    }
}
