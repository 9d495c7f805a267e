//! Which format an inventory path is, by its content (and, for a folder, the files in it):
//! fleetpoll YAML stays the default, so a fleetpoll file with a mistake still gets
//! fleetpoll's own error rather than "unknown format".

use super::Format;
use serde_yaml::Value;
use std::path::Path;

/// Keys of a fleetpoll inventory's top level.
const FLEETPOLL_KEYS: &[&str] = &["defaults", "groups", "devices", "jump_hosts"];
/// Keys of a Nornir SimpleInventory host.
pub const NORNIR_KEYS: &[&str] = &[
    "hostname",
    "port",
    "username",
    "password",
    "platform",
    "groups",
    "data",
    "connection_options",
];

/// The format of the inventory at `path` (a file or a folder).
pub fn format(path: &Path) -> Format {
    if path.is_dir() {
        let nornir = ["hosts.yaml", "hosts.yml"]
            .iter()
            .map(|n| path.join(n))
            .find(|p| p.is_file())
            .and_then(|p| std::fs::read_to_string(p).ok())
            .is_some_and(|t| yaml_format(&t) == Some(Format::Nornir));
        return if nornir {
            Format::Nornir
        } else {
            Format::Ansible
        };
    }
    match std::fs::read_to_string(path) {
        Ok(text) => text_format(&text),
        // Unreadable: fleetpoll's loader says why.
        Err(_) => Format::Fleetpoll,
    }
}

/// The format of one file's text.
pub fn text_format(text: &str) -> Format {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if (t.starts_with('{') || t.starts_with('[')) && is_netbox_json(t) {
        return Format::Netbox;
    }
    if is_netbox_csv(t) {
        return Format::Netbox;
    }
    match yaml_format(text) {
        Some(f) => f,
        None if looks_ini(text) => Format::Ansible,
        None => Format::Fleetpoll,
    }
}

/// A YAML mapping's format, `None` when the text is not a YAML mapping.
fn yaml_format(text: &str) -> Option<Format> {
    // The top-level keys alone settle a fleetpoll file, without building a tree of a
    // 100,000-device inventory only to look at its first level: a block-style key at column
    // 0 is one of the document's (a block scalar's text is indented under its key).
    if text.lines().any(|l| {
        FLEETPOLL_KEYS.iter().any(|k| {
            l.strip_prefix(k)
                .and_then(|r| r.strip_prefix(':'))
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        })
    }) {
        return Some(Format::Fleetpoll);
    }
    type TopLevel = std::collections::HashMap<Value, serde::de::IgnoredAny>;
    if let Ok(top) = serde_yaml::from_str::<TopLevel>(text) {
        if top
            .keys()
            .filter_map(Value::as_str)
            .any(|k| FLEETPOLL_KEYS.contains(&k))
        {
            return Some(Format::Fleetpoll);
        }
    }
    let Ok(Value::Mapping(m)) = serde_yaml::from_str::<Value>(text) else {
        return None;
    };
    let keys: Vec<&str> = m.keys().filter_map(Value::as_str).collect();
    // Any of fleetpoll's own keys: a fleetpoll file, whatever else (a typo) it holds.
    if keys.is_empty() || keys.iter().any(|k| FLEETPOLL_KEYS.contains(k)) {
        return Some(Format::Fleetpoll);
    }
    let all_maps_with = |allowed: &[&str]| {
        m.values().all(|v| match v {
            Value::Null => true,
            Value::Mapping(g) => g
                .keys()
                .all(|k| k.as_str().is_some_and(|k| allowed.contains(&k))),
            _ => false,
        })
    };
    let any_key = |allowed: &[&str]| {
        m.values().any(|v| {
            v.as_mapping().is_some_and(|g| {
                g.keys()
                    .any(|k| k.as_str().is_some_and(|k| allowed.contains(&k)))
            })
        })
    };
    // `all:` is Ansible's root group; otherwise groups with hosts or children (unknown keys
    // in a group are Ansible's warning, not another format).
    let maps_or_null = m.values().all(|v| v.is_null() || v.is_mapping());
    if m.get("all").is_some_and(|a| a.is_null() || a.is_mapping())
        || (maps_or_null && any_key(&["hosts", "children"]))
    {
        return Some(Format::Ansible);
    }
    // Hosts with Nornir's keys (an unknown one is Nornir's to ignore, not another format).
    if maps_or_null && (all_maps_with(NORNIR_KEYS) || any_key(NORNIR_KEYS)) {
        return Some(Format::Nornir);
    }
    Some(Format::Fleetpoll)
}

/// An Ansible INI file: `[section]` headers, or only host lines (`name k=v …`).
pub fn looks_ini(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .collect();
    if lines.is_empty() {
        return false;
    }
    let section = regex::Regex::new(r"^\[[^:\]\s]+(:\w+)?\]\s*(#.*)?$").ok();
    if section.is_some_and(|re| lines.iter().any(|l| re.is_match(l))) {
        return true;
    }
    lines.iter().all(|l| {
        let mut words = l.split_whitespace();
        let first = words.next().unwrap_or("");
        !first.ends_with(':')
            && !first.starts_with('-')
            && words.all(|w| w.contains('=') || w.starts_with('#'))
    })
}

/// `/api/dcim/devices/` pages, or a list of devices.
fn is_netbox_json(t: &str) -> bool {
    let mut stream = serde_json::Deserializer::from_str(t).into_iter::<serde_json::Value>();
    let first = match stream.next() {
        Some(Ok(v)) => v,
        // Broken JSON that looks like a dump gets NetBox's error (with its line), not YAML's.
        Some(Err(_)) => return t.contains("\"results\"") || t.contains("\"primary_ip"),
        None => return false,
    };
    let device = |v: &serde_json::Value| {
        v.as_object().is_some_and(|o| {
            o.contains_key("name")
                && [
                    "primary_ip",
                    "primary_ip4",
                    "device_type",
                    "role",
                    "device_role",
                    "site",
                ]
                .iter()
                .any(|k| o.contains_key(*k))
        })
    };
    match &first {
        serde_json::Value::Object(o) => {
            o.get("results").is_some_and(|r| r.is_array()) || device(&first)
        }
        serde_json::Value::Array(a) => a.first().is_some_and(device),
        _ => false,
    }
}

/// NetBox's Devices CSV export: a header with a name column and some NetBox column.
fn is_netbox_csv(t: &str) -> bool {
    let Some(header) = t.lines().next() else {
        return false;
    };
    if !header.contains(',') {
        return false;
    }
    let cells: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    cells.iter().any(|c| c == "name")
        && cells.iter().any(|c| {
            super::netbox::csv_column(c).is_some_and(|col| col != super::netbox::Column::Name)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_content() {
        assert_eq!(
            text_format("defaults:\n  username: x\ndevices: []\n"),
            Format::Fleetpoll
        );
        assert_eq!(text_format("devices:\n  - nme: x\n"), Format::Fleetpoll);
        assert_eq!(text_format("devicse: []\n"), Format::Fleetpoll);
        assert_eq!(
            text_format("defualts: {username: x}\ngroups: {}\n"),
            Format::Fleetpoll
        );
        assert_eq!(text_format(""), Format::Fleetpoll);
        assert_eq!(
            text_format("all:\n  children:\n    dc1:\n      hosts:\n        r1:\n"),
            Format::Ansible
        );
        assert_eq!(
            text_format("[routers]\nr1 ansible_host=10.0.0.1\n"),
            Format::Ansible
        );
        assert_eq!(text_format("r1\nr2 ansible_port=2222\n"), Format::Ansible);
        assert_eq!(
            text_format("r1:\n  hostname: 10.0.0.1\n  groups: [dc1]\n  platform: cisco_ios\n"),
            Format::Nornir
        );
        assert_eq!(
            text_format("r1:\n  hostname: h\n  plaform: x\nr2:\n"),
            Format::Nornir
        );
        assert_eq!(
            text_format("all:\n  vars: {}\n  host:\n    r9:\n"),
            Format::Ansible
        );
        assert_eq!(
            text_format("{\"count\": 1, \"next\": null, \"results\": [{\"name\": \"r1\"}]}"),
            Format::Netbox
        );
        assert_eq!(
            text_format("[{\"name\": \"r1\", \"site\": null}]"),
            Format::Netbox
        );
        assert_eq!(
            text_format("Name,Status,Site,Role,IP Address,Platform\nr1,Active,dc1,router,10.0.0.1/24,Cisco IOS\n"),
            Format::Netbox
        );
        // A JSON Ansible inventory is YAML.
        assert_eq!(
            text_format("{\"all\": {\"hosts\": {\"r1\": null}}}"),
            Format::Ansible
        );
    }
}
