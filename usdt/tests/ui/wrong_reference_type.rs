#[usdt::provider]
mod my_provider {
    fn start(x: &u8) {}
}

fn main() {
    let y: u32 = 7;
    my_provider::start!(|| &y);
    my_provider::start!(|| y);
}
