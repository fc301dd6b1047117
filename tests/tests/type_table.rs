//! Every type of the parser's table (`dtrace_parser::named_types`) means the same width and
//! sign to the parser, to the code generator and probe sites, and to `usdt list`.
//!
//! A crate with one probe per named type is generated, built through `dtrace_provider!`
//! (each probe given the parser's Rust type's default value), and its notes, read as tracers
//! read them and as `usdt list` lists them, must give each argument the parser's note size.
#![cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]

use std::path::{Path, PathBuf};

use dtrace_parser::{named_types, ArgKind};
use usdt_tests::nested::{build, cargo, nested_target_dir, workspace_root};

/// Any fixture of this crate, to find the target directory.
const FIXTURE: &str = env!("CARGO_BIN_EXE_fx_tiny");

/// The value a probe of `kind` is fired with, as Rust source.
fn value(kind: &ArgKind) -> String {
    match kind {
        ArgKind::String => "\"\"".to_string(),
        ArgKind::Pointer(_) | ArgKind::OpaquePointer => {
            format!("::core::ptr::null::<u8>() as {}", kind.rust_type())
        }
        _ => format!("<{}>::default()", kind.rust_type()),
    }
}

/// Writes and builds the crate; returns its binary.
fn build_crate(types: &[(&str, ArgKind)]) -> PathBuf {
    let target = nested_target_dir(Path::new(FIXTURE));
    let dir = target.join("type-table");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let root = workspace_root();
    let manifest = format!(
        "[package]\nname = \"type-table\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\nusdt = {{ path = {:?} }}\n",
        root.join("usdt")
    );
    let provider: String = types
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("    probe p{i}({name});\n"))
        .collect();
    let fires: String = types
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| format!("    table_p{i}!(|| {});\n", value(kind)))
        .collect();
    let files = [
        ("Cargo.toml", manifest),
        ("table.d", format!("provider table {{\n{provider}}};\n")),
        (
            "src/main.rs",
            format!("usdt::dtrace_provider!(\"table.d\");\n\nfn main() {{\n{fires}}}\n"),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    // The workspace's versions of the dependencies, so the build needs nothing new.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    build(cargo(&dir, &target).args(["build", "--quiet"])).unwrap();
    target.join("debug/type-table")
}

#[test]
fn every_named_type_has_the_parsers_width_and_sign_in_notes_and_usdt_list() {
    let types: Vec<(&str, ArgKind)> = named_types().collect();
    assert!(types.len() > 100, "the table has {} names", types.len());
    let binary = build_crate(&types);

    let data = std::fs::read(&binary).unwrap();
    let object = object::File::parse(&*data).unwrap();
    let notes = sdt_note::notes(&object).unwrap();
    let listed = usdt_cli::list_file(&binary).unwrap();
    for (i, (name, kind)) in types.iter().enumerate() {
        let probe = format!("p{i}");
        let want = Some(kind.note_size());
        let note = notes
            .iter()
            .find(|n| n.provider == "table" && n.name == probe)
            .unwrap_or_else(|| panic!("no note for {probe} ({name})"));
        let arguments = note.arguments();
        assert_eq!(arguments.len(), 1, "{name}: {note:?}");
        assert_eq!(arguments[0].size, want, "{name}: the note");
        let site = listed
            .iter()
            .find(|s| s.provider == "table" && s.name == probe)
            .unwrap_or_else(|| panic!("usdt list has no {probe} ({name})"));
        assert_eq!(site.arguments.len(), 1, "{name}: {site:?}");
        assert_eq!(site.arguments[0].size, want, "{name}: usdt list");
    }
}
