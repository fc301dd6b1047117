usdt::dtrace_provider!("too_many.d");
fn main() {}
