//! A [`Profile`] as pprof's `profile.proto` (github.com/google/pprof, `proto/profile.proto`),
//! gzipped as `go tool pprof` and every pprof reader expects. The messages are declared by
//! hand with the fields this profile uses, tags as in `profile.proto`.

use std::collections::HashMap;
use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use prost::Message;

use super::report::{Frame, Profile};

/// `perftools.profiles.Profile`.
#[derive(Clone, PartialEq, Message)]
struct PbProfile {
    #[prost(message, repeated, tag = "1")]
    sample_type: Vec<PbValueType>,
    #[prost(message, repeated, tag = "2")]
    sample: Vec<PbSample>,
    #[prost(message, repeated, tag = "3")]
    mapping: Vec<PbMapping>,
    #[prost(message, repeated, tag = "4")]
    location: Vec<PbLocation>,
    #[prost(message, repeated, tag = "5")]
    function: Vec<PbFunction>,
    /// Index 0 is always "".
    #[prost(string, repeated, tag = "6")]
    string_table: Vec<String>,
    #[prost(int64, tag = "9")]
    time_nanos: i64,
    #[prost(int64, tag = "10")]
    duration_nanos: i64,
    #[prost(message, optional, tag = "11")]
    period_type: Option<PbValueType>,
    #[prost(int64, tag = "12")]
    period: i64,
    #[prost(int64, repeated, tag = "13")]
    comment: Vec<i64>,
    #[prost(int64, tag = "14")]
    default_sample_type: i64,
}

/// `ValueType`: a sample type's name and unit, as string indexes.
#[derive(Clone, PartialEq, Message)]
struct PbValueType {
    #[prost(int64, tag = "1")]
    r#type: i64,
    #[prost(int64, tag = "2")]
    unit: i64,
}

/// `Sample`: locations leaf first, one value per sample type, labels.
#[derive(Clone, PartialEq, Message)]
struct PbSample {
    #[prost(uint64, repeated, tag = "1")]
    location_id: Vec<u64>,
    #[prost(int64, repeated, tag = "2")]
    value: Vec<i64>,
    #[prost(message, repeated, tag = "3")]
    label: Vec<PbLabel>,
}

/// `Label`: a string label (key and value as string indexes).
#[derive(Clone, PartialEq, Message)]
struct PbLabel {
    #[prost(int64, tag = "1")]
    key: i64,
    #[prost(int64, tag = "2")]
    str: i64,
}

/// `Mapping`: one, the program, already symbolized (span names are the functions).
#[derive(Clone, PartialEq, Message)]
struct PbMapping {
    #[prost(uint64, tag = "1")]
    id: u64,
    #[prost(int64, tag = "5")]
    filename: i64,
    #[prost(bool, tag = "7")]
    has_functions: bool,
    #[prost(bool, tag = "8")]
    has_filenames: bool,
    #[prost(bool, tag = "9")]
    has_line_numbers: bool,
}

/// `Location`: here one per span callsite, with one line.
#[derive(Clone, PartialEq, Message)]
struct PbLocation {
    #[prost(uint64, tag = "1")]
    id: u64,
    #[prost(uint64, tag = "2")]
    mapping_id: u64,
    #[prost(message, repeated, tag = "4")]
    line: Vec<PbLine>,
}

/// `Line`.
#[derive(Clone, PartialEq, Message)]
struct PbLine {
    #[prost(uint64, tag = "1")]
    function_id: u64,
    #[prost(int64, tag = "2")]
    line: i64,
}

/// `Function`: a span callsite's name, target (as the system name) and file.
#[derive(Clone, PartialEq, Message)]
struct PbFunction {
    #[prost(uint64, tag = "1")]
    id: u64,
    #[prost(int64, tag = "2")]
    name: i64,
    #[prost(int64, tag = "3")]
    system_name: i64,
    #[prost(int64, tag = "4")]
    filename: i64,
    #[prost(int64, tag = "5")]
    start_line: i64,
}

/// The string table under construction.
#[derive(Default)]
struct Strings {
    table: Vec<String>,
    index: HashMap<String, i64>,
}

impl Strings {
    fn new() -> Self {
        let mut s = Strings::default();
        s.add("");
        s
    }

    fn add(&mut self, text: &str) -> i64 {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(text.to_owned());
        self.index.insert(text.to_owned(), i);
        i
    }
}

/// Nanoseconds as pprof's `int64`, saturating.
fn nanos(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

/// The id of the one mapping.
const MAPPING: u64 = 1;

/// `profile` as gzipped `profile.proto`.
pub(crate) fn encode(profile: &Profile) -> Vec<u8> {
    let mut strings = Strings::new();
    let mut pb = PbProfile {
        sample_type: profile
            .metrics
            .iter()
            .map(|m| PbValueType {
                r#type: strings.add(m.name()),
                unit: strings.add(m.unit()),
            })
            .collect(),
        ..PbProfile::default()
    };
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    pb.mapping.push(PbMapping {
        id: MAPPING,
        filename: strings.add(&program),
        has_functions: true,
        has_filenames: true,
        has_line_numbers: true,
    });
    // One function and one location per distinct frame (ids from 1: 0 means none).
    let mut locations: HashMap<Frame, u64> = HashMap::new();
    for sample in &profile.samples {
        let mut location_id = Vec::with_capacity(sample.stack.len());
        for frame in sample.stack.iter().rev() {
            let id = *locations.entry(*frame).or_insert_with(|| {
                let id = pb.location.len() as u64 + 1;
                pb.function.push(PbFunction {
                    id,
                    name: strings.add(frame.name),
                    system_name: strings.add(frame.target),
                    filename: strings.add(frame.file.unwrap_or("")),
                    start_line: i64::from(frame.line.unwrap_or(0)),
                });
                pb.location.push(PbLocation {
                    id,
                    mapping_id: MAPPING,
                    line: vec![PbLine {
                        function_id: id,
                        line: i64::from(frame.line.unwrap_or(0)),
                    }],
                });
                id
            });
            location_id.push(id);
        }
        pb.sample.push(PbSample {
            location_id,
            value: sample.values.clone(),
            label: sample
                .labels
                .iter()
                .map(|(k, v)| PbLabel {
                    key: strings.add(k),
                    str: strings.add(v),
                })
                .collect(),
        });
    }
    pb.time_nanos = profile
        .start
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, nanos);
    pb.duration_nanos = nanos(profile.duration);
    pb.period_type = Some(PbValueType {
        r#type: strings.add("spans"),
        unit: strings.add("count"),
    });
    pb.period = i64::from(profile.sample_one_in);
    pb.comment = profile.comments.iter().map(|c| strings.add(c)).collect();
    pb.default_sample_type = profile.metrics.first().map_or(0, |m| strings.add(m.name()));
    pb.string_table = strings.table;
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    // Writing into a `Vec` cannot fail.
    let _ = gz.write_all(&pb.encode_to_vec());
    gz.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn strings_start_empty_and_are_shared() {
        let mut s = Strings::new();
        assert_eq!(s.add("a"), 1);
        assert_eq!(s.add(""), 0);
        assert_eq!(s.add("a"), 1);
        assert_eq!(s.table, ["", "a"]);
    }

    #[test]
    fn an_empty_profile_decodes() {
        let profile = Profile {
            metrics: vec![super::super::report::Metric::Spans],
            samples: Vec::new(),
            start: std::time::UNIX_EPOCH,
            duration: std::time::Duration::from_secs(1),
            sample_one_in: 1,
            comments: vec!["c".into()],
        };
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&encode(&profile)[..])
            .read_to_end(&mut raw)
            .unwrap();
        let pb = PbProfile::decode(&raw[..]).unwrap();
        assert_eq!(pb.string_table[0], "");
        assert_eq!(pb.duration_nanos, 1_000_000_000);
        assert_eq!(pb.sample_type.len(), 1);
        assert_eq!(pb.string_table[pb.comment[0] as usize], "c");
    }
}
