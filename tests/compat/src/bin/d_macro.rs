//! usdt 0.6's `dtrace_provider!`: `compat::start!` (0.6's spelling) and `compat_start!`,
//! integers by value and by reference, strings as `&str`, `String`, `&String` and
//! `Cow<str>`, a zero-argument probe with and without a closure, a `UniqueId`'s number, and a
//! provider given inline, named `test` beside the program's own `mod test`.

use std::borrow::Cow;

usdt::dtrace_provider!("compat.d");
usdt::dtrace_provider!("provider test { probe start(uint8_t); };");

#[allow(dead_code)]
mod test {
    pub fn own() {}
}

fn main() {
    usdt::register_probes().unwrap();
    let x: u8 = 7;
    compat::start!(|| x);
    compat::start!(|| &x);
    compat_start!(|| 9);
    let owned = String::from("owned");
    compat::text!(|| ("literal", 1));
    compat::text!(|| (&owned, 2u64));
    compat::text!(|| (owned.clone(), 3));
    compat::text!(|| (Cow::Borrowed("cow"), 4));
    let id = usdt::UniqueId::new();
    compat::text!(|| ("id", id.as_u64()));
    compat::ping!();
    compat::ping!(|| ());
    compat::request__start!(|| -5);
    test_start!(|| 11);
    test::own();
}
