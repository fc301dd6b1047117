#[usdt::provider]
mod my_provider {
    fn tick() {}
}

fn main() {
    my_provider::tick!(|| 1);
}
