//! Which backend each target has (`src/backend.rs`), and the places that must restate it:
//! the target tables of the manifests, which cannot use a build script's cfg.

use std::path::Path;

use usdt_impl::backend::{Backend, DTRACE_OSES};

#[test]
fn targets_and_their_backends() {
    assert_eq!(Backend::of("linux", "x86_64", false), Backend::Stapsdt);
    assert_eq!(Backend::of("linux", "aarch64", false), Backend::Stapsdt);
    assert_eq!(Backend::of("linux", "riscv64", false), Backend::None);
    assert_eq!(Backend::of("linux", "x86_64", true), Backend::None);
    for os in ["illumos", "solaris", "freebsd", "macos"] {
        assert_eq!(Backend::of(os, "x86_64", false), Backend::Dtrace, "{os}");
        assert_eq!(Backend::of(os, "aarch64", true), Backend::None, "{os}");
    }
    assert_eq!(Backend::of("windows", "x86_64", false), Backend::None);
}

#[test]
fn this_build_has_its_targets_backend() {
    let disabled = cfg!(usdt_disable_probes);
    let expected = Backend::of(std::env::consts::OS, std::env::consts::ARCH, disabled);
    assert_eq!(usdt_impl::BACKEND, expected);
}

/// Every `[target.'cfg(...)']` table of the workspace's manifests that names a DTrace target
/// names them all, in `DTRACE_OSES`'s words.
#[test]
fn manifests_list_the_dtrace_targets_as_the_backend_does() {
    let expected = format!(
        "[target.'cfg(any({}))'.dependencies]",
        DTRACE_OSES
            .iter()
            .map(|os| format!("target_os = \"{os}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for crate_dir in ["usdt-impl", "usdt-dynamic"] {
        let manifest = workspace.join(crate_dir).join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            // Outside the workspace (a published crate): nothing to hold together.
            println!("skipping {}: not found", manifest.display());
            continue;
        };
        for line in text.lines().filter(|l| l.starts_with("[target.")) {
            if DTRACE_OSES
                .iter()
                .any(|os| line.contains(&format!("\"{os}\"")))
            {
                assert_eq!(line, expected, "in {}", manifest.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 0 || !workspace.join("usdt-dynamic").exists());
}

/// A thread keeps one long-string buffer per argument a probe can have.
#[test]
fn one_long_string_buffer_per_argument() {
    assert_eq!(usdt_impl::LONG_BUFFERS, dtrace_parser::MAX_ARGUMENTS);
}
