//! Writing a snapshot: everything goes into `.<DIR>.partial-<pid>` beside the destination
//! (folders 0700, files 0600, each file synced), the manifest last, then one rename makes it
//! `DIR`. Any failure removes the partial folder, so a `DIR` that exists is always complete;
//! a killed process leaves only a `.partial-` folder without a manifest, which [`super::load`]
//! refuses.

use super::{
    redact, slug, CommandMeta, DeviceMeta, Manifest, ManifestDevice, PlaybookInfo, SnapshotError,
    DEVICES_DIR, FORMAT, FORMAT_VERSION, MANIFEST, META,
};
use crate::outcome::DeviceReport;
use crate::parse::Record;
use crate::plan::Plan;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Options of [`write`].
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `--limit`, recorded in the manifest.
    pub limit: Option<String>,
    /// Tests only: fail as if the disk were full after this many files.
    #[doc(hidden)]
    pub fail_after_files: Option<usize>,
}

/// What [`write`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    pub dir: PathBuf,
    /// SHA-256 of `manifest.json`: note it in the change ticket to detect a replaced manifest.
    pub manifest_sha256: String,
    pub files: usize,
    pub redacted_lines: usize,
}

/// Fail before polling when `dest` cannot become a snapshot: it exists, or its parent cannot
/// be created or written. Creates the parent folder (0700) when missing.
pub fn check_destination(dest: &Path) -> Result<(), SnapshotError> {
    if dest.exists() {
        return Err(SnapshotError::Exists(dest.to_path_buf()));
    }
    let (parent, _) = split(dest)?;
    create_dir_all_private(&parent).map_err(|e| SnapshotError::io(&parent, e))?;
    tempfile::Builder::new()
        .prefix(".fleetpoll-check")
        .tempdir_in(&parent)
        .map(|_| ())
        .map_err(|e| SnapshotError::io(&parent, e))
}

fn split(dest: &Path) -> Result<(PathBuf, String), SnapshotError> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .ok_or_else(|| SnapshotError::Unreadable {
            dir: dest.to_path_buf(),
            message: "the snapshot destination must name a new folder".into(),
        })?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// The temporary folder a snapshot of `dest` is built in.
pub fn partial_dir(dest: &Path) -> Result<PathBuf, SnapshotError> {
    let (parent, name) = split(dest)?;
    Ok(parent.join(format!(".{name}.partial-{}", std::process::id())))
}

fn create_dir_all_private(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)?;
    set_mode(dir, 0o700)
}

/// Exact permissions, whatever the umask.
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

struct Builder {
    root: PathBuf,
    files: BTreeMap<String, String>,
    fail_after: Option<usize>,
}

impl Builder {
    fn dir(&self, rel: &str) -> Result<(), SnapshotError> {
        let p = self.root.join(rel);
        create_dir_private(&p).map_err(|e| SnapshotError::io(p, e))
    }

    /// Write a new 0600 file at `rel` (with `/`) and record its hash.
    fn file(&mut self, rel: &str, data: &[u8]) -> Result<(), SnapshotError> {
        let p = self.root.join(rel);
        if self.fail_after.is_some_and(|n| self.files.len() >= n) {
            return Err(SnapshotError::io(
                p,
                std::io::Error::other("injected failure (test)"),
            ));
        }
        write_private(&p, data).map_err(|e| SnapshotError::io(&p, e))?;
        if rel != MANIFEST {
            self.files
                .insert(rel.to_string(), crate::util::sha256_hex(data));
        }
        Ok(())
    }
}

fn write_private(p: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(p)?;
    set_mode(p, 0o600)?;
    f.write_all(data)?;
    f.sync_all()
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

fn software_version(r: &DeviceReport) -> Option<String> {
    r.commands.iter().find_map(|c| match c.record.as_deref() {
        Some(Record::Version(v)) if !v.version.is_empty() => Some(match &v.xe_version {
            Some(xe) if xe != &v.version => format!("{} (IOS XE {xe})", v.version),
            _ => v.version.clone(),
        }),
        _ => None,
    })
}

/// Write the snapshot of a finished sweep to `dest` (which must not exist).
pub fn write(
    dest: &Path,
    plan: &Plan,
    reports: &[DeviceReport],
    started_at: DateTime<Utc>,
    opts: &WriteOptions,
) -> Result<Written, SnapshotError> {
    if dest.exists() {
        return Err(SnapshotError::Exists(dest.to_path_buf()));
    }
    let tmp = partial_dir(dest)?;
    if let Some(parent) = tmp.parent() {
        create_dir_all_private(parent).map_err(|e| SnapshotError::io(parent, e))?;
    }
    create_dir_private(&tmp).map_err(|e| SnapshotError::io(&tmp, e))?;
    let mut b = Builder {
        root: tmp.clone(),
        files: BTreeMap::new(),
        fail_after: opts.fail_after_files,
    };
    let result = fill(&mut b, plan, reports, started_at, opts).and_then(|w| {
        // Make the folder's entries durable before the rename publishes it.
        if let Ok(d) = std::fs::File::open(&tmp) {
            let _ = d.sync_all();
        }
        if dest.exists() {
            return Err(SnapshotError::Exists(dest.to_path_buf()));
        }
        std::fs::rename(&tmp, dest).map_err(|e| SnapshotError::io(dest, e))?;
        Ok(w)
    });
    match result {
        Ok((manifest_sha256, redacted_lines)) => Ok(Written {
            dir: dest.to_path_buf(),
            manifest_sha256,
            files: b.files.len() + 1,
            redacted_lines,
        }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// Fill the partial folder; returns the manifest's hash and the redacted line count.
fn fill(
    b: &mut Builder,
    plan: &Plan,
    reports: &[DeviceReport],
    started_at: DateTime<Utc>,
    opts: &WriteOptions,
) -> Result<(String, usize), SnapshotError> {
    b.dir(DEVICES_DIR)?;
    let names: Vec<&str> = reports.iter().map(|r| r.device.as_str()).collect();
    let dirs = slug::device_dirs(&names);
    let mut devices = Vec::with_capacity(reports.len());
    let mut redacted_total = 0;
    for (r, d) in reports.iter().zip(dirs) {
        let dir = format!("{DEVICES_DIR}/{d}");
        b.dir(&dir)?;
        let mut commands = Vec::with_capacity(r.commands.len());
        for (i, c) in r.commands.iter().enumerate() {
            let stem = slug::command_stem(i + 1, &c.command);
            let mut redacted_lines = 0;
            let raw_file = match &c.raw {
                Some(raw) => {
                    let (text, n) = redact::for_storage(&c.command, raw);
                    redacted_lines = n;
                    redacted_total += n;
                    let rel = format!("{dir}/{stem}.txt");
                    b.file(&rel, text.as_bytes())?;
                    Some(rel)
                }
                None => None,
            };
            let record_file = match &c.record {
                Some(rec) => {
                    let rel = format!("{dir}/{stem}.json");
                    b.file(&rel, &json(rec))?;
                    Some(rel)
                }
                None => None,
            };
            commands.push(CommandMeta {
                command: c.command.clone(),
                parser: c.parser.map(str::to_string),
                status: c.status.id().to_string(),
                error: c.error.clone(),
                duration_ms: c.duration_ms,
                truncated: c.truncated,
                truncated_by: c.truncated_by,
                raw_file,
                record_file,
                redacted_lines,
            });
        }
        let meta = DeviceMeta {
            device: r.device.clone(),
            host: r.host.clone(),
            port: r.port,
            platform: r.platform,
            site: r.site.clone(),
            groups: r.groups.clone(),
            poll_status: r.poll_status.id().to_string(),
            failed_stage: r.failed_stage,
            error_class: r.error_class,
            error: r.error.clone(),
            started_at: r.started_at,
            finished_at: r
                .started_at
                .map(|t| t + chrono::Duration::milliseconds(r.duration_ms as i64)),
            duration_ms: r.duration_ms,
            hostname: r.hostname.clone(),
            software_version: software_version(r),
            ssh_algorithms: r.ssh_algorithms.clone().map(serde_json::Value::String),
            commands,
        };
        b.file(&format!("{dir}/{META}"), &json(&meta))?;
        devices.push(ManifestDevice {
            name: r.device.clone(),
            platform: r.platform,
            dir,
            poll_status: meta.poll_status.clone(),
            error: r.error.clone(),
            commands: meta.commands.iter().map(|c| c.command.clone()).collect(),
        });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        fleetpoll_version: env!("CARGO_PKG_VERSION").into(),
        started_at,
        completed_at: Utc::now(),
        inventory: plan.inventory_path.display().to_string(),
        limit: opts.limit.clone(),
        playbook: PlaybookInfo::from_playbook(&plan.playbook),
        devices,
        files: b.files.clone(),
    };
    let bytes = json(&manifest);
    b.file(MANIFEST, &bytes)?;
    Ok((crate::util::sha256_hex(&bytes), redacted_total))
}
