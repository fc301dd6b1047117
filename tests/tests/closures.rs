//! Every form of argument expression a site takes (a closure in place, `move`, a closure in
//! a variable, a function, closures that leave their body early through `return`, `?`,
//! `break` or a macro) gives the probe the value it returns, and the program goes on.

use std::path::Path;

use usdt_tests::tracer_available;
use usdt_tests::tracers::bpftrace;

const BIN: &str = env!("CARGO_BIN_EXE_fx_closures");

#[test]
fn every_argument_form_fires_its_value_and_the_program_goes_on() {
    if !tracer_available("bpftrace") {
        return;
    }
    let script = format!(
        r#"usdt:{BIN}:closures:value {{ printf("value %llu\n", arg0); }}
           usdt:{BIN}:closures:pair {{ printf("pair %s %llu\n", str(arg0), arg1); }}"#
    );
    let run = bpftrace(&script, Path::new(BIN), &[], &[]).unwrap();
    let mut expected: Vec<String> = (1..=10).map(|v| format!("value {v}")).collect();
    expected.push("pair done 11".to_owned());
    assert_eq!(run.lines, expected, "{:?}", run.raw);
    // One `ev` per form; the `return` and `break` forms count their condition.
    assert_eq!(run.evaluations, Some(11), "{:?}", run.raw);
}
