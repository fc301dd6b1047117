usdt::dtrace_provider!("test.d");
fn main() {
    test_start!();
}
