//! The `ssh` child process in its pty: starting it, and stopping and reaping it however the
//! session ends (SIGCHLD-driven, never leaving a zombie behind).

use super::SSH_PROGRAM;
use crate::session::error::SessionError;
use crate::session::transport::ssh::PTY_COLUMNS;
use std::fs::File;
use std::time::Duration;
use tokio::time::Instant;
/// The `ssh` child in its pty. Kills and reaps on drop.
pub(super) struct Child {
    session: Option<expectrl::Session>,
}

fn alive(s: &mut expectrl::Session) -> bool {
    // waitpid(WNOHANG): reaps the child if it has exited.
    s.is_alive().unwrap_or(false)
}

/// Wait up to `d` for the child to exit (and reap it). Woken by SIGCHLD, not by polling.
async fn wait_exit(
    s: &mut expectrl::Session,
    sigchld: &mut Option<tokio::signal::unix::Signal>,
    d: Duration,
) -> bool {
    let deadline = Instant::now() + d;
    loop {
        if !alive(s) {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        match sigchld {
            Some(sig) => match tokio::time::timeout_at(deadline, sig.recv()).await {
                Ok(Some(())) => {}
                Ok(None) => *sigchld = None,
                Err(_) => return !alive(s),
            },
            // No signal driver (a runtime built without it): check a few times a second.
            None => tokio::time::sleep((deadline - now).min(Duration::from_millis(50))).await,
        }
    }
}

/// SIGTERM after `grace`, SIGKILL after two more seconds; true once the child is reaped.
async fn terminate(s: &mut expectrl::Session, grace: Duration) -> bool {
    // Registered before any signal is sent, so no exit can slip between check and wait.
    let mut sigchld = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::child()).ok();
    if wait_exit(s, &mut sigchld, grace).await {
        return true;
    }
    let _ = s.get_process_mut().kill(expectrl::Signal::SIGTERM);
    if wait_exit(s, &mut sigchld, Duration::from_secs(2)).await {
        return true;
    }
    let _ = s.get_process_mut().kill(expectrl::Signal::SIGKILL);
    wait_exit(s, &mut sigchld, Duration::from_secs(5)).await
}

/// Drop a session whose child could not be reaped (stuck in the kernel): ptyprocess would
/// block and retry signals in its destructor, so leak it instead and say so.
fn abandon(s: expectrl::Session) {
    tracing::warn!(
        pid = s.get_process().pid().as_raw(),
        "ssh did not exit after SIGKILL; abandoning it"
    );
    std::mem::forget(s);
}

impl Child {
    pub(super) fn session(&mut self) -> Result<&mut expectrl::Session, SessionError> {
        self.session
            .as_mut()
            .ok_or_else(|| SessionError::Protocol("the ssh process is gone".into()))
    }

    /// Stop and reap the child. Cancel-safe: until it is reaped the session stays here, so a
    /// dropped `shutdown` leaves the child to [`Drop`].
    pub(super) async fn shutdown(&mut self, grace: Duration) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        if terminate(s, grace).await {
            // Reaped: ptyprocess's destructor has nothing left to do.
            self.session = None;
        } else if let Some(s) = self.session.take() {
            abandon(s);
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let Some(mut s) = self.session.take() else {
            return;
        };
        if !alive(&mut s) {
            return;
        }
        let _ = s.get_process_mut().kill(expectrl::Signal::SIGKILL);
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if !terminate(&mut s, Duration::ZERO).await {
                        abandon(s);
                    }
                });
            }
            // Outside a runtime: ptyprocess's own destructor waits for the killed child.
            Err(_) => drop(s),
        }
    }
}

/// Start ssh in a pty (fork and exec block briefly, so on the blocking pool), sized like the
/// native transport's pty. Returns the child and a second handle on the pty master.
pub(super) async fn spawn(cmd: std::process::Command) -> Result<(Child, File), SessionError> {
    let started = tokio::task::spawn_blocking(move || -> Result<(Child, File), String> {
        let session = expectrl::Session::spawn(cmd).map_err(|e| {
            format!(
                "cannot run `{SSH_PROGRAM}` (the openssh transport needs the OpenSSH client): {e}"
            )
        })?;
        // From here on the child is killed and reaped if anything fails or is cancelled.
        let mut child = Child {
            session: Some(session),
        };
        let s = child.session.as_mut().ok_or("no session")?;
        s.get_process_mut()
            .set_window_size(PTY_COLUMNS as u16, 0)
            .map_err(|e| format!("cannot size the pty: {e}"))?;
        let master = s
            .get_process()
            .get_raw_handle()
            .map_err(|e| format!("cannot open the pty: {e}"))?;
        Ok((child, master))
    })
    .await;
    match started {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(m)) => Err(SessionError::Protocol(m)),
        Err(e) => Err(SessionError::local("cannot start ssh", e)),
    }
}
