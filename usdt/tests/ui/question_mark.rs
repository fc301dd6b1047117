// `?` in a probe closure acts on the closure, as in any closure: here it cannot, since the
// closure returns the probe's `u8`. It must not return from `parse` instead.
usdt::dtrace_provider!("test.d");
fn parse(s: &str) -> Result<(), std::num::ParseIntError> {
    test_start!(|| s.parse::<u8>()?);
    Ok(())
}
fn main() {
    let _ = parse("1");
}
