#[usdt::provider]
mod my_provider {
    fn work(callback: fn(u8)) {}
}

fn main() {}
