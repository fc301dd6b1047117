//! The high-level model: providers, their probes, and stability attributes.

use std::fmt;

/// A DOF document describing USDT providers: what one `DTRACEHIOC_ADDDOF` registers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dof {
    /// The providers, each written as its own group of sections.
    pub providers: Vec<Provider>,
}

/// A provider (`dof_provider_t`) and its probes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    /// Provider name (`dofpv_name`); the kernel appends the process id to it.
    pub name: String,
    /// Stability of the provider's names and data (`dofpv_*attr`).
    pub attributes: ProviderAttributes,
    /// The probes (`DOF_SECT_PROBES`), one entry per probe name and function.
    pub probes: Vec<Probe>,
}

/// A probe in one function (`dof_probe_t`): where its sites are and what it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Probe name (`dofpr_name`), the last part of `provider:module:function:name`.
    pub name: String,
    /// Name of the function holding the sites (`dofpr_func`).
    pub function: String,
    /// Base address of the sites (`dofpr_addr`), usually the function's address.
    pub address: u64,
    /// Probe sites as offsets from `address` (`DOF_SECT_PROFFS`, `dofpr_offidx`/`dofpr_noffs`).
    pub offsets: Vec<u32>,
    /// Is-enabled sites as offsets from `address` (`DOF_SECT_PRENOFFS`,
    /// `dofpr_enoffidx`/`dofpr_nenoffs`): code that asks whether the probe is traced.
    pub enabled_offsets: Vec<u32>,
    /// C types of the arguments as the program passes them (`dofpr_nargv`/`dofpr_nargc`).
    pub arg_types: Vec<String>,
    /// C types of the arguments as D programs see them (`dofpr_xargv`/`dofpr_xargc`).
    pub translated_types: Vec<String>,
    /// For each translated argument, the index of the native argument it is taken from
    /// (`DOF_SECT_PRARGS`, `dofpr_argidx`); as long as `translated_types`.
    pub arg_mapping: Vec<u8>,
}

/// The stability attributes of a provider (`dtrace_pattr_t`), one per probe description part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProviderAttributes {
    /// Stability of the provider name (`dofpv_provattr`).
    pub provider: Attribute,
    /// Stability of the module name (`dofpv_modattr`).
    pub module: Attribute,
    /// Stability of the function names (`dofpv_funcattr`).
    pub function: Attribute,
    /// Stability of the probe names (`dofpv_nameattr`).
    pub name: Attribute,
    /// Stability of the probe arguments (`dofpv_argsattr`).
    pub args: Attribute,
}

/// One stability attribute (`dtrace_attribute_t`, packed as `DOF_ATTR(name, data, class)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// How stable the names are.
    pub name: Stability,
    /// How stable the data are.
    pub data: Stability,
    /// Which machines the interface is common to.
    pub class: DependencyClass,
}

/// A stability level (`DTRACE_STABILITY_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Stability {
    /// Private to DTrace itself.
    Internal = 0,
    /// Private to the implementer.
    Private = 1,
    /// Scheduled for removal.
    Obsolete = 2,
    /// Not controlled by the implementer.
    External = 3,
    /// New or rapidly changing.
    Unstable = 4,
    /// Less rapidly changing.
    Evolving = 5,
    /// A mature interface.
    Stable = 6,
    /// An industry standard.
    Standard = 7,
}

/// An architectural dependency class (`DTRACE_CLASS_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum DependencyClass {
    /// Unknown dependency.
    Unknown = 0,
    /// Specific to a CPU model.
    Cpu = 1,
    /// Specific to a hardware platform.
    Platform = 2,
    /// Specific to a hardware group.
    Group = 3,
    /// Specific to an instruction set.
    Isa = 4,
    /// Common to all systems.
    Common = 5,
}

impl Dof {
    /// A document holding `providers`.
    pub fn new(providers: Vec<Provider>) -> Self {
        Dof { providers }
    }
}

impl Provider {
    /// A provider without probes, with the attributes `dtrace -G` gives a provider that
    /// declares none.
    pub fn new(name: impl Into<String>) -> Self {
        Provider {
            name: name.into(),
            attributes: ProviderAttributes::default(),
            probes: Vec::new(),
        }
    }
}

impl Probe {
    /// A probe without sites whose translated types equal its native types, mapped one to one.
    pub fn new(
        name: impl Into<String>,
        function: impl Into<String>,
        address: u64,
        arg_types: Vec<String>,
    ) -> Self {
        // Mapping entries are u8, as are argument counts; the writer rejects longer lists.
        let arg_mapping = (0..arg_types.len()).map(|i| i as u8).collect();
        Probe {
            name: name.into(),
            function: function.into(),
            address,
            offsets: Vec::new(),
            enabled_offsets: Vec::new(),
            translated_types: arg_types.clone(),
            arg_types,
            arg_mapping,
        }
    }
}

impl Default for ProviderAttributes {
    /// Unstable/Unstable/Common for every part, as `dtrace -G` writes without `#pragma D attributes`.
    fn default() -> Self {
        let attr = Attribute::default();
        ProviderAttributes {
            provider: attr,
            module: attr,
            function: attr,
            name: attr,
            args: attr,
        }
    }
}

impl Default for Attribute {
    /// Unstable/Unstable/Common.
    fn default() -> Self {
        Attribute {
            name: Stability::Unstable,
            data: Stability::Unstable,
            class: DependencyClass::Common,
        }
    }
}

impl Attribute {
    /// The packed form, `DOF_ATTR(name, data, class)`.
    pub fn to_raw(self) -> u32 {
        crate::raw::dof_attr(self.name as u8, self.data as u8, self.class as u8)
    }

    /// Unpacks `DOF_ATTR(name, data, class)`; the low byte is unused and ignored.
    /// Returns the offending byte value when a level or class is unknown.
    pub fn from_raw(raw: u32) -> Result<Self, u8> {
        let [name, data, class, _] = raw.to_be_bytes();
        Ok(Attribute {
            name: Stability::from_u8(name).ok_or(name)?,
            data: Stability::from_u8(data).ok_or(data)?,
            class: DependencyClass::from_u8(class).ok_or(class)?,
        })
    }
}

impl Stability {
    /// The level numbered `value`, if there is one.
    pub fn from_u8(value: u8) -> Option<Self> {
        use Stability::*;
        [
            Internal, Private, Obsolete, External, Unstable, Evolving, Stable, Standard,
        ]
        .get(usize::from(value))
        .copied()
    }
}

impl DependencyClass {
    /// The class numbered `value`, if there is one.
    pub fn from_u8(value: u8) -> Option<Self> {
        use DependencyClass::*;
        [Unknown, Cpu, Platform, Group, Isa, Common]
            .get(usize::from(value))
            .copied()
    }
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Stability::Internal => "Internal",
            Stability::Private => "Private",
            Stability::Obsolete => "Obsolete",
            Stability::External => "External",
            Stability::Unstable => "Unstable",
            Stability::Evolving => "Evolving",
            Stability::Stable => "Stable",
            Stability::Standard => "Standard",
        })
    }
}

impl fmt::Display for DependencyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            DependencyClass::Unknown => "Unknown",
            DependencyClass::Cpu => "CPU",
            DependencyClass::Platform => "Platform",
            DependencyClass::Group => "Group",
            DependencyClass::Isa => "ISA",
            DependencyClass::Common => "Common",
        })
    }
}

impl fmt::Display for Attribute {
    /// `name/data/class`, as `dtrace -v` shows attributes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.name, self.data, self.class)
    }
}
