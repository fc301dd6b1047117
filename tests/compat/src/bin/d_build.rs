//! usdt 0.6's `Builder`, from `build.rs`: `.module("built")` (`built::start!`), and
//! `.out_file("renamed").probe_format("fire_{probe}")` (`compat::fire_start!`), each with
//! this crate's spelling too.

include!(concat!(env!("OUT_DIR"), "/compat.rs"));
include!(concat!(env!("OUT_DIR"), "/renamed.rs"));

fn main() {
    usdt::register_probes().unwrap();
    built::start!(|| 1);
    compat_start!(|| 2);
    compat::fire_start!(|| 3);
    fire_start!(|| 4);
    built::text!(|| ("built", 5));
    built::ping!();
}
