//! [`Profile`]: what a snapshot of the profiler holds, before it becomes pprof.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::error::ProfileError;
use super::pprof;

/// A figure the profiler collects: one pprof sample type.
///
/// Every value is the span's own (*self*): time, CPU and allocations are charged to the
/// innermost entered span, so a flame graph that stacks children onto their parents shows
/// each span's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// Spans created (`spans`, count).
    Spans,
    /// `wall_busy` + `wall_idle` (`wall`, nanoseconds).
    Wall,
    /// Time the span was the innermost entered span of a thread (`wall_busy`,
    /// nanoseconds).
    WallBusy,
    /// Time the span existed without being entered, less that of its children
    /// (`wall_idle`, nanoseconds).
    WallIdle,
    /// `cpu_user` + `cpu_sys` (`cpu`, nanoseconds).
    Cpu,
    /// CPU time in user mode while the span was innermost (`cpu_user`, nanoseconds).
    CpuUser,
    /// CPU time in the kernel while the span was innermost (`cpu_sys`, nanoseconds).
    CpuSystem,
    /// Allocations made while the span was innermost (`alloc_objects`, count).
    AllocObjects,
    /// Their bytes (`alloc_space`, bytes).
    AllocBytes,
    /// Those allocations not freed at the snapshot (`inuse_objects`, count).
    InuseObjects,
    /// Their bytes (`inuse_space`, bytes).
    InuseBytes,
}

impl Metric {
    /// The sample type's name, as `go tool pprof -sample_index=NAME` takes it (the
    /// allocation and heap ones are Go's, so `-alloc_space`, `-inuse_space` and the like
    /// work too).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Spans => "spans",
            Metric::Wall => "wall",
            Metric::WallBusy => "wall_busy",
            Metric::WallIdle => "wall_idle",
            Metric::Cpu => "cpu",
            Metric::CpuUser => "cpu_user",
            Metric::CpuSystem => "cpu_sys",
            Metric::AllocObjects => "alloc_objects",
            Metric::AllocBytes => "alloc_space",
            Metric::InuseObjects => "inuse_objects",
            Metric::InuseBytes => "inuse_space",
        }
    }

    /// The unit, as pprof spells it: `count`, `nanoseconds` or `bytes`.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Spans | Metric::AllocObjects | Metric::InuseObjects => "count",
            Metric::Wall
            | Metric::WallBusy
            | Metric::WallIdle
            | Metric::Cpu
            | Metric::CpuUser
            | Metric::CpuSystem => "nanoseconds",
            Metric::AllocBytes | Metric::InuseBytes => "bytes",
        }
    }
}

/// A span callsite in a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The span's name; `(other)` for spans beyond the series limit.
    pub name: &'static str,
    /// Its target (by default the module path).
    pub target: &'static str,
    /// The source file of the callsite, when known.
    pub file: Option<&'static str>,
    /// Its line, when known.
    pub line: Option<u32>,
}

/// The figures of one stack of spans with one set of labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The spans, root first.
    pub stack: Vec<Frame>,
    /// Labels from span fields (`label_fields`), as name and value.
    pub labels: Vec<(&'static str, String)>,
    /// One value per metric of the profile, in the order of [`Profile::metrics`].
    pub values: Vec<i64>,
}

impl Sample {
    /// Whether the stack's span names are `names`, root first.
    pub fn is(&self, names: &[&str]) -> bool {
        self.stack.len() == names.len() && self.stack.iter().zip(names).all(|(f, n)| f.name == *n)
    }
}

/// A span profile: per stack of spans, the figures of every metric, from the start of the
/// profiler to the snapshot.
#[derive(Debug, Clone)]
pub struct Profile {
    pub(crate) metrics: Vec<Metric>,
    pub(crate) samples: Vec<Sample>,
    pub(crate) start: SystemTime,
    pub(crate) duration: Duration,
    pub(crate) sample_one_in: u32,
    pub(crate) comments: Vec<String>,
}

impl Profile {
    /// The metrics, in the order of every sample's values.
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// The samples: one per stack and label set with any figure.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// When the profiler started.
    pub fn start(&self) -> SystemTime {
        self.start
    }

    /// How long it had run at the snapshot.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// One root span in how many was profiled (1: all).
    pub fn sample_one_in(&self) -> u32 {
        self.sample_one_in
    }

    /// What the profile says about itself (pprof comments): what its values are, and
    /// whether some stacks were counted under `(other)`.
    pub fn comments(&self) -> &[String] {
        &self.comments
    }

    /// The position of `metric` in the values, if the profile has it.
    pub fn index(&self, metric: Metric) -> Option<usize> {
        self.metrics.iter().position(|m| *m == metric)
    }

    /// The sum of `metric` over every sample (`None` when the profile does not have it).
    pub fn total(&self, metric: Metric) -> Option<i64> {
        let i = self.index(metric)?;
        Some(self.samples.iter().map(|s| s.values[i]).sum())
    }

    /// The sum of `metric` over the samples whose stack is `names` (root first), whatever
    /// their labels.
    pub fn value(&self, names: &[&str], metric: Metric) -> Option<i64> {
        let i = self.index(metric)?;
        Some(
            self.samples
                .iter()
                .filter(|s| s.is(names))
                .map(|s| s.values[i])
                .sum(),
        )
    }

    /// The profile as pprof reads it: a gzipped `profile.proto`.
    pub fn to_pprof(&self) -> Vec<u8> {
        pprof::encode(self)
    }

    /// Write [`to_pprof`](Self::to_pprof) to `path` (through a temporary file beside it,
    /// so a reader never sees half a profile).
    pub fn write_pprof(&self, path: impl AsRef<Path>) -> Result<(), ProfileError> {
        let path = path.as_ref();
        let error = |source| ProfileError::Write {
            path: path.to_owned(),
            source,
        };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, self.to_pprof()).map_err(error)?;
        std::fs::rename(&tmp, path).map_err(error)
    }
}
