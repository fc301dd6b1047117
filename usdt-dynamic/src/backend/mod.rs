//! The backends, one per kind of target, chosen by `cfg` for the target being built.
//!
//! Each defines the same three things:
//! - `Image`: a loaded provider (`load`, `path`, `site`, `retire`, `close`, and its `Drop`);
//! - `Site`: what a probe handle keeps to test and fire one probe (`is_enabled`, `fire`),
//!   `Copy`, valid while the image it came from is alive;
//! - `MAX_ARGS`: the most arguments a probe may have there.

/// Items for Linux x86_64 and aarch64 unless built with `--cfg usdt_disable_probes`.
macro_rules! if_linux {
    ($($item:item)*) => {$(
        #[cfg(all(
            not(usdt_disable_probes),
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        ))]
        $item
    )*};
}

/// Items for the DTrace platforms (x86_64 and aarch64) unless built with `--cfg usdt_disable_probes`.
macro_rules! if_dtrace {
    ($($item:item)*) => {$(
        #[cfg(all(
            not(usdt_disable_probes),
            any(
                target_os = "illumos",
                target_os = "solaris",
                target_os = "freebsd",
                target_os = "macos"
            ),
            any(target_arch = "x86_64", target_arch = "aarch64")
        ))]
        $item
    )*};
}

/// Items for every other target, and for any target built with `--cfg usdt_disable_probes`.
macro_rules! if_none {
    ($($item:item)*) => {$(
        #[cfg(not(all(
            not(usdt_disable_probes),
            any(
                target_os = "linux",
                target_os = "illumos",
                target_os = "solaris",
                target_os = "freebsd",
                target_os = "macos"
            ),
            any(target_arch = "x86_64", target_arch = "aarch64")
        )))]
        $item
    )*};
}

if_linux! {
    /// Linux: an ELF shared object built in memory, loaded with `dlopen`.
    mod linux;
    pub(crate) use linux::{Image, Site, MAX_ARGS};
}

if_dtrace! {
    /// DTrace platforms: probe stubs in executable memory and a DOF document.
    mod dtrace;
    pub(crate) use dtrace::{Image, Site, MAX_ARGS};
}

if_none! {
    /// Elsewhere: providers load and never fire.
    mod none;
    pub(crate) use none::{Image, Site, MAX_ARGS};
}

/// The ELF image the Linux backend loads; built for either architecture, so that both are
/// tested on any Linux host.
#[cfg(target_os = "linux")]
#[cfg_attr(
    not(all(
        not(usdt_disable_probes),
        any(target_arch = "x86_64", target_arch = "aarch64")
    )),
    allow(dead_code)
)]
pub(crate) mod elf;

/// The stubs and DOF document of the DTrace backend, built for any architecture and
/// kernel convention, so that they are tested on every host.
#[cfg_attr(
    not(all(
        not(usdt_disable_probes),
        any(
            target_os = "illumos",
            target_os = "solaris",
            target_os = "freebsd",
            target_os = "macos"
        )
    )),
    allow(dead_code)
)]
pub(crate) mod stubs;
