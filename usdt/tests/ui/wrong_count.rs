usdt::dtrace_provider!("test.d");
fn main() {
    test_stop!(|| ("hello", 1, 2));
}
