#[usdt::provider]
fn my_provider() {}

fn main() {}
