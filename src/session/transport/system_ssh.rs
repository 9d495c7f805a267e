//! OpenSSH transport (`transport: openssh`): the local `ssh` program in a pty, for devices only
//! the system client reaches (its `~/.ssh/config`, ProxyJump, Kerberos, smart cards, agents).
//!
//! - **Spawn**: expectrl starts `ssh -tt` in a pty 511 columns wide, with `-o` options derived
//!   from the [`Host`] (host-key policy, known_hosts, algorithm profile, key file, timeouts)
//!   after the inventory's own `ssh.options` (for ssh the first value given wins). ssh's log
//!   (`LogLevel=DEBUG1`) goes to a pipe through `-E`, never to the pty, so debug lines cannot
//!   reach the prompt matcher.
//! - **Login**: expectrl answers what ssh asks on the tty (host-key confirmation per policy,
//!   password / keyboard-interactive password, key passphrase), each prompt matched at the end
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

use super::ssh::{default_known_hosts, fingerprint, PTY_COLUMNS};
use crate::inventory::{AlgorithmProfile, Algorithms, Host, HostKeyPolicy};
use crate::session::error::{SessionError, Stage};
use expectrl::process::NonBlocking;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// The OpenSSH client program.
const SSH_PROGRAM: &str = "ssh";
/// Prompts are looked for at the end of the pending pty output; older output beyond this is
/// dropped (a long pre-login banner) so expectrl's rescans stay cheap.
const LOGIN_BUFFER: usize = 16 * 1024;
/// How many of ssh's own messages are kept (the last ones: ssh's verdict comes last).
const MESSAGES: usize = 40;
/// Keepalive interval: a peer that stops answering is dropped after three intervals.
const ALIVE_INTERVAL_S: u64 = 15;
/// What `legacy` adds to OpenSSH's defaults (the same names, in the same order, as the
/// native transport's legacy profile), filtered to what the local client supports.
const LEGACY_KEX: &[&str] = &[
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group1-sha1",
    "diffie-hellman-group-exchange-sha1",
];
const LEGACY_CIPHERS: &[&str] = &["aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"];
const LEGACY_MACS: &[&str] = &["hmac-sha1"];
const LEGACY_HOST_KEYS: &[&str] = &["ssh-rsa", "ssh-dss"];
const LEGACY_USER_KEYS: &[&str] = &["ssh-rsa"];

/// The tty prompts of the login, matched at the end of the pending pty output (`\z`), so a
/// pre-login banner that mentions a password is never taken for a prompt.
const HOST_KEY_PROMPT: &str = r"\(yes/no[^\n]*\)\?[ \t]*\z";
const PASSPHRASE_PROMPT: &str = r"Enter passphrase for key '([^'\n]*)':[ \t]*\z";
const PASSWORD_PROMPT: &str = r"(?i)(?:password|passcode)[^\n:]*:[ \t]*\z";
const USERNAME_PROMPT: &str = r"(?i)(?:username|login)[^\n:]*:[ \t]*\z";
/// Everything pending (any bytes, newlines included).
const EVERYTHING: &str = r"(?s-u).+";
/// A needle that never matches: reads what is available and reports end of file.
const NOTHING: expectrl::NBytes = expectrl::NBytes(usize::MAX);

/// An OpenSSH session to a device: the `ssh` child and what it negotiated. Dropping it kills
/// and reaps the child in the background; [`close`](Self::close) does it in line.
pub struct SystemSshConnection {
    /// What the key exchange settled on: `kex=… hostkey=… cipher=… mac=…`.
    pub algorithms: Option<String>,
    child: Child,
    log_drain: Option<tokio::task::JoinHandle<()>>,
    _log_dir: Option<tempfile::TempDir>,
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

/// The `ssh` child in its pty. Kills and reaps on drop.
struct Child {
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
    fn session(&mut self) -> Result<&mut expectrl::Session, SessionError> {
        self.session
            .as_mut()
            .ok_or_else(|| SessionError::Protocol("the ssh process is gone".into()))
    }

    /// Stop and reap the child. Cancel-safe: until it is reaped the session stays here, so a
    /// dropped `shutdown` leaves the child to [`Drop`].
    async fn shutdown(&mut self, grace: Duration) {
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

/// What the local `ssh` supports (`ssh -Q`, `ssh -V`), asked once per process. Empty lists
/// mean "unknown": nothing is filtered then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub kex: Vec<String>,
    pub ciphers: Vec<String>,
    pub macs: Vec<String>,
    pub keys: Vec<String>,
    /// `(major, minor)` from `ssh -V`.
    pub version: Option<(u32, u32)>,
}

async fn query(args: &[&str]) -> Option<std::process::Output> {
    let mut c = tokio::process::Command::new(SSH_PROGRAM);
    c.args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(10), c.output())
        .await
        .ok()
        .and_then(Result::ok)
}

async fn list(what: &str) -> Vec<String> {
    match query(&["-Q", what]).await {
        Some(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// `OpenSSH_9.2p1 Debian-2, OpenSSL …` → `(9, 2)`.
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let rest = s.trim_start().strip_prefix("OpenSSH_")?;
    let mut it = rest.split(|c: char| !c.is_ascii_digit());
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

/// The local client's capabilities (cached).
pub async fn capabilities() -> &'static Capabilities {
    static CAPS: tokio::sync::OnceCell<Capabilities> = tokio::sync::OnceCell::const_new();
    CAPS.get_or_init(|| async {
        let (kex, ciphers, macs, keys, v) = tokio::join!(
            list("kex"),
            list("cipher"),
            list("mac"),
            list("key"),
            query(&["-V"])
        );
        let version = v.and_then(|o| {
            parse_version(&String::from_utf8_lossy(&o.stderr))
                .or_else(|| parse_version(&String::from_utf8_lossy(&o.stdout)))
        });
        Capabilities {
            kex,
            ciphers,
            macs,
            keys,
            version,
        }
    })
    .await
}

/// A path in an ssh option value: `%` is a token character, spaces separate list items.
fn ssh_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('%', "%%");
    if s.contains(' ') {
        format!("\"{s}\"")
    } else {
        s
    }
}

fn supported<'a>(wanted: &[&'a str], have: &[String]) -> Vec<&'a str> {
    if have.is_empty() {
        return wanted.to_vec();
    }
    wanted
        .iter()
        .copied()
        .filter(|w| have.iter().any(|h| h == w))
        .collect()
}

/// The `ssh` command line for `host` (without the program name). `log` is where `-E` sends
/// ssh's log; `known_hosts` is fleetpoll's own file; `caps` filters the legacy additions.
pub fn build_args(host: &Host, caps: &Capabilities, known_hosts: &Path, log: &str) -> Vec<String> {
    let mut a: Vec<String> = ["-tt", "-e", "none", "-E", log]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut o = |kv: String| {
        a.push("-o".into());
        a.push(kv);
    };
    // The inventory's options first: for ssh the first value of an option wins.
    for opt in &host.ssh_options {
        o(opt.clone());
    }
    // `accept-new` and `RemoteCommand` arrived in OpenSSH 7.6 (unknown version: assume newer).
    let before_7_6 = caps.version.is_some_and(|v| v < (7, 6));
    // Not `-v`: ssh passes `-v` on to a ProxyJump child, whose stderr is the pty.
    o("LogLevel=DEBUG1".into());
    match host.host_key_policy {
        HostKeyPolicy::AcceptNew => {
            // `accept-new` needs OpenSSH 7.6; before that ssh asks, and the login answers
            // `yes` to an unknown key (a changed key still fails), which is the same policy.
            if before_7_6 {
                o("StrictHostKeyChecking=ask".into());
            } else {
                o("StrictHostKeyChecking=accept-new".into());
            }
            o(format!("UserKnownHostsFile={}", ssh_path(known_hosts)));
            o("HashKnownHosts=no".into());
        }
        HostKeyPolicy::Strict => {
            o("StrictHostKeyChecking=yes".into());
            o(format!(
                "UserKnownHostsFile={} ~/.ssh/known_hosts ~/.ssh/known_hosts2",
                ssh_path(known_hosts)
            ));
        }
        // ssh asks about the (never known) key; the answer depends on the fingerprint that
        // its log shows, checked here before anything is sent.
        HostKeyPolicy::Pinned => {
            o("StrictHostKeyChecking=ask".into());
            o("UserKnownHostsFile=/dev/null".into());
            o("GlobalKnownHostsFile=/dev/null".into());
        }
        HostKeyPolicy::InsecureAcceptAny => {
            o("StrictHostKeyChecking=no".into());
            o("UserKnownHostsFile=/dev/null".into());
            o("GlobalKnownHostsFile=/dev/null".into());
        }
    }
    // Password prompts must reach the tty; one try per method, never a retry loop.
    o("BatchMode=no".into());
    o("NumberOfPasswordPrompts=1".into());
    if host.password.is_none() {
        o("PasswordAuthentication=no".into());
        o("KbdInteractiveAuthentication=no".into());
    }
    let connect = host.timeouts.connect.as_secs_f64().ceil().max(1.0) as u64;
    o(format!("ConnectTimeout={connect}"));
    o(format!("ServerAliveInterval={ALIVE_INTERVAL_S}"));
    o("ServerAliveCountMax=3".into());
    // One plain session per device: no forwardings, no connection sharing.
    o("ClearAllForwardings=yes".into());
    o("ForwardAgent=no".into());
    o("ForwardX11=no".into());
    o("ControlMaster=no".into());
    o("ControlPath=none".into());
    o("RequestTTY=force".into());
    if !before_7_6 {
        // A `RemoteCommand` in the user's config would replace the device's shell.
        o("RemoteCommand=none".into());
    }
    if let Some(k) = &host.key_file {
        o("IdentitiesOnly=yes".into());
        a.push("-i".into());
        a.push(ssh_path(k));
    }
    let mut o = |kv: String| {
        a.push("-o".into());
        a.push(kv);
    };
    match &host.algorithms {
        Algorithms::Profile(AlgorithmProfile::Modern) => {}
        Algorithms::Profile(AlgorithmProfile::Legacy) => {
            let add = |key: &str, names: Vec<&str>| {
                (!names.is_empty()).then(|| format!("{key}=+{}", names.join(",")))
            };
            let user_keys = if caps.version.is_some_and(|v| v < (8, 5)) {
                "PubkeyAcceptedKeyTypes"
            } else {
                "PubkeyAcceptedAlgorithms"
            };
            for kv in [
                add("KexAlgorithms", supported(LEGACY_KEX, &caps.kex)),
                add("Ciphers", supported(LEGACY_CIPHERS, &caps.ciphers)),
                add("MACs", supported(LEGACY_MACS, &caps.macs)),
                add("HostKeyAlgorithms", supported(LEGACY_HOST_KEYS, &caps.keys)),
                add(user_keys, supported(LEGACY_USER_KEYS, &caps.keys)),
            ]
            .into_iter()
            .flatten()
            {
                o(kv);
            }
        }
        Algorithms::Explicit(e) => {
            for (key, v) in [
                ("KexAlgorithms", &e.kex),
                ("Ciphers", &e.ciphers),
                ("MACs", &e.macs),
                ("HostKeyAlgorithms", &e.host_keys),
            ] {
                if let Some(v) = v {
                    o(format!("{key}={}", v.join(",")));
                }
            }
        }
    }
    a.push("-p".into());
    a.push(host.port.to_string());
    a.push("-l".into());
    a.push(host.username.clone());
    a.push("--".into());
    a.push(host.host.clone());
    a
}

/// What ssh's log has told so far.
#[derive(Debug, Default)]
pub struct LogState {
    partial: Vec<u8>,
    /// The last lines, debug included (for timeouts).
    recent: VecDeque<String>,
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

    /// Why ssh exited before the session started.
    pub fn failure(
        &self,
        host: &Host,
        stage: Stage,
        waited: Duration,
        pty_tail: &str,
    ) -> SessionError {
        let strip = |m: &str| m.strip_prefix("ssh: ").unwrap_or(m).to_string();
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
        SessionError::Protocol(format!("ssh exited at stage {stage}: {why}"))
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
enum LogSource {
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
    fn new() -> io::Result<LogSource> {
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

    fn path(&self) -> String {
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
    async fn readable(&self) -> io::Result<()> {
        match self {
            LogSource::Pipe { rx, .. } => rx.readable().await.map(|mut g| g.clear_ready()),
            LogSource::File { .. } => std::future::pending().await,
        }
    }

    /// Read what is there into `st`. True at end of file.
    fn drain(&mut self, st: &mut LogState) -> bool {
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
    fn into_background(
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

/// Start ssh in a pty (fork and exec block briefly, so on the blocking pool), sized like the
/// native transport's pty. Returns the child and a second handle on the pty master.
async fn spawn(cmd: std::process::Command) -> Result<(Child, File), SessionError> {
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
        Err(e) => Err(SessionError::Protocol(format!("cannot start ssh: {e}"))),
    }
}

/// The last bytes seen on the pty during the login, for error messages.
#[derive(Default)]
struct Tail(VecDeque<u8>);

impl Tail {
    fn push(&mut self, b: &[u8]) {
        for &c in b {
            if self.0.len() == 300 {
                self.0.pop_front();
            }
            self.0.push_back(c);
        }
    }

    fn text(&self, host: &Host) -> String {
        let v: Vec<u8> = self.0.iter().copied().collect();
        let mut s = String::from_utf8_lossy(&v).into_owned();
        if let Some(p) = &host.password {
            s = s.replace(p.expose(), "******");
        }
        s
    }
}

/// A prompt ssh shows on the tty during the login.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Prompt {
    HostKey,
    Passphrase(String),
    Password,
    Username,
}

fn matched(
    r: Result<expectrl::Captures, expectrl::Error>,
) -> Result<Option<expectrl::Captures>, expectrl::Error> {
    r.map(|c| (!c.is_empty()).then_some(c))
}

/// Any login prompt (one needle: every `check` reads the pty first, so the matching must be
/// one check, the last before waiting, or bytes read by a later check would sit unexamined
/// while no new readiness event comes).
fn any_prompt() -> &'static str {
    static ANY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ANY.get_or_init(|| {
        [
            HOST_KEY_PROMPT,
            PASSPHRASE_PROMPT,
            PASSWORD_PROMPT,
            USERNAME_PROMPT,
        ]
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|")
    })
}

/// Which prompt `text` (a match of [`any_prompt`]) is.
fn classify(text: &[u8]) -> Option<Prompt> {
    static RES: std::sync::OnceLock<Vec<regex::bytes::Regex>> = std::sync::OnceLock::new();
    let res = RES.get_or_init(|| {
        [
            HOST_KEY_PROMPT,
            PASSPHRASE_PROMPT,
            PASSWORD_PROMPT,
            USERNAME_PROMPT,
        ]
        .iter()
        .filter_map(|p| regex::bytes::Regex::new(p).ok())
        .collect()
    });
    let hit = |i: usize| res.get(i).and_then(|r| r.captures(text));
    if hit(0).is_some() {
        Some(Prompt::HostKey)
    } else if let Some(c) = hit(1) {
        let key = c
            .get(1)
            .map(|k| String::from_utf8_lossy(k.as_bytes()).into_owned());
        Some(Prompt::Passphrase(key.unwrap_or_default()))
    } else if hit(2).is_some() {
        Some(Prompt::Password)
    } else if hit(3).is_some() {
        Some(Prompt::Username)
    } else {
        None
    }
}

/// Look for a prompt at the end of the pending pty output (and bound what stays pending).
/// `Ok(None)`: nothing to answer yet, and the pty was read until it had nothing more.
/// `Err`: the pty is closed (ssh exited) or unreadable.
fn next_prompt(
    s: &mut expectrl::Session,
    tail: &mut Tail,
) -> Result<Option<Prompt>, expectrl::Error> {
    // Older output than the last LOGIN_BUFFER bytes cannot hold the prompt: drop it first.
    if let Some(c) = matched(s.check(expectrl::NBytes(LOGIN_BUFFER)))? {
        tail.push(c.as_bytes());
    }
    // Last: this check's read leaves the pty empty, so anything later wakes the loop.
    let Some(c) = matched(s.check(expectrl::Regex(any_prompt())))? else {
        return Ok(None);
    };
    tail.push(c.as_bytes());
    Ok(c.get(0).and_then(classify))
}

/// Everything expectrl holds (read to the end of what the pty has now).
fn take_pending(s: &mut expectrl::Session) -> Vec<u8> {
    match s.check(expectrl::Regex(EVERYTHING)) {
        Ok(c) => c.get(0).map(<[u8]>::to_vec).unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

fn pinned_ok(host: &Host, st: &LogState) -> Option<Result<(), SessionError>> {
    if host.host_key_policy != HostKeyPolicy::Pinned {
        return Some(Ok(()));
    }
    let fp = st.server_fp.as_deref()?;
    Some(match &host.host_key_fingerprint {
        Some(p) if p.trim() == fp => Ok(()),
        Some(p) => Err(SessionError::HostKeyRejected(format!(
            "host key fingerprint {fp} does not match the pinned {}",
            p.trim()
        ))),
        None => Err(SessionError::HostKeyRejected(
            "no pinned fingerprint configured".into(),
        )),
    })
}

/// The login's stage and deadline, moved on by what ssh's log says.
struct Clock {
    timeouts: crate::inventory::ResolvedTimeouts,
    stage_at: Instant,
    deadline: Instant,
    proxy_extended: bool,
}

impl Clock {
    fn new(timeouts: crate::inventory::ResolvedTimeouts) -> Clock {
        let now = Instant::now();
        Clock {
            timeouts,
            stage_at: now,
            deadline: now + timeouts.connect,
            proxy_extended: false,
        }
    }

    fn enter(&mut self, stage: &mut Stage, next: Stage, budget: Duration) {
        *stage = next;
        self.stage_at = Instant::now();
        self.deadline = self.stage_at + budget;
    }

    /// `connect` until the TCP connection, `auth` until authenticated, then `shell`.
    fn advance(&mut self, st: &LogState, stage: &mut Stage) {
        let t = self.timeouts;
        if st.proxied && !self.proxy_extended {
            // A ProxyCommand / ProxyJump connects through another login first.
            self.proxy_extended = true;
            self.deadline += t.auth;
        }
        if *stage == Stage::Connect && (st.connected || st.authenticated) {
            self.enter(stage, Stage::Auth, t.auth);
        }
        if st.authenticated && *stage != Stage::Shell {
            self.enter(stage, Stage::Shell, t.prompt);
        }
    }
}

/// Drive ssh to the interactive session. Returns the pty bytes already read past the login.
async fn login(
    host: &Host,
    child: &mut Child,
    pty: &AsyncFd<File>,
    log: &mut LogSource,
    st: &mut LogState,
    stage: &mut Stage,
) -> Result<Vec<u8>, SessionError> {
    let mut clock = Clock::new(host.timeouts);
    let mut log_open = true;
    let mut passwords = 0u32;
    let mut skipped_key: Option<String> = None;
    let mut tail = Tail::default();
    let send = |s: &mut expectrl::Session, line: &str| {
        s.send_line(line)
            .and_then(|_| s.flush())
            .map_err(|e| SessionError::Protocol(format!("cannot write to ssh: {e}")))
    };
    loop {
        // The log first: ssh logs before it prompts or relays remote output, so once it says
        // "authenticated", what the pty shows is the device's, not ssh's.
        if log_open && log.drain(st) {
            log_open = false;
        }
        clock.advance(st, stage);
        if let Some(Err(e)) = pinned_ok(host, st) {
            return Err(e);
        }
        let s = child.session()?;
        if st.interactive {
            match pinned_ok(host, st) {
                Some(Ok(())) => {}
                Some(Err(e)) => return Err(e),
                None => return Err(SessionError::HostKeyRejected(
                    "ssh did not report the server's host key; cannot check the pinned fingerprint"
                        .into(),
                )),
            }
            return Ok(take_pending(s));
        }
        let prompt = if st.authenticated {
            // Output from here on is the device's: keep it for the channel, only notice EOF.
            s.check(NOTHING).map(|_| None)
        } else {
            next_prompt(s, &mut tail)
        };
        match prompt {
            Ok(None) => {}
            Ok(Some(Prompt::HostKey)) => {
                let yes = match host.host_key_policy {
                    HostKeyPolicy::AcceptNew | HostKeyPolicy::InsecureAcceptAny => true,
                    HostKeyPolicy::Strict => false,
                    HostKeyPolicy::Pinned => match pinned_ok(host, st) {
                        Some(Ok(())) => true,
                        Some(Err(e)) => return Err(e),
                        None => {
                            return Err(SessionError::HostKeyRejected(
                                "ssh asked about a host key it did not log; cannot check the pinned fingerprint".into(),
                            ))
                        }
                    },
                };
                tracing::debug!(device = %host.name, yes, "answering ssh's host key question");
                send(s, if yes { "yes" } else { "no" })?;
                continue;
            }
            Ok(Some(Prompt::Passphrase(key))) => {
                // No passphrase setting exists: skip the key, other methods may follow.
                tracing::debug!(device = %host.name, key = %key, "key file is encrypted; skipping it");
                skipped_key = Some(key);
                send(s, "")?;
                continue;
            }
            Ok(Some(Prompt::Password)) => {
                if *stage == Stage::Connect {
                    clock.enter(stage, Stage::Auth, host.timeouts.auth);
                }
                if let Some(Err(e)) = pinned_ok(host, st) {
                    return Err(e);
                }
                if host.host_key_policy == HostKeyPolicy::Pinned && st.server_fp.is_none() {
                    return Err(SessionError::HostKeyRejected(
                        "asked for a password before the host key was checked against the pinned fingerprint".into(),
                    ));
                }
                let Some(pw) = &host.password else {
                    return Err(SessionError::AuthRejected(format!(
                        "user `{}`: the device asks for a password and none is configured",
                        host.username
                    )));
                };
                if passwords >= 1 {
                    return Err(SessionError::AuthRejected(format!(
                        "user `{}` rejected: password not accepted",
                        host.username
                    )));
                }
                passwords += 1;
                tracing::debug!(device = %host.name, "answering ssh's password prompt");
                send(s, pw.expose())?;
                continue;
            }
            Ok(Some(Prompt::Username)) => {
                send(s, &host.username)?;
                continue;
            }
            Err(_) => {
                // ssh exited (or its pty broke): everything it logged is in the pipe by now.
                if log_open {
                    log.drain(st);
                }
                clock.advance(st, stage);
                tail.push(&take_pending(s));
                let waited = clock.stage_at.elapsed();
                let mut e = st.failure(host, *stage, waited, &tail.text(host));
                if let (SessionError::AuthRejected(m), Some(k)) = (&mut e, &skipped_key) {
                    m.push_str(&format!(" (key file {k} is encrypted and no passphrase is configured; it was skipped)"));
                }
                return Err(e);
            }
        }
        tokio::select! {
            r = pty.readable() => match r {
                Ok(mut g) => g.clear_ready(),
                Err(e) => return Err(SessionError::Protocol(format!("cannot wait on the pty: {e}"))),
            },
            r = log.readable(), if log_open => {
                if r.is_err() {
                    log_open = false;
                }
            }
            _ = tokio::time::sleep_until(clock.deadline) => {
                if log_open && log.drain(st) {
                    log_open = false;
                }
                clock.advance(st, stage);
                if Instant::now() < clock.deadline {
                    // The log had news the loop had not read yet: a new stage, a new budget.
                    continue;
                }
                let mut last = st.recent.iter().cloned().collect::<Vec<_>>().join(" | ");
                if let Some(cut) = last.char_indices().rev().nth(500).map(|(i, _)| i) {
                    last = format!("…{}", &last[cut..]);
                }
                tail.push(&take_pending(s));
                let pty_tail = tail.text(host);
                if !pty_tail.trim().is_empty() {
                    last.push_str(&format!(" | tty: {}", pty_tail.trim()));
                }
                return Err(SessionError::Timeout { stage: *stage, waited: clock.stage_at.elapsed(), tail: last });
            }
        }
    }
}

/// Run `ssh` for `host`, log in, and return the connection and the device's byte stream.
/// Stages: `connect` until ssh has a TCP connection (`timeouts.connect`; a ProxyJump /
/// ProxyCommand adds `timeouts.auth`), `auth` through key exchange and authentication
/// (`timeouts.auth`), `shell` until the interactive session starts (`timeouts.prompt`).
pub async fn open(
    host: &Host,
    stage: &mut Stage,
) -> Result<(SystemSshConnection, PtyStream), SessionError> {
    *stage = Stage::Connect;
    if !host.jump.is_empty() {
        return Err(SessionError::Protocol(
            "ssh.jump is not supported by the openssh transport; use ProxyJump in ~/.ssh/config or ssh.options: [ProxyJump=user@bastion]".into(),
        ));
    }
    let caps = capabilities().await;
    let known_hosts = host.known_hosts.clone().unwrap_or_else(default_known_hosts);
    if host.host_key_policy == HostKeyPolicy::AcceptNew {
        if let Some(dir) = known_hosts.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
    }
    let mut log = LogSource::new()
        .map_err(|e| SessionError::Protocol(format!("cannot set up ssh's log: {e}")))?;
    let args = build_args(host, caps, &known_hosts, &log.path());
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
        .map_err(|e| SessionError::Protocol(format!("cannot watch the pty: {e}")))?;
    let mut st = LogState::default();
    let pending = match login(host, &mut child, &pty, &mut log, &mut st, stage).await {
        Ok(p) => p,
        Err(e) => {
            child.shutdown(Duration::ZERO).await;
            return Err(e);
        }
    };
    // From now on the pty is read through tokio only.
    if let Err(e) = child.session()?.get_stream_mut().set_non_blocking() {
        child.shutdown(Duration::ZERO).await;
        return Err(SessionError::Protocol(format!(
            "cannot make the pty non-blocking: {e}"
        )));
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
        },
        PtyStream {
            pending,
            pos: 0,
            fd: pty,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::ExplicitAlgorithms;

    /// A device resolved the way the inventory does it (so new `Host` fields need no edit).
    fn host() -> Host {
        let yaml = "devices:\n  - {name: r1, host: 10.0.0.1, port: 2222, platform: cisco_ios, transport: openssh, username: netops, password: s3cret}\n";
        let mut inv = crate::inventory::parse(Path::new("t.yaml"), yaml).unwrap();
        inv.hosts.remove(0)
    }

    fn opts(args: &[String]) -> Vec<&str> {
        args.windows(2)
            .filter(|w| w[0] == "-o")
            .map(|w| w[1].as_str())
            .collect()
    }

    #[test]
    fn args_modern_accept_new_password() {
        let h = host();
        let a = build_args(
            &h,
            &Capabilities::default(),
            Path::new("/k h/known%hosts"),
            "/proc/1/fd/9",
        );
        assert_eq!(&a[..5], ["-tt", "-e", "none", "-E", "/proc/1/fd/9"]);
        assert_eq!(
            &a[a.len() - 6..],
            ["-p", "2222", "-l", "netops", "--", "10.0.0.1"]
        );
        let o = opts(&a);
        assert!(o.contains(&"StrictHostKeyChecking=accept-new"));
        assert!(
            o.contains(&"UserKnownHostsFile=\"/k h/known%%hosts\""),
            "{o:?}"
        );
        assert!(o.contains(&"BatchMode=no"));
        assert!(o.contains(&"ConnectTimeout=10"));
        assert!(o.contains(&"LogLevel=DEBUG1"));
        assert!(o.contains(&"RemoteCommand=none"));
        assert!(!o.iter().any(|x| x.starts_with("KexAlgorithms")));
        assert!(!o.iter().any(|x| x.starts_with("PasswordAuthentication")));
        assert!(!a.contains(&"-i".to_string()));
        assert!(
            !a.contains(&"-v".to_string()),
            "-v would reach a ProxyJump child's stderr"
        );
        assert!(!a.iter().any(|x| x.contains("s3cret")));
    }

    #[test]
    fn args_legacy_filters_to_the_client_and_user_options_come_first() {
        let mut h = host();
        h.algorithms = Algorithms::Profile(AlgorithmProfile::Legacy);
        h.key_file = Some(PathBuf::from("/keys/id_rsa"));
        h.password = None;
        h.ssh_options = vec!["ProxyJump=bastion".into(), "ConnectTimeout=3".into()];
        h.host_key_policy = HostKeyPolicy::Strict;
        let caps = Capabilities {
            kex: vec![
                "diffie-hellman-group14-sha1".into(),
                "curve25519-sha256".into(),
            ],
            ciphers: vec!["aes128-cbc".into(), "3des-cbc".into()],
            macs: vec!["hmac-sha1".into()],
            keys: vec!["ssh-rsa".into(), "ssh-ed25519".into()],
            version: Some((10, 0)),
        };
        let a = build_args(&h, &caps, Path::new("/kh"), "/log");
        let o = opts(&a);
        assert_eq!(o[0], "ProxyJump=bastion");
        assert_eq!(
            o[1], "ConnectTimeout=3",
            "ssh keeps the first value: the inventory's"
        );
        assert!(o.contains(&"KexAlgorithms=+diffie-hellman-group14-sha1"));
        assert!(o.contains(&"Ciphers=+aes128-cbc,3des-cbc"));
        assert!(o.contains(&"MACs=+hmac-sha1"));
        assert!(
            o.contains(&"HostKeyAlgorithms=+ssh-rsa"),
            "no ssh-dss in OpenSSH 10"
        );
        assert!(o.contains(&"PubkeyAcceptedAlgorithms=+ssh-rsa"));
        assert!(o.contains(&"StrictHostKeyChecking=yes"));
        assert!(o.contains(&"UserKnownHostsFile=/kh ~/.ssh/known_hosts ~/.ssh/known_hosts2"));
        assert!(o.contains(&"PasswordAuthentication=no"));
        assert!(o.contains(&"IdentitiesOnly=yes"));
        let i = a.iter().position(|x| x == "-i").unwrap();
        assert_eq!(a[i + 1], "/keys/id_rsa");

        let old = Capabilities {
            version: Some((7, 4)),
            ..Capabilities::default()
        };
        let o2 = build_args(&h, &old, Path::new("/kh"), "/log");
        let o2 = opts(&o2);
        assert!(o2.contains(&"PubkeyAcceptedKeyTypes=+ssh-rsa"));
        assert!(o2.contains(&"KexAlgorithms=+diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1"));
        assert!(o2.contains(&"HostKeyAlgorithms=+ssh-rsa,ssh-dss"));
        assert!(o2.contains(&"StrictHostKeyChecking=yes"));
        assert!(
            !o2.iter().any(|x| x.starts_with("RemoteCommand")),
            "unknown before 7.6"
        );
        h.host_key_policy = HostKeyPolicy::AcceptNew;
        let o3 = build_args(&h, &old, Path::new("/kh"), "/log");
        assert!(
            opts(&o3).contains(&"StrictHostKeyChecking=ask"),
            "accept-new is 7.6+"
        );
    }

    #[test]
    fn args_pinned_insecure_and_explicit() {
        let mut h = host();
        h.host_key_policy = HostKeyPolicy::Pinned;
        h.algorithms = Algorithms::Explicit(ExplicitAlgorithms {
            kex: Some(vec!["diffie-hellman-group14-sha1".into()]),
            ciphers: None,
            macs: Some(vec!["hmac-sha1".into(), "hmac-sha2-256".into()]),
            host_keys: None,
        });
        let o = build_args(&h, &Capabilities::default(), Path::new("/kh"), "/log");
        let o = opts(&o);
        assert!(o.contains(&"StrictHostKeyChecking=ask"));
        assert!(o.contains(&"UserKnownHostsFile=/dev/null"));
        assert!(o.contains(&"KexAlgorithms=diffie-hellman-group14-sha1"));
        assert!(o.contains(&"MACs=hmac-sha1,hmac-sha2-256"));
        assert!(!o.iter().any(|x| x.starts_with("Ciphers")));
        h.host_key_policy = HostKeyPolicy::InsecureAcceptAny;
        let o = build_args(&h, &Capabilities::default(), Path::new("/kh"), "/log");
        assert!(opts(&o).contains(&"StrictHostKeyChecking=no"));
    }

    #[test]
    fn version_parsing() {
        assert_eq!(
            parse_version("OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19"),
            Some((9, 2))
        );
        assert_eq!(parse_version("OpenSSH_10.0p2, LibreSSL"), Some((10, 0)));
        assert_eq!(parse_version("Sun_SSH_1.1"), None);
    }

    const LOG: &str = "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\r
debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2299.\r
debug1: Connection established.\r
debug1: kex: algorithm: diffie-hellman-group14-sha1\r
debug1: kex: host key algorithm: ssh-rsa\r
debug1: kex: server->client cipher: aes128-cbc MAC: hmac-sha1 compression: none\r
debug1: kex: client->server cipher: aes128-cbc MAC: hmac-sha1 compression: none\r
debug1: Server host key: ssh-rsa SHA256:QrF99wvRtD25sL0XK11/LwLuSNsHKt4KzPkSFXrdkWo\r
Warning: Permanently added '[127.0.0.1]:2299' (RSA) to the list of known hosts.\r
debug1: Authentications that can continue: publickey,password\r
Authenticated to 127.0.0.1 ([127.0.0.1]:2299) using \"publickey\".\r
debug1: Entering interactive session.\r
";

    #[test]
    fn log_gives_stages_algorithms_and_host_key() {
        let mut st = LogState::default();
        // Split anywhere: lines are assembled across reads.
        for chunk in LOG.as_bytes().chunks(7) {
            st.feed(chunk);
        }
        assert!(st.connected && st.authenticated && st.interactive);
        assert_eq!(
            st.algorithms().as_deref(),
            Some("kex=diffie-hellman-group14-sha1 hostkey=ssh-rsa cipher=aes128-cbc mac=hmac-sha1")
        );
        assert_eq!(
            st.server_fp.as_deref(),
            Some("SHA256:QrF99wvRtD25sL0XK11/LwLuSNsHKt4KzPkSFXrdkWo")
        );
        let mut aead = LogState::default();
        aead.feed(b"debug1: kex: algorithm: curve25519-sha256\ndebug1: kex: host key algorithm: ssh-ed25519\ndebug1: kex: server->client cipher: chacha20-poly1305@openssh.com MAC: <implicit> compression: none\n");
        assert_eq!(
            aead.algorithms().as_deref(),
            Some("kex=curve25519-sha256 hostkey=ssh-ed25519 cipher=chacha20-poly1305@openssh.com mac=implicit")
        );
        let mut none = LogState::default();
        none.feed(b"debug1: kex: algorithm: (no match)\n");
        assert_eq!(none.algorithms(), None);
    }

    fn fail(log: &str, stage: Stage) -> SessionError {
        let mut st = LogState::default();
        st.feed(log.as_bytes());
        st.failure(&host(), stage, Duration::from_secs(1), "")
    }

    #[test]
    fn exit_messages_map_to_error_classes() {
        use crate::session::error::ErrorClass::*;
        let cases: &[(&str, crate::session::error::ErrorClass, &str)] = &[
            ("ssh: connect to host 10.0.0.1 port 2222: Connection refused\n", Unreachable, "Connection refused"),
            ("ssh: Could not resolve hostname nowhere: Name or service not known\n", Unreachable, "nowhere"),
            ("ssh: connect to host 10.0.0.1 port 22: No route to host\n", Unreachable, "No route"),
            ("ssh: connect to host 10.0.0.1 port 22: Connection timed out\n", Timeout, "timed out"),
            ("debug1: Connection established.\nConnection timed out during banner exchange\n", Timeout, "banner"),
            ("Unable to negotiate with 10.0.0.1 port 22: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1\n", Protocol, "no matching key exchange"),
            ("Unable to negotiate with 10.0.0.1 port 22: no matching cipher found. Their offer: aes128-cbc\n", Protocol, "aes128-cbc"),
            ("netops@10.0.0.1: Permission denied (publickey,password).\n", AuthFailed, "Permission denied"),
            ("Received disconnect from 10.0.0.1 port 22:2: Too many authentication failures\n", AuthFailed, "Too many"),
            ("command-line line 0: Bad configuration option: frobnicate\n", Protocol, "refused its options"),
            ("kex_exchange_identification: Connection closed by remote host\n", Protocol, "Connection closed"),
        ];
        for (log, class, text) in cases {
            let e = fail(log, Stage::Connect);
            assert_eq!(e.class(), *class, "{log} -> {e}");
            assert!(e.to_string().contains(text), "{log} -> {e}");
        }
        // ssh's verdict comes last, however much it said before.
        let noisy = format!(
            "{}netops@10.0.0.1: Permission denied (password).\n",
            "Warning: something\n".repeat(100)
        );
        assert_eq!(fail(&noisy, Stage::Auth).class(), AuthFailed);
        match fail(
            "ssh: connect to host 10.0.0.1 port 22: Connection timed out\n",
            Stage::Connect,
        ) {
            SessionError::Timeout { stage, .. } => assert_eq!(stage, Stage::Connect),
            e => panic!("{e}"),
        }
    }

    #[test]
    fn host_key_failures_name_the_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let kh = dir.path().join("known_hosts");
        // A real key (from russh's tests): its fingerprint must be computed from the file.
        let line = "[10.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
        std::fs::write(&kh, format!("# comment\n{line}\n")).unwrap();
        let expect = fingerprint(
            &russh::keys::parse_public_key_base64(line.split(' ').nth(2).unwrap()).unwrap(),
        );
        let log = format!(
            "debug1: Server host key: ssh-rsa SHA256:NEWNEWNEW\n\
             @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n\
             @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n\
             The fingerprint for the RSA key sent by the remote host is\nSHA256:NEWNEWNEW.\n\
             Offending ED25519 key in {}:2\n\
             Host key for [10.0.0.1]:2222 has changed and you have requested strict checking.\n\
             Host key verification failed.\n",
            kh.display()
        );
        let e = fail(&log, Stage::Auth);
        assert_eq!(e.class(), crate::session::error::ErrorClass::HostKey);
        let m = e.to_string();
        assert!(m.contains("HOST KEY CHANGED"), "{m}");
        assert!(m.contains(&expect), "{m}");
        assert!(m.contains("offered SHA256:NEWNEWNEW"), "{m}");
        assert!(m.contains("line 2"), "{m}");

        let e = fail(
            "debug1: Server host key: ssh-rsa SHA256:abc\nNo RSA host key is known for [10.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n",
            Stage::Auth,
        );
        assert!(
            matches!(&e, SessionError::HostKeyRejected(m) if m.contains("SHA256:abc") && m.contains("not in known_hosts")),
            "{e}"
        );
    }

    #[tokio::test]
    async fn log_sources_deliver_lines_as_written() {
        for mut src in [LogSource::new().unwrap(), LogSource::file().unwrap()] {
            let path = src.path();
            let mut w = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            let mut st = LogState::default();
            assert!(!src.drain(&mut st));
            w.write_all(b"debug1: Connection established.\r\ndebug1: kex: algo")
                .unwrap();
            assert!(!src.drain(&mut st));
            assert!(st.connected, "{path}");
            w.write_all(b"rithm: diffie-hellman-group1-sha1\r\n")
                .unwrap();
            src.drain(&mut st);
            assert_eq!(
                st.kex.as_deref(),
                Some("diffie-hellman-group1-sha1"),
                "{path}"
            );
            if let LogSource::Pipe { tx, .. } = &src {
                assert!(
                    tx.is_none(),
                    "our write end is released once the writer is in"
                );
                drop(w);
                assert!(src.drain(&mut st), "the pipe ends with its last writer");
            }
        }
    }

    #[test]
    fn prompts_match_only_at_the_end_of_the_output() {
        let re = |p: &str| regex::bytes::Regex::new(p).unwrap();
        let pw = re(PASSWORD_PROMPT);
        assert!(pw.is_match(b"netops@10.0.0.1's password: "));
        assert!(pw.is_match(b"banner\r\n(netops@10.0.0.1) Password:"));
        assert!(pw.is_match(b"Password for netops@r1: "));
        assert!(!pw.is_match(b"Authorized use only. Password: never share it\r\n"));
        assert!(
            !pw.is_match(b"Password:\r\n"),
            "a banner line ending in a colon is not a prompt"
        );
        let hk = re(HOST_KEY_PROMPT);
        assert!(
            hk.is_match(b"Are you sure you want to continue connecting (yes/no/[fingerprint])? ")
        );
        assert!(hk.is_match(b"Are you sure you want to continue connecting (yes/no)? "));
        let pp = re(PASSPHRASE_PROMPT);
        let c = pp
            .captures(b"Enter passphrase for key '/home/n/.ssh/id_rsa': ")
            .unwrap();
        assert_eq!(&c[1], b"/home/n/.ssh/id_rsa");
        assert!(re(USERNAME_PROMPT).is_match(b"Username: "));
        // One needle for all of them, classified afterwards.
        let any = re(any_prompt());
        for (text, want) in [
            (
                &b"x\r\nAre you sure you want to continue connecting (yes/no/[fingerprint])? "[..],
                Some(Prompt::HostKey),
            ),
            (
                b"\r\n\r(netops@10.0.0.1) Password: ",
                Some(Prompt::Password),
            ),
            (
                b"Enter passphrase for key '/k/id': ",
                Some(Prompt::Passphrase("/k/id".into())),
            ),
            (b"Username: ", Some(Prompt::Username)),
        ] {
            let m = any.find(text).unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(classify(m.as_bytes()), want, "{text:?}");
        }
        assert!(
            !any.is_match(b"ENTER PASSPHRASE FOR KEY 'x': "),
            "case-insensitivity stays inside its group"
        );
        assert!(!any.is_match(b"Authorized use only. Password: never share it\r\n"));
        let all = re(EVERYTHING);
        assert_eq!(all.find(b"a\r\n\xffb").unwrap().as_bytes(), b"a\r\n\xffb");
    }
}
