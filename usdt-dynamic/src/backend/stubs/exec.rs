//! The stubs in executable memory, and the calls into them that test and fire a probe: the
//! DTrace backend's, and the unit tests' on Linux, which trap where `fasttrap` would.

use std::ffi::c_void;

use super::{PROBE_STUB, SLOT};
use crate::signature::Words;
use crate::Error;

type IsEnabled = unsafe extern "C" fn() -> usize;
/// A probe stub, called with all 12 argument words.
type Stub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64);
/// The same stub, called with the argument registers only.
#[cfg(target_arch = "x86_64")]
type RegisterStub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64);
#[cfg(target_arch = "aarch64")]
type RegisterStub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64);

/// The architecture this is built for.
#[cfg(target_arch = "x86_64")]
pub(crate) const HOST: usdt_impl::register::Arch = usdt_impl::register::Arch::X86_64;
/// The architecture this is built for.
#[cfg(target_arch = "aarch64")]
pub(crate) const HOST: usdt_impl::register::Arch = usdt_impl::register::Arch::Aarch64;

/// How many words [`RegisterStub`] passes.
const REGISTER_ARGS: usize = super::register_args(HOST);

/// Stubs in pages of their own, readable and executable, never written again; unmapped
/// on drop.
pub(crate) struct Code {
    start: *mut c_void,
    len: usize,
}

// SAFETY: the pointer is only unmapped, once, on drop.
unsafe impl Send for Code {}
// SAFETY: shared use only reads the pointer.
unsafe impl Sync for Code {}

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

impl Code {
    /// `code` (whole slots, from [`super::code`]) mapped executable.
    pub(crate) fn map(code: &[u8]) -> Result<Code, Error> {
        let len = code.len().div_ceil(page_size()).max(1) * page_size();
        // SAFETY: a fresh private anonymous mapping.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON,
                -1,
                0,
            )
        };
        if start == libc::MAP_FAILED {
            return Err(Error::last_os("mmap"));
        }
        let mapped = Code { start, len };
        // SAFETY: the mapping is `len >= code.len()` bytes, writable, and ours alone.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), start.cast::<u8>(), code.len()) };
        #[cfg(target_arch = "aarch64")]
        sync_icache(start, code.len());
        // SAFETY: our mapping; written, now executed and never written again.
        if unsafe { libc::mprotect(start, len, libc::PROT_READ | libc::PROT_EXEC) } != 0 {
            return Err(Error::last_os("mprotect"));
        }
        Ok(mapped)
    }

    /// The address of the first slot.
    pub(crate) fn start(&self) -> u64 {
        self.start as usize as u64
    }

    /// The stubs of slot `index`, which the caller knows is one of the code's.
    pub(crate) fn site(&self, index: usize) -> Site {
        let slot = self.start as usize + index * SLOT;
        // SAFETY: addresses of the slot's stubs, which have these signatures.
        unsafe {
            Site {
                is_enabled: std::mem::transmute::<usize, IsEnabled>(slot),
                probe: std::mem::transmute::<usize, Stub>(slot + PROBE_STUB),
            }
        }
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        // SAFETY: our mapping; no handle can call into it any more.
        unsafe { libc::munmap(self.start, self.len) };
    }
}

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

    /// Call the probe stub with the first `count` words where the calling convention
    /// passes them: registers only for up to 6 (x86_64) or 8 (aarch64), so a short call
    /// stores nothing on the stack; all 12 otherwise.
    #[inline(always)]
    pub(crate) fn fire(&self, w: &Words, count: usize) {
        // SAFETY: the probe stub reads no argument and leaves every register the calling
        // convention preserves as it was, so any count of words may be passed; its memory
        // lives as long as the caller's handle.
        unsafe {
            if count <= REGISTER_ARGS {
                let stub = std::mem::transmute::<Stub, RegisterStub>(self.probe);
                #[cfg(target_arch = "x86_64")]
                stub(w[0], w[1], w[2], w[3], w[4], w[5]);
                #[cfg(target_arch = "aarch64")]
                stub(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
            } else {
                (self.probe)(
                    w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11],
                );
            }
        }
    }
}
