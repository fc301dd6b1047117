//! USDT probes for Rust: statically defined trace points that cost one load and one branch
//! while nobody traces them, and that bpftrace, perf, bcc, gdb, SystemTap and DTrace see as
//! they see a C program's.
//!
//! Declare a provider in a D file (`test.d`, next to `Cargo.toml`):
//!
//! ```d
//! provider test {
//!     probe start(uint8_t);
//!     probe stop(char *, uint8_t);
//! };
//! ```
//!
//! and fire its probes:
//!
//! ```
//! usdt::dtrace_provider!("test.d");
//!
//! fn main() {
//!     usdt::register_probes().unwrap();
//!     let x: u8 = 7;
//!     test_start!(|| x);
//!     test_stop!(|| ("hello", x));
//! }
//! ```
//!
//! Each probe becomes a macro, `{provider}_{probe}!`, also named `{provider}::{probe}!` as
//! usdt 0.6 names it, that takes a closure returning the arguments (one value, or a tuple
//! for several; each by value or by reference). The closure runs only while a tracer has the
//! probe enabled; otherwise the site is a compare of the probe's semaphore with zero and a
//! branch, with all argument work out of line.
//!
//! # Watching the probes
//!
//! On Linux, as root, for a program `myapp` built from the example above with a loop around
//! its probes (bpftrace 0.17, gdb 13, perf 6; the repository's README has more):
//!
//! ```text
//! $ bpftrace -l 'usdt:./target/debug/myapp:*'
//! usdt:./target/debug/myapp:test:start
//! usdt:./target/debug/myapp:test:stop
//! $ bpftrace -c ./target/debug/myapp \
//!     -e 'usdt:./target/debug/myapp:test:stop { printf("%s %d\n", str(arg0), arg1); }'
//! Attaching 1 probe...
//! hello 0
//! hello 1
//! $ bpftrace -p PID -e 'usdt::test:start { @starts = count(); }'      # a running process
//! $ gdb -q -batch -ex 'info probes' target/debug/myapp
//! Type Provider Name  Where              Semaphore          Object
//! stap test     start 0x00000000000282e6 0x0000000000075000 /tmp/myapp/target/debug/myapp
//! stap test     stop  0x00000000000283ce 0x0000000000075002 /tmp/myapp/target/debug/myapp
//! $ perf buildid-cache --add target/debug/myapp && perf probe sdt_test:start
//! $ perf record -e sdt_test:start ./target/debug/myapp && perf script
//!            myapp 25718 [001] 10471.498002: sdt_test:start: (55f5188902e6) arg1=0
//! ```
//!
//! On illumos, FreeBSD and macOS (the probes are registered as the program loads):
//! `dtrace -l -n 'test*:::' -c ./target/debug/myapp` and
//! `dtrace -n 'test*:::start { trace(arg0); }' -c ./target/debug/myapp`.
//!
//! # The three ways to declare a provider
//!
//! - [`dtrace_provider!`]`("test.d")`: a D file, read at compile time.
//! - [`Builder`]: the same D file, from `build.rs`, into `$OUT_DIR`.
//! - [`#[usdt::provider]`](provider): a Rust module of probe functions, whose arguments may
//!   also be any `serde::Serialize` type (passed as JSON) and [`&UniqueId`](UniqueId).
//!
//! # Argument types
//!
//! | D type | closure returns |
//! |---|---|
//! | `int8_t` ... `uint64_t`, `char`, `short`, `int`, `long`, ... | the integer of that width and sign (`i8` ... `u64`) |
//! | `size_t`, `uintptr_t` / `ssize_t`, `intptr_t`, `ptrdiff_t` | `usize` / `isize` |
//! | `bool` / `_Bool` | `bool` |
//! | `float`, `double` | `f32`, `f64` |
//! | `char *`, `const char *`, `string` | `&str`, `String`, `&String`, `&CStr`, `CString` |
//! | any other pointer (`void *`, `struct x *`) | a raw pointer `*const T` / `*mut T` |
//!
//! Strings are passed NUL-terminated: up to 256 bytes are copied onto the stack, longer ones
//! into buffers each thread keeps and reuses (no heap allocation per fire), `&CStr` and
//! `CString` in place; a string with an interior NUL is cut there (where every tracer stops
//! reading). Up to 12 arguments per probe.
//!
//! # Coming from usdt 0.6
//!
//! This crate is a drop-in for usdt 0.6 (version 0.6.1): replace it in a whole dependency
//! tree with `[patch.crates-io] usdt = { path = "..." }`. Everything 0.6 offered keeps its
//! name and signature, except `probe_records(path)`, whose replacement is `usdt list --json
//! PATH` (the `usdt-cli` crate). On Linux, a probe named `request__start` keeps that name in
//! its note, as C's `<sys/sdt.h>` does, where 0.6 wrote `request-start`; `bool`, `f32` and
//! `f64` arguments of `#[usdt::provider]` reach the tracer as values, not JSON. The
//! repository's README has the whole list.
//!
//! # Features and turning probes off
//!
//! Probes are on whatever features are chosen, `default-features = false` included. The
//! features usdt 0.6 and 0.5 had (`asm`, `dtrace-parser`, `des`) are accepted and change
//! nothing, so manifests naming them build.
//!
//! To compile every probe site to nothing, build the program with
//! `RUSTFLAGS="--cfg usdt_disable_probes"` (or `rustflags` in `.cargo/config.toml`):
//! closures are still type-checked but never run, and no note, semaphore or record is
//! emitted. A cfg rather than a feature, so that no dependency, and no `--all-features`,
//! can turn another crate's probes off.
//!
//! # Backends, by target
//!
//! The backend is chosen by the target the code is compiled for, so cross-compiling picks
//! the right one:
//!
//! - Linux x86_64 and aarch64: SystemTap SDT v3 notes (`.note.stapsdt`), a semaphore per
//!   probe in `.probes`, and a NOP (the 5-byte NOP on x86_64, so that kernels with optimized
//!   uprobes replace the trap with a call).
//! - illumos, FreeBSD, macOS: DTrace probe records, registered with the kernel as the
//!   program or library loads (see [`register_probes`]).
//! - Anything else: nothing.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod error;
mod json;
mod register;
mod site;
mod unique_id;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use builder::Builder;
pub use error::{Error, ProviderError, RegistrationError};
pub use json::to_json;
pub use register::register_probes;
pub use unique_id::UniqueId;

#[doc(hidden)]
pub use usdt_macro::__bind;
pub use usdt_macro::{dtrace_provider, provider};
