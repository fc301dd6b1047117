//! The C half of the library: libstapsdt's two variadic functions, which stable Rust cannot
//! define, reading their arguments and calling the Rust half. And libstapsdt's soname, and
//! the cfg `libstapsdt_api` for the targets that have the API.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    println!("cargo::rustc-check-cfg=cfg(libstapsdt_api)");
    // libstapsdt is a Linux API, here for the instruction sets whose jumps to the C half
    // `src/linux.rs` writes; elsewhere the crate is empty.
    if os != "linux" || !matches!(arch.as_str(), "x86_64" | "aarch64") {
        return;
    }
    println!("cargo::rustc-cfg=libstapsdt_api");
    println!("cargo:rerun-if-changed=src/variadic.c");
    println!("cargo:rerun-if-changed=include/libstapsdt.h");
    cc::Build::new()
        .file("src/variadic.c")
        .include("include")
        .warnings(true)
        .extra_warnings(true)
        .compile("stapsdt_shim");
    // Programs linked with -lstapsdt record this name, as with libstapsdt itself.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libstapsdt.so.0");
}
