//! The library on Linux: libstapsdt's structures and functions.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

use usdt_dynamic::{ArgType, Backing, DynProbe, Error, Provider};

/// Fields of `SDTProbe_t` (libstapsdt's layout).
#[repr(C)]
pub struct SDTProbe {
    name: *mut c_char,
    arg_fmt: [c_int; MAX_ARGUMENTS],
    fire: *mut c_void,
    provider: *mut SDTProvider,
    arg_count: c_int,
}

/// `SDTProbeList_t`.
#[repr(C)]
pub struct SDTProbeList {
    probe: SDTProbe,
    next: *mut SDTProbeList,
}

/// `SDTProvider_t`.
#[repr(C)]
pub struct SDTProvider {
    name: *mut c_char,
    probes: *mut SDTProbeList,
    errno: c_int,
    error: *mut c_char,
    handle: *mut c_void,
    filename: *mut c_char,
    memfd: c_int,
    use_memfd: c_int,
}

/// `MAX_ARGUMENTS`: the length of `argFmt`.
const MAX_ARGUMENTS: usize = 6;

/// `SDTError_t` values.
const NO_ERROR: c_int = -1;
const ELF_CREATION_ERROR: c_int = 0;
const TMP_CREATION_ERROR: c_int = 1;
const SHARED_LIBRARY_OPEN_ERROR: c_int = 2;
const SHARED_LIBRARY_CLOSE_ERROR: c_int = 4;

/// `MemFDOption_t` values.
const MEMFD_DISABLED: c_int = 0;
const MEMFD_ENABLED: c_int = 1;

/// What a provider pointer points at: the public structure first, then this library's
/// state.
#[repr(C)]
struct ProviderBox {
    public: SDTProvider,
    provider: Provider,
    /// Probe handles of earlier loads: kept until `providerDestroy`, so that a `probeFire`
    /// racing `providerUnload` never reads a freed handle (it finds the provider unloaded).
    retired: Vec<*mut DynProbe>,
}

/// The `ArgType_t` value `v`.
fn arg_type(v: c_int) -> Option<ArgType> {
    Some(match v {
        1 => ArgType::U8,
        -1 => ArgType::I8,
        2 => ArgType::U16,
        -2 => ArgType::I16,
        4 => ArgType::U32,
        -4 => ArgType::I32,
        8 => ArgType::U64,
        -8 => ArgType::I64,
        _ => return None,
    })
}

/// The `SDTError_t` of an error.
fn error_code(e: &Error) -> c_int {
    match e {
        Error::System { .. } => TMP_CREATION_ERROR,
        Error::Loader { .. } => SHARED_LIBRARY_OPEN_ERROR,
        _ => ELF_CREATION_ERROR,
    }
}

/// A C copy of `s` (cut at an interior NUL), owned by the caller.
fn c_string(s: &str) -> *mut c_char {
    let bytes: Vec<u8> = s.bytes().take_while(|&b| b != 0).collect();
    CString::new(bytes).map_or(ptr::null_mut(), CString::into_raw)
}

/// Free a string made by [`c_string`].
///
/// # Safety
///
/// `s` is null or came from [`c_string`] and is not used again.
unsafe fn free_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by `CString::into_raw`.
        drop(unsafe { CString::from_raw(s) });
    }
}

impl ProviderBox {
    /// The box behind a provider pointer.
    ///
    /// # Safety
    ///
    /// `p` is null or a live pointer from `providerInit`.
    unsafe fn from<'a>(p: *mut SDTProvider) -> Option<&'a mut ProviderBox> {
        // SAFETY: `public` is the first field of a `repr(C)` box.
        unsafe { p.cast::<ProviderBox>().as_mut() }
    }

    fn set_error(&mut self, code: c_int, message: &str) {
        // SAFETY: `error` is null or ours.
        unsafe { free_string(self.public.error) };
        self.public.errno = code;
        self.public.error = c_string(message);
    }

    /// Each probe node, most recent first.
    fn nodes(&self) -> impl Iterator<Item = *mut SDTProbeList> {
        let mut node = self.public.probes;
        std::iter::from_fn(move || {
            // SAFETY: the list's nodes are ours and alive until `providerDestroy`.
            let current = unsafe { node.as_mut() }?;
            node = current.next;
            Some(current as *mut SDTProbeList)
        })
    }

    /// Take the probe handles from the nodes and keep them until destruction.
    fn retire_handles(&mut self) {
        for node in self.nodes().collect::<Vec<_>>() {
            // SAFETY: a live node of ours.
            let probe = unsafe { &mut (*node).probe };
            let handle = std::mem::replace(&mut probe.fire, ptr::null_mut());
            if !handle.is_null() {
                self.retired.push(handle.cast());
            }
        }
    }
}

/// `providerInit`.
///
/// # Safety
///
/// `name` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn providerInit(name: *const c_char) -> *mut SDTProvider {
    if name.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: the caller's NUL-terminated string.
    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    let Ok(provider) = Provider::new(&name) else {
        return ptr::null_mut();
    };
    let boxed = Box::new(ProviderBox {
        public: SDTProvider {
            name: c_string(&name),
            probes: ptr::null_mut(),
            errno: NO_ERROR,
            error: ptr::null_mut(),
            handle: ptr::null_mut(),
            filename: ptr::null_mut(),
            memfd: -1,
            use_memfd: MEMFD_ENABLED,
        },
        provider,
        retired: Vec::new(),
    });
    Box::into_raw(boxed).cast()
}

/// `providerUseMemfd`.
///
/// # Safety
///
/// `provider` is null or from `providerInit`.
#[no_mangle]
pub unsafe extern "C" fn providerUseMemfd(provider: *mut SDTProvider, use_memfd: c_int) -> c_int {
    // SAFETY: the caller's provider.
    let Some(p) = (unsafe { ProviderBox::from(provider) }) else {
        return 0;
    };
    if p.provider.is_loaded() {
        return 0;
    }
    match use_memfd {
        MEMFD_ENABLED => p.provider.set_backing(Backing::Auto),
        MEMFD_DISABLED => p
            .provider
            .set_backing(Backing::FileIn(std::env::temp_dir())),
        _ => return 0,
    };
    p.public.use_memfd = use_memfd;
    1
}

/// The Rust half of `providerAddProbe`: `types` holds `arg_count` `ArgType_t`s (null when
/// the count is out of range).
///
/// # Safety
///
/// `provider` is null or from `providerInit`; `name` is null or NUL-terminated; `types` is
/// null or holds `arg_count` values.
#[no_mangle]
pub unsafe extern "C" fn usdt_stapsdt_add_probe(
    provider: *mut SDTProvider,
    name: *const c_char,
    arg_count: c_int,
    types: *const c_int,
) -> *mut SDTProbe {
    // SAFETY: the caller's provider.
    let Some(p) = (unsafe { ProviderBox::from(provider) }) else {
        return ptr::null_mut();
    };
    if name.is_null() {
        p.set_error(ELF_CREATION_ERROR, "a probe needs a name");
        return ptr::null_mut();
    }
    // SAFETY: the caller's NUL-terminated string.
    let name = unsafe { CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned();
    let count = usize::try_from(arg_count).unwrap_or(usize::MAX);
    if types.is_null() || count > usdt_dynamic::MAX_ARGS {
        p.set_error(
            ELF_CREATION_ERROR,
            &format!("probe {name:?} has {arg_count} arguments; at most 12 are allowed"),
        );
        return ptr::null_mut();
    }
    // SAFETY: `count` values, as the caller says.
    let raw = unsafe { std::slice::from_raw_parts(types, count) };
    let Some(parsed) = raw.iter().map(|&t| arg_type(t)).collect::<Option<Vec<_>>>() else {
        p.set_error(
            ELF_CREATION_ERROR,
            &format!("probe {name:?}: an argument type is not an ArgType_t: {raw:?}"),
        );
        return ptr::null_mut();
    };
    if let Err(e) = p.provider.add_probe(&name, &parsed) {
        p.set_error(error_code(&e), &e.to_string());
        return ptr::null_mut();
    }
    let mut arg_fmt = [0; MAX_ARGUMENTS];
    for (slot, t) in arg_fmt.iter_mut().zip(raw) {
        *slot = *t;
    }
    let node = Box::into_raw(Box::new(SDTProbeList {
        probe: SDTProbe {
            name: c_string(&name),
            arg_fmt,
            fire: ptr::null_mut(),
            provider,
            arg_count,
        },
        next: p.public.probes,
    }));
    p.public.probes = node;
    // SAFETY: just made.
    unsafe { &mut (*node).probe }
}

/// `providerLoad`.
///
/// # Safety
///
/// `provider` is null or from `providerInit`.
#[no_mangle]
pub unsafe extern "C" fn providerLoad(provider: *mut SDTProvider) -> c_int {
    // SAFETY: the caller's provider.
    let Some(p) = (unsafe { ProviderBox::from(provider) }) else {
        return -1;
    };
    if let Err(e) = p.provider.load() {
        p.set_error(error_code(&e), &e.to_string());
        return -1;
    }
    for node in p.nodes().collect::<Vec<_>>() {
        // SAFETY: a live node of ours.
        let probe = unsafe { &mut (*node).probe };
        // SAFETY: made by `c_string`.
        let name = unsafe { CStr::from_ptr(probe.name) }.to_string_lossy();
        match p.provider.dyn_probe(&name) {
            Ok(handle) => probe.fire = Box::into_raw(Box::new(handle)).cast(),
            Err(e) => {
                p.set_error(error_code(&e), &e.to_string());
                return -1;
            }
        }
    }
    let path = p.provider.object_path().unwrap_or_default().to_owned();
    p.public.memfd = path
        .strip_prefix(&format!("/proc/{}/fd/", std::process::id()))
        .and_then(|fd| fd.parse().ok())
        .unwrap_or(-1);
    p.public.filename = c_string(&path);
    p.public.handle = provider.cast();
    0
}

/// `providerUnload`.
///
/// # Safety
///
/// `provider` is null or from `providerInit`.
#[no_mangle]
pub unsafe extern "C" fn providerUnload(provider: *mut SDTProvider) -> c_int {
    // SAFETY: the caller's provider.
    let Some(p) = (unsafe { ProviderBox::from(provider) }) else {
        return -1;
    };
    p.retire_handles();
    p.public.handle = ptr::null_mut();
    p.public.memfd = -1;
    // SAFETY: ours.
    unsafe { free_string(std::mem::replace(&mut p.public.filename, ptr::null_mut())) };
    match p.provider.unload() {
        Ok(()) => 0,
        Err(e) => {
            p.set_error(SHARED_LIBRARY_CLOSE_ERROR, &e.to_string());
            -1
        }
    }
}

/// `providerDestroy`.
///
/// # Safety
///
/// `provider` is null or from `providerInit`, and not used after this.
#[no_mangle]
pub unsafe extern "C" fn providerDestroy(provider: *mut SDTProvider) {
    // SAFETY: the caller's provider.
    if unsafe { ProviderBox::from(provider) }.is_none() {
        return;
    }
    // SAFETY: as above.
    unsafe { providerUnload(provider) };
    // SAFETY: made by `providerInit`; the caller gives it up.
    let mut p = unsafe { Box::from_raw(provider.cast::<ProviderBox>()) };
    for node in p.nodes().collect::<Vec<_>>() {
        // SAFETY: each node was made by `Box::into_raw`, its name by `c_string`.
        unsafe {
            let node = Box::from_raw(node);
            free_string(node.probe.name);
        }
    }
    for handle in p.retired.drain(..) {
        // SAFETY: made by `Box::into_raw` in `providerLoad`, no longer reachable.
        drop(unsafe { Box::from_raw(handle) });
    }
    // SAFETY: ours.
    unsafe {
        free_string(p.public.name);
        free_string(p.public.error);
    }
}

/// The Rust half of `probeFire`: `count` argument words.
///
/// # Safety
///
/// `probe` is null or from `providerAddProbe`; `args` holds `count` words, string
/// arguments the addresses of NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn usdt_stapsdt_fire(probe: *mut SDTProbe, args: *const u64, count: c_int) {
    // SAFETY: the caller's probe; `fire` is null or a handle alive until destruction.
    let Some(handle) =
        (unsafe { probe.as_ref() }).and_then(|p| unsafe { p.fire.cast::<DynProbe>().as_ref() })
    else {
        return;
    };
    if !handle.is_enabled() || args.is_null() {
        return;
    }
    let count = usize::try_from(count).unwrap_or(0);
    // SAFETY: `count` words, as the caller says; strings are the caller's.
    let _ = unsafe { handle.fire_words(std::slice::from_raw_parts(args, count)) };
}

/// `probeIsEnabled`.
///
/// # Safety
///
/// `probe` is null or from `providerAddProbe`.
#[no_mangle]
pub unsafe extern "C" fn probeIsEnabled(probe: *mut SDTProbe) -> c_int {
    // SAFETY: as in `usdt_stapsdt_fire`.
    let handle =
        unsafe { probe.as_ref() }.and_then(|p| unsafe { p.fire.cast::<DynProbe>().as_ref() });
    c_int::from(handle.is_some_and(DynProbe::is_enabled))
}

extern "C" {
    fn usdt_stapsdt_add_probe_v(
        provider: *mut SDTProvider,
        name: *const c_char,
        arg_count: c_int,
        ...
    ) -> *mut SDTProbe;
    fn usdt_stapsdt_fire_v(probe: *mut SDTProbe, ...);
}

/// `providerAddProbe(provider, name, argCount, ...)`: a jump to the C half
/// (`src/variadic.c`), which reads the variadic arguments; a Rust function so that the
/// library exports it.
///
/// # Safety
///
/// Called from C as `libstapsdt.h` declares it: a provider from `providerInit` (or null),
/// a NUL-terminated name (or null), then `argCount` `ArgType_t` values.
#[no_mangle]
#[unsafe(naked)]
pub unsafe extern "C" fn providerAddProbe() {
    #[cfg(target_arch = "x86_64")]
    std::arch::naked_asm!("jmp {}", sym usdt_stapsdt_add_probe_v);
    #[cfg(target_arch = "aarch64")]
    std::arch::naked_asm!("b {}", sym usdt_stapsdt_add_probe_v);
}

/// `probeFire(probe, ...)`: a jump to the C half, as [`providerAddProbe`].
///
/// # Safety
///
/// Called from C as `libstapsdt.h` declares it: a probe from `providerAddProbe` (or null),
/// then its `argCount` arguments, strings as addresses of NUL-terminated strings.
#[no_mangle]
#[unsafe(naked)]
pub unsafe extern "C" fn probeFire() {
    #[cfg(target_arch = "x86_64")]
    std::arch::naked_asm!("jmp {}", sym usdt_stapsdt_fire_v);
    #[cfg(target_arch = "aarch64")]
    std::arch::naked_asm!("b {}", sym usdt_stapsdt_fire_v);
}
