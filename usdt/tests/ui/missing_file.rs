usdt::dtrace_provider!("does-not-exist.d");
fn main() {}
