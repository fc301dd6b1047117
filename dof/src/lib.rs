#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod file;
mod model;
mod pretty;
pub mod raw;
mod read;
mod sites;
mod write;

pub use error::{Location, Problem, ReadError, SiteError, WriteError};
pub use file::{DataModel, DofFile, Encoding, Header, SectionHeader, SectionKind};
pub use model::{Attribute, DependencyClass, Dof, Probe, Provider, ProviderAttributes, Stability};
pub use sites::Site;
pub use write::{Version, MAX_ARG_TYPE, MAX_FUNCTION_NAME, MAX_PROBE_NAME, MAX_PROVIDER_NAME};
