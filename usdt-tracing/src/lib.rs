#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod probe;
mod profile;

pub use probe::{ProbeLayer, ProbeSubscriber};
pub use profile::{
    Frame, Metric, Profile, ProfileBuilder, ProfileError, ProfileLayer, Profiler, Sample, Stats,
    TrackingAllocator, TAG_BYTES,
};
