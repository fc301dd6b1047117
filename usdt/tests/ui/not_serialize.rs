pub struct NotSerialize {
    pub x: u8,
}

#[usdt::provider]
mod my_provider {
    use crate::NotSerialize;
    fn work(arg: &NotSerialize) {}
}

fn main() {}
