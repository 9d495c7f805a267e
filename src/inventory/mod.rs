//! Inventories: `defaults`, `groups` and `devices` in YAML, resolved into one fully-specified
//! [`Host`] per device with precedence device > groups (first listed wins) > defaults.
//! Credentials are references (`{env: VAR}`, `{file: PATH}`, `{prompt: true}`) resolved here,
//! before any I/O to a device; every error names the file, line, column and field.

pub mod contexts;
mod credentials;
pub mod formats;
mod keys;
pub mod limit;
pub mod openssh;
pub mod prompt;
mod settings;

pub use contexts::{ContextName, ContextSelection};
pub use credentials::{CredentialSource, Credentials, Sourced};
pub use keys::UserKey;
pub use prompt::{Asking, CannotAsk, Deferred, NoTerminal, NoTerminalToAsk, PromptUse, Prompter};

pub use settings::parse_duration as settings_parse_duration;
pub use settings::{
    AlgorithmProfile, Algorithms, DurationError, ExplicitAlgorithms, HostKeyPolicy, NotOneLine,
    Secret, SecretError, SecretRef, Settings, SshSettings, Timeouts, TransportKind,
};

use crate::error::{ConfigError, Located};
use crate::Platform;
use credentials::{flag_sourced, sourced};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InventoryFile {
    #[serde(default)]
    defaults: Settings,
    #[serde(default)]
    groups: BTreeMap<String, Settings>,
    #[serde(default)]
    devices: Vec<Settings>,
    /// Bastions that devices reach through (`ssh.jump`); never polled themselves.
    #[serde(default)]
    jump_hosts: BTreeMap<String, Settings>,
}

/// One device with every setting resolved.
#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub platform: Platform,
    pub groups: Vec<String>,
    pub site: Option<String>,
    pub tags: Vec<String>,
    pub username: String,
    pub password: Option<Secret>,
    pub enable_secret: Option<Secret>,
    pub key_file: Option<PathBuf>,
    /// The key_file's key, decoded (and decrypted) at plan time; `None` only in a `check` plan
    /// whose passphrase prompt was deferred.
    pub key: Option<UserKey>,
    pub timeouts: ResolvedTimeouts,
    pub host_key_policy: HostKeyPolicy,
    pub host_key_fingerprint: Option<String>,
    pub known_hosts: Option<PathBuf>,
    pub max_output_bytes: usize,
    pub transport: TransportKind,
    pub algorithms: Algorithms,
    /// Jump hosts, outermost first, fully resolved.
    pub jump: Vec<std::sync::Arc<Host>>,
    /// Extra `-o` options for the OpenSSH transport.
    pub ssh_options: Vec<String>,
    /// On a jump host: sessions that may share its connection at once.
    pub max_channels: usize,
    /// Extra attempts after a transient failure, and the first backoff.
    pub retries: u32,
    pub retry_backoff: Duration,
    /// `asa_contexts`: the security contexts polled one by one, each its own row; `None` for
    /// a device polled as one (every platform but an ASA in multiple-context mode).
    pub asa_contexts: Option<ContextSelection>,
    /// Where the password, enable secret and key passphrase come from (never their values).
    pub credentials: Credentials,
}

/// Default number of device sessions one bastion connection carries at once.
pub const DEFAULT_JUMP_CHANNELS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedTimeouts {
    pub connect: Duration,
    pub auth: Duration,
    pub prompt: Duration,
    pub enable: Duration,
    pub command: Duration,
    pub device: Duration,
}

impl Default for ResolvedTimeouts {
    fn default() -> Self {
        ResolvedTimeouts {
            connect: Duration::from_secs(10),
            auth: Duration::from_secs(20),
            prompt: Duration::from_secs(20),
            enable: Duration::from_secs(15),
            command: Duration::from_secs(60),
            device: Duration::from_secs(300),
        }
    }
}

pub const DEFAULT_MAX_OUTPUT: usize = 16 * 1024 * 1024;

/// A loaded inventory: hosts in file order, warnings (e.g. literal passwords), and the prompts
/// its credentials asked (or, in `check`, would ask).
#[derive(Debug)]
pub struct Inventory {
    pub path: PathBuf,
    pub hosts: Vec<Host>,
    /// Every group the `groups:` map defines (sorted), members or not: `--limit group:X`
    /// tells a group nobody is in from one that does not exist.
    pub groups: Vec<String>,
    pub warnings: Vec<String>,
    pub prompts: Vec<PromptUse>,
}

/// Read and resolve an inventory file (a `{prompt: true}` is refused: no terminal).
pub fn load(path: &Path) -> Result<Inventory, ConfigError> {
    load_with(path, Asking::none())
}

/// Read and resolve an inventory (fleetpoll YAML, or an Ansible, Nornir or NetBox one told
/// apart by its content), asking prompts through `asking`.
pub fn load_with(path: &Path, asking: Asking) -> Result<Inventory, ConfigError> {
    formats::load(&formats::Source::new(path), asking)
}

/// Read and resolve a fleetpoll YAML inventory file.
pub(crate) fn load_fleetpoll(path: &Path, asking: Asking) -> Result<Inventory, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::io(path, format!("cannot read inventory: {e}")))?;
    parse_with(path, &text, asking)
}

/// Resolve an inventory from its text; `path` names it in errors and anchors relative paths.
pub fn parse(path: &Path, text: &str) -> Result<Inventory, ConfigError> {
    parse_with(path, text, Asking::none())
}

/// [`parse`], asking prompts through `asking`.
pub fn parse_with(path: &Path, text: &str, asking: Asking) -> Result<Inventory, ConfigError> {
    let loc = Located::new(path, text);
    let base = path.parent().unwrap_or(Path::new("."));
    parse_located(path, base, text, &loc, asking)
}

/// Resolve fleetpoll YAML `text` translated from another format: `sources` says where each
/// field was written, `base` anchors relative paths, `path` is the inventory as given.
pub(crate) fn parse_generated(
    path: &Path,
    base: &Path,
    text: &str,
    sources: std::sync::Arc<dyn crate::error::SourceMap>,
    asking: Asking,
) -> Result<Inventory, ConfigError> {
    let loc = Located::generated(path, sources);
    parse_located(path, base, text, &loc, asking)
}

fn parse_located(
    path: &Path,
    base: &Path,
    text: &str,
    loc: &Located,
    asking: Asking,
) -> Result<Inventory, ConfigError> {
    let file: InventoryFile =
        serde_yaml::from_str(text).map_err(|e| loc.remap(ConfigError::yaml(path, text, &e)))?;
    let mut seen_so_far = SeenSoFar {
        asking,
        warnings: Vec::new(),
        keys: keys::KeyFiles::default(),
        asked: prompt::Asked::default(),
        secret_files: HashMap::new(),
    };
    let mut hosts = Vec::with_capacity(file.devices.len());
    let mut seen = HashSet::new();

    for (gname, g) in &file.groups {
        g.check(loc, &format!("groups.{gname}"), false)?;
    }
    file.defaults.check(loc, "defaults", false)?;

    // Bastions: their own entry, then defaults. They are never polled, so need no platform.
    let mut jumps: BTreeMap<String, std::sync::Arc<Host>> = BTreeMap::new();
    for (jname, j) in &file.jump_hosts {
        let at = format!("jump_hosts.{jname}");
        if j.name.is_some() || !j.groups.is_empty() || j.platform.is_some() {
            return Err(loc.error(
                &at,
                "a jump host takes connection settings only (no name, groups or platform)",
            ));
        }
        if j.host.as_deref().is_none_or(|h| h.trim().is_empty()) {
            return Err(loc.error(&at, "jump host has no `host`"));
        }
        if j.ssh.as_ref().and_then(|s| s.jump.as_ref()).is_some() {
            return Err(loc.error(
                &format!("{at}.ssh.jump"),
                "list every hop on the device's ssh.jump instead of chaining jump hosts",
            ));
        }
        let layers: Vec<(String, &Settings)> =
            vec![(at.clone(), j), ("defaults".into(), &file.defaults)];
        let mut h = resolve(
            j,
            &layers,
            loc,
            base,
            &mut seen_so_far,
            Some(jname),
            &BTreeMap::new(),
        )?;
        h.name = jname.clone();
        jumps.insert(jname.clone(), std::sync::Arc::new(h));
    }

    for (i, d) in file.devices.iter().enumerate() {
        let at = format!("devices[{i}]");
        d.check(loc, &at, true)?;
        let name = d.name.as_deref().unwrap_or_default();
        if !seen.insert(name.to_string()) {
            return Err(loc.error(
                &format!("{at}.name"),
                format!("duplicate device name `{name}`"),
            ));
        }
        // Precedence: device, then its groups in the order listed, then defaults.
        let mut layers: Vec<(String, &Settings)> = vec![(at.clone(), d)];
        for (gi, g) in d.groups.iter().enumerate() {
            match file.groups.get(g) {
                Some(s) => layers.push((format!("groups.{g}"), s)),
                None => {
                    let known: Vec<&str> = file.groups.keys().map(|k| k.as_str()).collect();
                    return Err(loc.error(
                        &format!("{at}.groups[{gi}]"),
                        format!(
                            "device `{}` names group `{g}`, which does not exist (groups: {})",
                            name,
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
            }
        }
        layers.push(("defaults".into(), &file.defaults));
        let h = resolve(d, &layers, loc, base, &mut seen_so_far, None, &jumps)?;
        if h.transport == TransportKind::Openssh && !h.jump.is_empty() {
            check_openssh_jump(&h, &layers, &file, loc)?;
        }
        hosts.push(h);
    }
    if seen_so_far.asking.ask_pass && !seen_so_far.asked.uses.iter().any(|u| u.field == ASK_PASS) {
        seen_so_far.warnings.push(format!(
            "{ASK_PASS}: every device has a password in the inventory; not asked"
        ));
    }
    if seen_so_far.asking.ask_become_pass
        && !seen_so_far
            .asked
            .uses
            .iter()
            .any(|u| u.field == ASK_BECOME_PASS)
    {
        seen_so_far.warnings.push(format!(
            "{ASK_BECOME_PASS}: every device has an enable secret in the inventory; not asked"
        ));
    }
    Ok(Inventory {
        path: path.to_path_buf(),
        hosts,
        groups: file.groups.keys().cloned().collect(),
        warnings: seen_so_far.warnings,
        prompts: seen_so_far.asked.uses,
    })
}

const ASK_PASS: &str = "--ask-pass";
const ASK_BECOME_PASS: &str = "--ask-become-pass";

/// The openssh transport reaches bastions with `ssh -J`: no password can be given to them
/// (only keys or the agent), and each hop must be one ssh can take safely (see
/// [`openssh::hop_problem`]).
fn check_openssh_jump(
    h: &Host,
    layers: &[(String, &Settings)],
    file: &InventoryFile,
    loc: &Located,
) -> Result<(), ConfigError> {
    let at = layers
        .iter()
        .find(|(_, s)| s.ssh.as_ref().is_some_and(|x| x.jump.is_some()))
        .map(|(p, _)| format!("{p}.ssh"))
        .unwrap_or_default();
    if let Some(o) = h.ssh_options.iter().find(|o| {
        let key = o.split(['=', ' ', '\t']).next().unwrap_or("");
        key.eq_ignore_ascii_case("ProxyJump") || key.eq_ignore_ascii_case("ProxyCommand")
    }) {
        return Err(loc.error(
            &format!("{at}.jump"),
            format!("ssh.jump and `{o}` in ssh.options both say how to reach the device: keep one"),
        ));
    }
    for (i, hop) in h.jump.iter().enumerate() {
        let hop_at = format!("{at}.jump[{i}]");
        if hop.password.is_some() {
            let set_at = match file.jump_hosts.get(&hop.name) {
                Some(j) if j.password.is_some() => format!("jump_hosts.{}.password", hop.name),
                _ => "defaults.password".to_string(),
            };
            return Err(loc.error(
                &hop_at,
                format!(
                    "jump host `{}` has a password ({set_at}), but the openssh transport reaches jump hosts with `ssh -J`, which cannot be given one safely: authenticate it with key_file or the ssh-agent (and set device passwords on the devices or their groups), or use the native transport",
                    hop.name
                ),
            ));
        }
        if let Some(why) = openssh::hop_problem(hop) {
            return Err(loc.error(&hop_at, why));
        }
    }
    Ok(())
}

/// The first layer that sets a field, with the path it was set at (for error locations).
fn pick<'a, T>(
    layers: &'a [(String, &'a Settings)],
    field: &str,
    get: impl Fn(&'a Settings) -> Option<&'a T>,
) -> Option<(&'a T, String)> {
    layers
        .iter()
        .find_map(|(p, s)| get(s).map(|v| (v, format!("{p}.{field}"))))
}

/// What resolving earlier entries found: warnings (each once), key files read, prompts
/// answered; and how to ask the prompts still to come.
struct SeenSoFar {
    asking: Asking,
    warnings: Vec<String>,
    keys: keys::KeyFiles,
    asked: prompt::Asked,
    /// `{file:}` secrets read so far, by path: a file shared by every device (the usual
    /// `defaults.password: {file: …}`) is read once per load, not once per device.
    secret_files: HashMap<PathBuf, Secret>,
}

impl SeenSoFar {
    /// Ask the prompt `field` stands for (once per load); `Ok(None)` while `check` defers it.
    fn ask(
        &mut self,
        loc: &Located,
        field: &str,
        location_field: Option<&str>,
        prompt: String,
    ) -> Result<Option<Secret>, ConfigError> {
        let location = location_field.and_then(|f| loc.position(f));
        let err = |m: String| match location_field {
            Some(f) => loc.error(f, m),
            None => ConfigError::msg(format!("{field}: {m}")),
        };
        self.asked
            .get(self.asking.prompter.as_mut(), field, location, prompt)
            .map_err(|r| err(r.to_string()))
    }

    /// A credential field of an entry: the first layer's value, read or asked now. `None`: no
    /// layer sets it; `Some((None, at))`: a prompt that `check` defers.
    fn credential(
        &mut self,
        layers: &[(String, &Settings)],
        loc: &Located,
        base: &Path,
        field: &str,
        label: &str,
        get: fn(&Settings) -> Option<&SecretRef>,
    ) -> Result<Option<(Option<Secret>, String)>, ConfigError> {
        let Some((r, at)) = pick(layers, field, get) else {
            return Ok(None);
        };
        let value = match r {
            SecretRef::Prompt => self.ask(loc, &at, Some(&at), prompt::field_prompt(label, &at))?,
            r => {
                if matches!(r, SecretRef::Literal(_)) {
                    let w = format!(
                        "{}: literal {field} in the inventory; prefer {}",
                        loc.describe(&at),
                        loc.reference_hint(field)
                    );
                    if !self.warnings.contains(&w) {
                        self.warnings.push(w);
                    }
                }
                let file = match r {
                    SecretRef::File(p) => Some(expand_path(base, p)),
                    _ => None,
                };
                match file.as_ref().and_then(|f| self.secret_files.get(f)) {
                    Some(v) => Some(v.clone()),
                    None => {
                        let v = r.resolve(base).map_err(|e| loc.error(&at, e.to_string()))?;
                        if let Some(f) = file {
                            self.secret_files.insert(f, v.clone());
                        }
                        Some(v)
                    }
                }
            }
        };
        Ok(Some((value, at)))
    }
}

/// A value `check` did not ask: the plan it builds is only printed, never run.
fn placeholder(v: Option<Secret>) -> Secret {
    v.unwrap_or_else(|| Secret::new(""))
}

/// Resolve one entry. `jump_name` is set for a jump host (no platform needed); `jumps` are the
/// resolved jump hosts a device may name in `ssh.jump`.
fn resolve(
    d: &Settings,
    layers: &[(String, &Settings)],
    loc: &Located,
    base: &Path,
    seen: &mut SeenSoFar,
    jump_name: Option<&str>,
    jumps: &BTreeMap<String, std::sync::Arc<Host>>,
) -> Result<Host, ConfigError> {
    let name = d
        .name
        .clone()
        .or(jump_name.map(str::to_string))
        .unwrap_or_default();
    let platform = pick(layers, "platform", |s| s.platform.as_ref())
        .map(|(p, _)| *p)
        // A bastion runs no CLI conversation; the value is never used for it.
        .or(jump_name.map(|_| Platform::CiscoIos))
        .ok_or_else(|| {
            loc.error(
                &layers[0].0,
                format!(
                    "device `{name}` has no platform (set `platform:` on it, a group or defaults)"
                ),
            )
        })?;
    let port = pick(layers, "port", |s| s.port.as_ref())
        .map(|(p, _)| *p)
        .unwrap_or(22);
    let (username, username_at) = pick(layers, "username", |s| s.username.as_ref())
        .map(|(u, at)| (u.clone(), at))
        .ok_or_else(|| {
            loc.error(
                &layers[0].0,
                format!(
                    "device `{name}` has no username (set `username:` on it, a group or defaults)"
                ),
            )
        })?;
    if let Some(bad) = settings::line_break_in(&username) {
        return Err(loc.error(
            &username_at,
            settings::not_one_line("the username", bad).to_string(),
        ));
    }
    let is_device = jump_name.is_none();
    let password = match seen.credential(layers, loc, base, "password", "Password", |s| {
        s.password.as_ref()
    })? {
        Some((v, _)) => Some(placeholder(v)),
        // The flags fill in below `defaults`, for devices only (jump hosts take theirs from the
        // inventory), as Ansible's -k/-K do.
        None if is_device && seen.asking.ask_pass => Some(placeholder(seen.ask(
            loc,
            ASK_PASS,
            None,
            prompt::flag_prompt("Password", "a password", ASK_PASS),
        )?)),
        None => None,
    };
    let enable_secret =
        match seen.credential(layers, loc, base, "enable_secret", "Enable secret", |s| {
            s.enable_secret.as_ref()
        })? {
            Some((v, _)) => Some(placeholder(v)),
            None if is_device && seen.asking.ask_become_pass => Some(placeholder(seen.ask(
                loc,
                ASK_BECOME_PASS,
                None,
                prompt::flag_prompt("Enable secret", "an enable secret", ASK_BECOME_PASS),
            )?)),
            None => None,
        };
    let (key_file, key) = match pick(layers, "key_file", |s| s.key_file.as_ref()) {
        None => (None, None),
        Some((p, at)) => {
            let p = expand_path(base, p);
            let passphrase = seen.credential(
                layers,
                loc,
                base,
                "key_passphrase",
                &format!("Passphrase of key file {}", p.display()),
                |s| s.key_passphrase.as_ref(),
            )?;
            let pass = passphrase.as_ref().map(|(v, pat)| keys::Passphrase {
                value: v.as_ref(),
                at: pat,
            });
            let key = match seen.keys.load(&p, pass) {
                Ok(k) => k,
                Err(e) if e.at_passphrase() => {
                    let pat = passphrase.map(|(_, a)| a).unwrap_or_default();
                    return Err(loc.error(&pat, e.to_string()));
                }
                Err(e) => return Err(loc.error(&at, e.to_string())),
            };
            let key = key.map(|key| UserKey {
                key,
                passphrase: passphrase.and_then(|(v, _)| v),
            });
            (Some(p), key)
        }
    };
    let mut timeouts = ResolvedTimeouts::default();
    // Timeouts merge field by field, lowest precedence first.
    for (_, s) in layers.iter().rev() {
        if let Some(t) = &s.timeouts {
            t.apply(&mut timeouts);
        }
    }
    let host_key_policy = layers
        .iter()
        .find_map(|(_, s)| s.ssh.as_ref().and_then(|x| x.host_key_policy))
        .unwrap_or_default();
    let host_key_fingerprint = layers
        .iter()
        .find_map(|(_, s)| s.ssh.as_ref().and_then(|x| x.host_key_fingerprint.clone()));
    if host_key_policy == HostKeyPolicy::Pinned && host_key_fingerprint.is_none() {
        return Err(loc.error(
            &layers[0].0,
            format!("device `{name}`: host_key_policy pinned needs ssh.host_key_fingerprint (SHA256:...)"),
        ));
    }
    let known_hosts = layers
        .iter()
        .find_map(|(_, s)| s.ssh.as_ref().and_then(|x| x.known_hosts.as_ref()))
        .map(|p| expand_path(base, p));
    let max_output_bytes = pick(layers, "max_output_bytes", |s| s.max_output_bytes.as_ref())
        .map(|(v, _)| *v as usize)
        .unwrap_or(DEFAULT_MAX_OUTPUT);
    let ssh_field = |f: fn(&SshSettings) -> bool| -> Option<(&Settings, String)> {
        layers
            .iter()
            .find(|(_, s)| s.ssh.as_ref().is_some_and(f))
            .map(|(p, s)| (*s, format!("{p}.ssh")))
    };
    let algorithms = ssh_field(|s| s.algorithms.is_some())
        .and_then(|(s, _)| s.ssh.as_ref().and_then(|x| x.algorithms.clone()))
        .unwrap_or_default();
    if let Algorithms::Explicit(e) = &algorithms {
        let at = ssh_field(|s| s.algorithms.is_some())
            .map(|(_, p)| p)
            .unwrap_or_default();
        crate::session::transport::algorithms::validate(e)
            .map_err(|(field, m)| loc.error(&format!("{at}.algorithms.{field}"), m))?;
    }
    let mut jump = Vec::new();
    // A jump host's own hops would come from defaults; the device lists every hop instead.
    let jump_source = if jump_name.is_some() {
        None
    } else {
        ssh_field(|s| s.jump.is_some())
    };
    if let Some((s, at)) = jump_source {
        for (i, j) in s
            .ssh
            .as_ref()
            .and_then(|x| x.jump.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
        {
            match jumps.get(j) {
                Some(h) => jump.push(h.clone()),
                None => {
                    return Err(loc.error(
                        &format!("{at}.jump[{i}]"),
                        format!(
                            "jump host `{j}` is not defined under jump_hosts (defined: {})",
                            if jumps.is_empty() {
                                "none".to_string()
                            } else {
                                jumps.keys().cloned().collect::<Vec<_>>().join(", ")
                            }
                        ),
                    ))
                }
            }
        }
    }
    let ssh_options = ssh_field(|s| s.options.is_some())
        .and_then(|(s, _)| s.ssh.as_ref().and_then(|x| x.options.clone()))
        .unwrap_or_default();
    for (i, o) in ssh_options.iter().enumerate() {
        let at = || {
            let at = ssh_field(|s| s.options.is_some())
                .map(|(_, p)| p)
                .unwrap_or_default();
            format!("{at}.options[{i}]")
        };
        if settings::line_break_in(o).is_some() || !o.contains('=') || o.starts_with('-') {
            return Err(loc.error(
                &at(),
                format!("`{o}` is not an OpenSSH option of the form Key=Value"),
            ));
        }
        if let Some(why) = settings::refused_ssh_option(o) {
            return Err(loc.error(&at(), why));
        }
    }
    let max_channels = ssh_field(|s| s.max_channels.is_some())
        .and_then(|(s, _)| s.ssh.as_ref().and_then(|x| x.max_channels))
        .map(|n| n.max(1) as usize)
        .unwrap_or(DEFAULT_JUMP_CHANNELS);
    let retries = pick(layers, "retries", |s| s.retries.as_ref())
        .map(|(r, _)| *r)
        .unwrap_or(1);
    if retries > 10 {
        let at = pick(layers, "retries", |s| s.retries.as_ref())
            .map(|(_, a)| a)
            .unwrap_or_default();
        return Err(loc.error(&at, format!("{retries} retries is too many (at most 10)")));
    }
    let retry_backoff = pick(layers, "retry_backoff", |s| s.retry_backoff.as_ref())
        .map(|(d, _)| *d)
        .unwrap_or(Duration::from_secs(2));
    let transport = pick(layers, "transport", |s| s.transport.as_ref())
        .map(|(t, _)| *t)
        .unwrap_or_default();
    // Neither: the built-in client can only use the ssh-agent's identities; OpenSSH has its
    // own (~/.ssh/config's IdentityFile, default keys, Kerberos), and a bastion serves
    // whichever transport its devices use.
    if password.is_none()
        && key_file.is_none()
        && jump_name.is_none()
        && transport == TransportKind::Native
        && std::env::var_os("SSH_AUTH_SOCK").is_none()
    {
        return Err(loc.error(
            &layers[0].0,
            format!("device `{name}` has neither a password nor a key_file, and SSH_AUTH_SOCK is not set (no ssh-agent to authenticate with)"),
        ));
    }
    let asa_contexts = resolve_contexts(layers, loc, &name, platform, jump_name.is_some())?;
    if let Some(h) = &d.host {
        if let Some(why) = crate::util::bad_host(h) {
            return Err(loc.error(&format!("{}.host", layers[0].0), format!("host {why}")));
        }
    }
    let credentials = Credentials {
        password: sourced(layers, loc, base, "password", |s| s.password.as_ref())
            .or_else(|| (password.is_some() && is_device).then(|| flag_sourced(ASK_PASS))),
        enable_secret: sourced(layers, loc, base, "enable_secret", |s| {
            s.enable_secret.as_ref()
        })
        .or_else(|| (enable_secret.is_some() && is_device).then(|| flag_sourced(ASK_BECOME_PASS))),
        key_passphrase: key_file.as_ref().and_then(|_| {
            sourced(layers, loc, base, "key_passphrase", |s| {
                s.key_passphrase.as_ref()
            })
        }),
    };
    Ok(Host {
        credentials,
        name: name.clone(),
        host: d.host.clone().unwrap_or_default(),
        port,
        platform,
        groups: d.groups.clone(),
        site: d.site.clone(),
        tags: d.tags.clone(),
        username,
        password,
        enable_secret,
        key_file,
        key,
        timeouts,
        host_key_policy,
        host_key_fingerprint,
        known_hosts,
        max_output_bytes,
        transport,
        algorithms,
        jump,
        ssh_options,
        max_channels,
        retries,
        retry_backoff,
        asa_contexts,
    })
}

/// `asa_contexts` of an entry: validated names, and only where the platform has contexts (its
/// definition in `platforms/` names a context separator: the ASA). Never on a jump host.
fn resolve_contexts(
    layers: &[(String, &Settings)],
    loc: &Located,
    name: &str,
    platform: Platform,
    jump: bool,
) -> Result<Option<ContextSelection>, ConfigError> {
    if jump {
        // A bastion's layers end in `defaults`, whose `asa_contexts` is for the devices.
        return match layers.first().filter(|(_, s)| s.asa_contexts.is_some()) {
            Some((at, _)) => Err(loc.error(
                &format!("{at}.asa_contexts"),
                "a jump host is never polled: `asa_contexts` belongs on devices",
            )),
            None => Ok(None),
        };
    }
    let Some((setting, at)) = pick(layers, "asa_contexts", |s| s.asa_contexts.as_ref()) else {
        return Ok(None);
    };
    let has_contexts = crate::session::platform::definition(platform)
        .map(|d| d.context_separator.is_some())
        .unwrap_or(false);
    if !has_contexts {
        return Err(loc.error(
            &at,
            format!(
                "`asa_contexts` applies to cisco_asa devices in multiple-context mode; device `{name}` is {platform}"
            ),
        ));
    }
    contexts::validate(setting, &at)
        .map(Some)
        .map_err(|(field, m)| loc.error(&field, m))
}

/// `~/x` → home, relative → relative to the inventory's folder.
pub fn expand_path(base: &Path, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

#[cfg(test)]
mod tests;
