//! `--lock FILE`: one run at a time. An advisory `flock` on the file (released by the kernel
//! when the holder dies, so a stale lock is simply free), with the holder's PID inside for
//! the message a second run prints.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

#[derive(Debug)]
pub struct RunLock {
    file: File,
    /// PID found in a lock file nobody held (a run that died).
    pub stale_pid: Option<String>,
}

/// Why the run lock could not be taken; every message names the lock file.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another fleetpoll run{} holds the lock {}; not starting", .pid.as_ref().map(|p| format!(" (pid {p})")).unwrap_or_default(), .path.display())]
    Held {
        path: std::path::PathBuf,
        pid: Option<String>,
    },
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

pub fn acquire(path: &Path) -> Result<RunLock, LockError> {
    let io = |action: &'static str| {
        move |source: std::io::Error| LockError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io("open lock file"))?;
    let mut old = String::new();
    let _ = file.read_to_string(&mut old);
    let old = old.trim().to_string();
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(LockError::Held {
                path: path.to_path_buf(),
                pid: (!old.is_empty()).then(|| old.clone()),
            })
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io("lock")(e)),
    }
    let stale_pid = (!old.is_empty() && old != std::process::id().to_string()).then_some(old);
    let write = |f: &mut File| -> std::io::Result<()> {
        f.set_len(0)?;
        f.seek(SeekFrom::Start(0))?;
        writeln!(f, "{}", std::process::id())?;
        f.flush()
    };
    write(&mut file).map_err(io("write lock file"))?;
    Ok(RunLock { file, stale_pid })
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Empty the file so the next run does not report a stale PID; the flock goes with
        // the descriptor. The file itself stays: unlinking it would race with a waiting run.
        let _ = self.file.set_len(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_stale_pid_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.lock");
        std::fs::write(&p, "999999999\n").unwrap();
        let l = acquire(&p).unwrap();
        assert_eq!(l.stale_pid.as_deref(), Some("999999999"));
        let e = acquire(&p).unwrap_err().to_string();
        assert!(e.contains(&format!("pid {}", std::process::id())), "{e}");
        drop(l);
        let l2 = acquire(&p).unwrap();
        assert_eq!(l2.stale_pid, None, "a clean release leaves no stale pid");
    }
}
