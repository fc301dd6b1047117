//! The platform half of registration: the record section's bounds, the object's file and
//! symbols, and the helper device.

use super::{build_dof, Arch, Flavor, Layout, RegisterError, Symbol};
use crate::record::parse_records;
use crate::symbols::ImageFunctions;
use std::ffi::{c_char, c_void, CStr};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

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

/// The first registration's result, which every later call returns.
static RESULT: OnceLock<Result<(), RegisterError>> = OnceLock::new();

/// What the kernel holds while the probes are registered: the generation that removes
/// them, and the DOF document it may still read.
struct Live {
    generation: i32,
    _dof: Box<[u8]>,
}

static LIVE: Mutex<Option<Live>> = Mutex::new(None);

/// Registers this object's probes, once.
pub(super) fn register() -> Result<(), RegisterError> {
    RESULT.get_or_init(register_object).clone()
}

/// Removes this object's probes from DTrace, if they were registered.
pub(super) fn unregister() {
    let live = LIVE.lock().map(|mut l| l.take()).unwrap_or_default();
    if let Some(live) = live {
        // A failure leaves nothing to do: the kernel drops the probes when the process
        // exits.
        if let Ok(device) = Device::open() {
            remove(&device, live.generation);
        }
    }
}

/// Read, build and submit.
fn register_object() -> Result<(), RegisterError> {
    let sites = parse_records(record_section())?;
    let Some(first) = sites.first() else {
        return Ok(());
    };
    // Before anything else: without DTrace there is nothing to build.
    let device = Device::open()?;
    let image = image_of(first.address);
    let layout = Layout {
        arch: ARCH,
        flavor: FLAVOR,
        helper_base: image.as_ref().map_or(0, |i| i.base),
    };
    let addresses: Vec<u64> = sites.iter().map(|s| s.address).collect();
    let functions = image
        .as_ref()
        .and_then(|i| ImageFunctions::read(&i.path, i.base, &addresses));
    let resolve = |address: u64| match &functions {
        Some(functions) => functions.function_at(address).map(|(start, name)| Symbol {
            name: name.to_owned(),
            address: start,
        }),
        None => dladdr_symbol(address),
    };
    let dof = build_dof(&sites, &layout, &resolve)?.into_boxed_slice();
    let name = image.map(|i| i.name).unwrap_or_default();
    let generation = submit(&device, &dof, layout.helper_base, &name)?;
    if let Ok(mut live) = LIVE.lock() {
        *live = Some(Live {
            generation,
            _dof: dof,
        });
    } else {
        // Never freed: the kernel may still read it.
        Box::leak(dof);
    }
    Ok(())
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

/// ELF: the section's bounds are this object's own, even in a shared library of a program
/// whose executable has records too (a hidden reference never binds elsewhere).
#[cfg(not(target_os = "macos"))]
macro_rules! own_bounds {
    () => {
        ".hidden __start_set_dtrace_probes\n.hidden __stop_set_dtrace_probes"
    };
}
#[cfg(target_os = "macos")]
macro_rules! own_bounds {
    () => {
        ""
    };
}

/// The records of every site linked into this object.
fn record_section() -> &'static [u8] {
    // An empty padding word, so the section (and its bounds) exist in an object without
    // probes. It sits in this function so that it is linked whenever the bounds are read.
    // SAFETY: emits data into the record section only.
    unsafe {
        std::arch::asm!(
            record_section!(),
            ".balign 8",
            ".quad 0",
            ".popsection",
            own_bounds!(),
            options(nomem, nostack, preserves_flags)
        );
    }
    // SAFETY: the linker defines both symbols around the record section, which is
    // initialised, read-only after relocation, and lives as long as the object.
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
    /// Its file.
    path: PathBuf,
    /// Its load address, where its header is (`dofhp_addr`).
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
        path: PathBuf::from(path),
        base: info.dli_fbase as usize as u64,
    })
}

/// The function `dladdr` finds for an address: what the dynamic symbol table knows, used
/// when the object's file cannot be read.
fn dladdr_symbol(address: u64) -> Option<Symbol> {
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

/// The helper device, open.
struct Device(libc::c_int);

#[cfg(not(target_os = "macos"))]
const DEVICE: &CStr = c"/dev/dtrace/helper";
#[cfg(target_os = "macos")]
const DEVICE: &CStr = c"/dev/dtracehelper";

impl Device {
    fn open() -> Result<Device, RegisterError> {
        // SAFETY: a NUL-terminated path.
        let fd = unsafe { libc::open(DEVICE.as_ptr(), libc::O_RDWR) };
        if fd < 0 {
            return Err(RegisterError::Device {
                path: DEVICE.to_str().unwrap_or_default(),
                errno: errno(),
            });
        }
        Ok(Device(fd))
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: the descriptor is ours; a registration outlives it, as with `drti.o`.
        unsafe { libc::close(self.0) };
    }
}

/// `dof_helper_t`; FreeBSD's adds the target process and the generation it returns.
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
/// `DTRACEHIOC_REMOVE`: illumos `DTRACEHIOC | 2`, the generation passed by value.
#[cfg(any(target_os = "illumos", target_os = "solaris"))]
const REMOVE: u64 = 0x6474_6802;
/// `DTRACEHIOC_ADDDOF`: FreeBSD `_IOWR('z', 3, dof_helper_t)` (88 bytes).
#[cfg(target_os = "freebsd")]
const ADDDOF: u64 = 0xc058_7a03;
/// `DTRACEHIOC_REMOVE`: FreeBSD `_IOW('z', 2, int)`, a pointer to the generation.
#[cfg(target_os = "freebsd")]
const REMOVE: u64 = 0x8004_7a02;
/// `DTRACEHIOC_ADDDOF`: macOS `_IOW('h', 4, user_addr_t)`.
#[cfg(target_os = "macos")]
const ADDDOF: u64 = 0x8008_6804;
/// `DTRACEHIOC_REMOVE`: macOS `_IO('h', 2)`, the generation passed by value.
#[cfg(target_os = "macos")]
const REMOVE: u64 = 0x2000_6802;

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

/// Submit a DOF document to the helper device (`DTRACEHIOC_ADDDOF`) as the helper of the
/// object named `module` loaded at `base`; returns the registration's generation, which
/// [`remove_dof`] takes. For documents built at run time; a binary's own records register
/// through [`register`](super::register).
///
/// # Safety
///
/// `dof` must stay alive and unchanged until the registration is removed (or the process
/// ends): macOS may read it from the process lazily.
pub unsafe fn add_dof(dof: &[u8], base: u64, module: &str) -> Result<i32, RegisterError> {
    submit(&Device::open()?, dof, base, module)
}

/// Withdraw the DOF document registered as `generation` by [`add_dof`]; its probes
/// disappear from DTrace.
pub fn remove_dof(generation: i32) -> Result<(), RegisterError> {
    let device = Device::open()?;
    if remove(&device, generation) == -1 {
        Err(RegisterError::Ioctl { errno: errno() })
    } else {
        Ok(())
    }
}

/// `DTRACEHIOC_ADDDOF`; returns the generation that removes the probes again.
fn submit(device: &Device, dof: &[u8], base: u64, module: &str) -> Result<i32, RegisterError> {
    #[cfg_attr(target_os = "macos", allow(unused_mut))]
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
    // illumos returns the generation; FreeBSD writes it into the helper, macOS over the
    // helper's DOF address.
    #[cfg(any(target_os = "illumos", target_os = "solaris"))]
    // SAFETY: the request takes a `dof_helper_t *`, which outlives the call.
    let (rc, generation) = {
        let rc = unsafe { libc::ioctl(device.0, ADDDOF as _, &mut helper as *mut DofHelper) };
        (rc, rc)
    };
    #[cfg(target_os = "freebsd")]
    // SAFETY: the request takes a `dof_helper_t *`, which outlives the call.
    let (rc, generation) = {
        let rc = unsafe { libc::ioctl(device.0, ADDDOF as _, &mut helper as *mut DofHelper) };
        (rc, helper.dofhp_gen)
    };
    #[cfg(target_os = "macos")]
    let (rc, generation) = {
        let mut data = DofIoctlData {
            dofiod_count: 1,
            dofiod_helpers: [helper],
        };
        let address: u64 = &mut data as *mut DofIoctlData as usize as u64;
        // SAFETY: the request takes a pointer to the address of a `dof_ioctl_data_t`; both
        // outlive the call.
        let rc = unsafe { libc::ioctl(device.0, ADDDOF as _, &address as *const u64) };
        (rc, data.dofiod_helpers[0].dofhp_dof as i32)
    };
    if rc == -1 {
        Err(RegisterError::Ioctl { errno: errno() })
    } else {
        Ok(generation)
    }
}

/// `DTRACEHIOC_REMOVE`; the ioctl's result, -1 on failure.
fn remove(device: &Device, generation: i32) -> libc::c_int {
    #[cfg(target_os = "freebsd")]
    // SAFETY: the request takes an `int *`, which outlives the call.
    unsafe {
        libc::ioctl(device.0, REMOVE as _, &generation as *const i32)
    }
    #[cfg(not(target_os = "freebsd"))]
    // SAFETY: the request takes the generation as its argument.
    unsafe {
        libc::ioctl(device.0, REMOVE as _, generation as libc::c_long)
    }
}
