//! USDT providers defined at run time, for programs that learn their probes only when they
//! run: language runtimes, plugin hosts, event names read from configuration.
//!
//! ```
//! use usdt_dynamic::{ArgType, Provider, Str, Value};
//!
//! let mut provider = Provider::new("myapp")?;
//! provider.add::<(u64, Str)>("request")?;              // typed: uint64_t, char *
//! provider.add_probe("event", &[ArgType::I32, ArgType::Str])?; // types known at run time
//! provider.load()?;
//!
//! let request = provider.probe::<(u64, Str)>("request")?;
//! request.fire((42, "GET /"));                        // wrong types do not compile
//! request.fire_with(|| (42, "built only when traced".to_owned()));
//!
//! let event = provider.dyn_probe("event")?;
//! event.fire(&[Value::Int(-1), "started".into()])?;   // checked: a typed error on misuse
//! if request.is_enabled() {
//!     // work only a tracer needs
//! }
//!
//! provider.unload()?;                                 // change the probes, load again...
//! provider.add::<()>("idle")?;
//! provider.load()?;
//! # Ok::<(), usdt_dynamic::Error>(())
//! ```
//!
//! A typed handle takes nothing but its signature's values:
//!
//! ```compile_fail
//! # use usdt_dynamic::{Provider, Str};
//! # let mut provider = Provider::new("myapp")?;
//! # provider.add::<(u64, Str)>("request")?;
//! # provider.load()?;
//! let request = provider.probe::<(u64, Str)>("request")?;
//! request.fire(("GET /", 42)); // error: the arguments of a `Probe<(u64, Str)>` are (u64, &str)
//! # Ok::<(), usdt_dynamic::Error>(())
//! ```
//!
//! A provider is a name and probes with typed arguments: integers of 8 to 64 bits, signed
//! or not, and strings; at most 12 arguments. Names are C identifiers, as tracers address
//! them. [`Probe`] handles fire with a tuple of exactly their signature's types, checked by
//! the compiler; [`DynProbe`] handles check [`Value`]s at run time. Misuse is an [`Error`]:
//! invalid or duplicate names, too many arguments, a probe of a provider that is not loaded,
//! a wrong signature, count or type. Nothing panics.
//!
//! # What a probe costs
//!
//! `is_enabled()`, and the gate of `fire`, is one load and one branch on Linux x86_64:
//! `cmpw $0, (SEMAPHORE); jne`, one instruction more than a static probe site (the
//! semaphore's address comes from the handle). The arguments are built, and strings copied
//! NUL-terminated, only when a tracer has enabled the probe. Figures are in the workspace's
//! `BENCHMARKS.md`.
//!
//! # How it works
//!
//! - **Linux** (x86_64, aarch64): [`load`](Provider::load) writes a small ELF shared object
//!   (with the `object` crate's writer) into a `memfd`, or a file ([`Backing`]), and opens
//!   it with `dlopen`: one function per probe (the 5-byte NOP probe site and `ret`), a
//!   SystemTap `.note.stapsdt` entry per probe describing the arguments where the C calling
//!   convention puts them, and one semaphore per probe on pages of their own, which
//!   `is_enabled()` reads. Every consumer of static probes sees them.
//! - **illumos, FreeBSD, macOS**: as libusdt does, probe stubs in executable memory (the
//!   is-enabled and probe sequences DTrace's `fasttrap` traces) and a DOF document built
//!   with the `dof` crate, submitted to the DTrace helper device and removed on unload.
//!   Arguments are where DTrace reads a C probe's: the first 6 (x86_64) or 8 (aarch64) in
//!   the argument registers, the rest on the stack, up to 12 as everywhere.
//! - **Elsewhere**, or built with `--cfg usdt_disable_probes` (as `usdt`'s static probes): providers load, `is_enabled()` is
//!   false, `fire` returns at once.
//!
//! A probe handle keeps its provider's object mapped: a provider unloaded or dropped while
//! other threads fire its probes cannot crash the program. Once unloaded, those handles are
//! never enabled again ([`DynProbe::fire`] says [`Error::Unloaded`]), and the object goes
//! away with the last of them.
//!
//! # Seeing the probes (Linux)
//!
//! The dynamic loader opens a `memfd` object as `/proc/PID/fd/N`
//! ([`Provider::object_path`]), and that is the name tools give it; `/proc/PID/maps` and
//! `usdt list` show the `memfd` itself as `/memfd:NAME (deleted)`, `NAME` being
//! [`Provider::object_name`]. With the example above loaded in process 4242, object at
//! `/proc/4242/fd/3`:
//!
//! ```sh
//! # bpftrace: the object by its path (no -p needed), or every object of the process.
//! bpftrace -l 'usdt:/proc/4242/fd/3:*'
//! bpftrace -e 'usdt:/proc/4242/fd/3:myapp:request { printf("%d %s\n", arg0, str(arg1)); }'
//! bpftrace -p 4242 -l 'usdt:*'
//! bpftrace -p 4242 -e 'usdt::myapp:request { printf("%d %s\n", arg0, str(arg1)); }'
//!
//! # bcc
//! tplist-bpfcc -p 4242                      # /proc/4242/fd/3 myapp:request ...
//!
//! # gdb: the object is a shared library named /proc/4242/fd/3
//! gdb -p 4242 -batch -ex 'info probes stap myapp' \
//!     -ex 'break -probe-stap myapp:request' -ex continue \
//!     -ex 'printf "%d %s\n", $_probe_arg0, (char *) $_probe_arg1'
//!
//! # perf: `perf probe -x` resolves the path to "/memfd:myapp (deleted)" and gives up, but
//! # the kernel takes /proc/PID/fd/N: define the event in tracefs (the probe's address and
//! # semaphore, as offsets in the object, from `usdt list --pid 4242 -v`), then record it.
//! echo 'p:myapp/request /proc/4242/fd/3:0x1000(0x3000) id=%di:u64 path=+0(%si):string' \
//!     >> /sys/kernel/tracing/uprobe_events
//! perf record -e myapp:request -p 4242
//!
//! # usdt list (this workspace): the module is memfd:myapp, ENABLED says yes once traced
//! usdt list --pid 4242
//! ```
//!
//! With `bpftrace -p` and `tplist -p`, bcc files probes by provider and name: a run-time
//! probe with the name of a static probe in the same process is listed under the
//! executable only; name its object's path instead (without `-p`), as above.
//!
//! A file backing (`Backing::FileIn`) gives the object a real path, which perf's own SDT
//! support takes:
//!
//! ```sh
//! perf buildid-cache --add /tmp/myapp-4242-0.so
//! perf probe -x /tmp/myapp-4242-0.so sdt_myapp:request
//! perf record -e sdt_myapp:request -p 4242
//! ```
//!
//! # C and other languages
//!
//! The workspace's `usdt-stapsdt` crate builds `libstapsdt.so`, libstapsdt's C API over
//! this crate, which programs and language bindings written for libstapsdt load unchanged.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod error;
mod probe;
mod provider;
mod signature;
mod types;

pub use error::{Error, TypeList};
pub use probe::{DynProbe, Probe};
pub use provider::{Backing, Provider};
pub use signature::{ArgSig, ArgValue, Args, Signature, Str, MAX_ARGS};
pub use types::{ArgType, Value};
