//! The D-file front doors generate the same code: `dtrace_provider!` expands to
//! `from_d_file` (plus a line that makes cargo track the file), and the Builder writes exactly
//! `from_d_file`'s tokens to `$OUT_DIR`.

use std::path::Path;

use usdt_codegen::{from_d_file, Builder, Options};

#[test]
fn builder_writes_what_the_macro_expands() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = manifest.join("../probe-test-macro/test.d");
    let out = std::env::temp_dir().join(format!("usdt-front-doors-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    // The Builder reads these as a build script would see them.
    std::env::set_var("OUT_DIR", &out);
    std::env::set_var("CARGO_MANIFEST_DIR", manifest.join("../probe-test-macro"));
    let written = Builder::new("test.d").build().unwrap();
    let from_builder = std::fs::read_to_string(&written).unwrap();

    let options = Options {
        file: Some("test.d".to_owned()),
        ..Options::default()
    };
    let from_macro = from_d_file(&d, "test.d", &options).unwrap().to_string();
    // The same tokens; the Builder only puts each item on a line of its own.
    let tokens = |code: &str| {
        code.parse::<proc_macro2::TokenStream>()
            .unwrap()
            .to_string()
    };
    assert_eq!(tokens(&from_builder), from_macro);
    assert!(
        from_builder.lines().count() >= 4,
        "one item per line:\n{from_builder}"
    );
    assert!(from_macro.contains("macro_rules ! __usdt_macro_start"));
    assert!(from_macro.contains("macro_rules ! __usdt_macro_stop"));
    assert!(from_macro.contains("start as test_start"));
    std::fs::remove_dir_all(&out).unwrap();
}
