//! The backend of targets with neither SystemTap notes nor DTrace: providers "load",
//! nothing is created, probes are never enabled.

use crate::provider::Spec;
use crate::signature::Words;
use crate::Error;

/// As many as static probes carry.
pub(crate) const MAX_ARGS: usize = crate::signature::MAX_ARGS;

/// Nothing loaded.
pub(crate) struct Image;

/// A probe that is never enabled.
#[derive(Clone, Copy)]
pub struct Site;

impl Image {
    pub(crate) fn load(_: &Spec) -> Result<Image, Error> {
        Ok(Image)
    }

    pub(crate) fn path(&self) -> Option<&str> {
        None
    }

    pub(crate) fn site(&self, _: usize) -> Site {
        Site
    }

    pub(crate) fn retire(&self) {}

    pub(crate) fn close(self) -> Result<(), Error> {
        Ok(())
    }
}

impl Site {
    #[inline(always)]
    pub(crate) fn is_enabled(&self) -> bool {
        false
    }

    #[inline(always)]
    pub(crate) fn fire(&self, _: &Words, _: usize) {}
}
