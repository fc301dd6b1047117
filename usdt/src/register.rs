//! Making the program's probes known to the tracer.

use crate::Error;

/// Make every probe in this program known to the system's tracer, including the probes of
/// library crates it links. Call it once, early in `main`; calling it again, or from several
/// threads, is harmless.
///
/// - **Linux**: nothing to do, and it always succeeds. SystemTap-style tracers (bpftrace,
///   perf, bcc, gdb, SystemTap) find the probes in the binary's `.note.stapsdt` section by
///   themselves, and enable a probe by incrementing its semaphore.
/// - **illumos, FreeBSD, macOS**: builds one DOF document from the probe records in the
///   binary and submits it to the DTrace helper device (`/dev/dtrace/helper`,
///   `/dev/dtracehelper`), after which `dtrace -l` lists the probes. The first call does
///   the work; later calls return its result.
/// - **Other targets**, or with probes turned off (`--cfg usdt_disable_probes`): nothing to do.
///
/// ```
/// usdt::register_probes().expect("DTrace refused our probes");
/// ```
pub fn register_probes() -> Result<(), Error> {
    #[cfg(all(
        not(usdt_disable_probes),
        any(
            target_os = "illumos",
            target_os = "solaris",
            target_os = "freebsd",
            target_os = "macos"
        ),
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    usdt_impl::register::register()?;
    Ok(())
}
