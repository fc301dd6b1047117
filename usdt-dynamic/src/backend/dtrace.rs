//! DTrace platforms: the probes' [`stubs`] in a page of executable memory and their DOF
//! document, submitted to the helper device and removed on unload.

use std::sync::Mutex;

use usdt_impl::register::{add_dof, remove_dof, ARCH, FLAVOR};

use super::stubs::{self, exec::Code};
use crate::provider::Spec;
use crate::Error;

pub(crate) use super::stubs::exec::Site;

/// As many as static probes carry: in the argument registers, the rest on the stack where
/// `fasttrap` reads them ([`super::stubs`]).
pub(crate) const MAX_ARGS: usize = crate::signature::MAX_ARGS;

/// The stubs of a provider and its registration.
pub(crate) struct Image {
    code: Code,
    /// The registration's generation, until removed; the document, kept while registered
    /// (macOS may read it lazily).
    registered: Mutex<Option<(i32, Vec<u8>)>>,
}

impl Image {
    pub(crate) fn load(spec: &Spec) -> Result<Image, Error> {
        let image = Image {
            code: Code::map(&stubs::code(ARCH, spec.probes.len()))?,
            registered: Mutex::new(None),
        };
        if !spec.probes.is_empty() {
            let start = image.code.start();
            let dof = stubs::dof(&spec.provider, &spec.probes, ARCH, FLAVOR, start)?;
            // SAFETY: the document is kept in `registered` until it is removed.
            let generation = unsafe { add_dof(&dof, start, &spec.object_name) }
                .map_err(|e| Error::Dtrace(e.to_string()))?;
            if let Ok(mut r) = image.registered.lock() {
                *r = Some((generation, dof));
            }
        }
        Ok(image)
    }

    pub(crate) fn path(&self) -> Option<&str> {
        None
    }

    pub(crate) fn site(&self, index: usize) -> Site {
        self.code.site(index)
    }

    /// Withdraw the probes from DTrace; the stubs stay while handles hold them, and are
    /// never enabled again.
    pub(crate) fn retire(&self) {
        let _ = self.unregister();
    }

    fn unregister(&self) -> Result<(), Error> {
        let taken = self.registered.lock().ok().and_then(|mut r| r.take());
        match taken {
            Some((generation, _dof)) => {
                remove_dof(generation).map_err(|e| Error::Dtrace(e.to_string()))
            }
            None => Ok(()),
        }
    }

    pub(crate) fn close(self) -> Result<(), Error> {
        self.unregister()
    }
}

impl Drop for Image {
    /// The probes are withdrawn before the stubs are unmapped (the `code` field, dropped
    /// after this).
    fn drop(&mut self) {
        let _ = self.unregister();
    }
}
