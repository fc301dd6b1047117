#[usdt::provider]
mod my_provider {
    fn batch(values: &[u8]) {}
}

fn main() {
    let values: Vec<u32> = vec![1, 2];
    my_provider::batch!(|| &values);
}
