//! Reading a snapshot back: the manifest must be a `fleetpoll-snapshot` of a known layout
//! version, every file it lists must exist with the listed SHA-256 (all mismatches are
//! reported, by file), paths must stay inside the snapshot, and every device's `meta.json`
//! and parsed records must be readable. Files the manifest does not list are not read.

use super::{DeviceMeta, Manifest, SnapshotError, FORMAT, FORMAT_VERSION, MANIFEST, META};
use crate::parse::Record;
use std::path::{Component, Path, PathBuf};

/// A verified snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// SHA-256 of the `manifest.json` bytes that were verified (what `snapshot` printed for
    /// the change record).
    pub manifest_sha256: String,
    /// In manifest (inventory) order.
    pub devices: Vec<LoadedDevice>,
}

impl Snapshot {
    pub fn device(&self, name: &str) -> Option<&LoadedDevice> {
        self.devices.iter().find(|d| d.meta.device == name)
    }
}

#[derive(Debug, Clone)]
pub struct LoadedDevice {
    pub meta: DeviceMeta,
    /// One entry per `meta.commands`, the parsed record when there is one.
    pub records: Vec<Option<Record>>,
}

impl LoadedDevice {
    /// The command's metadata and record, by command text.
    pub fn command(&self, command: &str) -> Option<(&super::CommandMeta, Option<&Record>)> {
        self.meta
            .commands
            .iter()
            .zip(&self.records)
            .find(|(c, _)| c.command == command)
            .map(|(c, r)| (c, r.as_ref()))
    }
}

fn unreadable(dir: &Path, message: impl Into<String>) -> SnapshotError {
    SnapshotError::Unreadable {
        dir: dir.to_path_buf(),
        message: message.into(),
    }
}

/// A manifest path: relative, `/`-separated, no `..`, no root, no empty part.
fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Load and verify the snapshot in `dir`.
pub fn load(dir: &Path) -> Result<Snapshot, SnapshotError> {
    if !dir.is_dir() {
        return Err(unreadable(dir, "not a folder"));
    }
    let mpath = dir.join(MANIFEST);
    let mbytes = match std::fs::read(&mpath) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(unreadable(
                dir,
                "no manifest.json: not a snapshot (an interrupted snapshot leaves only a hidden .partial- folder)",
            ))
        }
        Err(e) => return Err(SnapshotError::io(mpath, e)),
    };
    let probe: serde_json::Value = serde_json::from_slice(&mbytes)
        .map_err(|e| unreadable(dir, format!("manifest.json is not JSON: {e}")))?;
    if probe.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(unreadable(
            dir,
            format!("manifest.json is not a {FORMAT} manifest"),
        ));
    }
    let version = probe.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(FORMAT_VERSION)) {
        return Err(unreadable(
            dir,
            format!(
                "snapshot layout version {} is not supported (this fleetpoll reads version {FORMAT_VERSION})",
                version.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
            ),
        ));
    }
    let manifest: Manifest = serde_json::from_value(probe)
        .map_err(|e| unreadable(dir, format!("manifest.json: {e}")))?;

    // Integrity: every listed file, every mismatch reported.
    let mut problems = Vec::new();
    if super::commands_sha256(&manifest.playbook.commands) != manifest.playbook.commands_sha256 {
        problems.push(format!(
            "{MANIFEST}: playbook commands_sha256 does not match the commands it lists"
        ));
    }
    for (rel, want) in &manifest.files {
        if !safe_rel(rel) {
            problems.push(format!("{rel}: path escapes the snapshot"));
            continue;
        }
        match std::fs::read(dir.join(rel)) {
            Ok(b) => {
                let got = crate::util::sha256_hex(&b);
                if &got != want {
                    problems.push(format!(
                        "{rel}: sha256 mismatch (manifest {want}, file {got})"
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{rel}: missing"))
            }
            Err(e) => problems.push(format!("{rel}: {e}")),
        }
    }
    let listed = |rel: &str, problems: &mut Vec<String>| {
        if !manifest.files.contains_key(rel) {
            problems.push(format!("{rel}: referenced but not listed in the manifest"));
            false
        } else {
            true
        }
    };
    let mut devices = Vec::with_capacity(manifest.devices.len());
    for d in &manifest.devices {
        let meta_rel = format!("{}/{META}", d.dir);
        if !listed(&meta_rel, &mut problems) || !safe_rel(&meta_rel) {
            continue;
        }
        let Ok(bytes) = std::fs::read(dir.join(&meta_rel)) else {
            continue; // already reported above
        };
        let meta: DeviceMeta = match serde_json::from_slice(&bytes) {
            Ok(m) => m,
            Err(e) => {
                problems.push(format!("{meta_rel}: unreadable: {e}"));
                continue;
            }
        };
        if meta.device != d.name {
            problems.push(format!(
                "{meta_rel}: names device `{}`, manifest says `{}`",
                meta.device, d.name
            ));
        }
        let mut records = Vec::with_capacity(meta.commands.len());
        for c in &meta.commands {
            if let Some(raw) = &c.raw_file {
                listed(raw, &mut problems);
            }
            let rec = match &c.record_file {
                Some(rel) if listed(rel, &mut problems) && safe_rel(rel) => {
                    match std::fs::read(dir.join(rel)).map(|b| serde_json::from_slice::<Record>(&b))
                    {
                        Ok(Ok(r)) => Some(r),
                        Ok(Err(e)) => {
                            problems.push(format!("{rel}: not a record this fleetpoll reads: {e}"));
                            None
                        }
                        Err(_) => None, // reported as missing above
                    }
                }
                _ => None,
            };
            records.push(rec);
        }
        devices.push(LoadedDevice { meta, records });
    }
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(SnapshotError::Integrity {
            dir: dir.to_path_buf(),
            problems,
        });
    }
    Ok(Snapshot {
        dir: dir.to_path_buf(),
        manifest,
        manifest_sha256: crate::util::sha256_hex(&mbytes),
        devices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_must_stay_inside() {
        assert!(safe_rel("devices/rtr-01/meta.json"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "devices/../../x",
            "a//b",
            "./a",
            "a\\b",
        ] {
            assert!(!safe_rel(bad), "{bad}");
        }
    }
}
