//! Running commands with a time limit, and collecting what they print.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::HarnessError;

/// What a finished command printed, and how it exited.
#[derive(Debug, Clone)]
pub struct Output {
    /// How it exited.
    pub status: ExitStatus,
    /// Everything it printed on stdout (lossily decoded).
    pub stdout: String,
    /// Everything it printed on stderr (lossily decoded).
    pub stderr: String,
}

impl Output {
    /// The lines of stdout.
    pub fn lines(&self) -> Vec<String> {
        self.stdout.lines().map(str::to_owned).collect()
    }

    /// `self` if the command succeeded, else an error carrying its output.
    pub fn success(self, command: &Command) -> Result<Self, HarnessError> {
        if self.status.success() {
            Ok(self)
        } else {
            Err(HarnessError::Failed {
                command: describe(command),
                status: self.status.to_string(),
                stdout: self.stdout,
                stderr: self.stderr,
            })
        }
    }
}

/// The command line of `command`, for messages.
pub fn describe(command: &Command) -> String {
    let mut out = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        out.push(' ');
        out.push_str(&arg.to_string_lossy());
    }
    out
}

/// Read all of `stream` on a thread of its own.
fn drain(mut stream: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        // A read error ends the capture; what was read so far is kept.
        let _ = stream.read_to_end(&mut buf);
        buf
    })
}

/// Run `command` to completion (stdin closed), killing it after `limit`.
pub fn run(command: &mut Command, limit: Duration) -> Result<Output, HarnessError> {
    let line = describe(command);
    let spawn_err = |source| HarnessError::Spawn {
        command: line.clone(),
        source,
    };
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_err)?;
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    let status = wait_until(&mut child, Instant::now() + limit).map_err(spawn_err)?;
    let text = |h: Option<JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let (stdout, stderr) = (text(out), text(err));
    match status {
        Some(status) => Ok(Output {
            status,
            stdout,
            stderr,
        }),
        None => Err(HarnessError::Timeout {
            command: line,
            seconds: limit.as_secs(),
            stdout,
            stderr,
        }),
    }
}

/// Wait for `child` until `deadline`; kill it then. `None` when it had to be killed.
pub fn wait_until(child: &mut Child, deadline: Instant) -> std::io::Result<Option<ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            // It may have exited in between; either way it is gone after this.
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// A running command whose stdout lines arrive one by one, as it prints them.
pub struct Streaming {
    /// The process.
    pub child: Child,
    /// Its stdout, line by line.
    pub lines: Receiver<String>,
    /// Its stderr, whole, once it has exited.
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Streaming {
    /// Start `command` with stdout read line by line and stdin piped.
    pub fn spawn(command: &mut Command) -> Result<Self, HarnessError> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| HarnessError::Spawn {
                command: describe(command),
                source,
            })?;
        let (tx, lines) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let stderr = child.stderr.take().map(drain);
        Ok(Streaming {
            child,
            lines,
            stderr,
        })
    }

    /// Wait up to `limit` for a line that satisfies `want`; the lines before it are
    /// returned too, the matching one last.
    pub fn wait_for(&self, limit: Duration, want: impl Fn(&str) -> bool) -> Option<Vec<String>> {
        let deadline = Instant::now() + limit;
        let mut seen = Vec::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = self.lines.recv_timeout(left).ok()?;
            let done = want(&line);
            seen.push(line);
            if done {
                return Some(seen);
            }
        }
    }

    /// Wait for the process to exit (killing it after `limit`) and return the rest of its
    /// stdout lines and its stderr. `None` for the status when it had to be killed.
    pub fn finish(
        mut self,
        limit: Duration,
    ) -> std::io::Result<(Option<ExitStatus>, Vec<String>, String)> {
        drop(self.child.stdin.take());
        let status = wait_until(&mut self.child, Instant::now() + limit)?;
        // The reader thread ends at EOF, which follows the exit.
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            rest.push(line);
        }
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok((status, rest, stderr))
    }
}

impl Drop for Streaming {
    fn drop(&mut self) {
        // Never leave a tracer or fixture running after a failed test.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
