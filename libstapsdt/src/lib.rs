//! libstapsdt's C API over [`usdt_dynamic`]: the shared library `libstapsdt.so` (soname
//! `libstapsdt.so.0`), for C programs and the language bindings written for libstapsdt.
//!
//! The header is `include/libstapsdt.h`. Build the library and use it as libstapsdt:
//!
//! ```sh
//! cargo build --release -p usdt-stapsdt
//! ln -sf libstapsdt.so target/release/libstapsdt.so.0
//! cc app.c -Ilibstapsdt/include -Ltarget/release -lstapsdt -o app
//! LD_LIBRARY_PATH=target/release ./app
//! ```
//!
//! What differs from libstapsdt 0.1, for the better:
//! - `probeIsEnabled` reads the probe's semaphore, which tracers set, instead of looking for
//!   a breakpoint on the probe's first byte (which kernels that turn a traced 5-byte NOP
//!   into a call never write).
//! - `providerAddProbe` refuses names tracers cannot address, duplicates and unknown types
//!   (NULL, with the provider's `errno` and `error` set), and takes up to 12 arguments.
//! - A probe fired by one thread while another unloads its provider stays valid until
//!   `providerDestroy`.
//!
//! Structures keep libstapsdt's layout; the fields its header marks private hold this
//! library's state (`_fire` its probe handle, `_handle` its provider).
#![cfg_attr(docsrs, feature(doc_cfg))]

//!
//! libstapsdt is a Linux API: on other targets this crate is empty.

// `libstapsdt_api`: Linux on x86_64 and aarch64, as the build script decides.
#[cfg(libstapsdt_api)]
mod linux;
#[cfg(libstapsdt_api)]
pub use linux::*;
