//! The russh client: TCP connect, key-exchange preferences, host-key policy, password /
//! keyboard-interactive / public-key (key_file, or the ssh-agent) authentication. `native`
//! puts it together with the jump chain and opens the shell.

use super::{agent, algorithms};
use crate::inventory::{Host, HostKeyPolicy};
use crate::session::budget::Budget;
use crate::session::error::{SessionError, Stage};
use russh::client;
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKey};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// What a failed key exchange is called (and how the retry without GEX recognises one).
const HANDSHAKE_FAILED: &str = "SSH handshake failed";

/// Columns of the pty: wide enough that no show output wraps (ASA would otherwise need
/// `terminal width`, which is a configuration command).
pub const PTY_COLUMNS: u32 = 511;

/// Serializes known_hosts reads and writes across concurrent devices.
static KNOWN_HOSTS_LOCK: Mutex<()> = Mutex::new(());

pub type ShellStream = russh::ChannelStream<client::Msg>;

/// An open SSH connection; dropping it closes the connection.
pub struct SshConnection {
    pub(super) handle: client::Handle<KeyCheck>,
    /// What the key exchange settled on: `kex=… hostkey=… cipher=… mac=…`.
    pub algorithms: Option<String>,
}

impl SshConnection {
    pub async fn close(self) {
        let _ = self
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}

pub(crate) struct KeyCheck {
    host: String,
    port: u16,
    policy: HostKeyPolicy,
    pinned: Option<String>,
    known_hosts: PathBuf,
    rejection: Arc<Mutex<Option<String>>>,
    negotiated: Arc<Mutex<Option<String>>>,
}

/// fleetpoll's own known_hosts file.
pub fn default_known_hosts() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("fleetpoll").join("known_hosts")
}

pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

impl KeyCheck {
    fn reject(&self, why: String) -> bool {
        if let Ok(mut r) = self.rejection.lock() {
            *r = Some(why);
        }
        false
    }

    fn check(&self, key: &PublicKey) -> bool {
        let fp = fingerprint(key);
        match self.policy {
            HostKeyPolicy::InsecureAcceptAny => true,
            HostKeyPolicy::Pinned => match &self.pinned {
                Some(p) if p.trim() == fp => true,
                Some(p) => self.reject(format!(
                    "host key fingerprint {fp} does not match the pinned {}",
                    p.trim()
                )),
                None => self.reject("no pinned fingerprint configured".into()),
            },
            HostKeyPolicy::AcceptNew | HostKeyPolicy::Strict => {
                let _guard = KNOWN_HOSTS_LOCK.lock();
                let mut files = vec![self.known_hosts.clone()];
                if self.policy == HostKeyPolicy::Strict {
                    if let Some(h) = std::env::var_os("HOME") {
                        files.push(PathBuf::from(h).join(".ssh/known_hosts"));
                    }
                }
                for f in &files {
                    if !f.exists() {
                        continue;
                    }
                    match russh::keys::check_known_hosts_path(&self.host, self.port, key, f) {
                        Ok(true) => return true,
                        Ok(false) => {}
                        Err(russh::keys::Error::KeyChanged { line }) => {
                            let old = russh::keys::known_hosts::known_host_keys_path(
                                &self.host, self.port, f,
                            )
                            .ok()
                            .and_then(|v| {
                                v.into_iter()
                                    .find(|(l, k)| *l == line && k.algorithm() == key.algorithm())
                            })
                            .map(|(_, k)| fingerprint(&k))
                            .unwrap_or_else(|| "unknown".into());
                            return self.reject(format!(
                                "HOST KEY CHANGED for {}:{}: known {old} ({} line {line}), offered {fp}; not logging in",
                                self.host,
                                self.port,
                                f.display()
                            ));
                        }
                        Err(e) => return self.reject(format!("cannot read {}: {e}", f.display())),
                    }
                }
                if self.policy == HostKeyPolicy::Strict {
                    return self.reject(format!(
                        "host key {fp} for {}:{} is not in known_hosts (policy strict)",
                        self.host, self.port
                    ));
                }
                if let Some(dir) = self.known_hosts.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                match russh::keys::known_hosts::learn_known_hosts_path(
                    &self.host,
                    self.port,
                    key,
                    &self.known_hosts,
                ) {
                    Ok(()) => {
                        tracing::info!(host = %self.host, port = self.port, fingerprint = %fp, "learned new host key");
                        true
                    }
                    Err(e) => self.reject(format!(
                        "cannot record host key in {}: {e}",
                        self.known_hosts.display()
                    )),
                }
            }
        }
    }
}

impl client::Handler for KeyCheck {
    type Error = russh::Error;

    async fn kex_done(
        &mut self,
        _shared_secret: Option<&[u8]>,
        names: &russh::Names,
        _session: &mut client::Session,
    ) -> Result<(), Self::Error> {
        let cipher = names.cipher.as_ref();
        // AEAD ciphers carry their own integrity; the MAC slot then reads `none`.
        let mac = if cipher.contains("gcm") || cipher.contains("poly1305") {
            "implicit"
        } else {
            names.client_mac.as_ref()
        };
        if let Ok(mut n) = self.negotiated.lock() {
            *n = Some(format!(
                "kex={} hostkey={} cipher={cipher} mac={mac}",
                names.kex.as_ref(),
                names.key
            ));
        }
        Ok(())
    }

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        match key {
            russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } => Ok(self.check(key)),
            russh::keys::PublicKeyOrCertificate::Certificate(c) => {
                let key = PublicKey::from(c.public_key().clone());
                Ok(self.check(&key))
            }
        }
    }
}

/// Any byte stream an SSH connection can run over: TCP, or a channel through a jump host.
pub trait ByteStream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> ByteStream for T {}
pub type BoxStream = Box<dyn ByteStream>;

/// russh reads every packet with two exact reads on the stream (length block, then the rest),
/// each a syscall on a bare socket; a small read buffer serves the packets that arrived
/// together from one `recv` instead.
fn buffered(stream: BoxStream) -> tokio::io::BufReader<BoxStream> {
    tokio::io::BufReader::with_capacity(READ_BUFFER, stream)
}

/// Bytes of the SSH read buffer per connection: a few packets of command output, small enough
/// that thousands of sessions in flight stay within the memory budget.
const READ_BUFFER: usize = 4096;

/// TCP to `host:port` (the device or a jump host, within its own connect timeout), stage
/// `connect`.
pub(crate) async fn tcp(host: &Host, budget: Budget) -> Result<BoxStream, SessionError> {
    let addr = (host.host.as_str(), host.port);
    let deadline = budget.within(host.timeouts.connect);
    let tcp = deadline
        .run(Stage::Connect, async {
            TcpStream::connect(addr)
                .await
                .map_err(|e| SessionError::Connect(format!("{}:{}: {e}", host.host, host.port)))
        })
        .await?;
    let _ = tcp.set_nodelay(true);
    Ok(Box::new(tcp))
}

/// An authenticated connection and what it negotiated.
pub(crate) struct Authenticated {
    pub handle: client::Handle<KeyCheck>,
    pub algorithms: Option<String>,
}

/// SSH handshake and authentication over `stream` (stage `auth`). On a key-exchange failure
/// with group exchange on offer, `reconnect` gives a fresh stream for one retry without it.
pub(crate) async fn handshake<F, Fut>(
    host: &Host,
    budget: Budget,
    stream: BoxStream,
    reconnect: F,
) -> Result<Authenticated, SessionError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<BoxStream, SessionError>>,
{
    let preferred = algorithms::preferred(&host.algorithms);
    match handshake_once(host, budget, stream, preferred.clone()).await {
        Err(Failure {
            error:
                SessionError::Ssh {
                    during: HANDSHAKE_FAILED,
                    detail: first,
                },
            definitive: false,
        }) => match algorithms::without_gex(&preferred) {
            Some(p) => {
                tracing::info!(device = %host.name, error = %first, "key exchange failed; retrying without group exchange");
                let stream = reconnect().await?;
                handshake_once(host, budget, stream, p)
                    .await
                    .map_err(|f| match f.error {
                        SessionError::Ssh {
                            during: HANDSHAKE_FAILED,
                            detail: second,
                        } => SessionError::ssh(
                            HANDSHAKE_FAILED,
                            format!(
                                "{first}; retried without group exchange: {HANDSHAKE_FAILED}: {second}"
                            ),
                        ),
                        e => e,
                    })
            }
            None => Err(SessionError::ssh(HANDSHAKE_FAILED, first)),
        },
        r => r.map_err(|f| f.error),
    }
}

/// A failed handshake; `definitive` when no other algorithm choice could help (the peer broke
/// the protocol, e.g. a DH public value out of range), so it is not retried without GEX.
struct Failure {
    error: SessionError,
    definitive: bool,
}

impl From<SessionError> for Failure {
    fn from(error: SessionError) -> Self {
        Failure {
            error,
            definitive: false,
        }
    }
}

async fn handshake_once(
    host: &Host,
    budget: Budget,
    stream: BoxStream,
    preferred: russh::Preferred,
) -> Result<Authenticated, Failure> {
    let t = host.timeouts;
    let rejection = Arc::new(Mutex::new(None));
    let negotiated = Arc::new(Mutex::new(None));
    let handler = KeyCheck {
        host: host.host.clone(),
        port: host.port,
        policy: host.host_key_policy,
        pinned: host.host_key_fingerprint.clone(),
        known_hosts: host.known_hosts.clone().unwrap_or_else(default_known_hosts),
        rejection: rejection.clone(),
        negotiated: negotiated.clone(),
    };
    let gex = client::GexParams::new(2048, 2048, 8192)
        .map_err(|e| SessionError::ssh("group-exchange parameters", e))?;
    let config = Arc::new(client::Config {
        inactivity_timeout: None,
        nodelay: true,
        preferred,
        gex,
        ..Default::default()
    });
    let mut definitive = false;
    // The handshake and the authentication each get the host's (device's or jump host's) own
    // auth timeout.
    let handle = budget
        .within(t.auth)
        .run(Stage::Auth, async {
            client::connect_stream(config, buffered(stream), handler)
                .await
                .map_err(|e| {
                    definitive = matches!(
                        e,
                        russh::Error::DhPublicKeyOutOfRange | russh::Error::WrongServerSig
                    );
                    if let Some(why) = rejection.lock().ok().and_then(|mut r| r.take()) {
                        SessionError::HostKeyRejected(why)
                    } else {
                        SessionError::ssh(HANDSHAKE_FAILED, e)
                    }
                })
        })
        .await;
    let mut handle = handle.map_err(|error| Failure { error, definitive })?;
    budget
        .within(t.auth)
        .run(Stage::Auth, authenticate(&mut handle, host))
        .await?;
    let algorithms = negotiated.lock().ok().and_then(|n| n.clone());
    Ok(Authenticated { handle, algorithms })
}

/// The RSA signature hash to offer. Old devices never send server-sig-algs: with the legacy
/// profile sign with ssh-rsa straight away instead of waiting for it.
pub(crate) async fn rsa_hash(
    handle: &mut client::Handle<KeyCheck>,
    host: &Host,
) -> Result<Option<HashAlg>, SessionError> {
    Ok(match algorithms::legacy_rsa_hash(&host.algorithms) {
        Some(h) => h,
        None => handle
            .best_supported_rsa_hash()
            .await
            .map_err(|e| SessionError::ssh("during authentication", e))?
            .flatten(),
    })
}

pub(crate) async fn authenticate(
    handle: &mut client::Handle<KeyCheck>,
    host: &Host,
) -> Result<(), SessionError> {
    let proto = |e: russh::Error| SessionError::ssh("during authentication", e);
    let mut tried = Vec::new();
    if let Some(path) = &host.key_file {
        tried.push("publickey");
        // Decoded (and decrypted) once at plan time; a plan built by hand may leave it to here.
        let key = match &host.key {
            Some(k) => k.key.clone(),
            None => Arc::new(russh::keys::load_secret_key(path, None).map_err(|e| {
                SessionError::AuthRejected(format!("cannot load key file {}: {e}", path.display()))
            })?),
        };
        let hash = rsa_hash(handle, host).await?;
        let res = handle
            .authenticate_publickey(&host.username, PrivateKeyWithHashAlg::new(key, hash))
            .await
            .map_err(proto)?;
        if res.success() {
            return Ok(());
        }
    } else if host.password.is_none() {
        tried.push("publickey (ssh-agent)");
        // The agent is asked first: without identities there is no need to learn the hash.
        let agent = agent::identities(host).await?;
        let hash = rsa_hash(handle, host).await?;
        if agent::sign_in(handle, host, agent, hash).await? {
            return Ok(());
        }
    }
    if let Some(pw) = &host.password {
        tried.push("password");
        let res = handle
            .authenticate_password(&host.username, pw.expose())
            .await
            .map_err(proto)?;
        let kbd_allowed = match &res {
            client::AuthResult::Success => return Ok(()),
            client::AuthResult::Failure {
                remaining_methods, ..
            } => remaining_methods.contains(&russh::MethodKind::KeyboardInteractive),
        };
        if kbd_allowed {
            tried.push("keyboard-interactive");
            let mut reply = handle
                .authenticate_keyboard_interactive_start(&host.username, None)
                .await
                .map_err(proto)?;
            // Devices ask for the password (echo off), sometimes for the username (echo on).
            for _ in 0..5 {
                match reply {
                    client::KeyboardInteractiveAuthResponse::Success => return Ok(()),
                    client::KeyboardInteractiveAuthResponse::Failure { .. } => break,
                    client::KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } => {
                        let answers = prompts
                            .iter()
                            .map(|p| {
                                if p.echo {
                                    host.username.clone()
                                } else {
                                    pw.expose().to_string()
                                }
                            })
                            .collect();
                        reply = handle
                            .authenticate_keyboard_interactive_respond(answers)
                            .await
                            .map_err(proto)?;
                    }
                }
            }
        }
    }
    Err(SessionError::AuthRejected(format!(
        "user `{}` rejected (tried {})",
        host.username,
        tried.join(", ")
    )))
}
