#[derive(serde::Serialize)]
pub struct Arg {
    pub x: u8,
}

#[derive(serde::Serialize)]
pub struct Other {
    pub y: u8,
}

#[usdt::provider]
mod my_provider {
    use crate::Arg;
    fn work(arg: &Arg) {}
}

fn main() {
    let other = Other { y: 1 };
    my_provider::work!(|| &other);
}
