//! The stubs run on this machine, called as the DTrace backend calls them, with a trap in
//! place of each instruction the DOF document says DTrace traces, as `fasttrap` plants one
//! (`int3` on x86_64, `brk` on aarch64). The SIGTRAP handler stands in for `fasttrap`: it
//! reads the arguments from the trap's registers and stack as `fasttrap_anarg` (illumos,
//! FreeBSD, xnu's x86_64) and `fasttrap_usdt_args64` (xnu's arm64) do, the argument
//! registers and then argument `i` at `sp + 8 * (i - registers)`, and does what `fasttrap`
//! does for the instruction it replaced: steps over the probe's NOP; for the is-enabled
//! site, sets the return register to 1 and steps over the instruction.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst};

use usdt_impl::register::{Arch, Flavor};

use super::super::exec::{Code, HOST};
use super::super::{code, register_args};
use super::{probes, traced_offsets};
use crate::signature::{Words, MAX_ARGS};

/// The traced is-enabled and probe instructions' addresses, for the handler.
static GATE: AtomicU64 = AtomicU64::new(0);
static PROBE: AtomicU64 = AtomicU64::new(0);
/// What the handler saw: traps taken, the last one's address, the arguments it read.
static TRAPS: AtomicUsize = AtomicUsize::new(0);
static AT: AtomicU64 = AtomicU64::new(0);
static SEEN: [AtomicU64; MAX_ARGS] = [const { AtomicU64::new(0) }; MAX_ARGS];

/// `int3`, which leaves the program counter past itself.
#[cfg(target_arch = "x86_64")]
const TRAP: &[u8] = &[0xcc];
/// `brk #0`, which leaves the program counter on itself.
#[cfg(target_arch = "aarch64")]
const TRAP: &[u8] = &0xd420_0000u32.to_le_bytes();

/// The traced instruction's address, the argument registers in order, the stack pointer,
/// and the return register, of the trap `context`.
///
/// # Safety
/// `context` is a SIGTRAP handler's `ucontext_t`.
#[cfg(target_arch = "x86_64")]
unsafe fn registers(context: *mut libc::ucontext_t) -> (u64, [u64; 6], u64, *mut u64) {
    // SAFETY: as the caller promises.
    let g = unsafe { &mut (*context).uc_mcontext.gregs };
    let r = |n: libc::c_int| g[n as usize] as u64;
    let at = r(libc::REG_RIP) - TRAP.len() as u64;
    let args = [
        r(libc::REG_RDI),
        r(libc::REG_RSI),
        r(libc::REG_RDX),
        r(libc::REG_RCX),
        r(libc::REG_R8),
        r(libc::REG_R9),
    ];
    let sp = r(libc::REG_RSP);
    (at, args, sp, (&raw mut g[libc::REG_RAX as usize]).cast())
}

/// See the x86_64 variant.
///
/// # Safety
/// `context` is a SIGTRAP handler's `ucontext_t`.
#[cfg(target_arch = "aarch64")]
unsafe fn registers(context: *mut libc::ucontext_t) -> (u64, [u64; 8], u64, *mut u64) {
    // SAFETY: as the caller promises.
    let m = unsafe { &mut (*context).uc_mcontext };
    let args = std::array::from_fn(|i| m.regs[i]);
    // The trap replaced the instruction: go on after it, as `fasttrap` does once it has
    // emulated it.
    m.pc += 4;
    (m.pc - 4, args, m.sp, &raw mut m.regs[0])
}

extern "C" fn on_trap(_: libc::c_int, _: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: the kernel passes this handler (SA_SIGINFO) its context; the stack slots read
    // are the caller's frame, above the stack pointer, mapped.
    unsafe {
        let (at, args, sp, ret) = registers(context.cast());
        AT.store(at, SeqCst);
        TRAPS.fetch_add(1, SeqCst);
        if at == GATE.load(SeqCst) {
            *ret = 1;
        } else if at == PROBE.load(SeqCst) {
            for (i, seen) in SEEN.iter().enumerate() {
                let value = match args.get(i) {
                    Some(&register) => register,
                    None => {
                        std::ptr::read_volatile((sp + 8 * (i - args.len()) as u64) as *const u64)
                    }
                };
                seen.store(value, SeqCst);
            }
        }
    }
}

/// `sigaction(SIGTRAP, handler)`, returning the previous action.
fn install(handler: usize) -> libc::sigaction {
    // SAFETY: plain structures, zeroed then filled; the handler is async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        let mut old: libc::sigaction = std::mem::zeroed();
        assert_eq!(libc::sigaction(libc::SIGTRAP, &action, &mut old), 0);
        old
    }
}

#[test]
fn arguments_are_where_fasttrap_reads_them_at_the_traced_instruction() {
    let arch = HOST;
    let registers = register_args(arch);
    let probes = probes();
    let index = probes.len() - 1;
    assert_eq!(probes[index].types.len(), MAX_ARGS);
    // Traps where the DOF document says the kernel traces, in the stubs' own bytes (on
    // each kernel's convention, both the same place).
    let offsets = traced_offsets(arch, Flavor::Solaris);
    if arch == Arch::X86_64 {
        assert_eq!(offsets, traced_offsets(arch, Flavor::Apple));
    }
    let (probe_at, gate_at) = offsets[index];
    let mut bytes = code(arch, probes.len());
    for at in [probe_at, gate_at] {
        bytes[at..at + TRAP.len()].copy_from_slice(TRAP);
    }
    let code = Code::map(&bytes).unwrap();
    let site = code.site(index);
    GATE.store(code.start() + gate_at as u64, SeqCst);
    PROBE.store(code.start() + probe_at as u64, SeqCst);

    let old = install(on_trap as *const () as usize);

    assert!(site.is_enabled(), "the trap set the return register");
    assert_eq!(TRAPS.load(SeqCst), 1);
    assert_eq!(AT.load(SeqCst), GATE.load(SeqCst));

    // No arguments, registers only, one on the stack, all: each as probes of that many
    // arguments fire (words past the count are zero).
    for count in [0, 1, registers, registers + 1, MAX_ARGS] {
        let mut words: Words = [0; MAX_ARGS];
        for (i, w) in words.iter_mut().take(count).enumerate() {
            *w = 0x5eed_0000_0000_0000 | (count as u64) << 16 | i as u64;
        }
        for seen in &SEEN {
            seen.store(u64::MAX, SeqCst);
        }
        let traps = TRAPS.load(SeqCst);
        site.fire(&words, count);
        assert_eq!(TRAPS.load(SeqCst), traps + 1, "{count} arguments");
        assert_eq!(AT.load(SeqCst), PROBE.load(SeqCst), "{count} arguments");
        let seen: Vec<u64> = SEEN.iter().map(|s| s.load(SeqCst)).collect();
        assert_eq!(
            seen[..count],
            words[..count],
            "{count} arguments, {registers} in registers: {seen:x?}"
        );
    }

    // SAFETY: the previous action, as it was.
    unsafe { libc::sigaction(libc::SIGTRAP, &old, std::ptr::null_mut()) };
}
