usdt::dtrace_provider!("keyword.d", module = true);
fn main() {}
