//! OpenSSH transport (`transport: openssh`): the local `ssh` program in a pty, for devices only
//! the system client reaches (its `~/.ssh/config`, ProxyJump, Kerberos, smart cards, agents).
//!
//! - **Spawn**: expectrl starts `ssh -tt` in a pty 511 columns wide, with `-o` options derived
//!   from the [`Host`] (host-key policy, known_hosts, algorithm profile, key file, timeouts)
//!   after fleetpoll's safety options and the inventory's own `ssh.options` (for ssh the first
//!   value given wins); [`effective`] checks with `ssh -G` before the run; a jump chain adds
//!   `-J` and a `-F` file with the bastions' options (see `jump`). ssh's log
//!   (`LogLevel=DEBUG1`) goes to a pipe through `-E`, never to the pty, so debug lines cannot
//!   reach the prompt matcher.
//! - **Login**: expectrl answers what ssh asks on the tty (host-key confirmation per policy,
//!   password / keyboard-interactive password, the key_passphrase of a key file fleetpoll
//!   passed, an empty answer to skip any other encrypted key), each prompt matched at the end
//!   of the pending pty output only. The log says how far ssh got (stage `connect` until the
//!   TCP connection, `auth` through key exchange and authentication, `shell` until the
//!   interactive session starts), what it negotiated (`kex=… hostkey=… cipher=… mac=…`), which
//!   host key the server offered (checked here for `pinned`), and why it gave up.
//! - **Hand-off**: once ssh enters the interactive session, expectrl's pending bytes and the
//!   pty master (non-blocking, on tokio's reactor) become one `AsyncRead + AsyncWrite` stream
//!   for the channel layer. expectrl rescans its whole buffer on every read, so it never sees
//!   device output.
//! - **Close**: ssh exits when the device ends the session; otherwise SIGTERM, then SIGKILL.
//!   The child is always reaped (SIGCHLD-driven, no polling), also when the session future is
//!   dropped. No thread per device and no sleeps.

mod args;
mod child;
pub mod effective;
mod jump;
mod log;
mod login;

pub use args::{build_args, capabilities, parse_version, Capabilities};
pub use jump::hop_problem;
pub use log::LogState;

use super::ssh::default_known_hosts;
use crate::inventory::{Host, HostKeyPolicy};
use crate::session::budget::Budget;
use crate::session::error::{SessionError, Stage};
use child::{spawn, Child};
use expectrl::process::NonBlocking;
use log::LogSource;
use login::login;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::io::AsRawFd;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The OpenSSH client program.
const SSH_PROGRAM: &str = "ssh";

/// An OpenSSH session to a device: the `ssh` child and what it negotiated. Dropping it kills
/// and reaps the child in the background; [`close`](Self::close) does it in line.
pub struct SystemSshConnection {
    /// What the key exchange settled on: `kex=… hostkey=… cipher=… mac=…`.
    pub algorithms: Option<String>,
    child: Child,
    log_drain: Option<tokio::task::JoinHandle<()>>,
    _log_dir: Option<tempfile::TempDir>,
    /// The `-F` file of a jump chain, read by each hop's ssh as it starts.
    _jump_config: Option<tempfile::NamedTempFile>,
}

impl SystemSshConnection {
    /// End the session: give ssh a moment to exit on its own (the driver has sent `exit`),
    /// then SIGTERM, then SIGKILL; always reaps the child.
    pub async fn close(mut self) {
        self.child.shutdown(Duration::from_secs(1)).await;
        if let Some(d) = self.log_drain.take() {
            d.abort();
        }
    }
}

impl Drop for SystemSshConnection {
    fn drop(&mut self) {
        if let Some(d) = self.log_drain.take() {
            d.abort();
        }
    }
}

/// The device's byte stream: the pty master on tokio's reactor, after the bytes expectrl had
/// already read.
pub struct PtyStream {
    pending: Vec<u8>,
    pos: usize,
    fd: AsyncFd<File>,
}

impl std::fmt::Debug for PtyStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PtyStream")
            .field("fd", &self.fd.get_ref().as_raw_fd())
            .field("pending", &(self.pending.len() - self.pos))
            .finish()
    }
}

/// EIO: what reading a pty master gives once the child side is closed, i.e. end of file.
fn is_pty_eof(e: &io::Error) -> bool {
    e.raw_os_error() == Some(5)
}

impl AsyncRead for PtyStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pos < this.pending.len() {
            let n = buf.remaining().min(this.pending.len() - this.pos);
            buf.put_slice(&this.pending[this.pos..this.pos + n]);
            this.pos += n;
            if this.pos == this.pending.len() {
                this.pending = Vec::new();
                this.pos = 0;
            }
            return Poll::Ready(Ok(()));
        }
        loop {
            let mut guard = match this.fd.poll_read_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            let unfilled = buf.initialize_unfilled();
            match guard.try_io(|fd| fd.get_ref().read(unfilled)) {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) if is_pty_eof(&e) => return Poll::Ready(Ok(())),
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for PtyStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            let mut guard = match this.fd.poll_write_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            match guard.try_io(|fd| fd.get_ref().write(data)) {
                Ok(r) => return Poll::Ready(r),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The `-F` file for `host`'s jump chain (0600, removed with the connection) and the `-F`/`-J`
/// arguments naming it and the hops.
fn jump_args(
    host: &Host,
    caps: &Capabilities,
) -> Result<(tempfile::NamedTempFile, Vec<String>), SessionError> {
    let cant = |e: String| SessionError::local("cannot write the jump hosts' ssh config", e);
    if let Some(why) = host.jump.iter().find_map(|h| hop_problem(h)) {
        return Err(SessionError::Protocol(why));
    }
    let mut f = tempfile::Builder::new()
        .prefix("fleetpoll-jump-")
        .suffix(".conf")
        .tempfile()
        .map_err(|e| cant(e.to_string()))?;
    if !jump::config_path_ok(f.path()) {
        return Err(cant(format!(
            "{} has characters ssh would pass to a shell (set TMPDIR to a plain path)",
            f.path().display()
        )));
    }
    f.write_all(jump::config(host, caps).as_bytes())
        .and_then(|_| f.flush())
        .map_err(|e| cant(e.to_string()))?;
    let path = f.path().to_string_lossy().into_owned();
    Ok((
        f,
        vec!["-F".into(), path, "-J".into(), jump::spec(&host.jump)],
    ))
}

/// Run `ssh` for `host`, log in, and return the connection and the device's byte stream.
/// Stages: `connect` until ssh has a TCP connection (`timeouts.connect`; a ProxyJump /
/// ProxyCommand adds `timeouts.auth`), `auth` through key exchange and authentication
/// (`timeouts.auth`), `shell` until the interactive session starts (`timeouts.prompt`); each
/// also bounded by the device's deadline in `budget`.
pub async fn open(
    host: &Host,
    stage: &mut Stage,
    budget: Budget,
) -> Result<(SystemSshConnection, PtyStream), SessionError> {
    *stage = Stage::Connect;
    let caps = capabilities().await;
    let known_hosts = host.known_hosts.clone().unwrap_or_else(default_known_hosts);
    if host.host_key_policy == HostKeyPolicy::AcceptNew {
        if let Some(dir) = known_hosts.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
    }
    let mut log =
        LogSource::new().map_err(|e| SessionError::local("cannot set up ssh's log", e))?;
    let mut args = build_args(host, caps, &known_hosts, &log.path());
    let jump_config = if host.jump.is_empty() {
        None
    } else {
        let (f, jump_args) = jump_args(host, caps)?;
        // Right after `-tt -e none -E LOG`: before the host, like every other option.
        args.splice(5..5, jump_args);
        Some(f)
    };
    tracing::debug!(device = %host.name, ?args, "starting ssh");
    let mut cmd = std::process::Command::new(SSH_PROGRAM);
    // The remote pty's terminal type, as the native transport asks for; and prompts on the
    // tty, never through an askpass program.
    cmd.args(&args)
        .env("TERM", "vt100")
        .env_remove("SSH_ASKPASS_REQUIRE");
    let (mut child, master) = spawn(cmd).await?;
    // SAFETY: the `File` owns its descriptor (a dup of the pty master) and keeps it open,
    // unchanged, for as long as the `AsyncFd` owns the `File`.
    let pty = unsafe { AsyncFd::register(master) }
        .map_err(|e| SessionError::local("cannot watch the pty", e))?;
    let mut st = LogState::default();
    let pending = match login(host, budget, &mut child, &pty, &mut log, &mut st, stage).await {
        Ok(p) => p,
        Err(e) => {
            child.shutdown(Duration::ZERO).await;
            return Err(e);
        }
    };
    // From now on the pty is read through tokio only.
    if let Err(e) = child.session()?.get_stream_mut().set_non_blocking() {
        child.shutdown(Duration::ZERO).await;
        return Err(SessionError::local("cannot make the pty non-blocking", e));
    }
    let (log_drain, log_dir) = log.into_background();
    let algorithms = st.algorithms();
    tracing::debug!(device = %host.name, algorithms = ?algorithms, "ssh session started");
    Ok((
        SystemSshConnection {
            algorithms,
            child,
            log_drain,
            _log_dir: log_dir,
            _jump_config: jump_config,
        },
        PtyStream {
            pending,
            pos: 0,
            fd: pty,
        },
    ))
}

#[cfg(test)]
/// A device resolved the way the inventory does it (so new `Host` fields need no edit).
fn test_host() -> Host {
    let yaml = "devices:\n  - {name: r1, host: 10.0.0.1, port: 2222, platform: cisco_ios, transport: openssh, username: netops, password: s3cret}\n";
    let mut inv = crate::inventory::parse(std::path::Path::new("t.yaml"), yaml).unwrap();
    inv.hosts.remove(0)
}
