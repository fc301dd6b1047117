//! The profiler's errors.

use std::path::PathBuf;

/// Why a profiler could not be built, or a profile not be taken or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// A process has one span profiler (its allocation tags and thread state are
    /// process-wide, like the global allocator), and one was built already.
    #[error("a span profiler was already built in this process (there can be one)")]
    AlreadyBuilt,
    /// Allocations or heap were asked for, but the global allocator is not a
    /// [`TrackingAllocator`](crate::TrackingAllocator).
    #[error(
        "allocation and heap profiles need `#[global_allocator] static A: usdt_tracing::TrackingAllocator = usdt_tracing::TrackingAllocator::system();`"
    )]
    NoTrackingAllocator,
    /// CPU time was asked for on a target where a thread cannot read its own CPU time
    /// (only Linux, Android and FreeBSD can).
    #[error("CPU time per thread cannot be read on this target")]
    CpuUnsupported,
    /// The profiler's thread could not be started.
    #[error("cannot start the profiler's thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// The profiler's thread is gone (it panicked).
    #[error("the profiler's thread has stopped")]
    Stopped,
    /// A profile could not be written.
    #[error("cannot write the profile to {path}: {source}")]
    Write {
        /// Where it was to go.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}
