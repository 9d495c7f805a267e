//! Inventories written for other tools — Ansible (INI, YAML, group_vars/host_vars), Nornir
//! SimpleInventory and NetBox device dumps — translated into a fleetpoll inventory document
//! and resolved by the same code as fleetpoll's own YAML, so each gives exactly the hosts the
//! equivalent fleetpoll file would; every error names the source file, line and field.

mod ansible;
mod compare;
pub(crate) mod detect;
mod draft;
pub(crate) mod netbox;
mod nornir;
mod values;

pub use compare::{first_difference, host_fields};
pub use draft::{Origin, Translated};

use super::{Asking, Inventory};
use crate::error::ConfigError;
use serde_yaml::Value;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// An inventory format `-i` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Fleetpoll,
    Ansible,
    Nornir,
    Netbox,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Fleetpoll,
        Format::Ansible,
        Format::Nornir,
        Format::Netbox,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Format::Fleetpoll => "fleetpoll",
            Format::Ansible => "ansible",
            Format::Nornir => "nornir",
            Format::Netbox => "netbox",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.id() == s)
            .ok_or_else(|| {
                format!("unknown inventory format `{s}` (fleetpoll, ansible, nornir or netbox)")
            })
    }
}

/// What `-i` names, and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    /// `--inventory-format`; `None`: told by the content.
    pub format: Option<Format>,
    /// `--netbox-settings`: platform slugs, defaults and per-role settings for a NetBox dump.
    pub netbox_settings: Option<PathBuf>,
}

impl Source {
    /// `path`, its format told by its content.
    pub fn new(path: &Path) -> Source {
        Source {
            path: path.to_path_buf(),
            format: None,
            netbox_settings: None,
        }
    }

    /// The format: the forced one, or the one the content says.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_else(|| detect::format(&self.path))
    }
}

/// Read and resolve the inventory `src` names, asking prompts through `asking`.
pub fn load(src: &Source, asking: Asking) -> Result<Inventory, ConfigError> {
    let format = src.format();
    if format == Format::Fleetpoll {
        if src.netbox_settings.is_some() {
            return Err(ConfigError::io(
                &src.path,
                "--netbox-settings is for a NetBox inventory, and this is a fleetpoll one",
            ));
        }
        return super::load_fleetpoll(&src.path, asking);
    }
    let t = translate(src, format)?;
    let mut inv = super::parse_generated(&src.path, &t.base, &t.text, t.origins.clone(), asking)?;
    let mut warnings = t.warnings;
    warnings.append(&mut inv.warnings);
    inv.warnings = warnings;
    Ok(inv)
}

/// The fleetpoll document of a foreign inventory (not yet resolved).
pub fn translate(src: &Source, format: Format) -> Result<Translated, ConfigError> {
    if src.netbox_settings.is_some() && format != Format::Netbox {
        return Err(ConfigError::io(
            &src.path,
            format!("--netbox-settings is for a NetBox inventory, and this is an {format} one"),
        ));
    }
    if !src.path.exists() {
        return Err(ConfigError::io(
            &src.path,
            "cannot read inventory: no such file or folder",
        ));
    }
    let draft = match format {
        Format::Ansible => ansible::read(&src.path)?,
        Format::Nornir => nornir::read(&src.path)?,
        Format::Netbox => netbox::read(&src.path, src.netbox_settings.as_deref())?,
        Format::Fleetpoll => {
            return Err(ConfigError::io(
                &src.path,
                "is a fleetpoll inventory already",
            ))
        }
    };
    draft.finish()
}

/// Read a source file, naming it in the error.
pub(crate) fn read_text(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, format!("cannot read: {e}")))
}

/// Parse a YAML source file (JSON too), naming its file and position on a syntax error.
pub(crate) fn read_yaml(path: &Path, text: &str) -> Result<Value, ConfigError> {
    serde_yaml::from_str(text).map_err(|e| ConfigError::yaml(path, text, &e))
}

/// Rewrite the relative paths of a document made for `base` so that they still name the same
/// files from `out_dir` (absolute when the folders differ).
pub fn rebase(doc: &mut Value, base: &Path, out_dir: &Path) {
    if same_dir(base, out_dir) {
        return;
    }
    let fix = |v: &mut Value| {
        if let Value::String(s) = v {
            let p = Path::new(s.as_str());
            if !p.is_absolute() && !s.starts_with('~') {
                *s = absolute(&base.join(p)).display().to_string();
            }
        }
    };
    let settings = |m: &mut serde_yaml::Mapping| {
        if let Some(v) = m.get_mut("key_file") {
            fix(v);
        }
        for k in ["password", "enable_secret", "key_passphrase"] {
            if let Some(Value::Mapping(r)) = m.get_mut(k) {
                if let Some(v) = r.get_mut("file") {
                    fix(v);
                }
            }
        }
        if let Some(Value::Mapping(ssh)) = m.get_mut("ssh") {
            if let Some(v) = ssh.get_mut("known_hosts") {
                fix(v);
            }
        }
    };
    let Value::Mapping(top) = doc else { return };
    if let Some(Value::Mapping(d)) = top.get_mut("defaults") {
        settings(d);
    }
    for key in ["groups", "jump_hosts"] {
        if let Some(Value::Mapping(gs)) = top.get_mut(key) {
            for (_, g) in gs.iter_mut() {
                if let Value::Mapping(g) = g {
                    settings(g);
                }
            }
        }
    }
    if let Some(Value::Sequence(ds)) = top.get_mut("devices") {
        for d in ds {
            if let Value::Mapping(d) = d {
                settings(d);
            }
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| {
        std::fs::canonicalize(if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        })
        .ok()
    };
    match (canon(a), canon(b)) {
        (Some(a), Some(b)) => a == b,
        _ => absolute(a) == absolute(b),
    }
}

/// `fleetpoll: {password: {env: VAR}}`-style hint for formats that carry fleetpoll settings
/// in a `fleetpoll` variable.
fn fleetpoll_var_hint(field: &str, prefix: &str, suffix: &str) -> String {
    let key = match field {
        f if f.contains("enable_secret") => "enable_secret",
        f if f.contains("key_passphrase") => "key_passphrase",
        _ => "password",
    };
    format!(
        "{prefix}fleetpoll: {{{key}: {{env: VAR}}}}{suffix} (or {{file: PATH}}, {{prompt: true}})"
    )
}
