//! usdt 0.6's build-script front door: `Builder` with its options, and `usdt::Error`.

fn main() -> Result<(), usdt::Error> {
    println!("cargo:rerun-if-changed=compat.d");
    // `compat.rs`: `built::start!` and `compat_start!`.
    usdt::Builder::new("compat.d").module("built").build()?;
    // `renamed.rs`: `compat::fire_start!` and `fire_start!`.
    usdt::Builder::new("compat.d")
        .out_file("renamed")
        .probe_format("fire_{probe}")
        .build()?;
    Ok(())
}
