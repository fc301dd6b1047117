//! Fires `fixtures/strings.d` with every kind of string a closure may return: empty, ASCII,
//! multi-byte UTF-8, longer than the stack buffer and than a page, with an interior NUL, and
//! as `&str`, `String`, `&String`, `&CStr`, `&CString` and `CString`. The first argument is
//! the case number. Ends with `evaluations=N`.

use std::ffi::{CStr, CString};

use usdt_tests::fixture::{ev, long_string, report};

usdt::dtrace_provider!("fixtures/strings.d");

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let long = long_string(5000);
    let inline_max = long_string(256);
    let inline_over = long_string(257);
    let borrowed_c = CString::new("c-string borrowed").expect("no NUL inside");
    let borrowed_string = String::from("borrowed string");
    let cstr: &CStr = c"c-str";

    strings_text!(|| ev((0, "")));
    strings_text!(|| ev((1, "hello, probes")));
    strings_text!(|| ev((2, "héllo wörld ✓ 中文 🦀")));
    strings_text!(|| ev((3, long.as_str())));
    strings_text!(|| ev((4, "ab\0cd")));
    strings_text!(|| ev((5, cstr)));
    strings_text!(|| ev((6, &borrowed_c)));
    strings_text!(|| ev((7, String::from("owned string"))));
    strings_text!(|| ev((8, &borrowed_string)));
    strings_text!(|| ev((9, CString::new("owned c-string").expect("no NUL inside"))));
    strings_text!(|| ev((10, inline_max.as_str())));
    strings_text!(|| ev((11, inline_over.as_str())));
    strings_text!(|| ev((12, String::from("xy\0z"))));
    strings_ctext!(|| ev((20, "const char")));
    strings_dtext!(|| ev((21, "d string")));
    report(0);
}
