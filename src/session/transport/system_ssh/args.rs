//! The `ssh` command line for a device: the `-o` options derived from its settings (host-key
//! policy, known_hosts, algorithms, key file, timeouts), filtered by what the local client
//! supports (`ssh -Q`, `ssh -V`).

use super::SSH_PROGRAM;
use crate::inventory::{AlgorithmProfile, Algorithms, Host, HostKeyPolicy};
use std::path::Path;
use std::time::Duration;
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
pub(super) fn ssh_path(p: &Path) -> String {
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

/// The options that make every session one plain interactive shell and nothing else, for the
/// local client's version (unknown: assume a current one). They come before anything else.
pub fn safety_options(version: Option<(u32, u32)>) -> Vec<String> {
    let at_least = |v: (u32, u32)| version.is_none_or(|have| have >= v);
    let mut o: Vec<&str> = vec![
        // The log fleetpoll reads. Not `-v`: ssh passes `-v` on to a ProxyJump child, whose
        // stderr is the pty.
        "LogLevel=DEBUG1",
        // One plain session per device: no forwardings, no tunnel, no connection sharing, no
        // local command.
        "ClearAllForwardings=yes",
        "ForwardAgent=no",
        "ForwardX11=no",
        "Tunnel=no",
        "PermitLocalCommand=no",
        "ControlMaster=no",
        "ControlPath=none",
        "RequestTTY=force",
    ];
    if at_least((7, 6)) {
        // A `RemoteCommand` in the user's config would replace the device's shell.
        o.push("RemoteCommand=none");
    }
    if at_least((8, 7)) {
        o.extend([
            "SessionType=default",
            "StdinNull=no",
            "ForkAfterAuthentication=no",
        ]);
    }
    o.into_iter().map(String::from).collect()
}

/// `StrictHostKeyChecking` and the known_hosts files for `host`'s policy (`Key=Value`).
pub(super) fn host_key_options(host: &Host, known_hosts: &Path, before_7_6: bool) -> Vec<String> {
    let mut out = Vec::new();
    match host.host_key_policy {
        HostKeyPolicy::AcceptNew => {
            // `accept-new` needs OpenSSH 7.6; before that ssh asks, and the login answers
            // `yes` to an unknown key (a changed key still fails), which is the same policy.
            if before_7_6 {
                out.push("StrictHostKeyChecking=ask".into());
            } else {
                out.push("StrictHostKeyChecking=accept-new".into());
            }
            out.push(format!("UserKnownHostsFile={}", ssh_path(known_hosts)));
            out.push("HashKnownHosts=no".into());
        }
        HostKeyPolicy::Strict => {
            out.push("StrictHostKeyChecking=yes".into());
            out.push(format!(
                "UserKnownHostsFile={} ~/.ssh/known_hosts ~/.ssh/known_hosts2",
                ssh_path(known_hosts)
            ));
        }
        // ssh asks about the (never known) key; the answer depends on the fingerprint that
        // its log shows, checked here before anything is sent.
        HostKeyPolicy::Pinned => {
            out.push("StrictHostKeyChecking=ask".into());
            out.push("UserKnownHostsFile=/dev/null".into());
            out.push("GlobalKnownHostsFile=/dev/null".into());
        }
        HostKeyPolicy::InsecureAcceptAny => {
            out.push("StrictHostKeyChecking=no".into());
            out.push("UserKnownHostsFile=/dev/null".into());
            out.push("GlobalKnownHostsFile=/dev/null".into());
        }
    }
    out
}

/// What `host`'s algorithm profile adds to OpenSSH's defaults (`Key=Value`).
pub(super) fn algorithm_options(host: &Host, caps: &Capabilities) -> Vec<String> {
    let mut out = Vec::new();
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
                out.push(kv);
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
                    out.push(format!("{key}={}", v.join(",")));
                }
            }
        }
    }
    out
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
    // For ssh the first value of an option wins: fleetpoll's safety options come first, so
    // nothing in the inventory or in ~/.ssh/config can make ssh run, forward or share
    // anything (`ssh.options` refuses those keys too; `effective` checks with `ssh -G`).
    for kv in safety_options(caps.version) {
        o(kv);
    }
    // Then the inventory's options, which may override the defaults below.
    for opt in &host.ssh_options {
        o(opt.clone());
    }
    // `accept-new` arrived in OpenSSH 7.6 (unknown version: assume newer).
    let before_7_6 = caps.version.is_some_and(|v| v < (7, 6));
    for kv in host_key_options(host, known_hosts, before_7_6) {
        o(kv);
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
    if let Some(k) = &host.key_file {
        o("IdentitiesOnly=yes".into());
        a.push("-i".into());
        // An argument, not a config line: `%` is still a token character, but quotes would be
        // taken literally.
        a.push(k.to_string_lossy().replace('%', "%%"));
    }
    for kv in algorithm_options(host, caps) {
        a.push("-o".into());
        a.push(kv);
    }
    a.push("-p".into());
    a.push(host.port.to_string());
    a.push("-l".into());
    a.push(host.username.clone());
    a.push("--".into());
    a.push(host.host.clone());
    a
}

#[cfg(test)]
mod tests;
