//! `health.jsonl`: one JSON object per device with its outcome, every command's status,
//! parsed record and (with `--include-raw`) raw output, and the run it belongs to (`run`,
//! [`RunInfo`]). [`read`] loads one back for `fleetpoll report`.

use super::run::RunInfo;
use crate::health::{Finding, Health};
use crate::outcome::{DeviceReport, PollStatus};
use crate::session::error::{ErrorClass, Stage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn render(
    reports: &[DeviceReport],
    include_raw: bool,
    run: Option<&RunInfo>,
) -> serde_json::Result<Vec<u8>> {
    let run = run.map(serde_json::to_value).transpose()?;
    let mut out = Vec::new();
    for r in reports {
        let mut v = serde_json::to_value(r)?;
        if let Some(obj) = v.as_object_mut() {
            if let Some(run) = &run {
                obj.insert("run".into(), run.clone());
            }
        }
        if include_raw {
            if let Some(cmds) = v.get_mut("commands").and_then(|c| c.as_array_mut()) {
                for (c, rep) in cmds.iter_mut().zip(&r.commands) {
                    if let Some(obj) = c.as_object_mut() {
                        obj.insert("raw".into(), rep.raw.clone().into());
                    }
                }
            }
        }
        serde_json::to_writer(&mut out, &v)?;
        out.push(b'\n');
    }
    Ok(out)
}

pub fn write(
    path: &Path,
    reports: &[DeviceReport],
    include_raw: bool,
    run: Option<&RunInfo>,
) -> Result<(), super::ReportError> {
    let data = render(reports, include_raw, run).map_err(|source| super::ReportError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    super::write_file(path, &data)
}

/// One line of `health.jsonl` as read back: what a report needs of the device (parsed
/// records and raw outputs are skipped). Fields a JSONL written before they existed lacks
/// take their defaults. A shard's `ingest.jsonl` writes the same fields (`shard::ingest`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub device: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub port: u16,
    pub platform: crate::Platform,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    pub poll_status: PollStatus,
    #[serde(default)]
    pub failed_stage: Option<Stage>,
    #[serde(default)]
    pub error_class: Option<ErrorClass>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub duration_ms: u64,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub commands: Vec<LineCommand>,
    #[serde(default)]
    pub metrics: BTreeMap<String, String>,
    pub health: Health,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub ssh_algorithms: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
}

/// A command of a [`Line`]: its text, status, error, and whether its output was cut short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineCommand {
    pub command: String,
    pub status: crate::outcome::CommandStatus,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub truncated: bool,
    #[serde(default)]
    pub duration_ms: u64,
}

/// Why a JSONL file cannot be read back; names the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: not a fleetpoll health.jsonl device line: {source}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        source: serde_json::Error,
    },
    #[error("{}: no device lines", path.display())]
    Empty { path: PathBuf },
}

/// Read a `health.jsonl` (blank lines skipped). Every line must be a device object.
pub fn read(path: &Path) -> Result<Vec<Line>, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let lines = parse(&text).map_err(|(line, source)| ReadError::Line {
        path: path.to_path_buf(),
        line,
        source,
    })?;
    if lines.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(lines)
}

/// The device lines of a JSONL text; `Err((1-based line, error))` at the first bad one.
pub fn parse(text: &str) -> Result<Vec<Line>, (usize, serde_json::Error)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| (i + 1, e)))
        .collect()
}

impl Line {
    /// `command: error` for each command that gave no record, as in the CSV `error_message`.
    pub fn error_message(&self) -> String {
        crate::outcome::error_message(
            self.error.as_deref(),
            self.commands
                .iter()
                .map(|c| (c.command.as_str(), c.status, c.error.as_deref())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_jsonl_reads_back_with_its_run() {
        let mut r = DeviceReport::sample("rtr-<1>");
        r.site = Some("dc1".into());
        r.metrics.insert("sw_version", "15.9(3)M4".into());
        r.health = Health::Warning;
        r.findings.push(Finding {
            subject: String::new(),
            standing: None,
            code: "COMMAND_FAILED".into(),
            severity: crate::health::Severity::Warning,
            message: "m".into(),
            evidence: "e".into(),
            remediation: "r".into(),
            command: Some("show clock".into()),
        });
        r.commands.push(crate::outcome::CommandReport {
            command: "show clock".into(),
            parser: None,
            status: crate::outcome::CommandStatus::Timeout,
            error: Some("timed out".into()),
            duration_ms: 5,
            truncated: false,
            truncated_by: None,
            record: None,
            raw: Some("raw text".into()),
        });
        let mut failed = DeviceReport::sample("fw-2");
        failed.poll_status = PollStatus::Failed;
        failed.failed_stage = Some(Stage::Auth);
        failed.error_class = Some(ErrorClass::AuthFailed);
        failed.error = Some("authentication failed".into());
        failed.health = Health::Unknown;
        let run = RunInfo {
            command: "poll".into(),
            started_at: "2024-01-31T22:15:00Z".parse().unwrap(),
            duration_ms: 1234,
            inventory: "inv.yaml".into(),
            limit: Some("site:dc1".into()),
            playbook: "health".into(),
            playbook_path: "builtin:health".into(),
            playbook_sha256: "ab".repeat(32),
            fleetpoll_version: "0.1.0".into(),
            columns: vec!["sw_version".into(), "model".into()],
            snapshot: None,
            manifest_sha256: None,
        };
        let data = render(&[r, failed], true, Some(&run)).unwrap();
        let text = String::from_utf8(data).unwrap();
        assert_eq!(text.lines().count(), 2, "still one line per device");
        let lines = parse(&text).unwrap();
        assert_eq!(lines[0].device, "rtr-<1>");
        assert_eq!(lines[0].site.as_deref(), Some("dc1"));
        assert_eq!(lines[0].metrics["sw_version"], "15.9(3)M4");
        assert_eq!(lines[0].findings[0].code, "COMMAND_FAILED");
        assert_eq!(lines[0].error_message(), "show clock: timed out");
        assert_eq!(lines[0].run.as_ref(), Some(&run));
        assert_eq!(lines[1].poll_status, PollStatus::Failed);
        assert_eq!(lines[1].failed_stage, Some(Stage::Auth));
        assert_eq!(lines[1].error_message(), "authentication failed");
        // A JSONL from before `run` existed still reads, without it.
        let old = render(&[DeviceReport::sample("a")], false, None).unwrap();
        let old = parse(std::str::from_utf8(&old).unwrap()).unwrap();
        assert!(old[0].run.is_none());
        // A line that is not a device names its line number.
        let (line, _) = parse("\n{\"device\": 1}\n").unwrap_err();
        assert_eq!(line, 2);
    }
}
