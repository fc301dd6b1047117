//! This target's probe backend, the cfg `usdt_backend`, as `usdt-impl` decides it (its
//! `src/backend.rs` lists the targets of each).

fn main() {
    for (key, var) in [("check-cfg", "CHECK_CFG"), ("cfg", "CFG")] {
        let value = std::env::var(format!("DEP_USDT_IMPL_{var}")).unwrap_or_default();
        println!("cargo::rustc-{key}={value}");
    }
}
