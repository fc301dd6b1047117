//! Making the program's probes known to the tracer.

use crate::Error;

/// Make every probe in this program known to the system's tracer, including the probes of
/// library crates it links. On the DTrace platforms this has normally happened already, at
/// load time; calling it is harmless, from any thread, any number of times, and returns the
/// result of that registration.
///
/// - **Linux**: nothing to do, and it always succeeds. SystemTap-style tracers (bpftrace,
///   perf, bcc, gdb, SystemTap) find the probes in the binary's `.note.stapsdt` section by
///   themselves, and enable a probe by incrementing its semaphore.
/// - **illumos, FreeBSD, macOS**: every object (the program, each shared library) builds
///   one DOF document from its probe records and submits it to the DTrace helper device
///   (`/dev/dtrace/helper`, `/dev/dtracehelper`) when it is loaded, before `main`, as C's
///   `drti.o` does, so that `dtrace -c` and `dtrace -l` see the probes; a library takes
///   them back when unloaded. This function returns the result of that first attempt, or
///   makes it when load-time registration is off: `DTRACE_DOF_INIT_DISABLE` set in the
///   environment (as for C programs), or the build made with
///   `--cfg usdt_no_register_at_load`. `DTRACE_DOF_INIT_DEBUG` prints the load-time result
///   on standard error.
/// - **Other targets**, or with probes turned off (`--cfg usdt_disable_probes`): nothing to do.
///
/// ```
/// usdt::register_probes().expect("DTrace refused our probes");
/// ```
pub fn register_probes() -> Result<(), Error> {
    #[cfg(usdt_backend = "dtrace")]
    usdt_impl::register::register()?;
    Ok(())
}
