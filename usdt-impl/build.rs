//! Gives this crate, and through `links` metadata the crates that depend on it, the cfg
//! `usdt_backend` of the target being built (see `src/backend.rs`).

#[path = "src/backend.rs"]
#[allow(dead_code)]
mod backend;

use backend::Backend;

fn main() {
    let var = |name| std::env::var(name).unwrap_or_default();
    let disabled = std::env::var_os("CARGO_CFG_USDT_DISABLE_PROBES").is_some();
    let backend = Backend::of(
        &var("CARGO_CFG_TARGET_OS"),
        &var("CARGO_CFG_TARGET_ARCH"),
        disabled,
    );
    let cfg = format!("usdt_backend=\"{}\"", backend.name());
    println!("cargo::rustc-check-cfg={}", Backend::check_cfg());
    println!("cargo::rustc-cfg={cfg}");
    println!("cargo::metadata=cfg={cfg}");
    println!("cargo::metadata=check_cfg={}", Backend::check_cfg());
    println!("cargo::rerun-if-changed=src/backend.rs");
}
