//! Times parsing a generated file of 5,000 probes; prints the median of
//! several runs. Run with `cargo bench -p dtrace-parser`.

use std::fmt::Write;
use std::time::{Duration, Instant};

const PROBES: usize = 5_000;
const RUNS: usize = 31;

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
    let source = generate();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let file = dtrace_parser::parse(&source, "generated.d").expect("generated file parses");
            let elapsed = start.elapsed();
            assert_eq!(
                file.providers.iter().map(|p| p.probes.len()).sum::<usize>(),
                PROBES
            );
            elapsed
        })
        .collect();
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "parse {PROBES} probes ({} KiB): median {:.2} ms, min {:.2} ms, max {:.2} ms over {RUNS} runs",
        source.len() / 1024,
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
    );
}
