#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod address_space;
mod c_types;
mod demangle;
mod dof_documents;
mod dtrace;
mod embedded_dof;
mod error;
mod file;
mod proc_maps;
mod process;
mod records;
mod relocate;
mod site;
mod stapsdt;

pub use dof_documents::{dof_documents, DofDocument, DofOrigin};
pub use error::Error;
pub use file::list_file;
pub use process::{list_process, ProcessProbes};
pub use sdt_note::ArgSize;
pub use site::{ProbeSite, SiteArgument, Source};
