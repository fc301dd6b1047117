//! A provider: its definition, which may change between loads, and its loaded object.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::backend::{self, Image};
use crate::error::TypeList;
use crate::signature::Signature;
use crate::{ArgType, DynProbe, Error, Probe};

/// Where the Linux backend puts the object it loads. Elsewhere there is no object, and this
/// is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Backing {
    /// A `memfd` (nothing on disk), or a file in the temporary directory where the kernel
    /// has no `memfd_create` or refuses it.
    #[default]
    Auto,
    /// A `memfd`; loading fails where there is none.
    Memfd,
    /// A file in this directory, removed when the provider is unloaded. Tracers that need a
    /// path name it (`bpftrace -l 'usdt:/tmp/app-1234-0.so:*'`).
    FileIn(PathBuf),
}

/// One probe of a provider's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProbeSpec {
    pub(crate) name: String,
    pub(crate) types: Vec<ArgType>,
}

/// What a backend loads: a copy of the definition as it was at `load`.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) provider: String,
    /// Read by the Linux and DTrace backends, not the no-op one.
    #[allow(dead_code)]
    pub(crate) object_name: String,
    /// Read by the Linux backend only.
    #[allow(dead_code)]
    pub(crate) backing: Backing,
    pub(crate) probes: Vec<ProbeSpec>,
}

/// A loaded provider: the backend's image and the definition it was made from. Probe
/// handles hold it, so it stays mapped while any of them can fire.
pub(crate) struct Loaded {
    pub(crate) spec: Spec,
    pub(crate) image: Image,
    pub(crate) retired: AtomicBool,
}

impl Loaded {
    pub(crate) fn is_retired(&self) -> bool {
        self.retired.load(Ordering::Relaxed)
    }
}

/// A USDT provider defined at run time.
///
/// Define it (a name, probes with typed arguments), [`load`](Provider::load) it, take
/// handles of its probes ([`probe`](Provider::probe), [`dyn_probe`](Provider::dyn_probe))
/// and fire them. [`unload`](Provider::unload), change the probes, and load it again as
/// often as needed; dropping the provider unloads it.
///
/// A probe handle keeps the loaded object mapped, so a provider unloaded or dropped while
/// another thread fires its probes cannot crash the program: the object goes away when its
/// last handle does, and until then its probes are disabled for good (`is_enabled()` is
/// false, [`DynProbe::fire`] returns [`Error::Unloaded`]).
#[derive(Debug)]
pub struct Provider {
    name: String,
    object_name: String,
    backing: Backing,
    probes: Vec<ProbeSpec>,
    loaded: Option<Arc<Loaded>>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("provider", &self.spec.provider)
            .field("retired", &self.is_retired())
            .finish_non_exhaustive()
    }
}

/// `name` if tracers can address it as a provider or probe name.
fn check_name(what: &'static str, name: &str, max: usize) -> Result<(), Error> {
    if dtrace_parser::is_identifier(name) && name.len() <= max {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what,
            name: name.to_owned(),
            max,
        })
    }
}

impl Provider {
    /// A provider named `name`, with no probes yet.
    ///
    /// The name must be a C identifier (a letter or `_`, then letters, digits or `_`) that
    /// DTrace can carry: at most [`dof::MAX_PROVIDER_NAME`] bytes (it appends the process
    /// id), on every target alike.
    pub fn new(name: &str) -> Result<Provider, Error> {
        check_name("provider", name, dof::MAX_PROVIDER_NAME)?;
        Ok(Provider {
            name: name.to_owned(),
            object_name: name.to_owned(),
            backing: Backing::Auto,
            probes: Vec::new(),
            loaded: None,
        })
    }

    /// The provider's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Add a probe with the given argument types (at most 12 on every target, as for
    /// static probes). Probe names follow the provider's rule, at most
    /// [`dof::MAX_PROBE_NAME`] bytes; a `__` in one is a `-` for DTrace, as in static
    /// probes. The probe exists from the next [`load`](Provider::load).
    pub fn add_probe(&mut self, name: &str, types: &[ArgType]) -> Result<&mut Self, Error> {
        check_name("probe", name, dof::MAX_PROBE_NAME)?;
        if self.probes.iter().any(|p| p.name == name) {
            return Err(Error::DuplicateProbe {
                provider: self.name.clone(),
                probe: name.to_owned(),
            });
        }
        if types.len() > backend::MAX_ARGS {
            return Err(Error::TooManyArguments {
                probe: name.to_owned(),
                count: types.len(),
                max: backend::MAX_ARGS,
            });
        }
        self.probes.push(ProbeSpec {
            name: name.to_owned(),
            types: types.to_vec(),
        });
        Ok(self)
    }

    /// Add a probe whose argument types are those of the signature `S`:
    /// `add::<(u64, Str)>("request")` is `add_probe("request", &[ArgType::U64, ArgType::Str])`.
    pub fn add<S: Signature>(&mut self, name: &str) -> Result<&mut Self, Error> {
        self.add_probe(name, S::TYPES)
    }

    /// Remove a probe from the definition (from the next load on); whether it was there.
    pub fn remove_probe(&mut self, name: &str) -> bool {
        let before = self.probes.len();
        self.probes.retain(|p| p.name != name);
        self.probes.len() != before
    }

    /// The probes of the definition: names and argument types, in the order added.
    pub fn probes(&self) -> impl Iterator<Item = (&str, &[ArgType])> {
        self.probes
            .iter()
            .map(|p| (p.name.as_str(), p.types.as_slice()))
    }

    /// Name the object the provider loads as (Linux: the `memfd`'s name, the file's prefix
    /// and the soname, each visible to tracers; DTrace: the module). The provider's name by
    /// default. Any characters but `/` and NUL.
    pub fn set_object_name(&mut self, name: &str) -> Result<&mut Self, Error> {
        if name.is_empty() || name.contains(['/', '\0']) || name.len() > 200 {
            return Err(Error::InvalidName {
                what: "object",
                name: name.to_owned(),
                max: 200,
            });
        }
        self.object_name = name.to_owned();
        Ok(self)
    }

    /// The name of the object the provider loads as.
    pub fn object_name(&self) -> &str {
        &self.object_name
    }

    /// Choose where the Linux backend puts its object (from the next load on).
    pub fn set_backing(&mut self, backing: Backing) -> &mut Self {
        self.backing = backing;
        self
    }

    /// Build the provider's object and make its probes known to tracers.
    pub fn load(&mut self) -> Result<(), Error> {
        if self.loaded.is_some() {
            return Err(Error::AlreadyLoaded {
                provider: self.name.clone(),
            });
        }
        let spec = Spec {
            provider: self.name.clone(),
            object_name: self.object_name.clone(),
            backing: self.backing.clone(),
            probes: self.probes.clone(),
        };
        let image = Image::load(&spec)?;
        self.loaded = Some(Arc::new(Loaded {
            spec,
            image,
            retired: AtomicBool::new(false),
        }));
        Ok(())
    }

    /// The path the loaded object was opened from, which tracers name it by: on Linux
    /// `/proc/PID/fd/N` for a `memfd`, else the file's path; `None` when not loaded and on
    /// other targets.
    pub fn object_path(&self) -> Option<&str> {
        self.loaded.as_ref().and_then(|l| l.image.path())
    }

    /// Whether the provider is loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded.is_some()
    }

    /// Take the provider's probes away from tracers. The object is closed now, or, while
    /// probe handles of it are alive elsewhere, when the last of them is dropped; those
    /// handles never fire again. Does nothing when the provider is not loaded.
    pub fn unload(&mut self) -> Result<(), Error> {
        let Some(loaded) = self.loaded.take() else {
            return Ok(());
        };
        match Arc::try_unwrap(loaded) {
            Ok(loaded) => loaded.image.close(),
            Err(shared) => {
                shared.retired.store(true, Ordering::Relaxed);
                shared.image.retire();
                Ok(())
            }
        }
    }

    /// The loaded object, or why there is none.
    fn loaded(&self) -> Result<&Arc<Loaded>, Error> {
        self.loaded.as_ref().ok_or_else(|| Error::NotLoaded {
            provider: self.name.clone(),
        })
    }

    /// The index of probe `name` in the loaded object.
    fn index(&self, loaded: &Loaded, name: &str) -> Result<usize, Error> {
        loaded
            .spec
            .probes
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| Error::NoSuchProbe {
                provider: self.name.clone(),
                probe: name.to_owned(),
            })
    }

    /// A typed handle of the loaded probe `name`, whose argument types must be `S`'s. It
    /// can only be fired with values of those types.
    pub fn probe<S: Signature>(&self, name: &str) -> Result<Probe<S>, Error> {
        let loaded = self.loaded()?;
        let index = self.index(loaded, name)?;
        let declared = &loaded.spec.probes[index].types;
        if declared.as_slice() != S::TYPES {
            return Err(Error::WrongSignature {
                probe: name.to_owned(),
                declared: TypeList(declared.clone()),
                asked: TypeList(S::TYPES.to_vec()),
            });
        }
        Ok(Probe::new(loaded.clone(), index))
    }

    /// A handle of the loaded probe `name` that takes its arguments as [`Value`](crate::Value)s,
    /// checked at every fire: for callers that learn the types at run time.
    pub fn dyn_probe(&self, name: &str) -> Result<DynProbe, Error> {
        let loaded = self.loaded()?;
        let index = self.index(loaded, name)?;
        Ok(DynProbe::new(loaded.clone(), index))
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        // An error closing the object has no one to go to; the object is gone either way.
        let _ = self.unload();
    }
}
