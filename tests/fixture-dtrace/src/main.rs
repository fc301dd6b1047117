//! Fires `dt:twelve` with twelve distinct values (argument `i` is `0x10 * (i + 1)`, the
//! strings `"five"` and `"eleven"`) and `dt:local` from a private function, which only the
//! object's own symbol table names.

usdt::dtrace_provider!("dt.d");

/// Not exported: a local symbol, which `dladdr` cannot name.
#[inline(never)]
fn local_function(n: u64) {
    dt_local!(|| n);
}

fn main() {
    let n = std::env::args().count() as u64;
    dt_twelve!(|| (
        0x10u8,
        0x20i16,
        0x30u32,
        0x40i64,
        "five",
        0x60u64,
        0x70i8,
        0x80u16,
        0x90i32,
        0xa0u64 + n,
        "eleven",
        0xc0u64
    ));
    local_function(n);
}
