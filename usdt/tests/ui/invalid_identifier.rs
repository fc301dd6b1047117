usdt::dtrace_provider!("invalid_ident.d");
fn main() {}
