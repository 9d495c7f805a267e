//! `group_vars/` and `host_vars/` beside an Ansible inventory, found as Ansible's
//! host_group_vars plugin finds them, and the Ansible variables fleetpoll reads, translated
//! into fleetpoll settings.

use super::Var;
use crate::error::ConfigError;
use crate::inventory::formats::draft::{Item, Layer, YamlFile};
use crate::inventory::formats::values::{self, Names};
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// Ansible's YAML_FILENAME_EXTENSIONS.
const EXTENSIONS: &[&str] = &[".yml", ".yaml", ".json"];

/// The vars files for entity `name` in `dir` (`group_vars`): the first of `name` (a file, or
/// a folder read recursively in sorted order), `name.yml`, `name.yaml`, `name.json`.
pub fn files(dir: &Path, name: &str) -> Vec<PathBuf> {
    for ext in std::iter::once("").chain(EXTENSIONS.iter().copied()) {
        let p = dir.join(format!("{name}{ext}"));
        if p.is_dir() {
            let mut found = Vec::new();
            dir_files(&p, &mut found);
            return found;
        }
        if p.is_file() {
            return vec![p];
        }
    }
    Vec::new()
}

fn dir_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for p in names {
        let fname = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if fname.starts_with('.') || fname.ends_with('~') {
            continue;
        }
        let ext = p.extension().map(|e| format!(".{}", e.to_string_lossy()));
        if p.is_dir() && ext.is_none() {
            dir_files(&p, out);
        } else if p.is_file() && ext.as_deref().is_none_or(|e| EXTENSIONS.contains(&e)) {
            out.push(p);
        }
    }
}

/// The variables of `name` from `dir`, in precedence order (later wins); a vault-encrypted
/// file is skipped with a warning, since fleetpoll cannot read it.
pub fn load(dir: &Path, name: &str, warnings: &mut Vec<String>) -> Result<Vec<Var>, ConfigError> {
    let mut out = Vec::new();
    for f in files(dir, name) {
        let text = crate::inventory::formats::read_text(&f)?;
        if text.trim_start().starts_with("$ANSIBLE_VAULT;") {
            warnings.push(format!(
                "{}: encrypted with ansible-vault: not read (fleetpoll decrypts no vault); a setting fleetpoll needs must be given outside it, e.g. fleetpoll: {{password: {{env: VAR}}}}",
                f.display()
            ));
            continue;
        }
        let file = YamlFile::new(&f, &text);
        match crate::inventory::formats::read_yaml(&f, &text)? {
            Value::Null => {}
            Value::Mapping(m) => {
                for (k, v) in m {
                    let k = values::text(&k).unwrap_or_default();
                    out.push(Var {
                        origin: file.at(&k),
                        name: k,
                        value: v,
                    });
                }
            }
            _ => {
                return Err(ConfigError::io(
                    &f,
                    "a vars file holds a mapping of variable names to values",
                ))
            }
        }
    }
    Ok(out)
}

/// How to give a credential in an Ansible inventory so that fleetpoll reads a reference.
pub fn reference(field: &str) -> String {
    crate::inventory::formats::fleetpoll_var_hint(field, "", " as a variable")
}

/// The fleetpoll settings `vars` give (later assignments win; a `fleetpoll:` setting wins
/// over the `ansible_*` variable for the same thing at the same level).
pub fn translate(vars: &[Var]) -> Result<Layer, ConfigError> {
    let mut layer = Layer::new();
    let mut own: Vec<(String, Item)> = Vec::new();
    for v in vars {
        let key = match v.name.as_str() {
            "ansible_host" | "ansible_ssh_host" => "host",
            "ansible_port" | "ansible_ssh_port" => "port",
            "ansible_user" | "ansible_ssh_user" => "username",
            "ansible_password" | "ansible_ssh_pass" | "ansible_ssh_password" => "password",
            "ansible_become_password" | "ansible_become_pass" => "enable_secret",
            "ansible_ssh_private_key_file" | "ansible_private_key_file" => "key_file",
            "ansible_network_os" => "platform",
            "fleetpoll" => {
                values::refuse_unreadable(&v.value, &v.origin, &reference(""))?;
                own.extend(values::fleetpoll_items(&v.value, &v.origin)?);
                continue;
            }
            _ => continue,
        };
        values::refuse_unreadable(&v.value, &v.origin, &reference(key))?;
        let item = match key {
            "port" => Item::new(values::port(&v.value, &v.origin)?, v.origin.clone()),
            "platform" => {
                let name = scalar(v)?;
                values::platform_item(
                    Names::AnsibleNetworkOs,
                    &name,
                    "ansible_network_os",
                    v.origin.clone(),
                )
            }
            _ => Item::new(scalar(v)?, v.origin.clone()),
        };
        layer.insert(key.to_string(), item);
    }
    for (k, item) in own {
        layer.insert(k, item);
    }
    Ok(layer)
}

fn scalar(v: &Var) -> Result<String, ConfigError> {
    values::text(&v.value).ok_or_else(|| {
        v.origin
            .error(format!("`{}` must be a single value", v.name))
    })
}

/// `ansible_group_priority` as Ansible reads it (a number; default 1).
pub fn priority(vars: &[Var]) -> Result<i64, ConfigError> {
    match vars
        .iter()
        .rev()
        .find(|v| v.name == "ansible_group_priority")
    {
        None => Ok(1),
        Some(v) => match values::text(&v.value).and_then(|t| t.trim().parse::<i64>().ok()) {
            Some(n) => Ok(n),
            None => Err(v
                .origin
                .error("ansible_group_priority must be a whole number")),
        },
    }
}
