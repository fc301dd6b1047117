//! A program with a provider defined at run time (`usdt-dynamic`), `dynprov`, and a static
//! provider of the same name with a probe of the same name, `dynprov:start`.
//!
//! - `fx_dynamic serve [DIR]`: load (from a `memfd`, or a file in `DIR`), print
//!   `ready PATH`, then fire every probe every 20 ms, printing `enabled=1` or `enabled=0`
//!   whenever `start` changes, until stdin reaches end of file; print `fires=N`.
//! - `fx_dynamic race`: print `ready PATH`, fire `start` on 4 threads without pause; at a
//!   line on stdin drop the provider while they fire, let them go on for 300 ms and print
//!   `survived traced=N` (fires that reached the probe).
//! - `fx_dynamic reload`: print `ready PATH`; at a line on stdin unload, replace `start`
//!   with `added(uint32_t)`, load again and print `reloaded PATH`; fire `added` until end
//!   of file.

use std::io::BufRead;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use usdt_dynamic::{ArgType, Backing, Provider, Str};

/// The static provider, with the dynamic one's name and first probe.
#[usdt::provider]
mod dynprov {
    fn start(n: u64, s: &str) {}
}

/// `twelve`'s signature: every kind, strings in both register and stack slots.
type Twelve = (Str, i32, u8, i64, u16, Str, i8, u32, Str, i16, u64, Str);
/// `ints`'s signature: each width, signed and not, at its extremes.
type Ints = (i8, u8, i16, u16, i32, u32, i64, u64);

fn provider(backing: Backing) -> Provider {
    let mut p = Provider::new("dynprov").expect("a valid name");
    p.set_backing(backing);
    p.add::<(u64, Str)>("start").expect("a new probe");
    p.add::<Ints>("ints").expect("a new probe");
    p.add::<Twelve>("twelve").expect("a new probe");
    p.add_probe("dyn", &[ArgType::I32, ArgType::Str])
        .expect("a new probe");
    p.load().expect("the provider loads");
    p
}

/// A thread that sets the flag when stdin has a line or reaches end of file.
fn on_input() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    std::thread::spawn(move || {
        let _ = std::io::stdin().lock().read_line(&mut String::new());
        set.store(true, Ordering::Relaxed);
    });
    flag
}

fn serve(backing: Backing) {
    let p = provider(backing);
    let start = p.probe::<(u64, Str)>("start").expect("declared");
    let ints = p.probe::<Ints>("ints").expect("declared");
    let twelve = p.probe::<Twelve>("twelve").expect("declared");
    let dynamic = p.dyn_probe("dyn").expect("declared");
    println!("ready {}", p.object_path().unwrap_or("-"));
    let stop = on_input();
    let (mut fires, mut was) = (0u64, false);
    while !stop.load(Ordering::Relaxed) {
        fires += 1;
        let now = start.is_enabled();
        if now != was {
            println!("enabled={}", u8::from(now));
            was = now;
        }
        start.fire((fires, "hello dynamic"));
        dynprov::start!(|| (fires, "static"));
        ints.fire((
            i8::MIN,
            u8::MAX,
            i16::MIN,
            u16::MAX,
            i32::MIN,
            u32::MAX,
            i64::MIN,
            u64::MAX,
        ));
        twelve.fire_with(|| ("a", -1, 2, -3, 4, "six", -7, 8, "nine", -10, 11, "twelve"));
        dynamic
            .fire(&[(-5i32).into(), "dyn".into()])
            .expect("the declared types");
        std::thread::sleep(Duration::from_millis(20));
    }
    println!("fires={fires}");
}

fn race() {
    let p = provider(Backing::Auto);
    let start = p.probe::<(u64, Str)>("start").expect("declared");
    let traced = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (start, traced, done) = (start.clone(), traced.clone(), done.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !done.load(Ordering::Relaxed) {
                    n += 1;
                    start.fire_with(|| {
                        traced.fetch_add(1, Ordering::Relaxed);
                        (n, "race")
                    });
                }
            })
        })
        .collect();
    drop(start);
    println!("ready {}", p.object_path().unwrap_or("-"));
    let _ = std::io::stdin().lock().read_line(&mut String::new());
    drop(p);
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("no firing thread panics");
    }
    println!("survived traced={}", traced.load(Ordering::Relaxed));
}

fn reload() {
    let mut p = provider(Backing::Auto);
    println!("ready {}", p.object_path().unwrap_or("-"));
    let _ = std::io::stdin().lock().read_line(&mut String::new());
    p.unload().expect("unloads");
    p.remove_probe("start");
    p.add::<(u32,)>("added").expect("a new probe");
    p.load().expect("loads again");
    let added = p.probe::<(u32,)>("added").expect("declared");
    println!("reloaded {}", p.object_path().unwrap_or("-"));
    let stop = on_input();
    let mut n = 0u32;
    while !stop.load(Ordering::Relaxed) {
        n = n.wrapping_add(1);
        added.fire((n,));
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(match args.get(1) {
            Some(dir) => Backing::FileIn(dir.into()),
            None => Backing::Memfd,
        }),
        Some("race") => race(),
        Some("reload") => reload(),
        other => {
            eprintln!("fx_dynamic: unknown mode {other:?}");
            std::process::exit(2);
        }
    }
}
