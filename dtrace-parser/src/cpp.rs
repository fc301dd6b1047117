//! Running the system C preprocessor.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::options::ParseOptions;

/// Runs `cpp` on `source` and returns its output, line markers included
/// (they map positions back). `file_name`'s directory, if it exists, is
/// searched for `#include "..."` files. Errors carry cpp's messages.
pub(crate) fn preprocess(
    source: &str,
    file_name: &str,
    options: &ParseOptions,
) -> Result<String, String> {
    let mut cmd = Command::new("cpp");
    if let Some(dir) = Path::new(file_name).parent().filter(|d| d.is_dir()) {
        cmd.arg("-iquote").arg(dir);
    }
    for dir in &options.include_dirs {
        cmd.arg("-I").arg(dir);
    }
    for (name, value) in &options.defines {
        match value {
            Some(v) => cmd.arg(format!("-D{name}={v}")),
            None => cmd.arg(format!("-D{name}")),
        };
    }
    cmd.arg("-");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run 'cpp': {e}"))?;
    // Write from another thread: cpp may fill its output pipe before it has
    // read all of its input.
    let input = source.to_string();
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || match stdin.as_mut() {
        Some(s) => s.write_all(input.as_bytes()),
        None => Ok(()),
    });
    let output = child
        .wait_with_output()
        .map_err(|e| format!("cannot run 'cpp': {e}"))?;
    // A write error (cpp exited early) shows in its status and messages.
    let _ = writer.join();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(if stderr.is_empty() {
            format!("cpp exited with {}", output.status)
        } else {
            stderr
        });
    }
    String::from_utf8(output.stdout).map_err(|_| "cpp output is not UTF-8".to_string())
}
