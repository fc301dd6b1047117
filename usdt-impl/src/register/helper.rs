//! The platform half of registration: the record section's bounds, `dladdr`, and the
//! helper device.

use super::{build_dof, Arch, Flavor, Layout, RegisterError, Symbol};
use crate::record::parse_records;
use std::ffi::{c_char, c_void, CStr};

/// The instruction set of this target's sites.
#[cfg(target_arch = "x86_64")]
pub const ARCH: Arch = Arch::X86_64;
/// The instruction set of this target's sites.
#[cfg(target_arch = "aarch64")]
pub const ARCH: Arch = Arch::Aarch64;

/// This target's kernel convention for DOF offsets.
#[cfg(target_os = "macos")]
pub const FLAVOR: Flavor = Flavor::Apple;
/// This target's kernel convention for DOF offsets.
#[cfg(not(target_os = "macos"))]
pub const FLAVOR: Flavor = Flavor::Solaris;

/// `DTRACE_MODNAMELEN`.
const MODNAMELEN: usize = 64;

/// Read, build and submit. Runs once per process.
pub(super) fn register() -> Result<(), RegisterError> {
    let sites = parse_records(record_section())?;
    let Some(first) = sites.first() else {
        return Ok(());
    };
    let image = image_of(first.address);
    let layout = Layout {
        arch: ARCH,
        flavor: FLAVOR,
        helper_base: image.as_ref().map_or(0, |i| i.base),
    };
    let dof = build_dof(&sites, &layout, &resolve)?;
    // Kept for the life of the process (macOS may copy it in lazily).
    let dof: &'static [u8] = Box::leak(dof.into_boxed_slice());
    let name = image.map(|i| i.name).unwrap_or_default();
    submit(dof, layout.helper_base, &name)
}

/// The directive opening the record section; the same flags as the probe sites use.
#[cfg(not(target_os = "macos"))]
macro_rules! record_section {
    () => {
        ".pushsection set_dtrace_probes,\"awR\",%progbits"
    };
}
#[cfg(target_os = "macos")]
macro_rules! record_section {
    () => {
        ".pushsection __DATA,__dtrace_probes,regular,no_dead_strip"
    };
}

/// The records of every site linked into this binary.
fn record_section() -> &'static [u8] {
    // An empty padding word, so the section (and its bounds) exist in a binary without
    // probes. It sits in this function so that it is linked whenever the bounds are read.
    // SAFETY: emits data into the record section only.
    unsafe {
        std::arch::asm!(
            record_section!(),
            ".balign 8",
            ".quad 0",
            ".popsection",
            options(nomem, nostack, preserves_flags)
        );
    }
    // SAFETY: the linker defines both symbols around the record section, which is
    // initialised, read-only after relocation, and lives as long as the program.
    unsafe {
        let start = std::ptr::addr_of!(SECTION_START);
        let stop = std::ptr::addr_of!(SECTION_STOP);
        let len = (stop as usize).saturating_sub(start as usize);
        std::slice::from_raw_parts(start, len)
    }
}

#[cfg(not(target_os = "macos"))]
extern "C" {
    #[link_name = "__start_set_dtrace_probes"]
    static SECTION_START: u8;
    #[link_name = "__stop_set_dtrace_probes"]
    static SECTION_STOP: u8;
}

#[cfg(target_os = "macos")]
extern "C" {
    // `\x01`: the name as written, without the leading underscore of C symbols.
    #[link_name = "\x01section$start$__DATA$__dtrace_probes"]
    static SECTION_START: u8;
    #[link_name = "\x01section$end$__DATA$__dtrace_probes"]
    static SECTION_STOP: u8;
}

/// The loaded object holding an address.
struct Image {
    /// Its file name without directories (`dofhp_mod`).
    name: String,
    /// Its load address (`dofhp_addr`).
    base: u64,
}

fn dladdr(address: u64) -> Option<libc::Dl_info> {
    // SAFETY: `dladdr` only reads its arguments and fills `info`.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        (libc::dladdr(address as usize as *const c_void, &mut info) != 0).then_some(info)
    }
}

fn c_string(p: *const c_char) -> Option<String> {
    // SAFETY: `dladdr` returns NUL-terminated strings that live as long as the object.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

fn image_of(address: u64) -> Option<Image> {
    let info = dladdr(address)?;
    let path = c_string(info.dli_fname).unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default().to_owned();
    Some(Image {
        name,
        base: info.dli_fbase as usize as u64,
    })
}

fn resolve(address: u64) -> Option<Symbol> {
    let info = dladdr(address)?;
    Some(Symbol {
        name: c_string(info.dli_sname)?,
        address: info.dli_saddr as usize as u64,
    })
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `dofhp_mod`: the module name, NUL-terminated, cut to fit.
fn module_name(name: &str) -> [c_char; MODNAMELEN] {
    let mut out = [0 as c_char; MODNAMELEN];
    for (o, b) in out.iter_mut().zip(name.bytes().take(MODNAMELEN - 1)) {
        *o = b as c_char;
    }
    out
}

#[cfg(not(target_os = "macos"))]
const DEVICE: &str = "/dev/dtrace/helper";
#[cfg(target_os = "macos")]
const DEVICE: &str = "/dev/dtracehelper";

/// `dof_helper_t`; FreeBSD's adds the target process and a generation.
#[repr(C)]
struct DofHelper {
    dofhp_mod: [c_char; MODNAMELEN],
    dofhp_addr: u64,
    dofhp_dof: u64,
    #[cfg(target_os = "freebsd")]
    dofhp_pid: libc::pid_t,
    #[cfg(target_os = "freebsd")]
    dofhp_gen: libc::c_int,
}

/// `DTRACEHIOC_ADDDOF`: illumos `(('d' << 24) | ('t' << 16) | ('h' << 8) | 3)`.
#[cfg(any(target_os = "illumos", target_os = "solaris"))]
const ADDDOF: u64 = 0x6474_6803;
/// `DTRACEHIOC_ADDDOF`: FreeBSD `_IOWR('z', 3, dof_helper_t)` (88 bytes).
#[cfg(target_os = "freebsd")]
const ADDDOF: u64 = 0xc058_7a03;
/// `DTRACEHIOC_ADDDOF`: macOS `_IOW('h', 4, user_addr_t)`.
#[cfg(target_os = "macos")]
const ADDDOF: u64 = 0x8008_6804;

#[cfg(target_os = "freebsd")]
const _: () = assert!(std::mem::size_of::<DofHelper>() == 88);
#[cfg(not(target_os = "freebsd"))]
const _: () = assert!(std::mem::size_of::<DofHelper>() == 80);

/// macOS's `dof_ioctl_data_t` with one helper: the ioctl takes a pointer to its address.
#[cfg(target_os = "macos")]
#[repr(C)]
struct DofIoctlData {
    dofiod_count: u64,
    dofiod_helpers: [DofHelper; 1],
}

/// The helper device, opened read-write.
fn open_device() -> Result<libc::c_int, RegisterError> {
    #[cfg(not(target_os = "macos"))]
    let path = c"/dev/dtrace/helper";
    #[cfg(target_os = "macos")]
    let path = c"/dev/dtracehelper";
    // SAFETY: a NUL-terminated path.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDWR) };
    if fd < 0 {
        return Err(RegisterError::Device {
            path: DEVICE,
            errno: errno(),
        });
    }
    Ok(fd)
}

fn submit(dof: &'static [u8], base: u64, module: &str) -> Result<(), RegisterError> {
    // SAFETY: the document lives as long as the process.
    unsafe { add_dof(dof, base, module) }.map(drop)
}

/// Submit a DOF document to the helper device (`DTRACEHIOC_ADDDOF`) as the helper of the
/// object named `module` loaded at `base`; returns the registration's generation, which
/// [`remove_dof`] takes.
///
/// # Safety
///
/// `dof` must stay alive and unchanged until the registration is removed (or the process
/// ends): macOS may read it from the process lazily.
pub unsafe fn add_dof(dof: &[u8], base: u64, module: &str) -> Result<i32, RegisterError> {
    let fd = open_device()?;
    let mut helper = DofHelper {
        dofhp_mod: module_name(module),
        dofhp_addr: base,
        dofhp_dof: dof.as_ptr() as usize as u64,
        #[cfg(target_os = "freebsd")]
        // SAFETY: no preconditions.
        dofhp_pid: unsafe { libc::getpid() },
        #[cfg(target_os = "freebsd")]
        dofhp_gen: 0,
    };
    #[cfg(not(target_os = "macos"))]
    // SAFETY: the request takes a `dof_helper_t *`, which outlives the call.
    let rc = unsafe { libc::ioctl(fd, ADDDOF as _, &mut helper as *mut DofHelper) };
    #[cfg(target_os = "macos")]
    let rc = {
        let mut data = DofIoctlData {
            dofiod_count: 1,
            dofiod_helpers: [helper],
        };
        let address: u64 = &mut data as *mut DofIoctlData as usize as u64;
        // SAFETY: the request takes a pointer to the address of a `dof_ioctl_data_t`; both
        // outlive the call.
        let rc = unsafe { libc::ioctl(fd, ADDDOF as _, &address as *const u64) };
        [helper] = data.dofiod_helpers;
        rc
    };
    // The ioctl's result is -1 on failure; else illumos returns the generation, FreeBSD
    // writes it to `dofhp_gen` and xnu over `dofhp_dof`.
    let result = if rc == -1 {
        Err(RegisterError::Ioctl { errno: errno() })
    } else {
        #[cfg(target_os = "freebsd")]
        let generation = helper.dofhp_gen;
        #[cfg(target_os = "macos")]
        let generation = helper.dofhp_dof as i32;
        #[cfg(not(any(target_os = "freebsd", target_os = "macos")))]
        let generation = rc;
        Ok(generation)
    };
    // SAFETY: `fd` is ours; the registration outlives it, as with `drti.o`.
    unsafe { libc::close(fd) };
    result
}

/// `DTRACEHIOC_REMOVE`: illumos and macOS `(('d' << 24) | ('t' << 16) | ('h' << 8) | 2)`,
/// taking the generation by value; FreeBSD `_IOW('z', 2, int)`, taking its address.
#[cfg(not(target_os = "freebsd"))]
const REMOVE: u64 = 0x6474_6802;
#[cfg(target_os = "freebsd")]
const REMOVE: u64 = 0x8004_7a02;

/// Withdraw the DOF document registered as `generation` by [`add_dof`]; its probes
/// disappear from DTrace.
pub fn remove_dof(generation: i32) -> Result<(), RegisterError> {
    let fd = open_device()?;
    #[cfg(not(target_os = "freebsd"))]
    // SAFETY: the request takes the generation as its argument.
    let rc = unsafe { libc::ioctl(fd, REMOVE as _, generation as libc::c_long) };
    #[cfg(target_os = "freebsd")]
    // SAFETY: the request reads an `int` from the address, which outlives the call.
    let rc = unsafe { libc::ioctl(fd, REMOVE as _, &generation as *const i32) };
    let result = if rc == -1 {
        Err(RegisterError::Ioctl { errno: errno() })
    } else {
        Ok(())
    };
    // SAFETY: `fd` is ours.
    unsafe { libc::close(fd) };
    result
}
