//! The profiler's clocks: a monotonic wall clock, and the CPU time of the calling thread.

/// Nanoseconds on a monotonic clock (`CLOCK_MONOTONIC`, read through the vDSO on Linux).
/// Only differences mean anything; the profiler adds them with wrapping arithmetic.
#[cfg(unix)]
#[inline]
pub(crate) fn now() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC exists on every Unix
    // this crate builds for, so the call cannot fail.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
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

/// CPU time a thread has used, in nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CpuTime {
    /// In user mode.
    pub(crate) user: u64,
    /// In the kernel on its behalf.
    pub(crate) system: u64,
}

/// Whether [`thread_cpu`] can read a thread's own CPU time on this target:
/// `getrusage(RUSAGE_THREAD)` on Linux, Android and FreeBSD.
pub(crate) const CPU_SUPPORTED: bool = cfg!(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd"
));

/// The calling thread's CPU time (microsecond resolution, as `getrusage` reports it).
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn thread_cpu() -> CpuTime {
    let micros = |tv: libc::timeval| (tv.tv_sec as u64) * 1_000_000 + tv.tv_usec as u64;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is writable and large enough; RUSAGE_THREAD names the calling thread.
    if unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) } != 0 {
        return CpuTime::default();
    }
    // SAFETY: zero-initialized, then filled by a successful getrusage.
    let usage = unsafe { usage.assume_init() };
    CpuTime {
        user: micros(usage.ru_utime) * 1000,
        system: micros(usage.ru_stime) * 1000,
    }
}

/// No per-thread CPU clock here: [`CPU_SUPPORTED`] is false and the builder refuses the
/// metric, so this is never called.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn thread_cpu() -> CpuTime {
    CpuTime::default()
}
