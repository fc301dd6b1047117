//! Linux: the provider's ELF object ([`super::elf`]), written to a `memfd` or a file and
//! loaded with `dlopen`.
//!
//! The object is opened through `/proc/PID/fd/N` (a `memfd`) or its file's path; that is
//! the name the dynamic loader gives it, which gdb and perf read from the process. The
//! `memfd` stays open while the object is loaded, so that path stays valid for them.

use std::ffi::{c_void, CStr, CString};
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};

use super::elf::{self, Layout};
use crate::provider::{Backing, Spec};
use crate::signature::Words;
use crate::Error;

/// As many as static probes carry: 6 in registers, the rest on the stack (x86_64).
pub(crate) const MAX_ARGS: usize = crate::signature::MAX_ARGS;

/// A probe's stub: called with all 12 argument words.
type Stub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64);
/// The same stub, called with the argument registers only.
#[cfg(target_arch = "x86_64")]
type RegisterStub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64);
#[cfg(target_arch = "aarch64")]
type RegisterStub = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64);
/// How many arguments the calling convention passes in registers.
const REGISTER_ARGS: usize = if cfg!(target_arch = "x86_64") { 6 } else { 8 };

/// A loaded provider object.
pub(crate) struct Image {
    /// `dlopen`'s handle; null once closed.
    handle: *mut c_void,
    /// The `memfd` holding the object, open while it is loaded.
    _memfd: Option<OwnedFd>,
    /// The file holding the object, removed when it is closed.
    file: Option<PathBuf>,
    /// The path it was loaded from.
    path: String,
    /// Where the object was loaded.
    base: usize,
    layout: Layout,
}

// SAFETY: the handle is used only by `dlclose`, once; the rest is plain data.
unsafe impl Send for Image {}
// SAFETY: `&Image` only reads plain data.
unsafe impl Sync for Image {}

/// One probe of a loaded object: its semaphore and its stub.
#[derive(Clone, Copy)]
pub struct Site {
    semaphore: *const AtomicU16,
    stub: Stub,
}

// SAFETY: both pointers point into an object that the handle holding the site keeps
// loaded; the semaphore is only read, atomically.
unsafe impl Send for Site {}
// SAFETY: as for `Send`.
unsafe impl Sync for Site {}

impl Site {
    /// `cmpw $0, (SEMAPHORE); jne` on x86_64, as a static site's gate but through the
    /// handle's pointer (an `asm goto`: an atomic load would not fold into the compare).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub(crate) fn is_enabled(&self) -> bool {
        // SAFETY: reads the semaphore, which lives as long as the image the caller's handle
        // keeps; the kernel changes it only by whole aligned `u16`s.
        unsafe {
            std::arch::asm!(
                "cmpw $0, ({s})",
                "jne {on}",
                s = in(reg) self.semaphore,
                on = label { return true; },
                options(att_syntax, readonly, nostack)
            );
        }
        false
    }

    /// `ldrh` and `cbnz` on aarch64, as a static site's gate.
    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) fn is_enabled(&self) -> bool {
        // SAFETY: the semaphore lives as long as the image, which the caller's handle keeps.
        unsafe { (*self.semaphore).load(Ordering::Relaxed) != 0 }
    }

    /// Call the stub with the first `count` words, all of them where the calling convention
    /// passes them: registers only for up to 6 (x86_64) or 8 (aarch64), so a short call
    /// pushes nothing.
    #[inline(always)]
    pub(crate) fn fire(&self, w: &Words, count: usize) {
        // SAFETY: the stub is `nop; ret` in an object the caller's handle keeps loaded; it
        // reads no argument, so any count of words may be passed.
        unsafe {
            if count <= REGISTER_ARGS {
                let stub: RegisterStub = std::mem::transmute::<Stub, RegisterStub>(self.stub);
                #[cfg(target_arch = "x86_64")]
                stub(w[0], w[1], w[2], w[3], w[4], w[5]);
                #[cfg(target_arch = "aarch64")]
                stub(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
            } else {
                (self.stub)(
                    w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11],
                );
            }
        }
    }
}

fn page_size() -> usize {
    // SAFETY: no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).unwrap_or(4096).max(4096)
}

/// `dlerror()`'s message.
fn dlerror() -> String {
    // SAFETY: `dlerror` returns null or a NUL-terminated string valid until the next call
    // on this thread.
    unsafe {
        let e = libc::dlerror();
        if e.is_null() {
            "unknown error".to_owned()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

/// Write `bytes` into a new sealed `memfd` named `name`; returns it and the path to load.
fn memfd(name: &str, bytes: &[u8]) -> Result<(OwnedFd, String), Error> {
    let cname = CString::new(name).map_err(|e| Error::Build(e.to_string()))?;
    // SAFETY: a NUL-terminated name.
    let fd =
        unsafe { libc::memfd_create(cname.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING) };
    if fd < 0 {
        return Err(Error::last_os("memfd_create"));
    }
    // SAFETY: `fd` was just opened and is owned by nothing else.
    let mut file = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    file.write_all(bytes).map_err(|source| Error::System {
        call: "write",
        source,
    })?;
    // Nothing can change the object from now on (the loader maps it privately).
    let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_SEAL;
    // SAFETY: `fd` is open.
    if unsafe { libc::fcntl(fd, libc::F_ADD_SEALS, seals) } < 0 {
        return Err(Error::last_os("fcntl(F_ADD_SEALS)"));
    }
    // SAFETY: no preconditions.
    let pid = unsafe { libc::getpid() };
    let path = format!("/proc/{pid}/fd/{}", file.as_raw_fd());
    Ok((file.into(), path))
}

/// Write `bytes` into a new file in `dir`; returns its path.
fn file_in(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    // SAFETY: no preconditions.
    let pid = unsafe { libc::getpid() };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{name}-{pid}-{n}.so"));
    let io = |source| Error::System {
        call: "creating the object file",
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io)?;
    if let Err(e) = file.write_all(bytes) {
        let _ = std::fs::remove_file(&path);
        return Err(io(e));
    }
    Ok(path)
}

impl Image {
    pub(crate) fn load(spec: &Spec) -> Result<Image, Error> {
        static LOADS: AtomicUsize = AtomicUsize::new(0);
        // SAFETY: no preconditions.
        let pid = unsafe { libc::getpid() } as u64;
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let nonce = (pid << 32) ^ time ^ LOADS.fetch_add(1, Ordering::Relaxed) as u64;
        let (bytes, layout) = elf::build(
            &spec.object_name,
            &spec.provider,
            &spec.probes,
            &elf::HOST,
            page_size(),
            nonce,
        )?;
        let (memfd, file, path) = match &spec.backing {
            Backing::Memfd => {
                let (fd, path) = memfd(&spec.object_name, &bytes)?;
                (Some(fd), None, path)
            }
            Backing::FileIn(dir) => {
                let path = file_in(dir, &spec.object_name, &bytes)?;
                (None, Some(path.clone()), path.display().to_string())
            }
            Backing::Auto => match memfd(&spec.object_name, &bytes) {
                Ok((fd, path)) => (Some(fd), None, path),
                Err(_) => {
                    let path = file_in(&std::env::temp_dir(), &spec.object_name, &bytes)?;
                    (None, Some(path.clone()), path.display().to_string())
                }
            },
        };
        let mut image = Image {
            handle: std::ptr::null_mut(),
            _memfd: memfd,
            file,
            path: path.clone(),
            base: 0,
            layout,
        };
        let cpath = CString::new(path.clone()).map_err(|e| Error::Build(e.to_string()))?;
        // SAFETY: a NUL-terminated path; the object has no initializers.
        image.handle = unsafe { libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if image.handle.is_null() {
            return Err(Error::Loader {
                path,
                message: dlerror(),
            });
        }
        let symbol =
            CString::new(elf::SEMAPHORES_SYMBOL).map_err(|e| Error::Build(e.to_string()))?;
        // SAFETY: a live handle and a NUL-terminated name.
        let semaphores = unsafe { libc::dlsym(image.handle, symbol.as_ptr()) };
        if semaphores.is_null() {
            return Err(Error::Loader {
                path,
                message: dlerror(),
            });
        }
        image.base = (semaphores as usize).wrapping_sub(image.layout.semaphore_pages.0 as usize);
        Ok(image)
    }

    /// The path the object was loaded from: `/proc/PID/fd/N` for a `memfd`.
    pub(crate) fn path(&self) -> Option<&str> {
        Some(&self.path)
    }

    pub(crate) fn site(&self, index: usize) -> Site {
        let at = |offset: u64| self.base.wrapping_add(offset as usize);
        let stub = at(self.layout.stubs[index]);
        Site {
            semaphore: at(self.layout.semaphores[index]) as *const AtomicU16,
            // SAFETY: the address of a stub of the loaded object, which has that signature.
            stub: unsafe { std::mem::transmute::<usize, Stub>(stub) },
        }
    }

    /// Disable the probes for good while handles keep the object: the semaphore pages are
    /// replaced with anonymous zero pages, which no tracer can enable (the kernel sets a
    /// semaphore only in a mapping of the object's file).
    pub(crate) fn retire(&self) {
        let (start, len) = self.layout.semaphore_pages;
        // SAFETY: the range is the object's own semaphore pages, which nothing but atomic
        // reads of the semaphores uses; a reader sees the old page or the new one.
        unsafe {
            libc::mmap(
                self.base.wrapping_add(start as usize) as *mut c_void,
                len as usize,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            );
        }
    }

    /// Unload the object, saying why when the loader fails to.
    pub(crate) fn close(mut self) -> Result<(), Error> {
        self.dlclose()
    }

    fn dlclose(&mut self) -> Result<(), Error> {
        let handle = std::mem::replace(&mut self.handle, std::ptr::null_mut());
        if handle.is_null() {
            return Ok(());
        }
        // SAFETY: a live handle, closed once; no site of it is used after this (every
        // handle holding one is gone).
        if unsafe { libc::dlclose(handle) } != 0 {
            return Err(Error::Loader {
                path: self.path.clone(),
                message: dlerror(),
            });
        }
        Ok(())
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        let _ = self.dlclose();
        if let Some(file) = self.file.take() {
            let _ = std::fs::remove_file(file);
        }
    }
}
