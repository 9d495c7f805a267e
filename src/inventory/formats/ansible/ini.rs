//! Ansible's INI inventory: `[group]` host lines with `key=value` variables, `[group:vars]`
//! and `[group:children]`; lines before any section are ungrouped hosts. Read the way
//! Ansible's `ini` plugin reads it, errors included.

use super::pattern::{expand, ini_value, shlex, split_port};
use super::{Inv, Var};
use crate::error::ConfigError;
use crate::inventory::formats::draft::Origin;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Hosts,
    Vars,
    Children,
}

pub fn parse(inv: &mut Inv, path: &Path, text: &str) -> Result<(), ConfigError> {
    let section = regex::Regex::new(r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$")
        .map_err(|e| ConfigError::msg(e.to_string()))?;
    let groupname = regex::Regex::new(r"^([^:\]\s]+)\s*(?:#.*)?$")
        .map_err(|e| ConfigError::msg(e.to_string()))?;
    let mut group = "ungrouped".to_string();
    let mut kind = Kind::Hosts;
    // Groups named in [x:vars] or [x:children] before (or without) being declared: Ansible
    // refuses those that never are.
    let mut pending: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (ln, raw) in text.lines().enumerate() {
        let ln = ln + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let at = |field: String| Origin::line(path, Some(ln), field);
        if let Some(c) = section.captures(line) {
            group = c[1].to_string();
            let k = c.get(2).map(|m| m.as_str()).unwrap_or("hosts");
            kind = match k {
                "hosts" => Kind::Hosts,
                "vars" => Kind::Vars,
                "children" => Kind::Children,
                other => {
                    return Err(at(line.to_string())
                        .error(format!("section [{group}:{other}] has unknown type `{other}` (hosts, vars or children)")))
                }
            };
            let known = inv.has_group(&group);
            inv.group(&group, at(format!("[{group}]")));
            if kind == Kind::Vars {
                if !known && !pending.contains_key(&group) {
                    pending.insert(group.clone(), (ln, format!("section [{group}:vars] is not valid for group `{group}`, which is not defined (add a [{group}] or [{group}:children] section)")));
                }
            } else {
                pending.remove(&group);
            }
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return Err(at(line.to_string()).error(
                "invalid section entry: make sure there are no spaces in the section entry, and no other invalid characters",
            ));
        }
        match kind {
            Kind::Hosts => {
                let tokens = shlex(line).map_err(|e| {
                    at(format!("[{group}]")).error(format!("cannot read host line: {e}"))
                })?;
                let Some(first) = tokens.first() else {
                    continue;
                };
                let (pattern, port) =
                    split_port(first).map_err(|e| at(format!("[{group}] {first}")).error(e))?;
                if pattern.trim() == "---" {
                    return Err(at(format!("[{group}]")).error(
                        "`---` is not a host; it is normally a sign this is a YAML file with a syntax error",
                    ));
                }
                let hosts =
                    expand(&pattern).map_err(|e| at(format!("[{group}] {first}")).error(e))?;
                let mut vars = Vec::new();
                if let Some(p) = port {
                    vars.push(Var {
                        name: "ansible_port".into(),
                        value: p.into(),
                        origin: at(format!("[{group}] {first}")),
                    });
                }
                let mut prev_key = "";
                for t in &tokens[1..] {
                    let Some((k, v)) = t.split_once('=') else {
                        // After a secret, an unquoted blank splits the value: the word may be
                        // part of it, so it is not shown.
                        let secret = ["pass", "secret", "vault"]
                            .iter()
                            .any(|w| prev_key.contains(w));
                        let got = if secret {
                            format!(
                                "a word after {prev_key}= (not shown; quote a value with blanks)"
                            )
                        } else {
                            format!("`{t}`")
                        };
                        return Err(at(format!("[{group}] {first}")).error(format!(
                            "expected key=value host variable assignment, got {got}"
                        )));
                    };
                    prev_key = k;
                    vars.push(Var {
                        name: k.to_string(),
                        value: ini_value(v),
                        origin: at(format!("[{group}] {first} {k}")),
                    });
                }
                for h in hosts {
                    let hi = inv.host(&h, at(format!("[{group}] {first}")));
                    inv.add_host_to(hi, &group);
                    inv.hosts[hi].vars.extend(vars.iter().cloned());
                }
            }
            Kind::Vars => {
                let Some((k, v)) = line.split_once('=') else {
                    return Err(at(format!("[{group}:vars]"))
                        .error(format!("expected key=value, got `{line}`")));
                };
                let k = k.trim();
                let gi = inv.group(&group, at(format!("[{group}]")));
                inv.groups[gi].vars.push(Var {
                    name: k.to_string(),
                    value: ini_value(v),
                    origin: at(format!("[{group}:vars] {k}")),
                });
            }
            Kind::Children => {
                let Some(c) = groupname.captures(line) else {
                    return Err(at(format!("[{group}:children]"))
                        .error(format!("expected a group name, got `{line}`")));
                };
                let child = c[1].to_string();
                if !inv.has_group(&child) {
                    pending.entry(child.clone()).or_insert((
                        ln,
                        format!("section [{group}:children] includes group `{child}`, which is not defined (add a [{child}] or [{child}:children] section)"),
                    ));
                }
                inv.group(&child, at(format!("[{group}:children] {child}")));
                inv.add_child(&group, &child);
            }
        }
    }
    if let Some((g, (ln, msg))) = pending.into_iter().min_by_key(|(_, (ln, _))| *ln) {
        return Err(Origin::line(path, Some(ln), g).error(msg));
    }
    Ok(())
}
