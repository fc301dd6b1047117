//! Each construct of the provider language the parser reads.

use dtrace_parser::{parse, parse_with, ArgKind, IntWidth, ParseOptions, Span};

fn int(signed: bool, bits: u8) -> ArgKind {
    ArgKind::Integer {
        signed,
        width: IntWidth::Bits(bits),
    }
}

/// C's `long`: pointer-wide in LP64 and ILP32.
fn long(signed: bool) -> ArgKind {
    ArgKind::Integer {
        signed,
        width: IntWidth::Long,
    }
}

/// `size_t` and its kin: pointer-sized by definition.
fn size(signed: bool) -> ArgKind {
    ArgKind::Integer {
        signed,
        width: IntWidth::Pointer,
    }
}

fn ptr(k: ArgKind) -> ArgKind {
    ArgKind::Pointer(Box::new(k))
}

/// The kinds of the arguments of each probe of the only provider.
fn kinds(src: &str) -> Vec<Vec<ArgKind>> {
    let file = parse(src, "t.d").unwrap_or_else(|e| panic!("{e}"));
    file.providers[0]
        .probes
        .iter()
        .map(|p| p.args.iter().map(|a| a.kind.clone()).collect())
        .collect()
}

#[test]
fn providers_probes_and_spans() {
    let src = "provider a {\n  probe start(int);\n  probe stop();\n}\nprovider b { };\n";
    let file = parse(src, "t.d").unwrap();
    assert_eq!(file.name, "t.d");
    assert_eq!(file.providers.len(), 2);
    let a = &file.providers[0];
    assert_eq!(a.name, "a");
    assert_eq!(
        a.span,
        Span {
            line: 1,
            column: 10,
            offset: 9,
            len: 1
        }
    );
    assert_eq!(a.probes[0].name, "start");
    assert_eq!(
        a.probes[0].span,
        Span {
            line: 2,
            column: 9,
            offset: 21,
            len: 5
        }
    );
    assert_eq!(a.probes[1].args, vec![]);
    assert!(file.providers[1].probes.is_empty());
}

#[test]
fn empty_file_and_only_comments() {
    assert!(parse("", "t.d").unwrap().providers.is_empty());
    assert!(parse("/* x */\n// y\n", "t.d")
        .unwrap()
        .providers
        .is_empty());
}

#[test]
fn probe_names_keep_double_underscores() {
    let file = parse("provider p { probe transaction__start(); };", "t.d").unwrap();
    let probe = &file.providers[0].probes[0];
    assert_eq!(probe.name, "transaction__start");
    assert_eq!(probe.stapsdt_name(), "transaction__start");
    assert_eq!(probe.dtrace_name(), "transaction-start");
}

#[test]
fn comments_everywhere_and_crlf() {
    let src = "/** doc */\r\nprovider /* a */ p {\r\n\t/* multi\r\n line */ probe x(int /* c */ a, // d\r\n char *s);\r\n};\r\n";
    assert_eq!(kinds(src), vec![vec![int(true, 32), ArgKind::String]]);
}

#[test]
fn multi_line_declarations_and_optional_semicolons() {
    let src = "provider p {\n probe x(\n  int a,\n  long b\n )\n probe y()\n}";
    assert_eq!(kinds(src), vec![vec![int(true, 32), long(true)], vec![]]);
}

#[test]
fn arguments_declared_named_and_typed() {
    let file = parse(
        "provider p { probe read(int fd, const char *name, char* buf, unsigned, Oid_t **); };",
        "t.d",
    );
    assert!(file.is_err(), "Oid_t is unknown");
    let file = parse_with(
        "provider p { probe read(int fd, const char *name, char* buf, unsigned, my_t **); };",
        "t.d",
        &ParseOptions::new().typedef("my_t", "uint16_t"),
    )
    .unwrap();
    let args = &file.providers[0].probes[0].args;
    let shown: Vec<(&str, &str, Option<&str>)> = args
        .iter()
        .map(|a| (a.declared.as_str(), a.c_type.as_str(), a.name.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("int fd", "int", Some("fd")),
            ("const char *name", "const char *", Some("name")),
            ("char *buf", "char *", Some("buf")),
            ("unsigned", "unsigned", None),
            ("my_t **", "my_t **", None),
        ]
    );
    assert_eq!(args[4].kind, ptr(ptr(int(false, 16))));
    assert_eq!(
        args[1].span,
        Span {
            line: 1,
            column: 33,
            offset: 32,
            len: 16
        }
    );
}

#[test]
fn parameter_names_that_are_keywords_elsewhere() {
    let file = parse(
        "provider p { probe x(const char *string, int class, char *type, int probe, int provider); };",
        "t.d",
    )
    .unwrap();
    let names: Vec<_> = file.providers[0].probes[0]
        .args
        .iter()
        .map(|a| a.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["string", "class", "type", "probe", "provider"]);
}

#[test]
fn every_integer_spelling() {
    let src = "provider p { probe x(char, signed char, unsigned char, short, short int, \
               unsigned short, int, signed, unsigned, long, unsigned long int); \
               probe y(long long, unsigned long long, signed long long int, long unsigned); };";
    assert_eq!(
        kinds(src),
        vec![
            vec![
                int(true, 8),
                int(true, 8),
                int(false, 8),
                int(true, 16),
                int(true, 16),
                int(false, 16),
                int(true, 32),
                int(true, 32),
                int(false, 32),
                long(true),
                long(false),
            ],
            vec![int(true, 64), int(false, 64), int(true, 64), long(false)],
        ]
    );
}

#[test]
fn named_integer_types() {
    let src = "provider p { probe x(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, \
               int64_t, uint64_t); probe y(intptr_t, uintptr_t, size_t, ssize_t, off_t, pid_t, \
               uid_t, gid_t); probe z(id_t, time_t, ptrdiff_t, dev_t); };";
    assert_eq!(
        kinds(src),
        vec![
            vec![
                int(true, 8),
                int(false, 8),
                int(true, 16),
                int(false, 16),
                int(true, 32),
                int(false, 32),
                int(true, 64),
                int(false, 64)
            ],
            vec![
                size(true),
                size(false),
                size(false),
                size(true),
                int(true, 64),
                int(true, 32),
                int(false, 32),
                int(false, 32)
            ],
            vec![int(false, 32), long(true), size(true), int(false, 64)],
        ]
    );
}

#[test]
fn bool_float_string_and_pointers() {
    let src = "provider p { probe x(bool, _Bool, float, double, string, const volatile int); \
               probe y(char *, const char *, string *, char **, void *, const void *, void **, \
               struct foo *, struct foo **, int **, float *); };";
    assert_eq!(
        kinds(src),
        vec![
            vec![
                ArgKind::Bool,
                ArgKind::Bool,
                ArgKind::Float { bits: 32 },
                ArgKind::Float { bits: 64 },
                ArgKind::String,
                int(true, 32)
            ],
            vec![
                ArgKind::String,
                ArgKind::String,
                ptr(ArgKind::String),
                ptr(ArgKind::String),
                ArgKind::OpaquePointer,
                ArgKind::OpaquePointer,
                ptr(ArgKind::OpaquePointer),
                ArgKind::OpaquePointer,
                ptr(ArgKind::OpaquePointer),
                ptr(ptr(int(true, 32))),
                ptr(ArgKind::Float { bits: 32 }),
            ],
        ]
    );
}

#[test]
fn void_argument_list_is_empty() {
    assert_eq!(kinds("provider p { probe x(void); };"), vec![vec![]]);
}

#[test]
fn translated_argument_lists_use_the_native_list() {
    let src = "typedef struct { int d; } conn_t;\nprovider p {\n probe x(conn_t *c, int i) :\n  (translated_t *c, int i);\n};";
    assert_eq!(
        kinds(src),
        vec![vec![ArgKind::OpaquePointer, int(true, 32)]]
    );
}

#[test]
fn typedefs_of_every_shape() {
    let src = "typedef int64_t ngx_int_t;\n\
               typedef struct { int dummy; } req_t;\n\
               typedef struct tcl_obj tcl_obj;\n\
               typedef const char* str_t;\n\
               typedef struct q_s *q_t;\n\
               typedef void (*fn_t)(void *);\n\
               typedef unsigned short port_t, *port_p;\n\
               typedef enum { A, B } e_t;\n\
               provider p { probe x(ngx_int_t, req_t *, tcl_obj **, str_t, str_t *, q_t, fn_t, \
               port_t, port_p, e_t, late_t); };\n\
               struct after { int x; union { long l; } u; };\n\
               enum codes { OK = 0, ERR };\n\
               typedef uint8_t late_t;";
    assert_eq!(
        kinds(src),
        vec![vec![
            int(true, 64),
            ArgKind::OpaquePointer,
            ptr(ArgKind::OpaquePointer),
            ArgKind::String,
            ptr(ArgKind::String),
            ArgKind::OpaquePointer,
            ArgKind::OpaquePointer,
            int(false, 16),
            ptr(int(false, 16)),
            int(true, 32),
            int(false, 8),
        ]]
    );
}

#[test]
fn defines_are_type_aliases() {
    let src = "#define Oid unsigned int\n#define bool char\n#define STR const char *\n\
               #define MAX(a, b) a\nprovider p { probe x(Oid, bool, STR, Oid *); };";
    assert_eq!(
        kinds(src),
        vec![vec![
            int(false, 32),
            int(true, 8),
            ArgKind::String,
            ptr(int(false, 32))
        ]]
    );
    let file = parse(src, "t.d").unwrap();
    assert_eq!(file.providers[0].probes[0].args[0].c_type, "Oid");
}

#[test]
fn other_preprocessor_lines_are_ignored() {
    let src = "#include \"vm_opts.h\"\n#ifndef X\n#define X\n#endif\nprovider p {\n\
               \t# file: src/util/event_poll.c\n#if VM_COLLECT\n probe a();\n#else\n probe b();\n\
               #endif\n#undef Y\n};";
    let file = parse(src, "t.d").unwrap();
    let names: Vec<_> = file.providers[0]
        .probes
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn pragmas_go_to_the_provider_they_name() {
    let src = "provider a { probe x(); };\nprovider b { probe y(); };\n\
               #pragma D attributes Evolving/Evolving/Common provider b provider\n\
               #pragma D attributes Private/Private/Common  provider a module\n\
               #pragma D option quiet\n#pragma D attributes Stable provider other args\n";
    let file = parse(src, "t.d").unwrap();
    let a = &file.providers[0].pragmas;
    let b = &file.providers[1].pragmas;
    assert_eq!(a.len(), 1);
    assert_eq!(
        a[0].text,
        "attributes Private/Private/Common provider a module"
    );
    assert_eq!(
        b[0].text,
        "attributes Evolving/Evolving/Common provider b provider"
    );
    assert_eq!(
        b[0].span,
        Span {
            line: 3,
            column: 1,
            offset: 54,
            len: 65
        }
    );
}

#[test]
fn skipped_declarations() {
    let src = "translator psinfo_t < struct proc *P > { pr_pid = P->p_pid; };\n\
               inline int LIMIT = 10;\nprovider p { probe x(int); };";
    assert_eq!(kinds(src), vec![vec![int(true, 32)]]);
}

#[test]
fn twelve_arguments_are_allowed() {
    let args = ["int"; 12].join(", ");
    let src = format!("provider p {{ probe x({args}); }};");
    assert_eq!(kinds(&src)[0].len(), 12);
}

#[test]
fn option_typedefs_yield_to_the_file() {
    let opts = ParseOptions::new()
        .typedef("a_t", "uint8_t")
        .typedef("b_t", "struct b *");
    let file = parse_with(
        "typedef int a_t;\nprovider p { probe x(a_t, b_t); };",
        "t.d",
        &opts,
    )
    .unwrap();
    let args = &file.providers[0].probes[0].args;
    assert_eq!(args[0].kind, int(true, 32));
    assert_eq!(args[1].kind, ArgKind::OpaquePointer);
}

#[test]
fn line_markers_map_positions() {
    let src = "# 40 \"orig.d\"\nprovider p { probe x(uint7_t); };";
    let err = parse(src, "t.d").unwrap_err();
    assert_eq!(
        err.to_string(),
        "orig.d:40:22: unknown type 'uint7_t' in probe 'x'"
    );
}
