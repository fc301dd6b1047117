//! Times parsing a generated file of 5,000 probes with divan. Run with
//! `cargo bench -p dtrace-parser`.

use std::fmt::Write;

const PROBES: usize = 5_000;

/// A file of 50 providers of 100 probes, with comments, pragmas, typedefs
/// and arguments of every sort.
fn generate() -> String {
    let arg_types = [
        "uint8_t a",
        "const char *name",
        "unsigned long long",
        "struct conn_s *conn",
        "int64_t",
        "char **argv",
        "double ratio",
        "my_id_t id",
        "void *ctx",
        "bool ok",
    ];
    let mut out =
        String::from("/* generated */\ntypedef unsigned int my_id_t;\n#define FLAG int\n");
    let mut n = 0;
    for provider in 0..PROBES / 100 {
        writeln!(out, "provider gen{provider} {{").unwrap();
        for probe in 0..100 {
            let args: Vec<&str> = (0..(n % 7))
                .map(|i| arg_types[(n + i) % arg_types.len()])
                .collect();
            writeln!(
                out,
                "\t/* probe {n} */\n\tprobe p{probe}__event({});",
                args.join(", ")
            )
            .unwrap();
            n += 1;
        }
        writeln!(
            out,
            "}};\n#pragma D attributes Evolving/Evolving/Common provider gen{provider} provider"
        )
        .unwrap();
    }
    out
}

fn main() {
    divan::main();
}

/// One parse of the generated file.
#[divan::bench]
fn parse_5000_probes(bencher: divan::Bencher) {
    let source = generate();
    bencher.bench(|| {
        let file = dtrace_parser::parse(divan::black_box(&source), "generated.d")
            .expect("generated file parses");
        assert_eq!(
            file.providers.iter().map(|p| p.probes.len()).sum::<usize>(),
            PROBES
        );
        file
    });
}
