//! `shard-K-of-N/manifest.json`: what one shard did (which inventory and playbook, which
//! devices with how many rows each, when, how it ended). Written last, atomically, after the
//! shard's outputs; removed when the shard starts, so a shard killed mid-run leaves none and
//! the merge marks its devices `not_run` instead of reading a previous run's files.

use super::{Shard, ShardBy};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest's file name in a shard folder.
pub const FILE: &str = "manifest.json";
/// The outputs' file names in a shard folder.
pub const CSV: &str = "health.csv";
pub const JSONL: &str = "health.jsonl";
pub const FINDINGS: &str = "findings.csv";
pub const PROMETHEUS: &str = "fleetpoll.prom";

/// Bumped when a field changes meaning; the merge refuses another format.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub fleetpoll_version: String,
    /// `--run-id` (e.g. the Kubernetes Job name): tells this run's shards from a previous
    /// run's folders.
    pub run_id: Option<String>,
    pub shard: Shard,
    pub shard_by: ShardBy,
    /// [`super::inventory_hash`] of the whole selection (every shard's devices).
    pub inventory_hash: String,
    pub playbook_sha256: String,
    /// Metric columns of the CSV, in order.
    pub columns: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub exit_status: i32,
    /// Whether `health.jsonl` was written (`--out-jsonl`), and with raw outputs.
    pub jsonl: bool,
    pub include_raw: bool,
    /// Whether `ingest.jsonl` was written (every shard since `merge --history` exists).
    #[serde(default)]
    pub ingest: bool,
    /// This shard's devices in inventory order, with the rows each has in the outputs (one,
    /// or one per security context of an ASA polled with `asa_contexts`).
    pub devices: Vec<DeviceRows>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRows {
    pub name: String,
    pub rows: u32,
}

/// The manifest path of a shard folder.
pub fn path(folder: &Path) -> PathBuf {
    folder.join(FILE)
}

/// Remove a previous run's manifest, before the shard polls anything.
pub fn clear(folder: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path(folder)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

pub fn write(folder: &Path, m: &Manifest) -> std::io::Result<()> {
    let mut data = serde_json::to_vec_pretty(m).map_err(std::io::Error::other)?;
    data.push(b'\n');
    crate::util::write_atomic(&path(folder), &data)
}

/// Why a shard folder's manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no manifest.json (the shard never finished)")]
    Missing,
    #[error("cannot read manifest.json: {0}")]
    Io(std::io::Error),
    #[error("manifest.json is not a fleetpoll shard manifest: {0}")]
    Bad(serde_json::Error),
    #[error("manifest.json has format {0}, this fleetpoll reads format {FORMAT}")]
    Format(u32),
}

pub fn read(folder: &Path) -> Result<Manifest, ReadError> {
    let data = match std::fs::read(path(folder)) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Io(e)),
    };
    let m: Manifest = serde_json::from_slice(&data).map_err(ReadError::Bad)?;
    if m.format != FORMAT {
        return Err(ReadError::Format(m.format));
    }
    Ok(m)
}
