//! Ansible inventories (INI or YAML files, or a folder of them) with `group_vars/` and
//! `host_vars/`, resolved with Ansible's own precedence: host_vars > host variables in the
//! inventory > group_vars files (deepest group first) > group_vars/all > group variables in the
//! inventory > `all`'s, groups of one depth ordered by `ansible_group_priority`, then name.

mod ini;
mod pattern;
mod vars;
mod yaml;

use super::draft::{Draft, DraftDevice, DraftGroup, Item, Layer, Origin, Vocabulary};
use super::Format;
use crate::error::ConfigError;
use serde_yaml::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One variable assignment, where it was written.
#[derive(Clone)]
pub(super) struct Var {
    pub name: String,
    pub value: Value,
    pub origin: Origin,
}

pub(super) struct Group {
    pub name: String,
    pub origin: Origin,
    /// Variables from the inventory files (not group_vars).
    pub vars: Vec<Var>,
    pub children: Vec<String>,
    pub parents: Vec<String>,
}

pub(super) struct HostEntry {
    pub name: String,
    pub origin: Origin,
    pub vars: Vec<Var>,
    /// Groups the inventory puts the host in directly.
    pub groups: Vec<String>,
}

/// The inventory as Ansible holds it after reading its sources.
#[derive(Default)]
pub(super) struct Inv {
    pub groups: Vec<Group>,
    gix: HashMap<String, usize>,
    pub hosts: Vec<HostEntry>,
    hix: HashMap<String, usize>,
    pub warnings: Vec<String>,
}

impl Inv {
    pub fn has_group(&self, name: &str) -> bool {
        self.gix.contains_key(name)
    }

    /// The group `name`, created (first mention at `origin`) if new.
    pub fn group(&mut self, name: &str, origin: Origin) -> usize {
        if let Some(&i) = self.gix.get(name) {
            return i;
        }
        self.groups.push(Group {
            name: name.to_string(),
            origin,
            vars: Vec::new(),
            children: Vec::new(),
            parents: Vec::new(),
        });
        self.gix.insert(name.to_string(), self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Both groups must exist.
    pub fn add_child(&mut self, parent: &str, child: &str) {
        let (Some(&p), Some(&c)) = (self.gix.get(parent), self.gix.get(child)) else {
            return;
        };
        if !self.groups[p].children.iter().any(|x| x == child) {
            self.groups[p].children.push(child.to_string());
        }
        if !self.groups[c].parents.iter().any(|x| x == parent) {
            self.groups[c].parents.push(parent.to_string());
        }
    }

    pub fn host(&mut self, name: &str, origin: Origin) -> usize {
        if let Some(&i) = self.hix.get(name) {
            return i;
        }
        self.hosts.push(HostEntry {
            name: name.to_string(),
            origin,
            vars: Vec::new(),
            groups: Vec::new(),
        });
        self.hix.insert(name.to_string(), self.hosts.len() - 1);
        self.hosts.len() - 1
    }

    pub fn add_host_to(&mut self, host: usize, group: &str) {
        let h = &mut self.hosts[host];
        if !h.groups.iter().any(|g| g == group) {
            h.groups.push(group.to_string());
        }
    }

    fn g(&self, name: &str) -> Option<&Group> {
        self.gix.get(name).map(|&i| &self.groups[i])
    }
}

/// Extensions Ansible skips in an inventory folder (INVENTORY_IGNORE_EXTS).
const IGNORED: &[&str] = &[
    ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".ini", ".cfg",
    ".retry",
];

/// The inventory files of a folder, as Ansible picks them (sorted, recursively, skipping
/// group_vars/host_vars, hidden files and ignored extensions).
fn folder_sources(dir: &Path, out: &mut Vec<PathBuf>, warnings: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "group_vars" || name == "host_vars" {
            continue;
        }
        if p.is_dir() {
            folder_sources(&p, out, warnings);
        } else if let Some(ext) = IGNORED.iter().find(|e| name.ends_with(*e)) {
            if *ext == ".ini" || *ext == ".cfg" {
                warnings.push(format!(
                    "{}: not read: Ansible ignores `{ext}` files in an inventory folder (INVENTORY_IGNORE_EXTS); give the file itself with -i to use it",
                    p.display()
                ));
            }
        } else {
            out.push(p);
        }
    }
}

/// Read the Ansible inventory at `path` (a file, or a folder of inventory files).
pub fn read(path: &Path) -> Result<Draft, ConfigError> {
    let mut inv = Inv::default();
    let (sources, base) = if path.is_dir() {
        let mut s = Vec::new();
        folder_sources(path, &mut s, &mut inv.warnings);
        if s.is_empty() {
            return Err(ConfigError::io(
                path,
                "folder holds no inventory file (Nornir's hosts.yaml, or Ansible inventory files)",
            ));
        }
        (s, path.to_path_buf())
    } else {
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (vec![path.to_path_buf()], base)
    };
    let root = Origin::line(&sources[0], None, "all");
    inv.group("all", root.clone());
    inv.group("ungrouped", Origin::line(&sources[0], None, "ungrouped"));
    for s in &sources {
        let text = super::read_text(s)?;
        if text.starts_with("#!") {
            return Err(ConfigError::io(
                s,
                "is a dynamic inventory script; fleetpoll runs no programs to read an inventory: save its output (`ansible-inventory -i SCRIPT --list --yaml`) and give that file",
            ));
        }
        // INI by its look, or when it is YAML but not a mapping (a list of host names reads
        // as one YAML string); a YAML syntax error is reported as such.
        let yaml_scalar = matches!(
            serde_yaml::from_str::<Value>(&text),
            Ok(Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Sequence(_))
        );
        if super::detect::looks_ini(&text) || yaml_scalar {
            ini::parse(&mut inv, s, &text)?;
        } else {
            yaml::parse(&mut inv, s, &text)?;
        }
    }
    reconcile(&mut inv);
    check_cycles(&inv)?;
    let depth = depths(&inv);
    build(inv, &depth, path, &base)
}

/// What Ansible does after reading: every group without a parent is a child of `all`, and a
/// host in no group but `all` is in `ungrouped` (and only such hosts).
fn reconcile(inv: &mut Inv) {
    let orphans: Vec<String> = inv
        .groups
        .iter()
        .filter(|g| g.name != "all" && g.parents.is_empty())
        .map(|g| g.name.clone())
        .collect();
    for g in orphans {
        inv.add_child("all", &g);
    }
    for h in &mut inv.hosts {
        let real = h.groups.iter().any(|g| g != "all" && g != "ungrouped");
        if real {
            h.groups.retain(|g| g != "ungrouped");
        } else if !h.groups.iter().any(|g| g == "ungrouped") {
            h.groups.push("ungrouped".into());
        }
    }
}

fn check_cycles(inv: &Inv) -> Result<(), ConfigError> {
    // 0 unseen, 1 on the current path, 2 done.
    fn visit(
        inv: &Inv,
        g: &str,
        state: &mut HashMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Result<(), ConfigError> {
        match state.get(g) {
            Some(2) => return Ok(()),
            Some(1) => {
                let start = path.iter().position(|x| x == g).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(g.to_string());
                let origin = inv
                    .g(g)
                    .map(|x| x.origin.clone())
                    .unwrap_or_else(|| Origin::line(Path::new(""), None, g));
                return Err(origin.error(format!(
                    "groups form a loop ({}): a group cannot be its own child",
                    cycle.join(" > ")
                )));
            }
            _ => {}
        }
        state.insert(g.to_string(), 1);
        path.push(g.to_string());
        if let Some(grp) = inv.g(g) {
            for c in &grp.children {
                visit(inv, c, state, path)?;
            }
        }
        path.pop();
        state.insert(g.to_string(), 2);
        Ok(())
    }
    let mut state = HashMap::new();
    for g in &inv.groups {
        visit(inv, &g.name, &mut state, &mut Vec::new())?;
    }
    Ok(())
}

/// Each group's depth: `all` 0, any other one more than its deepest parent.
fn depths(inv: &Inv) -> HashMap<String, usize> {
    fn depth(inv: &Inv, g: &str, memo: &mut HashMap<String, usize>) -> usize {
        if let Some(&d) = memo.get(g) {
            return d;
        }
        let d = match inv.g(g) {
            Some(grp) if g != "all" => grp
                .parents
                .iter()
                .map(|p| depth(inv, p, memo) + 1)
                .max()
                .unwrap_or(1),
            _ => 0,
        };
        memo.insert(g.to_string(), d);
        d
    }
    let mut memo = HashMap::new();
    for g in &inv.groups {
        depth(inv, &g.name, &mut memo);
    }
    memo
}

/// Every group `groups` are in, through their parents, `all` left out.
fn ancestors(inv: &Inv, groups: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo: Vec<String> = groups.to_vec();
    while let Some(g) = todo.pop() {
        if g == "all" || !out.insert(g.clone()) {
            continue;
        }
        if let Some(grp) = inv.g(&g) {
            todo.extend(grp.parents.iter().cloned());
        }
    }
    out
}

fn merged(low: &Layer, high: &Layer) -> Layer {
    let mut l = low.clone();
    l.extend(high.iter().map(|(k, v)| (k.clone(), v.clone())));
    l
}

fn build(
    mut inv: Inv,
    depth: &HashMap<String, usize>,
    path: &Path,
    base: &Path,
) -> Result<Draft, ConfigError> {
    let mut warnings = std::mem::take(&mut inv.warnings);
    let gv_dir = base.join("group_vars");
    let hv_dir = base.join("host_vars");
    // Per group: (inventory-file layer, group_vars layer, priority).
    let mut layers: HashMap<String, (Layer, Layer, i64)> = HashMap::new();
    for g in &inv.groups {
        let file_vars = vars::load(&gv_dir, &g.name, &mut warnings)?;
        layers.insert(
            g.name.clone(),
            (
                vars::translate(&g.vars)?,
                vars::translate(&file_vars)?,
                vars::priority(&g.vars)?,
            ),
        );
    }
    let empty = (Layer::new(), Layer::new(), 1);
    let all = layers.get("all").unwrap_or(&empty);
    let mut devices = Vec::with_capacity(inv.hosts.len());
    for h in &inv.hosts {
        let hi = vars::translate(&h.vars)?;
        let hv = vars::translate(&vars::load(&hv_dir, &h.name, &mut warnings)?)?;
        let mut order: Vec<String> = ancestors(&inv, &h.groups).into_iter().collect();
        order.sort_by(|a, b| {
            let key = |g: &String| {
                (
                    depth.get(g).copied().unwrap_or(1),
                    layers.get(g).map(|l| l.2).unwrap_or(1),
                )
            };
            key(a).cmp(&key(b)).then(a.cmp(b))
        });
        order.reverse();
        let mut exact: Vec<Layer> = vec![hv.clone(), hi.clone()];
        exact.extend(
            order
                .iter()
                .map(|g| layers.get(g).map(|l| l.1.clone()).unwrap_or_default()),
        );
        exact.push(all.1.clone());
        exact.extend(
            order
                .iter()
                .map(|g| layers.get(g).map(|l| l.0.clone()).unwrap_or_default()),
        );
        exact.push(all.0.clone());
        if !exact.iter().any(|l| l.contains_key("host")) {
            // Ansible connects to the inventory name when no ansible_host is set.
            let mut implied = Layer::new();
            implied.insert("host".into(), Item::new(h.name.clone(), h.origin.clone()));
            exact.push(implied);
        }
        devices.push(DraftDevice {
            name: h.name.clone(),
            origin: h.origin.clone(),
            settings: merged(&hi, &hv),
            groups: order,
            exact: Some(exact),
        });
    }
    let groups = inv
        .groups
        .iter()
        .filter(|g| g.name != "all")
        .map(|g| {
            let (file, gv, _) = layers.get(&g.name).unwrap_or(&empty);
            DraftGroup {
                name: g.name.clone(),
                origin: g.origin.clone(),
                settings: merged(file, gv),
            }
        })
        .collect();
    let defaults_origin = inv
        .g("all")
        .map(|g| g.origin.clone())
        .unwrap_or_else(|| Origin::line(path, None, "all"));
    Ok(Draft {
        format: Format::Ansible,
        base: base.to_path_buf(),
        defaults: merged(&all.0, &all.1),
        defaults_origin,
        groups,
        devices,
        warnings,
        vocabulary: Vocabulary {
            platform: "ansible_network_os (or fleetpoll: {platform: …})",
            username: "ansible_user",
            host: "ansible_host",
            reference: vars::reference,
        },
    })
}
