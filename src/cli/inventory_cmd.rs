//! `fleetpoll inventory show` (the resolved devices and settings, credentials as where they
//! come from, never their values) and `fleetpoll inventory convert` (an Ansible, Nornir or
//! NetBox inventory written out as fleetpoll YAML, checked to load back to the same devices).

use super::{exit, InventorySource, Ui};
use crate::inventory::formats::{self, Format};
use crate::inventory::{CredentialSource, Host, Sourced};
use clap::{Args, Subcommand, ValueEnum};
use serde_yaml::{Mapping, Value};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll inventory show -i ansible/hosts.ini\n  fleetpoll inventory show -i nornir/ --format table\n  fleetpoll inventory show -i devices.json --netbox-settings netbox.yaml\n  fleetpoll inventory convert -i ansible/ -o fleet.yaml\n\nExit status: 0 done, 3 the inventory (or the output) is unusable."
)]
pub struct InventoryArgs {
    #[command(subcommand)]
    pub cmd: InventoryCmd,
}

#[derive(Subcommand, Debug)]
pub enum InventoryCmd {
    /// Print every device with its resolved settings; credentials show their reference
    /// ({env: VAR}, {file: PATH}, {prompt: true}) or that a plain-text value is set, never the value.
    Show(ShowArgs),
    /// Write the inventory as fleetpoll YAML (atomically), after checking it resolves to the
    /// same devices as the source.
    Convert(ConvertArgs),
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    pub inventory: InventorySource,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Yaml)]
    pub format: ShowFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowFormat {
    Yaml,
    Table,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub inventory: InventorySource,
    /// The fleetpoll inventory to write.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Copy plain-text passwords and secrets of the source into the output (refused by
    /// default: give them as {env: VAR} or {file: PATH} references in the source instead).
    #[arg(long)]
    pub allow_plaintext_secrets: bool,
}

pub fn run(a: InventoryArgs, ui: &Ui) -> i32 {
    match a.cmd {
        InventoryCmd::Show(s) => show(s, ui),
        InventoryCmd::Convert(c) => convert(c, ui),
    }
}

/// Load for listing: prompts are not asked, only recorded (as `check` does).
fn load(src: &formats::Source) -> Result<crate::inventory::Inventory, crate::error::ConfigError> {
    formats::load(
        src,
        crate::inventory::Asking {
            prompter: Box::new(crate::inventory::Deferred),
            ask_pass: false,
            ask_become_pass: false,
        },
    )
}

fn show(a: ShowArgs, ui: &Ui) -> i32 {
    let src = a.inventory.source();
    let format = src.format();
    let inv = match load(&src) {
        Ok(i) => i,
        Err(e) => return super::unusable(e),
    };
    for w in &inv.warnings {
        ui.note(format!("warning: {w}"));
    }
    ui.note(format!(
        "inventory {} ({format}): {} devices, {} groups",
        src.path.display(),
        inv.hosts.len(),
        inv.groups.len()
    ));
    match a.format {
        ShowFormat::Yaml => {
            let list: Vec<Value> = inv.hosts.iter().map(host_yaml).collect();
            match serde_yaml::to_string(&Value::Sequence(list)) {
                Ok(t) => out!("{}", t.trim_end()),
                Err(e) => return super::unusable(e),
            }
        }
        ShowFormat::Table => table(&inv.hosts),
    }
    exit::OK
}

/// `10s`, `2m`, `500ms`, `1h`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let s = d.as_secs();
    match s {
        s if s >= 3600 && s.is_multiple_of(3600) => format!("{}h", s / 3600),
        s if s >= 60 && s.is_multiple_of(60) => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A credential as `inventory show` prints it.
fn credential(c: &Option<Sourced>) -> String {
    match c.as_ref().map(|s| &s.source) {
        None => "-".into(),
        Some(CredentialSource::Literal) => "<plain text in the inventory, not shown>".into(),
        Some(CredentialSource::Env(v)) => format!("{{env: {v}}}"),
        Some(CredentialSource::File(p)) => format!("{{file: {}}}", p.display()),
        Some(CredentialSource::Prompt) => "{prompt: true}".into(),
        Some(CredentialSource::Flag(f)) => format!("asked ({f})"),
    }
}

fn host_yaml(h: &Host) -> Value {
    let mut m = Mapping::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    let list = |v: &[String]| Value::Sequence(v.iter().map(|s| Value::from(s.clone())).collect());
    put("name", h.name.clone().into());
    put("host", h.host.clone().into());
    put("port", h.port.into());
    put("platform", h.platform.id().into());
    put("groups", list(&h.groups));
    put(
        "site",
        h.site.clone().map(Value::from).unwrap_or(Value::Null),
    );
    put("tags", list(&h.tags));
    put("username", h.username.clone().into());
    for (k, c) in [
        ("password", &h.credentials.password),
        ("enable_secret", &h.credentials.enable_secret),
        ("key_passphrase", &h.credentials.key_passphrase),
    ] {
        if c.is_some() {
            put(k, credential(c).into());
            if let Some(at) = c.as_ref().and_then(|s| s.at.clone()) {
                put(&format!("{k}_set_at"), at.into());
            }
        }
    }
    if let Some(k) = &h.key_file {
        put("key_file", k.display().to_string().into());
    }
    put("transport", h.transport.id().into());
    let t = &h.timeouts;
    let mut tm = Mapping::new();
    for (k, d) in [
        ("connect", t.connect),
        ("auth", t.auth),
        ("prompt", t.prompt),
        ("enable", t.enable),
        ("command", t.command),
        ("device", t.device),
    ] {
        tm.insert(k.into(), duration(d).into());
    }
    put("timeouts", Value::Mapping(tm));
    let mut ssh = Mapping::new();
    ssh.insert("host_key_policy".into(), h.host_key_policy.id().into());
    if let Some(f) = &h.host_key_fingerprint {
        ssh.insert("host_key_fingerprint".into(), f.clone().into());
    }
    if let Some(k) = &h.known_hosts {
        ssh.insert("known_hosts".into(), k.display().to_string().into());
    }
    ssh.insert("algorithms".into(), h.algorithms.describe().into());
    if !h.jump.is_empty() {
        let names: Vec<String> = h.jump.iter().map(|j| j.name.clone()).collect();
        ssh.insert("jump".into(), list(&names));
    }
    if !h.ssh_options.is_empty() {
        ssh.insert("options".into(), list(&h.ssh_options));
    }
    put("ssh", Value::Mapping(ssh));
    put("max_output_bytes", (h.max_output_bytes as u64).into());
    put("retries", h.retries.into());
    put("retry_backoff", duration(h.retry_backoff).into());
    Value::Mapping(m)
}

fn table(hosts: &[Host]) {
    let head = [
        "NAME", "ADDRESS", "PLATFORM", "GROUPS", "SITE", "TAGS", "USER", "PASSWORD", "ENABLE",
    ];
    let short = |c: &Option<Sourced>| match c.as_ref().map(|s| &s.source) {
        Some(CredentialSource::Literal) => "plain-text".to_string(),
        _ => credential(c),
    };
    let rows: Vec<[String; 9]> = hosts
        .iter()
        .map(|h| {
            [
                h.name.clone(),
                format!("{}:{}", h.host, h.port),
                h.platform.id().to_string(),
                h.groups.join(","),
                h.site.clone().unwrap_or_else(|| "-".into()),
                h.tags.join(","),
                h.username.clone(),
                short(&h.credentials.password),
                short(&h.credentials.enable_secret),
            ]
        })
        .collect();
    let mut w: Vec<usize> = head.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let s: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<width$}", width = w[i]))
            .collect();
        out!("{}", s.join("  ").trim_end());
    };
    line(head.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
}

fn convert(a: ConvertArgs, ui: &Ui) -> i32 {
    match try_convert(&a) {
        Ok((n, format)) => {
            ui.note(format!(
                "wrote {} ({n} devices, from the {format} inventory {}); it loads back to the same devices",
                a.out.display(),
                a.inventory.inventory.display()
            ));
            exit::OK
        }
        Err(e) => super::unusable(e),
    }
}

fn try_convert(a: &ConvertArgs) -> Result<(usize, Format), String> {
    let src = a.inventory.source();
    let format = src.format();
    if format == Format::Fleetpoll {
        return Err(format!(
            "{}: is a fleetpoll inventory already",
            src.path.display()
        ));
    }
    if a.out.exists() && !a.force {
        return Err(format!(
            "{}: exists; pass --force to replace it",
            a.out.display()
        ));
    }
    crate::util::check_writable(&a.out)
        .map_err(|e| format!("{}: cannot write: {e}", a.out.display()))?;
    let t = formats::translate(&src, format).map_err(|e| e.to_string())?;
    if !t.literal_secrets.is_empty() && !a.allow_plaintext_secrets {
        let shown: Vec<String> = t
            .literal_secrets
            .iter()
            .take(5)
            .map(|o| o.spot().describe())
            .collect();
        let more = t.literal_secrets.len().saturating_sub(shown.len());
        return Err(format!(
            "{} plain-text credential(s) in the source, which convert does not copy into {} unless --allow-plaintext-secrets: {}{}; give them as references instead ({})",
            t.literal_secrets.len(),
            a.out.display(),
            shown.join("; "),
            if more > 0 { format!(" and {more} more") } else { String::new() },
            crate::error::SourceMap::reference_hint(&*t.origins, "password")
        ));
    }
    // The source must resolve, as `check` would resolve it, before anything is written.
    let from_source = load(&src).map_err(|e| e.to_string())?;
    let out_dir = match a.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut doc = t.doc.clone();
    formats::rebase(&mut doc, &t.base, &out_dir);
    let body = serde_yaml::to_string(&doc).map_err(|e| e.to_string())?;
    let text = format!(
        "# fleetpoll inventory converted from the {format} inventory {} by `fleetpoll inventory convert`.\n# The source's precedence is kept: each device lists its groups highest first, and a setting\n# that the {format} rules resolve differently from fleetpoll's is set on the device itself.\n{body}",
        src.path.display()
    );
    let tmp_check = tempfile::Builder::new()
        .suffix(".yaml")
        .tempfile_in(&out_dir)
        .map_err(|e| format!("{}: cannot write: {e}", out_dir.display()))?;
    std::fs::write(tmp_check.path(), &text).map_err(|e| e.to_string())?;
    // Read back from a file in the output's folder, so relative paths resolve as they will.
    let back = crate::inventory::formats::load(
        &formats::Source::new(tmp_check.path()),
        crate::inventory::Asking {
            prompter: Box::new(crate::inventory::Deferred),
            ask_pass: false,
            ask_become_pass: false,
        },
    )
    .map_err(|e| format!("the converted inventory does not load: {e}"))?;
    if let Some(diff) = formats::first_difference(&from_source.hosts, &back.hosts) {
        return Err(format!("the converted inventory resolves differently from the source ({diff}); nothing written"));
    }
    drop(tmp_check);
    crate::util::write_atomic(&a.out, text.as_bytes())
        .map_err(|e| format!("{}: cannot write: {e}", a.out.display()))?;
    Ok((from_source.hosts.len(), format))
}
