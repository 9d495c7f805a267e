//! What a sweep was, beside what it found: when it ran, for how long, with which inventory
//! and playbook, and its metric columns in order. Written on every `health.jsonl` line (key
//! `run`) so `fleetpoll report` can draw the page after the fact, and shown in the HTML header.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The subcommand that ran the sweep: `poll`, `snapshot` or `demo`.
    pub command: String,
    pub started_at: DateTime<Utc>,
    /// Wall time of the sweep (all devices), not of the process.
    pub duration_ms: u64,
    /// The inventory file, as given on the command line.
    pub inventory: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// The playbook's `name:`, its file (or `builtin:NAME`) and the file's SHA-256.
    pub playbook: String,
    pub playbook_path: String,
    pub playbook_sha256: String,
    pub fleetpoll_version: String,
    /// The CSV's metric columns, in order (the JSONL `metrics` object is sorted by name).
    pub columns: Vec<String>,
    /// For `snapshot`: the snapshot folder and the SHA-256 of its manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
}

impl RunInfo {
    /// The run of `plan`, started at `started_at` and lasting `elapsed`.
    pub fn of_plan(
        command: &str,
        plan: &crate::plan::Plan,
        limit: Option<&str>,
        started_at: DateTime<Utc>,
        elapsed: std::time::Duration,
    ) -> RunInfo {
        RunInfo {
            command: command.to_string(),
            started_at,
            duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            inventory: plan.inventory_path.display().to_string(),
            limit: limit.map(str::to_string),
            playbook: plan.playbook.name.clone(),
            playbook_path: plan.playbook.path.display().to_string(),
            playbook_sha256: plan.playbook.sha256.clone(),
            fleetpoll_version: env!("CARGO_PKG_VERSION").to_string(),
            columns: plan.columns.iter().map(|c| c.to_string()).collect(),
            snapshot: None,
            manifest_sha256: None,
        }
    }
}
