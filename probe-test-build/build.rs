//! Generate the probe macros of `test.d` into `$OUT_DIR/test.rs`.

fn main() {
    if let Err(e) = usdt::Builder::new("test.d").build() {
        // `test.d:3:21: unknown type 'uint7_t' in probe 'start'`
        eprintln!("{e}");
        std::process::exit(1);
    }
}
