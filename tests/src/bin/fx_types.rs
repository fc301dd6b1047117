//! Fires every probe of `fixtures/types.d` with known values.
//!
//! Arguments: the groups to fire, any of `ints`, `real`, `pointers`, `twelve`, `zero`
//! (default: all). Prints the addresses it passes to `types:pointers` (`pointers=A,B,C`)
//! and ends with `evaluations=N`.

use usdt_tests::fixture::{ev, groups, report};

usdt::dtrace_provider!("fixtures/types.d");

/// An opaque C struct, for `struct thing *`.
#[repr(C)]
struct Thing {
    _private: [u8; 4],
}

/// Fire a probe of a signed type with (MIN, MAX, -1, 0) of `$t`, cast to the declared type.
macro_rules! signed {
    ($probe:ident, $t:ty) => {
        $probe!(|| ev((<$t>::MIN as _, <$t>::MAX as _, -1 as _, 0 as _)))
    };
}

/// Fire a probe of an unsigned type with (0, MAX, 1, top bit) of `$t`.
macro_rules! unsigned {
    ($probe:ident, $t:ty) => {
        $probe!(|| ev((
            0 as _,
            <$t>::MAX as _,
            1 as _,
            (1 as $t).rotate_right(1) as _
        )))
    };
}

fn ints() {
    signed!(types_int8, i8);
    signed!(types_int16, i16);
    signed!(types_int32, i32);
    signed!(types_int64, i64);
    unsigned!(types_uint8, u8);
    unsigned!(types_uint16, u16);
    unsigned!(types_uint32, u32);
    unsigned!(types_uint64, u64);
    signed!(types_c_char, i8);
    unsigned!(types_c_uchar, u8);
    signed!(types_c_short, i16);
    unsigned!(types_c_ushort, u16);
    signed!(types_c_int, i32);
    unsigned!(types_c_uint, u32);
    signed!(types_c_long, i64);
    unsigned!(types_c_ulong, u64);
    signed!(types_c_llong, i64);
    unsigned!(types_c_ullong, u64);
    signed!(types_intptr, i64);
    unsigned!(types_uintptr, u64);
    types_flag!(|| ev((false, true)));
}

fn main() {
    usdt::register_probes().expect("registering probes cannot fail on Linux");
    let thing = Thing { _private: [0; 4] };
    let bytes = [1u8, 2, 3];
    let word = 7usize;
    for group in groups(&["ints", "real", "pointers", "twelve", "zero"]) {
        match group.as_str() {
            "ints" => ints(),
            "real" => types_real!(|| ev((1.5f32, -2.25f64, f32::MIN_POSITIVE, f64::MAX))),
            "pointers" => {
                let (a, b, c) = (
                    &word as *const usize,
                    bytes.as_ptr(),
                    &thing as *const Thing,
                );
                println!(
                    "pointers={:#x},{:#x},{:#x}",
                    a as usize, b as usize, c as usize
                );
                types_pointers!(|| ev((a, b, c)));
            }
            "twelve" => {
                types_twelve!(|| ev((-1, 2, -3, 4, -5, 6, -7, 8, "nine", -10, i64::MIN, u64::MAX)))
            }
            "zero" => {
                types_zero!();
                types_zero!(|| ev(()));
            }
            other => {
                eprintln!("unknown group {other}");
                std::process::exit(2);
            }
        }
    }
    report(0);
}
