//! The common middle of every translation: settings in fleetpoll's terms, each with the place
//! it was written (`Origin`), in layers (device, groups, defaults) ready to be written out as a
//! fleetpoll inventory document whose errors point back at the source files.

use super::Format;
use crate::error::{ConfigError, SourceMap, SourceSpot};
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Key positions of one YAML source file (see [`crate::yamlpos`]).
pub type Index = HashMap<String, (usize, usize)>;

/// Where a value was written: file, line and column when the format has them, and the field
/// as that file names it.
#[derive(Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: String,
    /// A YAML source's key index and the source path of `field`, to place deeper fields
    /// (`fleetpoll.timeouts.conect` under `fleetpoll.timeouts`).
    pub nested: Option<Nested>,
}

#[derive(Clone)]
pub struct Nested {
    index: Arc<Index>,
    path: String,
}

impl PartialEq for Nested {
    fn eq(&self, o: &Self) -> bool {
        self.path == o.path && Arc::ptr_eq(&self.index, &o.index)
    }
}
impl Eq for Nested {}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.spot().describe())
    }
}

impl Origin {
    /// A place in a file without key positions (INI, CSV): its line, if any.
    pub fn line(file: &Path, line: Option<usize>, field: impl Into<String>) -> Origin {
        Origin {
            file: file.to_path_buf(),
            line,
            column: None,
            field: field.into(),
            nested: None,
        }
    }

    pub fn spot(&self) -> SourceSpot {
        SourceSpot {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            field: self.field.clone(),
        }
    }

    /// An error at this place.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: Some(self.file.clone()),
            line: self.line,
            column: self.column,
            // The top of a file is no field.
            field: (!self.field.is_empty()).then(|| self.field.clone()),
            message: message.into(),
        }
    }

    /// The place of `suffix` (`.conect`, `[0]`) below this one.
    pub fn below(&self, suffix: &str) -> Origin {
        let mut o = self.clone();
        o.field.push_str(suffix);
        if let Some(n) = &self.nested {
            let path = format!("{}{suffix}", n.path);
            if let Some((l, c)) = nearest(&n.index, &path) {
                o.line = Some(l);
                o.column = Some(c);
            }
            o.nested = Some(Nested {
                index: n.index.clone(),
                path,
            });
        }
        o
    }
}

/// The position of `path` or its nearest indexed parent.
fn nearest(index: &Index, path: &str) -> Option<(usize, usize)> {
    let mut probe = path.to_string();
    loop {
        if let Some(p) = index.get(&probe) {
            return Some(*p);
        }
        let i = probe.rfind(['.', '['])?;
        probe.truncate(i);
    }
}

/// A YAML (or JSON) source file, to make origins of its keys.
#[derive(Clone)]
pub struct YamlFile {
    pub path: PathBuf,
    index: Arc<Index>,
}

impl YamlFile {
    pub fn new(path: &Path, text: &str) -> YamlFile {
        let mut index = crate::yamlpos::index(text);
        json_keys(text, &mut index);
        YamlFile {
            path: path.to_path_buf(),
            index: Arc::new(index),
        }
    }

    /// The origin of source path `at` (`all.children.dc1.vars.ansible_user`).
    pub fn at(&self, at: &str) -> Origin {
        let pos = nearest(&self.index, at);
        Origin {
            file: self.path.clone(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            field: at.to_string(),
            nested: Some(Nested {
                index: self.index.clone(),
                path: at.to_string(),
            }),
        }
    }
}

/// yamlpos reads block YAML; a JSON vars file is one flow mapping. Its top-level keys (one
/// per line, as JSON is usually written) are indexed here so errors still get a line.
fn json_keys(text: &str, index: &mut Index) {
    if !text.trim_start().starts_with('{') {
        return;
    }
    let mut depth = 0usize;
    for (ln, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if depth == 1 {
            if let Some(rest) = t.strip_prefix('"') {
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    let col = line.len() - t.len() + 1;
                    index.entry(key.to_string()).or_insert((ln + 1, col));
                }
            }
        }
        // Depth at the end of the line; braces inside strings are rare enough in vars files.
        for c in line.chars() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
}

/// One fleetpoll setting as a source gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: Value,
    pub origin: Origin,
    /// Not a value fleetpoll can use (an unknown platform name): an error only if it is the
    /// one a device ends up with.
    pub refused: Option<String>,
}

impl Item {
    pub fn new(value: impl Into<Value>, origin: Origin) -> Item {
        Item {
            value: value.into(),
            origin,
            refused: None,
        }
    }
}

/// Settings of one level: fleetpoll keys, two deep for `timeouts` and `ssh`, which fleetpoll
/// merges field by field (`timeouts.connect`, `ssh.jump`).
pub type Layer = BTreeMap<String, Item>;

/// Keys that only a device has in fleetpoll; set on a group in another format, they are
/// resolved per device.
const DEVICE_ONLY: &[&str] = &["host", "site", "tags"];

/// How a format names things, for its messages.
pub struct Vocabulary {
    /// Where the platform is set (`ansible_network_os`).
    pub platform: &'static str,
    /// Where the username is set (`ansible_user`).
    pub username: &'static str,
    /// Where the address is set (`hostname`).
    pub host: &'static str,
    /// How to write a credential as a reference (`fleetpoll: {password: {env: VAR}}`).
    pub reference: fn(&str) -> String,
}

pub struct DraftGroup {
    pub name: String,
    pub origin: Origin,
    pub settings: Layer,
}

pub struct DraftDevice {
    pub name: String,
    pub origin: Origin,
    pub settings: Layer,
    /// Group names, highest precedence first.
    pub groups: Vec<String>,
    /// The format's own precedence, highest first, when fleetpoll's (device, groups in order,
    /// defaults) cannot say it: a setting the two resolve differently is set on the device.
    pub exact: Option<Vec<Layer>>,
}

pub struct Draft {
    pub format: Format,
    /// Folder relative paths (`key_file`, `{file:}`) are anchored at.
    pub base: PathBuf,
    pub defaults: Layer,
    pub defaults_origin: Origin,
    pub groups: Vec<DraftGroup>,
    pub devices: Vec<DraftDevice>,
    pub warnings: Vec<String>,
    pub vocabulary: Vocabulary,
}

/// A translated inventory: the fleetpoll document and where each of its fields came from.
pub struct Translated {
    pub format: Format,
    pub doc: Value,
    pub text: String,
    pub origins: Arc<Origins>,
    pub base: PathBuf,
    pub warnings: Vec<String>,
    /// Plain-text credentials of the source (`convert` will not copy them unasked).
    pub literal_secrets: Vec<Origin>,
}

const SECRET_KEYS: &[&str] = &["password", "enable_secret", "key_passphrase"];

/// Order of keys in the written document; others follow alphabetically.
const ORDER: &[&str] = &[
    "name",
    "host",
    "port",
    "platform",
    "groups",
    "site",
    "tags",
    "username",
    "password",
    "enable_secret",
    "key_file",
    "key_passphrase",
    "transport",
    "timeouts",
    "ssh",
    "max_output_bytes",
    "retries",
    "retry_backoff",
];

impl Draft {
    /// Resolve what fleetpoll's layering cannot express, check what every device needs, and
    /// write the document.
    pub fn finish(mut self) -> Result<Translated, ConfigError> {
        let group_ix: HashMap<String, usize> = self
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.name.clone(), i))
            .collect();
        let mut pins: Vec<Layer> = Vec::with_capacity(self.devices.len());
        for d in &self.devices {
            let mut order: Vec<&Layer> = vec![&d.settings];
            for g in &d.groups {
                match group_ix.get(g) {
                    Some(&i) => order.push(&self.groups[i].settings),
                    None => {
                        return Err(d.origin.error(format!(
                            "host `{}` is in group `{g}`, which is not defined",
                            d.name
                        )))
                    }
                }
            }
            order.push(&self.defaults);
            let exact: Vec<&Layer> = match &d.exact {
                Some(e) => e.iter().collect(),
                None => order.clone(),
            };
            let mut keys: Vec<&String> = exact.iter().flat_map(|l| l.keys()).collect();
            keys.sort();
            keys.dedup();
            let mut pin = Layer::new();
            for key in keys {
                let Some(e) = exact.iter().find_map(|l| l.get(key)) else {
                    continue;
                };
                if let Some(why) = &e.refused {
                    return Err(e.origin.error(format!("host `{}`: {why}", d.name)));
                }
                let layered = order.iter().find_map(|l| l.get(key));
                if DEVICE_ONLY.contains(&key.as_str()) || layered != Some(e) {
                    pin.insert(key.clone(), e.clone());
                }
            }
            let has = |k: &str| pin.contains_key(k) || order.iter().any(|l| l.contains_key(k));
            let v = &self.vocabulary;
            if !has("host") {
                return Err(d.origin.error(format!(
                    "host `{}` has no address (set {} on it, a group or the defaults)",
                    d.name, v.host
                )));
            }
            if !has("platform") {
                return Err(d.origin.error(format!(
                    "host `{}` has no platform (set {} on it, a group or the defaults; fleetpoll polls cisco_ios, cisco_xe, cisco_asa and cisco_waas)",
                    d.name, v.platform
                )));
            }
            if !has("username") {
                return Err(d.origin.error(format!(
                    "host `{}` has no username (set {} on it, a group or the defaults)",
                    d.name, v.username
                )));
            }
            pins.push(pin);
        }
        for (d, pin) in self.devices.iter_mut().zip(pins) {
            d.settings.extend(pin);
        }
        // Everything device-only is on the devices now, and a refused value that no device
        // ends up with is no one's.
        let keep =
            |k: &String, i: &mut Item| !DEVICE_ONLY.contains(&k.as_str()) && i.refused.is_none();
        self.defaults.retain(keep);
        for g in &mut self.groups {
            g.settings.retain(keep);
        }
        for d in &mut self.devices {
            d.settings.retain(|_, i| i.refused.is_none());
        }
        Ok(self.render())
    }

    fn render(self) -> Translated {
        let mut origins = Origins {
            map: HashMap::new(),
            reference: self.vocabulary.reference,
        };
        let mut literal_secrets = Vec::new();
        let mut doc = Mapping::new();
        origins.add("defaults", &self.defaults_origin);
        doc.insert(
            "defaults".into(),
            layer_doc(
                &self.defaults,
                "defaults",
                &mut origins,
                &mut literal_secrets,
            ),
        );
        let mut groups = Mapping::new();
        for g in &self.groups {
            let at = format!("groups.{}", g.name);
            origins.add(&at, &g.origin);
            groups.insert(
                g.name.clone().into(),
                layer_doc(&g.settings, &at, &mut origins, &mut literal_secrets),
            );
        }
        doc.insert("groups".into(), Value::Mapping(groups));
        let mut devices = Vec::new();
        for (i, d) in self.devices.iter().enumerate() {
            let at = format!("devices[{i}]");
            origins.add(&at, &d.origin);
            origins.add(&format!("{at}.name"), &d.origin);
            origins.add(&format!("{at}.groups"), &d.origin);
            let mut layer = d.settings.clone();
            layer.insert("name".into(), Item::new(d.name.clone(), d.origin.clone()));
            if !d.groups.is_empty() {
                let list = d.groups.iter().map(|g| Value::from(g.clone())).collect();
                layer.insert(
                    "groups".into(),
                    Item::new(Value::Sequence(list), d.origin.clone()),
                );
            }
            devices.push(layer_doc(&layer, &at, &mut origins, &mut literal_secrets));
        }
        doc.insert("devices".into(), Value::Sequence(devices));
        let doc = Value::Mapping(doc);
        let text = serde_yaml::to_string(&doc).unwrap_or_default();
        literal_secrets.dedup();
        Translated {
            format: self.format,
            doc,
            text,
            origins: Arc::new(origins),
            base: self.base,
            warnings: self.warnings,
            literal_secrets,
        }
    }
}

fn rank(key: &str) -> (usize, &str) {
    (
        ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len()),
        key,
    )
}

/// A layer as a YAML mapping (`timeouts.connect` nested), recording origins under `at`.
fn layer_doc(layer: &Layer, at: &str, origins: &mut Origins, literals: &mut Vec<Origin>) -> Value {
    let mut items: Vec<(&String, &Item)> = layer.iter().collect();
    items.sort_by(|a, b| {
        let (ka, kb) = (
            a.0.split('.').next().unwrap_or(""),
            b.0.split('.').next().unwrap_or(""),
        );
        rank(ka).cmp(&rank(kb)).then(a.0.cmp(b.0))
    });
    let mut out = Mapping::new();
    for (key, item) in items {
        let path = format!("{at}.{key}");
        origins.add(&path, &item.origin);
        if SECRET_KEYS.contains(&key.as_str()) && item.value.is_string() {
            literals.push(item.origin.clone());
        }
        match key.split_once('.') {
            Some((parent, sub)) => {
                origins.add(&format!("{at}.{parent}"), &item.origin);
                let slot = out
                    .entry(parent.into())
                    .or_insert_with(|| Value::Mapping(Mapping::new()));
                if let Value::Mapping(m) = slot {
                    m.insert(sub.into(), item.value.clone());
                }
            }
            None => {
                out.insert(key.clone().into(), item.value.clone());
            }
        }
    }
    Value::Mapping(out)
}

/// Field path of the generated document → where it was written.
pub struct Origins {
    map: HashMap<String, Origin>,
    reference: fn(&str) -> String,
}

impl Origins {
    fn add(&mut self, path: &str, o: &Origin) {
        self.map
            .entry(path.to_string())
            .or_insert_with(|| o.clone());
    }

    /// The origin of `field` or of its nearest parent, extended by the rest of the path.
    pub fn origin(&self, field: &str) -> Option<Origin> {
        let mut probe = field;
        loop {
            if let Some(o) = self.map.get(probe) {
                return Some(o.below(&field[probe.len()..]));
            }
            let i = probe.rfind(['.', '['])?;
            probe = &probe[..i];
        }
    }
}

impl SourceMap for Origins {
    fn locate(&self, field: &str) -> Option<SourceSpot> {
        self.origin(field).map(|o| o.spot())
    }

    fn reference_hint(&self, field: &str) -> String {
        (self.reference)(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_extend_into_nested_yaml_keys() {
        let f = YamlFile::new(
            Path::new("gv.yml"),
            "ansible_user: x\nfleetpoll:\n  timeouts:\n    conect: 5s\n",
        );
        let o = f.at("fleetpoll.timeouts");
        assert_eq!((o.line, o.column), (Some(3), Some(3)));
        let deeper = o.below(".conect");
        assert_eq!(deeper.field, "fleetpoll.timeouts.conect");
        assert_eq!((deeper.line, deeper.column), (Some(4), Some(5)));
        let mut origins = Origins {
            map: HashMap::new(),
            reference: |_| String::new(),
        };
        origins.add("devices[0].timeouts", &o);
        let spot = origins.locate("devices[0].timeouts.conect").unwrap();
        assert_eq!(spot.describe(), "gv.yml:4:5: fleetpoll.timeouts.conect");
        assert!(origins.locate("groups.x").is_none());
    }

    #[test]
    fn json_vars_files_get_lines_for_top_level_keys() {
        let f = YamlFile::new(
            Path::new("all.json"),
            "{\n  \"ansible_user\": \"netops\",\n  \"fleetpoll\": {\"port\": 2}\n}\n",
        );
        assert_eq!(f.at("ansible_user").line, Some(2));
        assert_eq!(f.at("fleetpoll").line, Some(3));
    }
}
