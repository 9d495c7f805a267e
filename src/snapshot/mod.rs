//! Pre-maintenance snapshots and the post-change diff.
//!
//! A snapshot is a folder holding, for every device of a sweep, each command's raw output
//! (secrets redacted in configuration-bearing outputs), its parsed record as JSON and a
//! metadata file, plus a top-level manifest with the SHA-256 of every file:
//!
//! ```text
//! DIR/manifest.json                       format, fleetpoll version, playbook (name, sha256,
//!                                         commands), devices, commands, sha256 of every file
//! DIR/devices/<device>/meta.json          timestamps, poll status and error, software version,
//!                                         ssh_algorithms (kex, host key, cipher, MAC negotiated),
//!                                         one entry per command (status, files, redactions)
//! DIR/devices/<device>/NN_<command>.txt   raw output as captured (redacted), when there was one
//! DIR/devices/<device>/NN_<command>.json  parsed record, when the parser read the output
//! ```
//!
//! `<device>` is the inventory name made filesystem-safe ([`slug`]); `NN` is the command's
//! 1-based position in the device's playbook list, so file names are unique per device.
//! Files are 0600 and folders 0700. The snapshot is built in `.<DIR>.partial-<pid>` beside
//! the destination and renamed into place only when complete ([`write`]).
//!
//! [`load`] reads a snapshot back and verifies every hash of the manifest; [`diff`] compares
//! two loaded snapshots with semantic rules and gives each change a [`diff::Severity`].

pub mod diff;
pub mod load;
pub mod redact;
pub mod slug;
pub mod write;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use diff::{diff, Change, DiffError, DiffOptions, DiffReport, Severity};
pub use load::{load, LoadedDevice, Snapshot};
pub use write::{write, WriteOptions, Written};

/// `manifest.json` `format` value.
pub const FORMAT: &str = "fleetpoll-snapshot";
/// Layout version; a snapshot with another version is refused by [`load`].
pub const FORMAT_VERSION: u32 = 1;
/// Name of the manifest file at the top of a snapshot.
pub const MANIFEST: &str = "manifest.json";
/// Folder holding one folder per device.
pub const DEVICES_DIR: &str = "devices";
/// Name of the per-device metadata file.
pub const META: &str = "meta.json";

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub fleetpoll_version: String,
    /// When the sweep started and when the snapshot was complete.
    pub started_at: DateTime<Utc>,
    pub completed_at: DateTime<Utc>,
    /// The inventory file, as given on the command line.
    pub inventory: String,
    /// `--limit`, when one was given.
    #[serde(default)]
    pub limit: Option<String>,
    pub playbook: PlaybookInfo,
    /// Every device of the sweep, in inventory order, whatever happened to it.
    pub devices: Vec<ManifestDevice>,
    /// Relative path (with `/`) → lowercase hex SHA-256, for every file except the manifest.
    pub files: BTreeMap<String, String>,
}

/// Which playbook made a snapshot. Two snapshots are comparable when `name` and
/// `commands_sha256` match (see [`diff::check_compatible`]); `sha256` is the hash of the file
/// itself, so a comment-only edit is visible but does not make snapshots incomparable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaybookInfo {
    pub name: String,
    pub path: String,
    /// SHA-256 of the playbook file.
    pub sha256: String,
    /// SHA-256 of the canonical JSON of `commands` (what was run and which parser read it).
    pub commands_sha256: String,
    /// Platform id → commands in playbook order.
    pub commands: BTreeMap<String, Vec<PlaybookCommand>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookCommand {
    pub command: String,
    pub parser: Option<String>,
}

impl PlaybookInfo {
    /// Build from a validated playbook.
    pub fn from_playbook(pb: &crate::playbook::Playbook) -> PlaybookInfo {
        let commands: BTreeMap<String, Vec<PlaybookCommand>> = pb
            .commands
            .iter()
            .map(|(p, cmds)| {
                let v = cmds
                    .iter()
                    .map(|c| PlaybookCommand {
                        command: c.command.clone(),
                        parser: c.parser.map(|s| s.name.to_string()),
                    })
                    .collect();
                (p.id().to_string(), v)
            })
            .collect();
        PlaybookInfo {
            name: pb.name.clone(),
            path: pb.path.display().to_string(),
            sha256: pb.sha256.clone(),
            commands_sha256: commands_sha256(&commands),
            commands,
        }
    }
}

/// SHA-256 of the canonical (sorted, compact) JSON of a playbook's commands.
pub fn commands_sha256(commands: &BTreeMap<String, Vec<PlaybookCommand>>) -> String {
    let json = serde_json::to_vec(commands).unwrap_or_default();
    crate::util::sha256_hex(&json)
}

/// One device in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestDevice {
    /// Inventory name.
    pub name: String,
    pub platform: crate::Platform,
    /// Its folder, relative to the snapshot (`devices/<slug>`).
    pub dir: String,
    /// `polled`, `failed`, `interrupted` or `deadline`.
    pub poll_status: String,
    pub error: Option<String>,
    /// Commands in the order they were run.
    pub commands: Vec<String>,
}

/// `devices/<device>/meta.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceMeta {
    pub device: String,
    pub host: String,
    pub port: u16,
    pub platform: crate::Platform,
    pub site: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    /// `polled`, `failed`, `interrupted` or `deadline`.
    pub poll_status: String,
    pub failed_stage: Option<crate::session::error::Stage>,
    pub error_class: Option<crate::session::error::ErrorClass>,
    pub error: Option<String>,
    /// When polling this device started and ended (`None` when it never started).
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: u64,
    /// Hostname learnt from the prompt.
    pub hostname: Option<String>,
    /// From the parsed `show version`, when the playbook ran it and it parsed.
    pub software_version: Option<String>,
    /// Negotiated SSH algorithms, `kex=… hostkey=… cipher=… mac=…` (null when the device was
    /// not reached far enough to negotiate).
    pub ssh_algorithms: Option<serde_json::Value>,
    pub commands: Vec<CommandMeta>,
}

impl DeviceMeta {
    pub fn polled(&self) -> bool {
        self.poll_status == crate::outcome::PollStatus::Polled.id()
    }
}

/// One command in `meta.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandMeta {
    pub command: String,
    pub parser: Option<String>,
    /// `ok`, `rejected`, `timeout`, `session_lost`, `parse_failed` or `raw` (no parser).
    pub status: String,
    pub error: Option<String>,
    pub duration_ms: u64,
    pub truncated: bool,
    /// What cut the output short (`output_cap`, `pager`, `session_lost`) when `truncated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated_by: Option<crate::outcome::Cut>,
    /// The raw output file, relative to the snapshot, when output was captured.
    pub raw_file: Option<String>,
    /// The parsed record file, relative to the snapshot, when the output parsed.
    pub record_file: Option<String>,
    /// Lines of the raw output whose secret values were replaced by `<redacted>`.
    #[serde(default)]
    pub redacted_lines: usize,
}

impl CommandMeta {
    pub fn ok(&self) -> bool {
        self.status == crate::outcome::CommandStatus::Ok.id()
    }
}

/// Everything that can go wrong writing or reading a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} already exists: a snapshot is never written over another one", .0.display())]
    Exists(PathBuf),
    /// Not a snapshot, or one this fleetpoll cannot read.
    #[error("{}: {message}", dir.display())]
    Unreadable { dir: PathBuf, message: String },
    /// The manifest's hashes do not match the files.
    #[error("{}: integrity check failed: {}", dir.display(), problems.join("; "))]
    Integrity { dir: PathBuf, problems: Vec<String> },
}

impl SnapshotError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SnapshotError::Io {
            path: path.into(),
            source,
        }
    }
}
