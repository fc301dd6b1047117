#[usdt::provider]
mod my_provider {
    fn start(x: u8) {
        println!("{x}");
    }
}

fn main() {}
