//! Ansible's YAML inventory: groups (usually under `all`) with `hosts`, `vars` and `children`,
//! read the way Ansible's `yaml` plugin reads it (a string where a mapping is expected names
//! one entry; unknown keys are skipped with a warning).

use super::pattern::{expand, split_port};
use super::{Inv, Var};
use crate::error::ConfigError;
use crate::inventory::formats::draft::YamlFile;
use serde_yaml::{Mapping, Value};
use std::path::Path;

pub fn parse(inv: &mut Inv, path: &Path, text: &str) -> Result<(), ConfigError> {
    let doc = crate::inventory::formats::read_yaml(path, text)?;
    let file = YamlFile::new(path, text);
    let top = match doc {
        Value::Mapping(m) => m,
        Value::Null => return Ok(()),
        _ => {
            return Err(file
                .at("")
                .error("a YAML inventory is a mapping of groups (usually `all:`)"))
        }
    };
    for (name, data) in &top {
        let name = key(name);
        group(inv, &file, &name, &name, data)?;
    }
    Ok(())
}

fn key(v: &Value) -> String {
    crate::inventory::formats::values::text(v).unwrap_or_default()
}

/// Read group `name` written at source path `at`.
fn group(
    inv: &mut Inv,
    file: &YamlFile,
    name: &str,
    at: &str,
    data: &Value,
) -> Result<(), ConfigError> {
    inv.group(name, file.at(at));
    let m = match data {
        Value::Null => return Ok(()),
        Value::Mapping(m) => m,
        other => {
            return Err(file.at(at).error(format!(
                "invalid entry for group `{name}`: requires a mapping (hosts, vars, children), found {}",
                kind(other)
            )))
        }
    };
    for (k, v) in m {
        let section = key(k);
        let sat = format!("{at}.{section}");
        // Ansible takes a bare string as a one-entry mapping.
        let v = match v {
            Value::String(s) => {
                let mut one = Mapping::new();
                one.insert(Value::from(s.clone()), Value::Null);
                Value::Mapping(one)
            }
            v => v.clone(),
        };
        let entries = match &v {
            Value::Null => continue,
            Value::Mapping(e) => e,
            other if ["vars", "children", "hosts"].contains(&section.as_str()) => {
                return Err(file.at(&sat).error(format!(
                    "invalid `{section}` entry for group `{name}`: requires a mapping, found {}",
                    kind(other)
                )))
            }
            _ => {
                inv.warnings.push(format!(
                    "{}: skipping key `{section}` in group `{name}`: only hosts, vars and children are valid (as in Ansible)",
                    file.at(&sat).spot().position()
                ));
                continue;
            }
        };
        match section.as_str() {
            "vars" => {
                let gi = inv.group(name, file.at(at));
                for (vk, vv) in entries {
                    let vk = key(vk);
                    inv.groups[gi].vars.push(Var {
                        origin: file.at(&format!("{sat}.{vk}")),
                        name: vk,
                        value: vv.clone(),
                    });
                }
            }
            "children" => {
                for (ck, cv) in entries {
                    let child = key(ck);
                    group(inv, file, &child, &format!("{sat}.{child}"), cv)?;
                    inv.add_child(name, &child);
                }
            }
            "hosts" => {
                for (hk, hv) in entries {
                    let pattern = key(hk);
                    let hat = format!("{sat}.{pattern}");
                    let origin = file.at(&hat);
                    let (pat, port) = split_port(&pattern).map_err(|e| origin.error(e))?;
                    let hosts = expand(&pat).map_err(|e| origin.error(e))?;
                    let mut vars = Vec::new();
                    if let Some(p) = port {
                        vars.push(Var {
                            name: "ansible_port".into(),
                            value: p.into(),
                            origin: origin.clone(),
                        });
                    }
                    match hv {
                        Value::Null => {}
                        Value::Mapping(hm) => {
                            for (vk, vv) in hm {
                                let vk = key(vk);
                                vars.push(Var {
                                    origin: file.at(&format!("{hat}.{vk}")),
                                    name: vk,
                                    value: vv.clone(),
                                });
                            }
                        }
                        other => {
                            return Err(origin.error(format!(
                                "host `{pattern}`: its variables must be a mapping, found {}",
                                kind(other)
                            )))
                        }
                    }
                    for h in hosts {
                        let hi = inv.host(&h, origin.clone());
                        inv.add_host_to(hi, name);
                        inv.hosts[hi].vars.extend(vars.iter().cloned());
                    }
                }
            }
            _ => {
                inv.warnings.push(format!(
                    "{}: skipping key `{section}` in group `{name}`: only hosts, vars and children are valid (as in Ansible)",
                    file.at(&sat).spot().position()
                ));
            }
        }
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}
