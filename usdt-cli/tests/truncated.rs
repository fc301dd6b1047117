//! No prefix of a real object file makes the reader panic.

use std::path::Path;

/// Every prefix length class of a real ELF file: the reader returns, never panics.
#[test]
fn truncated_real_objects_never_panic() {
    let exe = std::env::current_exe().unwrap();
    let bytes = std::fs::read(&exe).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("proptest-truncated");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cut");
    let mut len = 1usize;
    while len < bytes.len() {
        std::fs::write(&path, &bytes[..len]).unwrap();
        let _ = usdt_cli::list_file(&path);
        len = len * 3 / 2 + 1;
    }
}
