//! Probe handles: typed ([`Probe`]) and checked at every fire ([`DynProbe`]).

use std::marker::PhantomData;
use std::sync::Arc;

use usdt_impl::StrBuf;

use crate::backend::Site;
use crate::provider::Loaded;
use crate::signature::{Args, Signature, Words, MAX_ARGS};
use crate::{ArgType, Error, Value};

/// A probe of a loaded provider, whose argument types are the signature `S`
/// (`Probe<(u64, Str)>`): it fires with values of exactly those types, so a wrong count or
/// type is a compile error.
///
/// Cloning is cheap (a reference count); handles are `Send` and `Sync`. A handle keeps the
/// provider's object mapped; once the provider is unloaded the handle never fires again.
pub struct Probe<S: Signature> {
    site: Site,
    loaded: Arc<Loaded>,
    index: usize,
    signature: PhantomData<fn(S)>,
}

impl<S: Signature> Probe<S> {
    pub(crate) fn new(loaded: Arc<Loaded>, index: usize) -> Self {
        Probe {
            site: loaded.image.site(index),
            loaded,
            index,
            signature: PhantomData,
        }
    }

    /// Whether a tracer has enabled the probe: one load on Linux (the probe's semaphore),
    /// a call of the is-enabled stub on DTrace platforms, `false` elsewhere.
    #[inline(always)]
    pub fn is_enabled(&self) -> bool {
        self.site.is_enabled()
    }

    /// Fire the probe with `args`, a tuple with one value per argument (`(x,)` for one,
    /// `()` for none), if a tracer has enabled it. Strings are copied NUL-terminated only
    /// then.
    #[inline(always)]
    pub fn fire<A: Args<S>>(&self, args: A) {
        if self.site.is_enabled() {
            fire_out_of_line(&self.site, args);
        }
    }

    /// Fire the probe with the values `args()` returns, calling it only if a tracer has
    /// enabled the probe: work done only for the tracer goes in the closure.
    #[inline(always)]
    pub fn fire_with<A: Args<S>>(&self, args: impl FnOnce() -> A) {
        if self.site.is_enabled() {
            fire_out_of_line(&self.site, args());
        }
    }

    /// The probe's name.
    pub fn name(&self) -> &str {
        &self.loaded.spec.probes[self.index].name
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        &self.loaded.spec.provider
    }

    /// Whether the provider this handle was taken from is still loaded.
    pub fn is_loaded(&self) -> bool {
        !self.loaded.is_retired()
    }
}

/// The fire itself, out of the caller's line: an untraced fire is the gate alone.
#[inline(never)]
fn fire_out_of_line<S: Signature, A: Args<S>>(site: &Site, args: A) {
    args.fire(site);
}

impl<S: Signature> Clone for Probe<S> {
    fn clone(&self) -> Self {
        Probe {
            site: self.site,
            loaded: self.loaded.clone(),
            index: self.index,
            signature: PhantomData,
        }
    }
}

impl<S: Signature> std::fmt::Debug for Probe<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe")
            .field("provider", &self.provider())
            .field("name", &self.name())
            .field("types", &S::TYPES)
            .finish()
    }
}

/// A probe of a loaded provider whose argument types are known only at run time: each
/// fire is checked against them and misuse is an [`Error`], never a wrong value for the
/// tracer.
#[derive(Clone)]
pub struct DynProbe {
    site: Site,
    loaded: Arc<Loaded>,
    index: usize,
}

impl DynProbe {
    pub(crate) fn new(loaded: Arc<Loaded>, index: usize) -> Self {
        DynProbe {
            site: loaded.image.site(index),
            loaded,
            index,
        }
    }

    /// Whether a tracer has enabled the probe (see [`Probe::is_enabled`]).
    #[inline(always)]
    pub fn is_enabled(&self) -> bool {
        self.site.is_enabled()
    }

    /// The probe's argument types.
    pub fn types(&self) -> &[ArgType] {
        &self.loaded.spec.probes[self.index].types
    }

    /// The probe's name.
    pub fn name(&self) -> &str {
        &self.loaded.spec.probes[self.index].name
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        &self.loaded.spec.provider
    }

    /// Check `args` against the probe's types, then fire it if a tracer has enabled it.
    /// The checks are made on every call, traced or not, so misuse shows at once.
    pub fn fire(&self, args: &[Value<'_>]) -> Result<(), Error> {
        if self.loaded.is_retired() {
            return Err(Error::Unloaded {
                probe: self.name().to_owned(),
            });
        }
        let types = self.types();
        if args.len() != types.len() {
            return Err(Error::WrongArgumentCount {
                probe: self.name().to_owned(),
                expected: types.len(),
                given: args.len(),
            });
        }
        if let Some((index, (t, v))) = types
            .iter()
            .zip(args)
            .enumerate()
            .find(|(_, (t, v))| !t.admits(v))
        {
            return Err(Error::WrongArgument {
                probe: self.name().to_owned(),
                index,
                expected: *t,
                given: v.describe(),
            });
        }
        if self.site.is_enabled() {
            fire_values(&self.site, args);
        }
        Ok(())
    }
}

impl DynProbe {
    /// Fire the probe with `words` as the tracer's argument words, unchecked but for their
    /// count: integers as they are (the tracer reads the declared width of each), strings
    /// as addresses. For foreign callers that hold the words already (libstapsdt's
    /// `probeFire`).
    ///
    /// # Safety
    ///
    /// Each word of a string argument must be the address of a NUL-terminated string that
    /// stays valid during the call (a tracer reads it then).
    pub unsafe fn fire_words(&self, words: &[u64]) -> Result<(), Error> {
        if self.loaded.is_retired() {
            return Err(Error::Unloaded {
                probe: self.name().to_owned(),
            });
        }
        if words.len() != self.types().len() {
            return Err(Error::WrongArgumentCount {
                probe: self.name().to_owned(),
                expected: self.types().len(),
                given: words.len(),
            });
        }
        if self.site.is_enabled() {
            let mut all: Words = [0; MAX_ARGS];
            all[..words.len()].copy_from_slice(words);
            self.site.fire(&all, words.len());
        }
        Ok(())
    }
}

/// Fire `site` with checked `args` (at most [`MAX_ARGS`]).
#[inline(never)]
fn fire_values(site: &Site, args: &[Value<'_>]) {
    let mut bufs: [StrBuf; MAX_ARGS] = std::array::from_fn(|_| StrBuf::new());
    let mut words: Words = [0; MAX_ARGS];
    for ((word, buf), value) in words.iter_mut().zip(&mut bufs).zip(args) {
        *word = match value {
            Value::Str(s) => buf.copy(s.as_bytes()),
            Value::CStr(s) => s.as_ptr() as usize as u64,
            int => int.int_word(),
        };
    }
    site.fire(&words, args.len());
}

impl std::fmt::Debug for DynProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynProbe")
            .field("provider", &self.provider())
            .field("name", &self.name())
            .field("types", &self.types())
            .finish()
    }
}
