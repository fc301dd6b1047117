//! The row of a listing, which every probe source fills.
//!
//! Linux ELF files carry SystemTap `.note.stapsdt` notes; illumos/FreeBSD ELF files and macOS
//! Mach-O files carry DTrace probe records (the `usdt` crate's) or DOF. Each source turns its
//! records into [`ProbeSite`]s, so filtering, sorting and output never depend on where a
//! probe came from.

use std::fmt;
use std::path::PathBuf;

use sdt_note::ArgSize;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Where a probe description was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A SystemTap v3 `.note.stapsdt` ELF note.
    Stapsdt,
    /// A DTrace probe record of the `usdt` crate (`set_dtrace_probes`, `__dtrace_probes`),
    /// from which `usdt::register_probes()` builds DOF at run time.
    Records,
    /// A DOF document already in the file (`.SUNW_dof` from `dtrace -G`, Mach-O `__dof_*`).
    Dof,
}

/// One probe site of one object file: a row of `usdt list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeSite {
    /// Where the description came from.
    pub source: Source,
    /// The provider, e.g. `myprog`.
    pub provider: String,
    /// The probe name, e.g. `request__start`.
    pub name: String,
    /// The object's file name, e.g. `libc.so.6`.
    pub module: String,
    /// The object's path as given or as mapped.
    pub path: PathBuf,
    /// The demangled name of the function that contains the probe site, when known.
    pub function: Option<String>,
    /// The probe site's link-time address.
    pub address: u64,
    /// The link-time address of the probe's semaphore (is-enabled counter), if it has one.
    pub semaphore: Option<u64>,
    /// DTrace: the is-enabled sites of this probe in the same function, which take the place
    /// of a semaphore. Empty for stapsdt probes.
    pub is_enabled_sites: Vec<u64>,
    /// The arguments, in order.
    pub arguments: Vec<SiteArgument>,
    /// The arguments as the record spells them, e.g. `-4@%edi 8@%rax`.
    pub arguments_raw: String,
    /// For a probe of a running process: whether its semaphore is set now.
    pub enabled: Option<bool>,
}

/// One argument of a probe site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteArgument {
    /// The argument as the record spells it, e.g. `-4@%edi` or `char *`.
    pub raw: String,
    /// Its width, sign and class, when the record says them: from the note's `SIZE`, or
    /// from the C type of a DTrace record.
    pub size: Option<ArgSize>,
    /// Where the value lives at the probe site, e.g. `%edi` or `-8(%rbp)`; for DTrace, the
    /// argument's D name, `arg0`.
    pub location: String,
    /// The native C type a DTrace record or DOF gives, e.g. `char *`; `None` for stapsdt.
    pub c_type: Option<String>,
}

/// `u8`, `i32`, `f64`, ...: how a listing shows a size.
fn rust_type(size: ArgSize) -> String {
    let class = if size.float {
        'f'
    } else if size.signed {
        'i'
    } else {
        'u'
    };
    format!("{class}{}", u32::from(size.bytes) * 8)
}

impl fmt::Display for SiteArgument {
    /// The C type, else the size type, or `?` when the record says neither.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.c_type, &self.size) {
            (Some(c), _) => f.write_str(c),
            (None, Some(size)) => f.write_str(&rust_type(*size)),
            (None, None) => f.write_str("?"),
        }
    }
}

impl Serialize for SiteArgument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Argument", 6)?;
        s.serialize_field("raw", &self.raw)?;
        let shown = (self.c_type.is_some() || self.size.is_some()).then(|| self.to_string());
        s.serialize_field("type", &shown)?;
        s.serialize_field("size", &self.size.map(|t| t.bytes))?;
        s.serialize_field("signed", &self.size.map(|t| t.signed))?;
        s.serialize_field("float", &self.size.map(|t| t.float))?;
        s.serialize_field("location", &self.location)?;
        s.end()
    }
}

impl ProbeSite {
    /// The argument types joined by spaces, e.g. `u8 i32 u64`, or by commas when they are
    /// C types (which hold spaces: `char *, uint8_t`); `-` for none.
    pub fn argument_types(&self) -> String {
        if self.arguments.is_empty() {
            return "-".to_string();
        }
        let types: Vec<String> = self.arguments.iter().map(|a| a.to_string()).collect();
        let c_types = self.arguments.iter().any(|a| a.c_type.is_some());
        types.join(if c_types { ", " } else { " " })
    }
}
