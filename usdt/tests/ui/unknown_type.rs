usdt::dtrace_provider!("unknown_type.d");
fn main() {}
