usdt::dtrace_provider!("duplicate.d");
fn main() {}
