usdt::dtrace_provider!("syntax.d");
fn main() {}
