//! The profiler's clocks: a monotonic wall clock, and the CPU time of the calling thread.

/// Nanoseconds on a monotonic clock (`CLOCK_MONOTONIC`, read through the vDSO on Linux).
/// Only differences mean anything; the profiler adds them with wrapping arithmetic.
#[cfg(unix)]
#[inline]
pub(crate) fn now() -> u64 {
    read(libc::CLOCK_MONOTONIC)
}

/// Clock `id`, in nanoseconds.
#[cfg(unix)]
#[inline]
fn read(id: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clocks read here exist on every
    // target that reads them, so the call cannot fail.
    unsafe { libc::clock_gettime(id, &mut ts) };
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}

/// Nanoseconds since the first call, from `std::time::Instant`.
#[cfg(not(unix))]
#[inline]
pub(crate) fn now() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static BASE: OnceLock<Instant> = OnceLock::new();
    let base = *BASE.get_or_init(Instant::now);
    u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Whether a thread can read its own CPU time on this target ([`thread_cpu`] and
/// [`thread_system`]): Linux, Android and FreeBSD.
pub(crate) const CPU_SUPPORTED: bool = cfg!(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd"
));

/// The calling thread's CPU time, user and system, in nanoseconds: exact to the
/// moment (`CLOCK_THREAD_CPUTIME_ID` brings the thread's running time up to date).
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn thread_cpu() -> u64 {
    read(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// The calling thread's CPU time in the kernel, in nanoseconds (`getrusage`). The kernel
/// brings a running thread's user and system times up to date at its clock tick and when
/// it is switched out, so this moves in steps of a tick (1 to 10 ms).
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn thread_system() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is writable and large enough; RUSAGE_THREAD names the calling thread.
    if unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) } != 0 {
        return 0;
    }
    // SAFETY: zero-initialized, then filled by a successful getrusage.
    let tv = unsafe { usage.assume_init() }.ru_stime;
    (tv.tv_sec as u64) * 1_000_000_000 + (tv.tv_usec as u64) * 1000
}

/// No per-thread CPU clock here: [`CPU_SUPPORTED`] is false and the builder refuses the
/// metric, so this is never called.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn thread_cpu() -> u64 {
    0
}

/// As [`thread_cpu`].
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn thread_system() -> u64 {
    0
}
