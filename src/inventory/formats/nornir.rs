//! Nornir SimpleInventory: `hosts.yaml`, `groups.yaml` and `defaults.yaml` (a folder, or the
//! hosts file with the others beside it), with Nornir's precedence: the host, then its groups
//! in order, each followed by its own parent groups (depth first), then the defaults.

use super::detect::NORNIR_KEYS;
use super::draft::{Draft, DraftDevice, DraftGroup, Item, Layer, Origin, Vocabulary, YamlFile};
use super::values::{self, Names};
use super::Format;
use crate::error::ConfigError;
use serde_yaml::{Mapping, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn find(dir: &Path, stem: &str, ext: &str) -> Option<PathBuf> {
    [
        format!("{stem}.{ext}"),
        format!("{stem}.yaml"),
        format!("{stem}.yml"),
    ]
    .into_iter()
    .map(|n| dir.join(n))
    .find(|p| p.is_file())
}

/// A group: name, where it is defined, its settings, and its parent groups (each where named).
type NamedGroup = (String, Origin, Layer, Vec<(String, Origin)>);

/// A SimpleInventory file: its entries (name → mapping), and its key positions.
struct File {
    file: YamlFile,
    entries: Mapping,
}

fn read_file(path: &Path) -> Result<File, ConfigError> {
    let text = super::read_text(path)?;
    let file = YamlFile::new(path, &text);
    let entries = match super::read_yaml(path, &text)? {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m,
        _ => {
            return Err(ConfigError::io(
                path,
                "a Nornir inventory file is a mapping of names to entries",
            ))
        }
    };
    Ok(File { file, entries })
}

fn reference(field: &str) -> String {
    super::fleetpoll_var_hint(field, "data: {", "}")
}

/// Read the Nornir inventory at `path` (its folder, or its hosts file).
pub fn read(path: &Path) -> Result<Draft, ConfigError> {
    let (dir, hosts_path) = if path.is_dir() {
        let h = find(path, "hosts", "yaml").ok_or_else(|| {
            ConfigError::io(
                path,
                "a Nornir inventory folder holds hosts.yaml (and groups.yaml, defaults.yaml)",
            )
        })?;
        (path.to_path_buf(), h)
    } else {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (dir, path.to_path_buf())
    };
    let ext = hosts_path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "yaml".into());
    let hosts = read_file(&hosts_path)?;
    let groups = find(&dir, "groups", &ext)
        .map(|p| read_file(&p))
        .transpose()?;
    let defaults_path = find(&dir, "defaults", &ext);
    let defaults = match &defaults_path {
        Some(p) => {
            let text = super::read_text(p)?;
            let doc = super::read_yaml(p, &text)?;
            Some((YamlFile::new(p, &text), doc))
        }
        None => None,
    };
    let mut warnings = Vec::new();

    let mut group_layers: Vec<NamedGroup> = Vec::new();
    if let Some(g) = &groups {
        for (k, v) in &g.entries {
            let name = values::text(k).unwrap_or_default();
            let origin = g.file.at(&name);
            let (layer, parents) = element(&g.file, &name, v, &mut warnings)?;
            group_layers.push((name, origin, layer, parents));
        }
    }
    let gix: HashMap<&str, usize> = group_layers
        .iter()
        .enumerate()
        .map(|(i, g)| (g.0.as_str(), i))
        .collect();
    let groups_file = groups
        .as_ref()
        .map(|g| g.file.path.display().to_string())
        .unwrap_or_else(|| "groups.yaml".into());
    let check = |parents: &[(String, Origin)], who: &str| -> Result<(), ConfigError> {
        for (p, o) in parents {
            if !gix.contains_key(p.as_str()) {
                return Err(o.error(format!(
                    "{who} names group `{p}`, which {groups_file} does not define"
                )));
            }
        }
        Ok(())
    };
    for (name, _, _, parents) in &group_layers {
        check(parents, &format!("group `{name}`"))?;
    }
    // Depth-first order of a group list, each group once; a loop is refused (Nornir would
    // recurse forever).
    fn flatten(
        list: &[(String, Origin)],
        groups: &[NamedGroup],
        gix: &HashMap<&str, usize>,
        path: &mut Vec<String>,
        out: &mut Vec<String>,
    ) -> Result<(), ConfigError> {
        for (g, o) in list {
            if path.contains(g) {
                return Err(o.error(format!("groups form a loop ({} > {g})", path.join(" > "))));
            }
            if !out.contains(g) {
                out.push(g.clone());
            }
            if let Some(&i) = gix.get(g.as_str()) {
                path.push(g.clone());
                flatten(&groups[i].3, groups, gix, path, out)?;
                path.pop();
            }
        }
        Ok(())
    }
    let mut devices = Vec::new();
    for (k, v) in &hosts.entries {
        let name = values::text(k).unwrap_or_default();
        let origin = hosts.file.at(&name);
        let (layer, list) = element(&hosts.file, &name, v, &mut warnings)?;
        check(&list, &format!("host `{name}`"))?;
        let mut order = Vec::new();
        flatten(&list, &group_layers, &gix, &mut Vec::new(), &mut order)?;
        devices.push(DraftDevice {
            name,
            origin,
            settings: layer,
            groups: order,
            exact: None,
        });
    }
    let (defaults, defaults_origin) = match &defaults {
        Some((file, doc)) => {
            let (layer, parents) = element(file, "", doc, &mut warnings)?;
            if let Some((_, o)) = parents.first() {
                return Err(o.error("defaults have no groups"));
            }
            (layer, file.at(""))
        }
        None => (
            Layer::new(),
            Origin::line(&dir.join("defaults.yaml"), None, "defaults"),
        ),
    };
    Ok(Draft {
        format: Format::Nornir,
        base: dir,
        defaults,
        defaults_origin,
        groups: group_layers
            .into_iter()
            .map(|(name, origin, settings, _)| DraftGroup {
                name,
                origin,
                settings,
            })
            .collect(),
        devices,
        warnings,
        vocabulary: Vocabulary {
            platform: "platform",
            username: "username",
            host: "hostname",
            reference,
        },
    })
}

/// One host, group or the defaults (`name` empty): its settings and the groups it names.
fn element(
    file: &YamlFile,
    name: &str,
    v: &Value,
    warnings: &mut Vec<String>,
) -> Result<(Layer, Vec<(String, Origin)>), ConfigError> {
    let at = |k: &str| {
        if name.is_empty() {
            file.at(k)
        } else {
            file.at(&format!("{name}.{k}"))
        }
    };
    let m = match v {
        Value::Null => return Ok((Layer::new(), Vec::new())),
        Value::Mapping(m) => m,
        _ => {
            return Err(file
                .at(name)
                .error("a Nornir entry is a mapping (hostname, port, username, …)"))
        }
    };
    let mut layer = Layer::new();
    let mut own = Vec::new();
    let mut groups = Vec::new();
    for (k, val) in m {
        let key = values::text(k).unwrap_or_default();
        let o = at(&key);
        if val.is_null() {
            continue;
        }
        let text =
            || values::text(val).ok_or_else(|| o.error(format!("`{key}` must be a single value")));
        match key.as_str() {
            "hostname" => {
                layer.insert("host".into(), Item::new(text()?, o.clone()));
            }
            "port" => {
                layer.insert("port".into(), Item::new(values::port(val, &o)?, o.clone()));
            }
            "username" => {
                layer.insert("username".into(), Item::new(text()?, o.clone()));
            }
            "password" => {
                layer.insert("password".into(), Item::new(text()?, o.clone()));
            }
            "platform" => {
                let p = values::platform_item(Names::Nornir, &text()?, "platform", o.clone());
                layer.insert("platform".into(), p);
            }
            "groups" => match val {
                Value::Sequence(list) => {
                    for (i, g) in list.iter().enumerate() {
                        let go = o.below(&format!("[{i}]"));
                        let g =
                            values::text(g).ok_or_else(|| go.error("a group name is a string"))?;
                        groups.push((g, go));
                    }
                }
                _ => return Err(o.error("`groups` is a list of group names")),
            },
            "data" => data(val, &o, &mut layer, &mut own)?,
            "connection_options" => connection_options(val, &o, &mut layer)?,
            other => warnings.push(format!(
                "{}: `{other}` is not a Nornir inventory key ({}); ignored, as Nornir does",
                o.spot().position(),
                NORNIR_KEYS.join(", ")
            )),
        }
    }
    for (k, item) in own {
        layer.insert(k, item);
    }
    Ok((layer, groups))
}

/// `data`: `site`, `tags` and `fleetpoll` (fleetpoll's settings) are read; other keys belong
/// to the user's Nornir tasks.
fn data(
    v: &Value,
    o: &Origin,
    layer: &mut Layer,
    own: &mut Vec<(String, Item)>,
) -> Result<(), ConfigError> {
    let Value::Mapping(m) = v else {
        return Err(o.error("`data` is a mapping"));
    };
    for (k, val) in m {
        let key = values::text(k).unwrap_or_default();
        let ko = o.below(&format!(".{key}"));
        match key.as_str() {
            "site" => {
                let s = values::text(val).ok_or_else(|| ko.error("`site` is a single name"))?;
                layer.insert("site".into(), Item::new(s, ko));
            }
            "tags" => {
                let tags: Vec<Value> = match val {
                    Value::Sequence(list) => list
                        .iter()
                        .map(|t| {
                            values::text(t)
                                .map(Value::from)
                                .ok_or_else(|| ko.error("tags are names"))
                        })
                        .collect::<Result<_, _>>()?,
                    other => vec![Value::from(
                        values::text(other).ok_or_else(|| ko.error("tags are names"))?,
                    )],
                };
                layer.insert("tags".into(), Item::new(Value::Sequence(tags), ko));
            }
            "fleetpoll" => own.extend(values::fleetpoll_items(val, &ko)?),
            _ => {}
        }
    }
    Ok(())
}

/// The enable secret from `connection_options`: netmiko's `extras.secret` or scrapli's
/// `extras.auth_secondary` (both set: they must agree).
fn connection_options(v: &Value, o: &Origin, layer: &mut Layer) -> Result<(), ConfigError> {
    let Value::Mapping(m) = v else {
        return Err(o.error("`connection_options` is a mapping of connection plugins"));
    };
    let mut found: Option<(String, Origin)> = None;
    for (plugin, key) in [("netmiko", "secret"), ("scrapli", "auth_secondary")] {
        let Some(extras) = m.get(plugin).and_then(|p| p.get("extras")) else {
            continue;
        };
        let Some(val) = extras.get(key) else { continue };
        if val.is_null() {
            continue;
        }
        let so = o.below(&format!(".{plugin}.extras.{key}"));
        let s = values::text(val).ok_or_else(|| so.error("the enable secret is a single value"))?;
        if let Some((prev, po)) = &found {
            if *prev != s {
                return Err(so.error(format!(
                    "differs from {} at the same level: fleetpoll has one enable secret per device",
                    po.field
                )));
            }
            continue;
        }
        found = Some((s, so));
    }
    if let Some((s, so)) = found {
        layer.insert("enable_secret".into(), Item::new(s, so));
    }
    Ok(())
}
