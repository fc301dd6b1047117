//! Every error: its exact message and position.

use dtrace_parser::{parse, parse_file, parse_with, ErrorKind, ParseOptions};

/// The error message (`file:line:column: message`) for `src`.
fn error(src: &str) -> String {
    match parse(src, "test.d") {
        Ok(file) => panic!("parsed: {file:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unknown_type() {
    let src = "provider p {\n\tprobe stop();\n\tprobe start(int a, uint7_t b);\n};";
    assert_eq!(
        error(src),
        "test.d:3:21: unknown type 'uint7_t' in probe 'start'"
    );
    let e = parse(src, "test.d").unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::UnknownType {
            name: "uint7_t".into(),
            probe: "start".into()
        }
    );
    assert_eq!((e.span.offset, e.span.len), (48, 7));
}

#[test]
fn unknown_type_behind_an_alias_points_at_the_use() {
    let src = "typedef foo_t bar_t;\nprovider p { probe x(bar_t *); };";
    assert_eq!(error(src), "test.d:2:22: unknown type 'foo_t' in probe 'x'");
}

#[test]
fn misspelt_keywords() {
    assert_eq!(
        error("provider p {\n  prob x();\n};"),
        "test.d:2:3: expected 'probe' or '}', found 'prob'"
    );
    assert_eq!(
        error("provder p { probe x(); };"),
        "test.d:1:1: expected 'provider', a declaration or end of file, found 'provder'"
    );
}

#[test]
fn missing_punctuation() {
    assert_eq!(
        error("provider p {\n  probe x(int;\n};"),
        "test.d:2:14: expected an identifier, '*', ',' or ')', found ';'"
    );
    assert_eq!(
        error("provider p {\n  probe x(int);\n"),
        "test.d:3:1: expected 'probe' or '}', found end of file"
    );
    assert_eq!(
        error("provider p\n  probe x();\n};"),
        "test.d:2:3: expected '{', found 'probe'"
    );
    assert_eq!(
        error("provider p { probe x(int) y; };"),
        "test.d:1:27: expected ':', ';', 'probe' or '}', found 'y'"
    );
    assert_eq!(
        error("provider p { probe (int); };"),
        "test.d:1:20: expected a name, found '('"
    );
}

#[test]
fn bad_characters() {
    assert_eq!(
        error("provider p { probe x(int @); };"),
        "test.d:1:26: expected an identifier, '*', ',' or ')', found '@'"
    );
    assert_eq!(
        error("provider p { probe x(int); } # not at line start\n"),
        "test.d:1:30: expected ';', 'provider', a declaration or end of file, found '#'"
    );
}

#[test]
fn unterminated_comment() {
    assert_eq!(
        error("provider p {\n  /* never closed\n};"),
        "test.d:2:3: expected '*/' closing this comment, found end of file"
    );
}

#[test]
fn argument_type_syntax() {
    assert_eq!(
        error("provider p { probe x(int long8 y); };"),
        "test.d:1:26: expected ',' or ')', found 'long8'"
    );
    assert_eq!(
        error("provider p { probe x(const); };"),
        "test.d:1:22: expected a type, found 'const'"
    );
}

#[test]
fn unsupported_types() {
    assert_eq!(
        error("provider p { probe x(long double d); };"),
        "test.d:1:22: unsupported type 'long double' in probe 'x': long double has no fixed size across platforms"
    );
    assert_eq!(
        error("provider p { probe x(struct s v); };"),
        "test.d:1:22: unsupported type 'struct s' in probe 'x': structs, unions and functions can only be passed by pointer"
    );
    assert_eq!(
        error("provider p { probe x(int, void); };"),
        "test.d:1:27: unsupported type 'void' in probe 'x': void can only be passed behind a pointer"
    );
    assert_eq!(
        error("provider p { probe x(unsigned float); };"),
        "test.d:1:22: unsupported type 'unsigned float' in probe 'x': not a valid combination of type keywords"
    );
    assert_eq!(
        error("typedef int arr_t[4];\nprovider p { probe x(arr_t); };"),
        "test.d:2:22: unsupported type 'arr_t' in probe 'x': arrays cannot be passed to probes"
    );
}

#[test]
fn duplicates() {
    assert_eq!(
        error("provider p { probe x(); };\nprovider p { };"),
        "test.d:2:10: duplicate provider 'p'"
    );
    assert_eq!(
        error("provider p {\n  probe x();\n  probe x(int);\n};"),
        "test.d:3:9: duplicate probe 'x' in provider 'p'"
    );
}

#[test]
fn invalid_identifiers() {
    assert_eq!(
        error("provider p { probe foo-bar(); };"),
        "test.d:1:20: invalid identifier 'foo-bar': names must be a letter or '_' followed by letters, digits or '_'"
    );
    assert_eq!(
        error("provider 9lives { };"),
        "test.d:1:10: invalid identifier '9lives': names must be a letter or '_' followed by letters, digits or '_'"
    );
}

#[test]
fn too_many_arguments() {
    let args = ["int"; 13].join(", ");
    let src = format!("provider p {{\n  probe many({args});\n}};");
    assert_eq!(
        error(&src),
        "test.d:2:9: probe 'many' has 13 arguments, at most 12 are allowed"
    );
}

#[test]
fn typedef_errors() {
    assert_eq!(
        error("typedef int foo\nprovider p { probe x(); };"),
        "test.d:2:1: expected ';', found 'provider'"
    );
    assert_eq!(
        error("typedef ;\n"),
        "test.d:1:9: expected an identifier, '*' or ',', found ';'"
    );
}

#[test]
fn io_error() {
    let e = parse_file("/nonexistent/x.d", &ParseOptions::new()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Io(_)));
    assert_eq!(e.file, "/nonexistent/x.d");
    assert!(e
        .to_string()
        .starts_with("/nonexistent/x.d:0:0: cannot read file: "));
}

#[test]
fn preprocessor_errors() {
    let opts = ParseOptions::new().cpp(true);
    let e = parse_with("#include \"missing.h\"\n", "test.d", &opts).unwrap_err();
    match e.kind {
        ErrorKind::Preprocessor(msg) => assert!(msg.contains("missing.h"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for source in [
        format!(
            "typedef int x{}{};\nprovider p {{ probe a(int); }};\n",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!("provider p {{ probe a(int{}); }};\n", "(".repeat(100_000)),
        format!("provider p {{ probe a(int {}); }};\n", "*".repeat(100_000)),
    ] {
        let err = dtrace_parser::parse(&source, "deep.d").unwrap_err();
        assert_eq!(err.span.line, 1, "{err}");
    }
    let err = dtrace_parser::parse(
        &format!("provider p {{ probe a{}", "(".repeat(70)),
        "deep.d",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "deep.d:1:84: expected at most 64 nested brackets, found '('"
    );
}
