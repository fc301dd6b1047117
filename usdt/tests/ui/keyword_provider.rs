usdt::dtrace_provider!("keyword.d", module = "type");
fn main() {}
