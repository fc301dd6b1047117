#[usdt::provider(module = "renamed")]
mod my_provider {
    fn tick() {}
}

fn main() {}
