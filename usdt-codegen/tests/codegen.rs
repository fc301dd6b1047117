//! The code generator's output shape and its errors.

use usdt_codegen::{from_d_source, Options};

const TEST_D: &str = "provider test {\n    probe start(uint8_t);\n    probe stop(char *, uint8_t);\n    probe ping();\n};\n";

fn generate(source: &str, options: Options) -> Result<String, String> {
    from_d_source(source, "test.d", &options)
        .map(|t| t.to_string())
        .map_err(|e| e.to_string())
}

#[test]
fn both_spellings_with_no_option() {
    let out = generate(TEST_D, Options::default()).unwrap();
    // usdt 0.6's `test::start!`: the module, inside a hidden one, brought in by a glob (so a
    // user's own `mod test` shadows it instead of clashing).
    assert!(out.contains("mod __usdt_test {"), "{out}");
    assert!(out.contains("pub (crate) mod test {"), "{out}");
    assert!(out.contains("pub (crate) use __usdt_test ::*;"), "{out}");
    for probe in ["start", "stop", "ping"] {
        // Defined under a name of its own, imported under the probe's.
        assert!(
            out.contains(&format!("macro_rules ! __usdt_macro_{probe}")),
            "{probe}"
        );
        assert!(
            out.contains(&format!(
                "pub (crate) use __usdt_macro_{probe} as {probe} ;"
            )),
            "{probe}"
        );
        // This crate's `test_start!`: one more `use` per probe.
        assert!(
            out.contains(&format!("{probe} as test_{probe}")),
            "{probe} in {out}"
        );
    }
    // Each site hands the backend the names and the note sizes.
    assert!(
        out.contains(r#"__probe ! ("test" , "stop" , "stop" , [ret [_] [& u8]]"#),
        "{out}"
    );
    assert!(
        out.contains(r#"(__usdt_a0 , "8" , "char *" , str) , (__usdt_a1 , "1" , "uint8_t" , int)"#)
    );
}

#[test]
fn module_option_names_the_module() {
    let out = generate(
        TEST_D,
        Options {
            module: Some("probes".to_owned()),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(out.contains("pub (crate) mod probes {"), "{out}");
    assert!(
        out.contains("use __usdt_probes :: probes :: { start as test_start ,"),
        "{out}"
    );
}

#[test]
fn a_keyword_provider_keeps_the_function_spelling_only() {
    let out = generate(
        "provider type {\n    probe start();\n};\n",
        Options::default(),
    )
    .unwrap();
    assert!(
        out.contains("macro_rules ! __usdt_macro_type_start"),
        "{out}"
    );
    assert!(!out.contains("mod"), "{out}");
}

#[test]
fn a_format_giving_probes_one_name_keeps_the_module_spelling_only() {
    let out = generate(
        "provider a { probe x(); }; provider b { probe x(); };",
        Options {
            probe_format: Some("{probe}".to_owned()),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(out.contains("pub (crate) mod a {"), "{out}");
    assert!(out.contains("pub (crate) mod b {"), "{out}");
    assert!(!out.contains("{ x as x"), "{out}");
}

#[test]
fn probe_format_and_rename() {
    let out = generate(
        TEST_D,
        Options {
            probe_format: Some("trace_{provider}__{probe}".to_owned()),
            provider_name: Some("app".to_owned()),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(out.contains("use __usdt_macro_trace_app__start as trace_app__start"));
    assert!(out.contains("pub (crate) mod app {"), "{out}");
    assert!(out.contains(r#"__probe ! ("app" , "start""#), "{out}");
}

#[test]
fn double_underscores_become_dashes_for_dtrace_only() {
    let out = generate(
        "provider p { probe transaction__start(int); };",
        Options::default(),
    )
    .unwrap();
    assert!(
        out.contains(r#""p" , "transaction__start" , "transaction-start""#),
        "{out}"
    );
}

#[test]
fn signed_floats_and_bools_have_their_note_sizes() {
    let out = generate(
        "provider p { probe a(int8_t, int64_t, float, double, bool, void *); };",
        Options::default(),
    )
    .unwrap();
    for size in [
        r#""-1""#, r#""-8""#, r#""4f""#, r#""8f""#, r#""1""#, r#""8""#,
    ] {
        assert!(out.contains(size), "{size} in {out}");
    }
}

#[test]
fn renaming_several_providers_is_an_error() {
    let err = generate(
        "provider a { probe x(); }; provider b { probe y(); };",
        Options {
            provider_name: Some("c".to_owned()),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(
        err.contains("renames a single provider, but the file declares 2"),
        "{err}"
    );
}

#[test]
fn keyword_module_is_an_error_with_position() {
    let err = generate(
        "provider type {\n    probe start();\n};\n",
        Options {
            module: Some("type".to_owned()),
            file: Some("test.d".to_owned()),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        "test.d:1:10: the provider name `type` is a Rust keyword, so no macro or module can be \
         named after it; choose another name (`provider = \"...\"` renames the provider, \
         `module = \"...\"` names the module)"
    );
}

#[test]
fn bad_macro_name_format_is_an_error() {
    let err = generate(
        TEST_D,
        Options {
            probe_format: Some("{provider}-{probe}".to_owned()),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(
        err.contains("`test-start` for probe `test:start` is not a valid Rust identifier"),
        "{err}"
    );
}

#[test]
fn parse_errors_keep_their_position() {
    let err = generate(
        "provider test {\n    probe start(uint7_t);\n};\n",
        Options::default(),
    )
    .unwrap_err();
    assert_eq!(err, "test.d:2:17: unknown type 'uint7_t' in probe 'start'");
}

#[test]
fn pointer_sized_integers_are_isize_and_usize() {
    let out = generate(
        "provider p { probe a(size_t, const uintptr_t, intptr_t, ssize_t, ptrdiff_t, uint64_t); };",
        Options::default(),
    )
    .unwrap();
    assert!(
        out.contains("[ret [& usize] [& usize] [& isize] [& isize] [& isize] [& u64]]"),
        "{out}"
    );
}
