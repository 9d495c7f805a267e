//! Values read from another tool's inventory: platform names mapped through
//! `platforms/inventory_names.yaml`, the `fleetpoll:` settings a source may carry, and the
//! refusal of what fleetpoll cannot read honestly (vault-encrypted values, Jinja templates).

use super::draft::{Item, Origin};
use crate::error::ConfigError;
use crate::Platform;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const NAMES: &str = include_str!("../../../platforms/inventory_names.yaml");

/// Which tool's platform names.
#[derive(Debug, Clone, Copy)]
pub enum Names {
    AnsibleNetworkOs,
    Nornir,
    Netbox,
}

#[derive(serde::Deserialize)]
struct Tables {
    ansible_network_os: BTreeMap<String, Platform>,
    nornir: BTreeMap<String, Platform>,
    netbox: BTreeMap<String, Platform>,
}

fn tables() -> Option<&'static Tables> {
    static T: OnceLock<Option<Tables>> = OnceLock::new();
    T.get_or_init(|| serde_yaml::from_str(NAMES).ok()).as_ref()
}

/// The fleetpoll platform of a tool's platform name (fleetpoll's own names too).
pub fn platform(names: Names, name: &str) -> Option<Platform> {
    let name = name.trim().to_ascii_lowercase();
    if let Ok(p) = name.parse::<Platform>() {
        return Some(p);
    }
    let t = tables()?;
    let table = match names {
        Names::AnsibleNetworkOs => &t.ansible_network_os,
        Names::Nornir => &t.nornir,
        Names::Netbox => &t.netbox,
    };
    table.get(&name).copied()
}

/// The names a table knows, for messages.
pub fn known(names: Names) -> String {
    let Some(t) = tables() else {
        return String::new();
    };
    let table = match names {
        Names::AnsibleNetworkOs => &t.ansible_network_os,
        Names::Nornir => &t.nornir,
        Names::Netbox => &t.netbox,
    };
    let mut v: Vec<&str> = table.keys().map(String::as_str).collect();
    v.extend(Platform::ALL.iter().map(|p| p.id()));
    v.join(", ")
}

/// The platform item for `name`: mapped, or refused (an error only for the devices that end
/// up with it).
pub fn platform_item(names: Names, name: &str, what: &str, origin: Origin) -> Item {
    match platform(names, name) {
        Some(p) => Item::new(p.id(), origin),
        None => Item {
            value: Value::from(name),
            origin,
            refused: Some(format!(
                "{what} `{name}` is not a platform fleetpoll polls (known: {})",
                known(names)
            )),
        },
    }
}

/// A scalar as text (numbers and booleans as written), `None` for anything else.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A TCP port: a number (or digits) from 1 to 65535.
pub fn port(v: &Value, origin: &Origin) -> Result<Value, ConfigError> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match n {
        Some(n @ 1..=65535) => Ok(Value::from(n)),
        _ => Err(origin.error(format!(
            "`{}` is not a TCP port (1-65535)",
            text(v).unwrap_or_else(|| "(not a scalar)".into())
        ))),
    }
}

/// Refuse a value fleetpoll would misread: vault-encrypted (`!vault` or `$ANSIBLE_VAULT;`)
/// or a Jinja template, anywhere inside it. `reference` says how the format writes
/// `{env: VAR}` for this field.
pub fn refuse_unreadable(v: &Value, origin: &Origin, reference: &str) -> Result<(), ConfigError> {
    match v {
        Value::Tagged(t) if t.tag == "!vault" || t.tag == "vault" => Err(vault(origin, reference)),
        Value::Tagged(t) => refuse_unreadable(&t.value, origin, reference),
        Value::String(s) if s.trim_start().starts_with("$ANSIBLE_VAULT;") => {
            Err(vault(origin, reference))
        }
        Value::String(s) if is_template(s) => Err(origin.error(template_message(s, reference))),
        Value::Sequence(items) => items.iter().enumerate().try_for_each(|(i, x)| {
            refuse_unreadable(x, &origin.below(&format!("[{i}]")), reference)
        }),
        Value::Mapping(m) => m.iter().try_for_each(|(k, x)| {
            let k = text(k).unwrap_or_default();
            refuse_unreadable(x, &origin.below(&format!(".{k}")), reference)
        }),
        _ => Ok(()),
    }
}

fn vault(origin: &Origin, reference: &str) -> ConfigError {
    origin.error(format!(
        "the value is encrypted with ansible-vault, which fleetpoll does not decrypt: give it as a reference instead ({reference}); `ansible-vault view {}` shows the value to move",
        origin.file.display()
    ))
}

/// `{{ … }}`, `{% … %}` or `{# … #}`.
pub fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

fn template_message(s: &str, reference: &str) -> String {
    let re = regex::Regex::new(
        r#"^\s*\{\{\s*lookup\(\s*['"](env|file)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*\}\}\s*$"#,
    )
    .ok();
    let hint = re
        .and_then(|re| re.captures(s).map(|c| (c[1].to_string(), c[2].to_string())))
        .map(|(kind, arg)| {
            format!("; this one reads {kind} `{arg}`, which fleetpoll writes as {{{kind}: {arg}}}")
        })
        .unwrap_or_default();
    format!(
        "the value is a Jinja template, which fleetpoll does not evaluate (not even in part): write the value itself, or a reference ({reference}){hint}"
    )
}

/// The settings of a `fleetpoll:` variable (a mapping of fleetpoll settings) as items;
/// `timeouts` and `ssh` are split per field, as fleetpoll merges them. `name` and `groups`
/// come from the source's own structure and are refused here.
pub fn fleetpoll_items(v: &Value, origin: &Origin) -> Result<Vec<(String, Item)>, ConfigError> {
    let Value::Mapping(m) = v else {
        if v.is_null() {
            return Ok(Vec::new());
        }
        return Err(origin.error(
            "`fleetpoll` holds fleetpoll settings as a mapping, e.g. {transport: openssh, timeouts: {command: 2m}}",
        ));
    };
    let mut out = Vec::new();
    for (k, val) in m {
        let Some(key) = k.as_str() else {
            return Err(origin.error("setting names are strings"));
        };
        let at = origin.below(&format!(".{key}"));
        match key {
            "name" | "groups" => {
                return Err(at.error(format!(
                    "`{key}` comes from the inventory's own hosts and groups, not from fleetpoll settings"
                )))
            }
            "timeouts" | "ssh" if v_is_map(val) => {
                if let Value::Mapping(sub) = val {
                    for (sk, sv) in sub {
                        let sk = sk.as_str().unwrap_or_default().to_string();
                        let o = at.below(&format!(".{sk}"));
                        out.push((format!("{key}.{sk}"), Item::new(sv.clone(), o)));
                    }
                }
            }
            _ => out.push((key.to_string(), Item::new(val.clone(), at))),
        }
    }
    Ok(out)
}

fn v_is_map(v: &Value) -> bool {
    matches!(v, Value::Mapping(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn o() -> Origin {
        Origin::line(Path::new("hosts.ini"), Some(4), "rtr1.ansible_password")
    }

    #[test]
    fn platform_names_map_and_unknown_ones_are_refused_with_the_list() {
        assert_eq!(
            platform(Names::AnsibleNetworkOs, "cisco.ios.ios"),
            Some(Platform::CiscoIos)
        );
        assert_eq!(
            platform(Names::AnsibleNetworkOs, "cisco.iosxe"),
            Some(Platform::CiscoXe)
        );
        assert_eq!(
            platform(Names::AnsibleNetworkOs, "asa"),
            Some(Platform::CiscoAsa)
        );
        assert_eq!(
            platform(Names::Nornir, "cisco_iosxe"),
            Some(Platform::CiscoXe)
        );
        assert_eq!(
            platform(Names::Nornir, "cisco_waas"),
            Some(Platform::CiscoWaas)
        );
        assert_eq!(
            platform(Names::Netbox, "Cisco-IOS-XE"),
            Some(Platform::CiscoXe)
        );
        assert_eq!(platform(Names::Nornir, "juniper_junos"), None);
        let i = platform_item(
            Names::AnsibleNetworkOs,
            "cisco.nxos.nxos",
            "ansible_network_os",
            o(),
        );
        assert!(i.refused.as_deref().unwrap().contains("cisco.nxos.nxos"));
        assert!(i.refused.as_deref().unwrap().contains("cisco.ios.ios"));
    }

    #[test]
    fn vault_and_templates_are_refused_naming_the_field() {
        let e = refuse_unreadable(
            &Value::from("$ANSIBLE_VAULT;1.1;AES256\n6162"),
            &o(),
            "fleetpoll: {password: {env: VAR}}",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(e.field.as_deref(), Some("rtr1.ansible_password"));
        assert!(e.message.contains("ansible-vault view hosts.ini"), "{e}");
        let tagged: Value =
            serde_yaml::from_str("!vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3031\n").unwrap();
        assert!(refuse_unreadable(&tagged, &o(), "x")
            .unwrap_err()
            .message
            .contains("ansible-vault"));
        let e = refuse_unreadable(&Value::from("{{ lookup('env', 'NET_PW') }}"), &o(), "x")
            .unwrap_err();
        assert!(e.message.contains("{env: NET_PW}"), "{e}");
        let e = refuse_unreadable(&Value::from("pre{% if x %}"), &o(), "x").unwrap_err();
        assert!(e.message.contains("Jinja"), "{e}");
        assert!(refuse_unreadable(&Value::from("plain {value}"), &o(), "x").is_ok());
    }

    #[test]
    fn fleetpoll_settings_split_timeouts_and_refuse_structure_keys() {
        let v: Value = serde_yaml::from_str(
            "{transport: openssh, timeouts: {command: 2m, connect: 3s}, port: 2}",
        )
        .unwrap();
        let items = fleetpoll_items(&v, &o()).unwrap();
        let keys: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["transport", "timeouts.command", "timeouts.connect", "port"]
        );
        assert_eq!(
            items[1].1.origin.field,
            "rtr1.ansible_password.timeouts.command"
        );
        let v: Value = serde_yaml::from_str("{groups: [a]}").unwrap();
        assert!(fleetpoll_items(&v, &o())
            .unwrap_err()
            .message
            .contains("own hosts and groups"));
        assert!(fleetpoll_items(&Value::from("x"), &o()).is_err());
    }
}
