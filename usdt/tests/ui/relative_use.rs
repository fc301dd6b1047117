#[derive(serde::Serialize)]
pub struct Arg {
    pub x: u8,
}

mod inner {
    #[usdt::provider]
    mod my_provider {
        use super::super::Arg;
        fn work(arg: &Arg) {}
    }
}

fn main() {}
