//! DTrace platforms: the probes' stubs ([`super::stubs`]) in a page of executable memory
//! and their DOF document, submitted to the helper device and removed on unload.

use std::ffi::c_void;
use std::sync::Mutex;

use usdt_impl::register::{add_dof, remove_dof, ARCH, FLAVOR};

use super::stubs::{self, PROBE_STUB, SLOT};
use crate::args::Words;
use crate::provider::Spec;
use crate::Error;

/// The argument registers: DTrace reads a USDT probe's arguments there.
pub(crate) const MAX_ARGS: usize = stubs::max_args(ARCH);

type IsEnabled = unsafe extern "C" fn() -> usize;
#[cfg(target_arch = "x86_64")]
type Stub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64);
#[cfg(target_arch = "aarch64")]
type Stub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64);

/// The stubs of a provider and its registration.
pub(crate) struct Image {
    code: *mut c_void,
    len: usize,
    /// The registration's generation, until removed; the document, kept while registered
    /// (macOS may read it lazily).
    registered: Mutex<Option<(i32, Vec<u8>)>>,
}

// SAFETY: the code pointer is only unmapped, once, on drop.
unsafe impl Send for Image {}
// SAFETY: shared use only reads the pointer; the registration is behind a mutex.
unsafe impl Sync for Image {}

/// One probe's stubs.
#[derive(Clone, Copy)]
pub struct Site {
    is_enabled: IsEnabled,
    probe: Stub,
}

// SAFETY: both point into stubs that the handle holding the site keeps mapped.
unsafe impl Send for Site {}
// SAFETY: as for `Send`.
unsafe impl Sync for Site {}

impl Site {
    #[inline(always)]
    pub(crate) fn is_enabled(&self) -> bool {
        // SAFETY: the is-enabled stub clears the return register and returns, unless DTrace
        // sets it; its memory lives as long as the caller's handle.
        unsafe { (self.is_enabled)() != 0 }
    }

    #[inline(always)]
    pub(crate) fn fire(&self, w: &Words, _count: usize) {
        // SAFETY: the probe stub is NOPs and `ret`, alive as long as the caller's handle.
        unsafe {
            #[cfg(target_arch = "x86_64")]
            (self.probe)(w[0], w[1], w[2], w[3], w[4], w[5]);
            #[cfg(target_arch = "aarch64")]
            (self.probe)(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
        }
    }
}

fn page_size() -> usize {
    // SAFETY: no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).unwrap_or(4096).max(4096)
}

/// Make the instruction cache see the code just written at `start..start + len`.
#[cfg(target_arch = "aarch64")]
fn sync_icache(start: *mut c_void, len: usize) {
    #[cfg(target_os = "macos")]
    {
        extern "C" {
            fn sys_icache_invalidate(start: *mut c_void, len: usize);
        }
        // SAFETY: the range is mapped.
        unsafe { sys_icache_invalidate(start, len) };
    }
    #[cfg(not(target_os = "macos"))]
    {
        // Clean each data cache line to the point of unification, then invalidate the
        // instruction cache lines, as `__clear_cache` does; 4 bytes is below any line size.
        let (from, to) = (start as usize, start as usize + len);
        // SAFETY: cache maintenance on mapped addresses of ours; no memory is changed.
        unsafe {
            for line in (from..to).step_by(4) {
                std::arch::asm!("dc cvau, {}", in(reg) line, options(nostack));
            }
            std::arch::asm!("dsb ish", options(nostack));
            for line in (from..to).step_by(4) {
                std::arch::asm!("ic ivau, {}", in(reg) line, options(nostack));
            }
            std::arch::asm!("dsb ish", "isb", options(nostack));
        }
    }
}

impl Image {
    pub(crate) fn load(spec: &Spec) -> Result<Image, Error> {
        let code = stubs::code(ARCH, spec.probes.len());
        let len = code.len().div_ceil(page_size()).max(1) * page_size();
        // SAFETY: a fresh private anonymous mapping.
        let memory = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON,
                -1,
                0,
            )
        };
        if memory == libc::MAP_FAILED {
            return Err(Error::last_os("mmap"));
        }
        let image = Image {
            code: memory,
            len,
            registered: Mutex::new(None),
        };
        // SAFETY: the mapping is `len >= code.len()` bytes, writable, and ours alone.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), memory.cast::<u8>(), code.len()) };
        #[cfg(target_arch = "aarch64")]
        sync_icache(memory, code.len());
        // SAFETY: our mapping; written, now executed and never written again.
        if unsafe { libc::mprotect(memory, len, libc::PROT_READ | libc::PROT_EXEC) } != 0 {
            return Err(Error::last_os("mprotect"));
        }
        if !spec.probes.is_empty() {
            let start = memory as usize as u64;
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
        let slot = self.code as usize + index * SLOT;
        // SAFETY: addresses of the slot's stubs, which have these signatures.
        unsafe {
            Site {
                is_enabled: std::mem::transmute::<usize, IsEnabled>(slot),
                probe: std::mem::transmute::<usize, Stub>(slot + PROBE_STUB),
            }
        }
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
    fn drop(&mut self) {
        let _ = self.unregister();
        // SAFETY: our mapping; no handle can call into it any more.
        unsafe { libc::munmap(self.code, self.len) };
    }
}
