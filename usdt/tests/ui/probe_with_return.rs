#[usdt::provider]
mod my_provider {
    fn start(x: u8) -> u8 {}
}

fn main() {}
