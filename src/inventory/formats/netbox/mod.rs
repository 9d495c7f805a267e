//! NetBox device dumps: the JSON of `/api/dcim/devices/` (pages concatenated, or a plain
//! list) and the Devices list's CSV export. A device becomes a fleetpoll device at its primary
//! IP, its platform slug mapped to a fleetpoll platform, its role a group, its site and tags
//! kept. NetBox holds no credentials: they come from a settings file (`--netbox-settings`).

mod csv;
mod json;

use super::draft::{Draft, DraftDevice, DraftGroup, Item, Layer, Origin, Vocabulary, YamlFile};
use super::values::{self, Names};
use super::Format;
use crate::error::ConfigError;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A CSV column fleetpoll reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Status,
    Site,
    Role,
    Platform,
    /// NetBox's preferred primary address ("IP Address").
    PrimaryIp,
    Ipv4,
    Ipv6,
    Tags,
}

/// The column a (lowercased) CSV header names: the export's verbose names ("IP Address",
/// "IPv4 Address") and the API's field names (`primary_ip4`) alike.
pub fn csv_column(header: &str) -> Option<Column> {
    Some(match header.trim() {
        "name" | "device" => Column::Name,
        "status" => Column::Status,
        "site" => Column::Site,
        "role" | "device role" | "device_role" => Column::Role,
        "platform" => Column::Platform,
        "ip address" | "primary ip" | "primary_ip" => Column::PrimaryIp,
        "ipv4 address" | "primary ipv4" | "primary_ip4" => Column::Ipv4,
        "ipv6 address" | "primary ipv6" | "primary_ip6" => Column::Ipv6,
        "tags" => Column::Tags,
        _ => return None,
    })
}

/// A value of a device and where it is written.
pub(super) type Field = Option<(String, Origin)>;

/// One device of the dump, as text.
pub(super) struct Device {
    /// NetBox's id (JSON only), to tell a page dumped twice.
    pub id: Option<u64>,
    pub origin: Origin,
    pub name: Field,
    pub status: Field,
    pub site: Field,
    pub role: Field,
    pub platform: Field,
    /// Preferred, IPv4 and IPv6 primary addresses, as NetBox writes them (with a prefix length).
    pub ips: [Field; 3],
    /// Where the primary IP is (or would be) written, for "has none".
    pub ip_at: Origin,
    pub tags: Vec<(String, Origin)>,
}

/// NetBox's slug of a name ("Cisco IOS-XE" → `cisco-ios-xe`), as its forms make one.
pub fn slugify(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.' || c.is_whitespace())
        .collect();
    let trimmed = kept.trim_matches(|c: char| c.is_whitespace() || c == '.');
    let mut out = String::new();
    let mut sep = false;
    for c in trimmed.chars() {
        if c == '-' || c == '.' || c.is_whitespace() {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The settings file: platform slugs, which statuses are polled, and fleetpoll settings for
/// every device (`defaults`) and per role (`groups`).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    #[serde(default)]
    platforms: BTreeMap<String, String>,
    #[serde(default)]
    statuses: Option<Vec<String>>,
    #[serde(default)]
    defaults: Value,
    #[serde(default)]
    groups: serde_yaml::Mapping,
    #[serde(default)]
    devices: serde_yaml::Mapping,
}

struct Settings {
    platforms: BTreeMap<String, (crate::Platform, Origin)>,
    statuses: Vec<String>,
    defaults: Layer,
    defaults_origin: Origin,
    groups: Vec<(String, Origin, Layer)>,
    /// Per device name: settings NetBox cannot hold (a NAT port, another account); they win
    /// over the dump's values.
    devices: Vec<(String, Origin, Layer)>,
}

fn settings(path: Option<&Path>, dump: &Path) -> Result<Settings, ConfigError> {
    let Some(path) = path else {
        return Ok(Settings {
            platforms: BTreeMap::new(),
            statuses: vec!["active".into()],
            defaults: Layer::new(),
            defaults_origin: Origin::line(dump, None, "defaults"),
            groups: Vec::new(),
            devices: Vec::new(),
        });
    };
    let text = super::read_text(path)?;
    let f: SettingsFile =
        serde_yaml::from_str(&text).map_err(|e| ConfigError::yaml(path, &text, &e))?;
    let file = YamlFile::new(path, &text);
    let mut platforms = BTreeMap::new();
    for (slug, p) in f.platforms {
        let o = file.at(&format!("platforms.{slug}"));
        let platform = p
            .parse::<crate::Platform>()
            .map_err(|e| o.error(e.to_string()))?;
        platforms.insert(slug.to_ascii_lowercase(), (platform, o));
    }
    let layer = |v: &Value, at: &str| -> Result<Layer, ConfigError> {
        Ok(values::fleetpoll_items(v, &file.at(at))?
            .into_iter()
            .collect())
    };
    let mut groups = Vec::new();
    for (k, v) in &f.groups {
        let name = values::text(k).unwrap_or_default();
        let at = format!("groups.{name}");
        groups.push((name, file.at(&at), layer(v, &at)?));
    }
    let mut devices = Vec::new();
    for (k, v) in &f.devices {
        let name = values::text(k).unwrap_or_default();
        let at = format!("devices.{name}");
        devices.push((name, file.at(&at), layer(v, &at)?));
    }
    Ok(Settings {
        platforms,
        statuses: f
            .statuses
            .unwrap_or_else(|| vec!["active".into()])
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        defaults: layer(&f.defaults, "defaults")?,
        defaults_origin: file.at("defaults"),
        groups,
        devices,
    })
}

fn reference(_: &str) -> String {
    "{env: VAR}, {file: PATH} or {prompt: true} in the --netbox-settings file".into()
}

/// Read the NetBox dump at `path`, with the settings file `settings_path`.
pub fn read(path: &Path, settings_path: Option<&Path>) -> Result<Draft, ConfigError> {
    if path.is_dir() {
        return Err(ConfigError::io(
            path,
            "a NetBox inventory is one file (the devices' JSON or CSV), not a folder",
        ));
    }
    let text = super::read_text(path)?;
    let t = text.trim_start_matches('\u{feff}');
    let dump = if t.trim_start().starts_with('{') || t.trim_start().starts_with('[') {
        json::devices(path, t)?
    } else {
        csv::devices(path, t)?
    };
    let s = settings(settings_path, path)?;
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut devices = Vec::new();
    let mut roles: Vec<(String, Origin)> = Vec::new();
    for d in dump {
        let status = d.status.as_ref().map(|(v, _)| v.to_ascii_lowercase());
        if let Some(st) = &status {
            if !s.statuses.contains(st) {
                *skipped.entry(st.clone()).or_default() += 1;
                continue;
            }
        }
        let Some((name, name_origin)) = d.name.clone().filter(|(n, _)| !n.trim().is_empty()) else {
            let id = d.id.map(|i| format!(" (id {i})")).unwrap_or_default();
            return Err(d.origin.error(format!(
                "a device{id} has no name: fleetpoll names devices by their NetBox name"
            )));
        };
        let mut layer = Layer::new();
        if let Some((ip, ip_origin)) = d.ips.iter().flatten().next().cloned() {
            let addr = ip.split('/').next().unwrap_or("").trim().to_string();
            layer.insert("host".into(), Item::new(addr, ip_origin));
        }
        if let Some((slug, o)) = &d.platform {
            let slug = slugify(slug);
            let item = match s.platforms.get(&slug) {
                Some((p, _)) => Item::new(p.id(), o.clone()),
                None => values::platform_item(Names::Netbox, &slug, "NetBox platform", o.clone()),
            };
            let item = match item.refused {
                Some(why) => Item {
                    refused: Some(format!(
                        "{why}; map it in the --netbox-settings file's `platforms:`"
                    )),
                    ..item
                },
                None => item,
            };
            layer.insert("platform".into(), item);
        }
        if let Some((site, o)) = &d.site {
            layer.insert("site".into(), Item::new(slugify(site), o.clone()));
        }
        if !d.tags.is_empty() {
            let tags = d
                .tags
                .iter()
                .map(|(t, _)| Value::from(slugify(t)))
                .collect();
            layer.insert(
                "tags".into(),
                Item::new(Value::Sequence(tags), d.tags[0].1.clone()),
            );
        }
        if let Some((_, _, own)) = s.devices.iter().find(|(n, _, _)| *n == name) {
            layer.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        if !layer.contains_key("host") {
            return Err(d.ip_at.error(format!(
                "device `{name}` has no primary IP in NetBox (primary_ip4 or primary_ip6): set one, or leave the device out of the dump"
            )));
        }
        let mut groups = Vec::new();
        if let Some((role, o)) = &d.role {
            let role = slugify(role);
            if !roles.iter().any(|(r, _)| *r == role) {
                roles.push((role.clone(), o.clone()));
            }
            groups.push(role);
        }
        devices.push(DraftDevice {
            name,
            origin: name_origin,
            settings: layer,
            groups,
            exact: None,
        });
    }
    let mut warnings = Vec::new();
    for (name, o, _) in &s.devices {
        if !devices.iter().any(|d| d.name == *name) {
            warnings.push(format!(
                "{}: no polled device `{name}` in {}: its settings are not used",
                o.spot().describe(),
                path.display()
            ));
        }
    }
    if !skipped.is_empty() {
        let n: usize = skipped.values().sum();
        let what: Vec<String> = skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
        warnings.push(format!(
            "{}: {n} device(s) not polled for their NetBox status ({}); polled: {}",
            path.display(),
            what.join(", "),
            s.statuses.join(", ")
        ));
    }
    let mut groups: Vec<DraftGroup> = s
        .groups
        .into_iter()
        .map(|(name, origin, settings)| DraftGroup {
            name,
            origin,
            settings,
        })
        .collect();
    for (role, origin) in roles {
        if !groups.iter().any(|g| g.name == role) {
            groups.push(DraftGroup {
                name: role,
                origin,
                settings: Layer::new(),
            });
        }
    }
    Ok(Draft {
        format: Format::Netbox,
        base: settings_path
            .and_then(Path::parent)
            .or(path.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        defaults: s.defaults,
        defaults_origin: s.defaults_origin,
        groups,
        devices,
        warnings,
        vocabulary: Vocabulary {
            platform: "a platform in NetBox, or `platform:` in the --netbox-settings file's defaults or groups",
            username: "`username:` in the --netbox-settings file's defaults or groups; NetBox holds no credentials",
            host: "a primary IP in NetBox",
            reference,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_as_netbox_makes_them() {
        assert_eq!(slugify("Cisco IOS-XE"), "cisco-ios-xe");
        assert_eq!(slugify("DC1 (Amsterdam)"), "dc1-amsterdam");
        assert_eq!(slugify("cisco-ios"), "cisco-ios");
        assert_eq!(slugify(" Core  Router. "), "core-router");
        assert_eq!(slugify("IOS.XE"), "ios-xe");
    }

    #[test]
    fn csv_headers_of_the_export_and_the_api() {
        assert_eq!(csv_column("ip address"), Some(Column::PrimaryIp));
        assert_eq!(csv_column("primary_ip4"), Some(Column::Ipv4));
        assert_eq!(csv_column("ipv6 address"), Some(Column::Ipv6));
        assert_eq!(csv_column("device role"), Some(Column::Role));
        assert_eq!(csv_column("rack"), None);
    }
}
