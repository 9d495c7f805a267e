//! One inventory entry's settings (a device, a group or the defaults) and the value types
//! they use: credential references, durations, host-key policy.

use crate::error::{ConfigError, Located};
use crate::Platform;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Defined beside the russh lists they select; part of a device's settings.
pub use crate::session::transport::algorithms::{AlgorithmProfile, Algorithms, ExplicitAlgorithms};

/// Settings of a device, a group or `defaults`. Device-only keys (`name`, `host`, `groups`,
/// `site`, `tags`) live here too so that one struct can deny unknown keys everywhere.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: Option<String>,
    pub host: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    pub site: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,

    pub platform: Option<Platform>,
    pub port: Option<u16>,
    pub username: Option<String>,
    pub password: Option<SecretRef>,
    pub enable_secret: Option<SecretRef>,
    pub key_file: Option<PathBuf>,
    /// Decrypts an encrypted `key_file` (at plan time, once per file).
    pub key_passphrase: Option<SecretRef>,
    pub timeouts: Option<Timeouts>,
    pub ssh: Option<SshSettings>,
    pub max_output_bytes: Option<u64>,
    /// `native` (russh, default) or `openssh` (the local `ssh` binary in a pty).
    pub transport: Option<TransportKind>,
    /// Extra attempts after a transient failure (unreachable, or a timeout before login).
    pub retries: Option<u32>,
    /// Wait before the first retry; doubled for each further one.
    #[serde(default, deserialize_with = "opt_duration")]
    pub retry_backoff: Option<Duration>,
    /// ASA multiple-context mode: `all`, or a list of context names, each polled as its own
    /// row (`device/context`); see `inventory::contexts`.
    pub asa_contexts: Option<super::contexts::AsaContextsSetting>,
}

impl Settings {
    pub(crate) fn check(&self, loc: &Located, at: &str, device: bool) -> Result<(), ConfigError> {
        if device {
            match &self.name {
                None => return Err(loc.error(at, "device has no `name`")),
                Some(n) if n.trim().is_empty() => {
                    return Err(loc.error(&format!("{at}.name"), "device name is empty"))
                }
                Some(n) if n.chars().any(|c| c.is_control() || c == ',') => {
                    return Err(loc.error(
                        &format!("{at}.name"),
                        "device name must not contain commas or control characters",
                    ))
                }
                _ => {}
            }
            match &self.host {
                None => return Err(loc.error(at, "device has no `host`")),
                Some(h) if h.trim().is_empty() => {
                    return Err(loc.error(&format!("{at}.host"), "host is empty"))
                }
                _ => {}
            }
        } else {
            for (key, set) in [
                ("name", self.name.is_some()),
                ("host", self.host.is_some()),
                ("groups", !self.groups.is_empty()),
                ("site", self.site.is_some()),
                ("tags", !self.tags.is_empty()),
            ] {
                if set {
                    return Err(loc.error(
                        &format!("{at}.{key}"),
                        format!("`{key}` belongs on a device, not in {at}"),
                    ));
                }
            }
        }
        if self.port == Some(0) {
            return Err(loc.error(&format!("{at}.port"), "port 0 is not a valid SSH port"));
        }
        if self.max_output_bytes == Some(0) {
            return Err(loc.error(&format!("{at}.max_output_bytes"), "must be greater than 0"));
        }
        Ok(())
    }
}

/// A credential as written in the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    Literal(String),
    Env(String),
    File(PathBuf),
    /// `{prompt: true}`: asked once per run on the terminal (see `inventory::prompt`).
    Prompt,
}

pub use crate::util::line_break_in;

/// `s` if it is one line (see [`line_break_in`]); `what` names it in the refusal.
pub fn one_line(s: Secret, what: &str) -> Result<Secret, NotOneLine> {
    match line_break_in(&s.0) {
        None => Ok(s),
        Some(at) => Err(not_one_line(what, at)),
    }
}

/// The refusal for a value that is not one line.
pub fn not_one_line(what: &str, (pos, c): (usize, char)) -> NotOneLine {
    NotOneLine {
        what: what.to_string(),
        pos,
        c,
    }
}

/// A value with a line break or other control character; names the position and code point
/// only, so a secret is never printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} contains U+{:04X} at character {}: fleetpoll types it at the device's prompt, so it must be one line without control characters",
    *c as u32,
    pos + 1
)]
pub struct NotOneLine {
    pub what: String,
    /// 0-based character index.
    pub pos: usize,
    pub c: char,
}

/// Why a credential reference could not be read at plan time.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{{prompt: true}} is asked on the terminal")]
    Prompted,
    #[error("environment variable {0} is empty")]
    EnvEmpty(String),
    #[error("environment variable {0} is not set")]
    EnvUnset(String),
    #[error("cannot read secret file {}: {err}", path.display())]
    FileUnreadable { path: PathBuf, err: std::io::Error },
    #[error("secret file {} is empty", .0.display())]
    FileEmpty(PathBuf),
    #[error(transparent)]
    NotOneLine(#[from] NotOneLine),
}

impl SecretRef {
    /// Read the secret now (at plan time), so a missing variable fails before any connection;
    /// a value with a line break or other control character is refused (see [`line_break_in`]).
    /// `{prompt: true}` is the inventory's to ask (once per field), not this function's.
    pub fn resolve(&self, base: &Path) -> Result<Secret, SecretError> {
        let s = self.read(base)?;
        Ok(one_line(s, "the secret")?)
    }

    fn read(&self, base: &Path) -> Result<Secret, SecretError> {
        match self {
            SecretRef::Prompt => Err(SecretError::Prompted),
            SecretRef::Literal(s) => Ok(Secret(s.clone())),
            SecretRef::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Secret(v)),
                Ok(_) => Err(SecretError::EnvEmpty(var.clone())),
                Err(_) => Err(SecretError::EnvUnset(var.clone())),
            },
            SecretRef::File(p) => {
                let p = super::expand_path(base, p);
                let text = match std::fs::read_to_string(&p) {
                    Ok(t) => t,
                    Err(err) => return Err(SecretError::FileUnreadable { path: p, err }),
                };
                let v = text.trim_end_matches(['\n', '\r']).to_string();
                if v.is_empty() {
                    return Err(SecretError::FileEmpty(p));
                }
                Ok(Secret(v))
            }
        }
    }
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SecretRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a reference `{env: VAR}`, `{file: PATH}` or `{prompt: true}` (or a literal string)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SecretRef, E> {
                Ok(SecretRef::Literal(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<SecretRef, A::Error> {
                let mut out = None;
                while let Some(k) = m.next_key::<String>()? {
                    if out.is_some() {
                        return Err(de::Error::custom(
                            "a secret reference takes exactly one of `env`, `file` or `prompt`",
                        ));
                    }
                    out = Some(match k.as_str() {
                        "env" => SecretRef::Env(m.next_value()?),
                        "file" => SecretRef::File(m.next_value()?),
                        "prompt" => match m.next_value::<bool>()? {
                            true => SecretRef::Prompt,
                            false => {
                                return Err(de::Error::custom(
                                    "`prompt: false` asks for nothing: leave the field out, or use {env: VAR} or {file: PATH}",
                                ))
                            }
                        },
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["env", "file", "prompt"],
                            ))
                        }
                    });
                }
                out.ok_or_else(|| {
                    de::Error::custom(
                        "empty secret reference: use {env: VAR}, {file: PATH} or {prompt: true}",
                    )
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A resolved secret. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The value, for the one place that must send it to a device.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(******)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("******")
    }
}

/// Per-stage timeouts; any subset may be given at any level.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    #[serde(default, deserialize_with = "opt_duration")]
    pub connect: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub auth: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub prompt: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub enable: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub command: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub device: Option<Duration>,
}

impl Timeouts {
    pub fn apply(&self, t: &mut super::ResolvedTimeouts) {
        let set = |slot: &mut Duration, v: Option<Duration>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut t.connect, self.connect);
        set(&mut t.auth, self.auth);
        set(&mut t.prompt, self.prompt);
        set(&mut t.enable, self.enable);
        set(&mut t.command, self.command);
        set(&mut t.device, self.device);
    }
}

/// A duration that [`parse_duration`] cannot read; each variant holds the text as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("duration `{0}` must be positive")]
    NotPositive(String),
    #[error("bad duration `{0}` (examples: 500ms, 10s, 2m, 1h)")]
    Malformed(String),
    #[error("bad duration unit `{unit}` in `{text}` (use ms, s, m or h)")]
    Unit { unit: String, text: String },
}

/// Parse `500ms`, `10s`, `2m`, `1h`, `1h30m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        if n.is_finite() && n > 0.0 {
            return Ok(Duration::from_secs_f64(n));
        }
        return Err(DurationError::NotPositive(s.to_string()));
    }
    let mut total = Duration::ZERO;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let v: f64 = num
            .parse()
            .map_err(|_| DurationError::Malformed(s.to_string()))?;
        num.clear();
        let secs = match unit.as_str() {
            "ms" => v / 1000.0,
            "s" => v,
            "m" => v * 60.0,
            "h" => v * 3600.0,
            _ => {
                return Err(DurationError::Unit {
                    unit,
                    text: s.to_string(),
                })
            }
        };
        total += Duration::from_secs_f64(secs);
        any = true;
    }
    if !num.is_empty() || !any || total.is_zero() {
        return Err(DurationError::Malformed(s.to_string()));
    }
    Ok(total)
}

fn opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(f64),
        S(String),
    }
    match Raw::deserialize(d)? {
        Raw::N(n) => parse_duration(&n.to_string())
            .map(Some)
            .map_err(de::Error::custom),
        Raw::S(s) => parse_duration(&s).map(Some).map_err(de::Error::custom),
    }
}

/// How the server's host key is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostKeyPolicy {
    /// Learn unknown keys into fleetpoll's own known_hosts; fail when a known key changes.
    #[default]
    AcceptNew,
    /// The key must already be known (fleetpoll's file or ~/.ssh/known_hosts).
    Strict,
    /// The key must match `ssh.host_key_fingerprint`.
    Pinned,
    /// Accept anything (warned about on every run).
    InsecureAcceptAny,
}

impl HostKeyPolicy {
    pub fn id(self) -> &'static str {
        match self {
            HostKeyPolicy::AcceptNew => "accept-new",
            HostKeyPolicy::Strict => "strict",
            HostKeyPolicy::Pinned => "pinned",
            HostKeyPolicy::InsecureAcceptAny => "insecure-accept-any",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SshSettings {
    pub host_key_policy: Option<HostKeyPolicy>,
    /// `SHA256:base64` as printed by `ssh-keygen -lf`.
    pub host_key_fingerprint: Option<String>,
    /// fleetpoll's own known_hosts file (default `~/.local/share/fleetpoll/known_hosts`).
    pub known_hosts: Option<PathBuf>,
    /// `modern` (default), `legacy`, or explicit lists.
    pub algorithms: Option<Algorithms>,
    /// Jump hosts, outermost first: names from the inventory's `jump_hosts`.
    pub jump: Option<Vec<String>>,
    /// Extra `-o Key=Value` options for the `openssh` transport.
    pub options: Option<Vec<String>>,
    /// On a jump host: how many device sessions may share its connection at once.
    pub max_channels: Option<u32>,
}

/// `ssh.options` keys refused at plan time (compared case-insensitively): options that run a
/// command, forward or tunnel anything, share or background the connection, or change what
/// fleetpoll sets for every session (its safety options and the log level it reads). With
/// them gone, the inventory's options coming first on ssh's command line cannot undo those.
pub const REFUSED_SSH_OPTIONS: &[&str] = &[
    "RemoteCommand",
    "LocalCommand",
    "PermitLocalCommand",
    "LocalForward",
    "RemoteForward",
    "DynamicForward",
    "PermitRemoteOpen",
    "GatewayPorts",
    "ExitOnForwardFailure",
    "Tunnel",
    "TunnelDevice",
    "SessionType",
    "StdinNull",
    "ForkAfterAuthentication",
    "KnownHostsCommand",
    "ForwardAgent",
    "ForwardX11",
    "ForwardX11Trusted",
    "ClearAllForwardings",
    "ControlMaster",
    "ControlPath",
    "ControlPersist",
    "RequestTTY",
    "LogLevel",
    "EscapeChar",
    "Include",
    "Match",
    "Host",
];

/// Why an `ssh.options` entry is refused, or `None` when it may be passed to ssh.
pub fn refused_ssh_option(option: &str) -> Option<String> {
    // As ssh reads it: leading blanks skipped, the keyword ends at `=` or a blank. A keyword
    // that is not plain letters and digits (quoted, empty) could be read by ssh as one we
    // refuse, so it is refused too.
    let key = option
        .trim_start()
        .split(|c: char| c == '=' || c.is_whitespace())
        .next()
        .unwrap_or("");
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "`{}` is not an OpenSSH option of the form Key=Value",
            option.trim()
        ));
    }
    let known = REFUSED_SSH_OPTIONS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(key))?;
    Some(format!(
        "`{known}` is not allowed in ssh.options: fleetpoll never lets ssh run a command, forward, tunnel or share a connection, and sets its own safety and log options for every session"
    ))
}

/// Which program carries the SSH session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// The built-in russh client.
    #[default]
    Native,
    /// The system's OpenSSH client in a pty (honours ~/.ssh/config, ProxyJump, Kerberos).
    Openssh,
}

impl TransportKind {
    pub fn id(self) -> &'static str {
        match self {
            TransportKind::Native => "native",
            TransportKind::Openssh => "openssh",
        }
    }
}
