usdt::dtrace_provider!("test.d");
fn main() {
    let x: u32 = 7;
    test_start!(|| x);
    test_stop!(|| (5u8, 1));
}
