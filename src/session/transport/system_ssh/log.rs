//! ssh's log (`-E`, `LogLevel=DEBUG1`): where it goes (a pipe or a file) and what it says —
//! how far the login got, what was negotiated, the server's host key, and why ssh gave up.

use crate::inventory::Host;
use crate::session::error::{SessionError, Stage};
use crate::session::transport::ssh::fingerprint;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::unix::AsyncFd;
/// How many of ssh's own messages are kept (the last ones: ssh's verdict comes last).
const MESSAGES: usize = 40;

/// What ssh's log has told so far.
#[derive(Debug, Default)]
pub struct LogState {
    partial: Vec<u8>,
    /// The last lines, debug included (for timeouts).
    pub(super) recent: VecDeque<String>,
    /// ssh's own messages (not debug lines), the last [`MESSAGES`].
    messages: VecDeque<String>,
    kex: Option<String>,
    host_key_alg: Option<String>,
    cipher: Option<String>,
    mac: Option<String>,
    /// `SHA256:…` of the host key the server offered.
    pub server_fp: Option<String>,
    server_key_type: Option<String>,
    /// `(file, line)` of a known_hosts entry ssh found different.
    offending: Option<(String, usize)>,
    pub connected: bool,
    pub proxied: bool,
    pub authenticated: bool,
    pub interactive: bool,
}

impl LogState {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                let line = String::from_utf8_lossy(&self.partial)
                    .trim_end()
                    .to_string();
                self.partial.clear();
                self.line(&line);
            } else if self.partial.len() < 8192 {
                self.partial.push(b);
            }
        }
    }

    fn line(&mut self, line: &str) {
        if line.is_empty() {
            return;
        }
        if self.recent.len() == 8 {
            self.recent.pop_front();
        }
        self.recent.push_back(line.to_string());
        let debug = line
            .strip_prefix("debug")
            .and_then(|r| r.split_once(": "))
            .filter(|(level, _)| level.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, rest)| rest);
        let Some(d) = debug else {
            if line.starts_with("Authenticated to ") {
                self.authenticated = true;
            } else if let Some(rest) = line.strip_prefix("Offending ") {
                // `Offending RSA key in /path/known_hosts:3`
                if let Some((file, n)) = rest
                    .split_once(" key in ")
                    .and_then(|(_, loc)| loc.rsplit_once(':'))
                {
                    if let Ok(n) = n.trim().parse() {
                        self.offending = Some((file.to_string(), n));
                    }
                }
            }
            if !line.starts_with("Warning: Permanently added") {
                if self.messages.len() == MESSAGES {
                    self.messages.pop_front();
                }
                self.messages.push_back(line.to_string());
            }
            return;
        };
        if d == "Connection established." || d.starts_with("Remote protocol version") {
            self.connected = true;
        } else if d.contains("proxy command") || d.contains("ProxyCommand") {
            self.proxied = true;
        } else if let Some(k) = d.strip_prefix("kex: algorithm: ") {
            if !k.starts_with('(') {
                self.kex = Some(k.trim().to_string());
            }
        } else if let Some(k) = d.strip_prefix("kex: host key algorithm: ") {
            if !k.starts_with('(') {
                self.host_key_alg = Some(k.trim().to_string());
            }
        } else if let Some(rest) = d.strip_prefix("kex: server->client cipher: ") {
            // `aes128-cbc MAC: hmac-sha1 compression: none`
            let mut it = rest.split_whitespace();
            self.cipher = it.next().map(str::to_string);
            if it.next() == Some("MAC:") {
                self.mac = it.next().map(|m| {
                    if m == "<implicit>" {
                        "implicit".to_string()
                    } else {
                        m.to_string()
                    }
                });
            }
        } else if let Some(rest) = d
            .strip_prefix("Server host key: ")
            .or_else(|| d.strip_prefix("Server host certificate: "))
        {
            // `ssh-rsa SHA256:…` or `ssh-rsa-cert-v01@openssh.com SHA256:…, serial …`
            let mut it = rest.split_whitespace();
            self.server_key_type = it.next().map(str::to_string);
            self.server_fp = it.next().map(|f| f.trim_end_matches(',').to_string());
        } else if d.starts_with("Authentication succeeded") {
            self.authenticated = true;
        } else if d == "Entering interactive session."
            // A connection-sharing client (ControlMaster in the user's config).
            || d.starts_with("mux_client_request_session: master session id")
        {
            self.authenticated = true;
            self.interactive = true;
        }
    }

    /// `kex=… hostkey=… cipher=… mac=…`, once the key exchange has been agreed.
    pub fn algorithms(&self) -> Option<String> {
        Some(format!(
            "kex={} hostkey={} cipher={} mac={}",
            self.kex.as_deref()?,
            self.host_key_alg.as_deref()?,
            self.cipher.as_deref()?,
            self.mac.as_deref()?
        ))
    }

    fn find(&self, needles: &[&str]) -> Option<&str> {
        self.messages
            .iter()
            .find(|m| needles.iter().any(|n| m.contains(n)))
            .map(String::as_str)
    }

    fn host_key_message(&self, host: &Host) -> String {
        let target = format!("{}:{}", host.host, host.port);
        let offered = self.server_fp.as_deref().unwrap_or("unknown");
        if self
            .find(&[
                "REMOTE HOST IDENTIFICATION HAS CHANGED",
                "has changed and you have requested",
            ])
            .is_some()
        {
            let known = match &self.offending {
                Some((file, line)) => format!(
                    "known {} ({file} line {line})",
                    known_fingerprint(Path::new(file), *line).unwrap_or_else(|| "unknown".into())
                ),
                None => "known key differs".into(),
            };
            return format!(
                "HOST KEY CHANGED for {target}: {known}, offered {offered}; not logging in"
            );
        }
        if self.find(&["host key is known for"]).is_some() {
            return format!(
                "host key {offered} for {target} is not in known_hosts (policy {})",
                host.host_key_policy.id()
            );
        }
        format!(
            "host key verification failed for {target} (offered {offered}): {}",
            self.quote()
        )
    }

    /// ssh's messages, for an error (never the debug lines, never a secret: ssh does not log
    /// them).
    fn quote(&self) -> String {
        let m: Vec<&str> = self
            .messages
            .iter()
            .map(String::as_str)
            .filter(|m| !m.starts_with("Pseudo-terminal") && !m.starts_with("Authenticated to"))
            .collect();
        if m.is_empty() {
            self.recent.iter().cloned().collect::<Vec<_>>().join(" | ")
        } else {
            m.join(" | ")
        }
    }

    /// A jump host's ssh failing before the device is reached: its errors (it logs at ERROR,
    /// to its stderr, which is the pty) are what explain the exit, not the main ssh's log.
    fn jump_failure(&self, stage: Stage, pty_tail: &str) -> Option<SessionError> {
        if !self.proxied || stage != Stage::Connect {
            return None;
        }
        let lines: Vec<&str> = pty_tail
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return None;
        }
        let m = format!("jump host: {}", lines.join(" | "));
        let has = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
        Some(
            if has(&[
                "Host key verification failed",
                "REMOTE HOST IDENTIFICATION HAS CHANGED",
            ]) {
                SessionError::HostKeyRejected(m)
            } else if has(&["Permission denied", "Too many authentication failures"]) {
                SessionError::AuthRejected(m)
            } else if has(&[
                "Connection refused",
                "Could not resolve hostname",
                "No route to host",
                "Network is unreachable",
            ]) {
                SessionError::Connect(m)
            } else {
                SessionError::SshExited { stage, why: m }
            },
        )
    }

    /// Why ssh exited before the session started.
    pub fn failure(
        &self,
        host: &Host,
        stage: Stage,
        waited: Duration,
        pty_tail: &str,
    ) -> SessionError {
        let strip = |m: &str| m.strip_prefix("ssh: ").unwrap_or(m).to_string();
        if let Some(e) = self.jump_failure(stage, pty_tail) {
            return e;
        }
        if self
            .find(&[
                "Host key verification failed",
                "REMOTE HOST IDENTIFICATION HAS CHANGED",
                "host key is known for",
            ])
            .is_some()
        {
            return SessionError::HostKeyRejected(self.host_key_message(host));
        }
        if let Some(m) = self.find(&[
            "Permission denied",
            "Too many authentication failures",
            "No more authentication methods",
        ]) {
            return SessionError::AuthRejected(format!(
                "user `{}` rejected: {}",
                host.username,
                strip(m)
            ));
        }
        if let Some(m) = self.find(&[
            "Could not resolve hostname",
            "Connection refused",
            "No route to host",
            "Network is unreachable",
            "Name or service not known",
        ]) {
            return SessionError::Connect(strip(m));
        }
        if let Some(m) = self.find(&["timed out", "Timed out"]) {
            return SessionError::Timeout {
                stage,
                waited,
                tail: strip(m),
            };
        }
        if let Some(m) = self.find(&["Unable to negotiate", "no matching"]) {
            return SessionError::Protocol(strip(m));
        }
        if let Some(m) = self.find(&[
            "Bad configuration option",
            "command-line",
            "Bad SSH2",
            "Bad key types",
            "Unsupported option",
            "Bad protocol",
        ]) {
            return SessionError::Protocol(format!("ssh refused its options: {}", strip(m)));
        }
        let why = if self.messages.is_empty() && self.recent.is_empty() {
            pty_tail.trim().to_string()
        } else {
            self.quote()
        };
        SessionError::SshExited { stage, why }
    }
}

/// The SHA256 fingerprint of line `n` (1-based) of a known_hosts file.
fn known_fingerprint(file: &Path, n: usize) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().nth(n.checked_sub(1)?)?;
    let mut it = line.split_whitespace().skip_while(|t| t.starts_with('@'));
    let _hosts = it.next()?;
    let _kind = it.next()?;
    let b64 = it.next()?;
    russh::keys::parse_public_key_base64(b64)
        .ok()
        .map(|k| fingerprint(&k))
}

/// Where ssh's log goes. On Linux a pipe, reached by ssh through `/proc/<pid>/fd/N` (ptyprocess
/// closes every inherited descriptor), so new lines wake the login loop; elsewhere a file
/// read whenever the pty has news.
pub(super) enum LogSource {
    Pipe {
        /// The read end (non-blocking). Always read with the syscall, never through tokio's
        /// readiness cache: after ssh exits, its last lines must be read at once.
        rx: AsyncFd<File>,
        /// The write end, held until ssh has opened it (its first line), so that the pipe
        /// ends when ssh does.
        tx: Option<std::os::fd::OwnedFd>,
    },
    File {
        file: File,
        path: PathBuf,
        dir: tempfile::TempDir,
    },
}

/// Read `f` (non-blocking) into `st` until it would block (`false`) or ends (`true`).
fn read_log(mut f: &File, st: &mut LogState, mut got: impl FnMut()) -> bool {
    let mut buf = [0u8; 8192];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => {
                got();
                st.feed(&buf[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
}

impl LogSource {
    pub(super) fn new() -> io::Result<LogSource> {
        if Path::new("/proc/self/fd").is_dir() {
            let (tx, rx) = tokio::net::unix::pipe::pipe()?;
            let rx = File::from(rx.into_nonblocking_fd()?);
            // SAFETY: the `File` owns the pipe's read end and keeps it open, unchanged, for
            // as long as the `AsyncFd` owns the `File`.
            let rx = unsafe { AsyncFd::register(rx) }?;
            let tx = tx.into_blocking_fd()?;
            return Ok(LogSource::Pipe { rx, tx: Some(tx) });
        }
        Self::file()
    }

    fn file() -> io::Result<LogSource> {
        let dir = tempfile::Builder::new().prefix("fleetpoll-ssh").tempdir()?;
        let path = dir.path().join("ssh.log");
        File::create(&path)?;
        let file = File::open(&path)?;
        Ok(LogSource::File { file, path, dir })
    }

    pub(super) fn path(&self) -> String {
        match self {
            LogSource::Pipe { tx, .. } => format!(
                "/proc/{}/fd/{}",
                std::process::id(),
                tx.as_ref().map(|t| t.as_raw_fd()).unwrap_or(-1)
            ),
            LogSource::File { path, .. } => path.to_string_lossy().into_owned(),
        }
    }

    /// Wait for news (a file never signals; the pty and the deadline drive that mode). The
    /// readiness is cleared here; [`drain`](Self::drain) then reads until the pipe is empty.
    pub(super) async fn readable(&self) -> io::Result<()> {
        match self {
            LogSource::Pipe { rx, .. } => rx.readable().await.map(|mut g| g.clear_ready()),
            LogSource::File { .. } => std::future::pending().await,
        }
    }

    /// Read what is there into `st`. True at end of file.
    pub(super) fn drain(&mut self, st: &mut LogState) -> bool {
        match self {
            LogSource::Pipe { rx, tx } => read_log(rx.get_ref(), st, || *tx = None),
            LogSource::File { file, .. } => {
                read_log(file, st, || {});
                false
            }
        }
    }

    /// After the hand-off: keep the pipe drained (a full pipe would stall ssh) until ssh
    /// exits; a log file just needs its folder kept.
    pub(super) fn into_background(
        self,
    ) -> (
        Option<tokio::task::JoinHandle<()>>,
        Option<tempfile::TempDir>,
    ) {
        match self {
            LogSource::Pipe { rx, tx } => {
                drop(tx);
                let task = tokio::spawn(async move {
                    let mut sink = LogState::default();
                    loop {
                        match rx.readable().await {
                            Ok(mut g) => g.clear_ready(),
                            Err(_) => return,
                        }
                        if read_log(rx.get_ref(), &mut sink, || {}) {
                            return;
                        }
                        // Only the tail matters (nothing reads it): keep memory flat.
                        sink = LogState::default();
                    }
                });
                (Some(task), None)
            }
            LogSource::File { dir, .. } => (None, Some(dir)),
        }
    }
}

#[cfg(test)]
mod tests;
