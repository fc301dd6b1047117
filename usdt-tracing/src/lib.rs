#![doc = include_str!("../README.md")]

mod probe;
mod profile;

pub use probe::{ProbeLayer, ProbeSubscriber};
pub use profile::{
    Frame, Metric, Profile, ProfileBuilder, ProfileError, ProfileLayer, Profiler, Sample, Stats,
    TrackingAllocator, TAG_BYTES,
};
