//! `shard-K-of-N/ingest.jsonl`: what a run history needs of each row of a shard beyond its CSV
//! and findings file, so that `merge --history` records the merged run as `poll --history`
//! records an unsharded one: every finding with its subject (a finding's identity), the
//! cumulative counters and uptime (growth rates, reload detection) and each command's status
//! (a cut-short output cannot resolve a finding). One line per report row, in row order.
//! Never a secret, never a raw output or parsed record.

use crate::outcome::{CommandReport, Counter, DeviceReport};
use crate::report::jsonl::{self, LineCommand};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file's name in a shard folder.
pub const FILE: &str = "ingest.jsonl";

/// One report row: a `health.jsonl` line's fields (without its `run`) and what the JSONL
/// leaves out because the records it holds give it: the counters and the uptime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    #[serde(flatten)]
    pub row: jsonl::Line,
    #[serde(default)]
    pub uptime_s: Option<u64>,
    #[serde(default)]
    pub counters: Vec<LineCounter>,
}

/// A cumulative counter (see [`Counter`]), its name as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineCounter {
    pub name: String,
    pub subject: String,
    pub value: u64,
    #[serde(default)]
    pub cleared: Option<String>,
    #[serde(default)]
    pub command: String,
}

impl Line {
    pub fn of(r: &DeviceReport) -> Line {
        let row = jsonl::Line {
            device: r.device.clone(),
            context: r.context.clone(),
            host: r.host.clone(),
            port: r.port,
            platform: r.platform,
            site: r.site.clone(),
            groups: r.groups.clone(),
            poll_status: r.poll_status,
            failed_stage: r.failed_stage,
            error_class: r.error_class,
            error: r.error.clone(),
            started_at: r.started_at,
            duration_ms: r.duration_ms,
            hostname: r.hostname.clone(),
            commands: r
                .commands
                .iter()
                .map(|c| LineCommand {
                    command: c.command.clone(),
                    status: c.status,
                    error: c.error.clone(),
                    truncated: c.truncated,
                    duration_ms: c.duration_ms,
                })
                .collect(),
            metrics: r
                .metrics
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            health: r.health,
            findings: r.findings.clone(),
            ssh_algorithms: r.ssh_algorithms.clone(),
            attempts: r.attempts,
            run: None,
        };
        Line {
            row,
            uptime_s: r.uptime_s,
            counters: r
                .counters
                .iter()
                .map(|c| LineCounter {
                    name: c.name.to_string(),
                    subject: c.subject.clone(),
                    value: c.value,
                    cleared: c.cleared.clone(),
                    command: c.command.clone(),
                })
                .collect(),
        }
    }

    /// The row as a report (no parsed records, no raw outputs). Metrics are the playbook's
    /// `columns` (a name not among them is an error: the shard ran another playbook); a
    /// counter this build does not know is left out, as the history leaves it out.
    pub fn into_report(self, columns: &[&'static str]) -> Result<DeviceReport, String> {
        let l = self.row;
        let mut metrics = BTreeMap::new();
        for (k, v) in l.metrics {
            let Some(c) = columns.iter().find(|c| **c == k) else {
                return Err(format!(
                    "{}: metric `{k}` is not a column of this playbook",
                    l.device
                ));
            };
            metrics.insert(*c, v);
        }
        let counters = self
            .counters
            .into_iter()
            .filter_map(|c| {
                let name = crate::health::counters::ALL
                    .iter()
                    .find(|n| **n == c.name)?;
                Some(Counter {
                    name,
                    subject: c.subject,
                    value: c.value,
                    cleared: c.cleared,
                    command: c.command,
                })
            })
            .collect();
        let mut r = DeviceReport::blank(&l.device, &l.host, l.port, l.platform);
        r.context = l.context;
        r.site = l.site;
        r.groups = l.groups;
        r.poll_status = l.poll_status;
        r.failed_stage = l.failed_stage;
        r.error_class = l.error_class;
        r.error = l.error;
        r.started_at = l.started_at;
        r.duration_ms = l.duration_ms;
        r.hostname = l.hostname;
        r.commands = l
            .commands
            .into_iter()
            .map(|c| CommandReport {
                command: c.command,
                parser: None,
                status: c.status,
                error: c.error,
                duration_ms: c.duration_ms,
                truncated: c.truncated,
                truncated_by: None,
                record: None,
                raw: None,
            })
            .collect();
        r.metrics = metrics;
        r.health = l.health;
        r.findings = l.findings;
        r.ssh_algorithms = l.ssh_algorithms;
        r.attempts = l.attempts;
        r.uptime_s = self.uptime_s;
        r.counters = counters;
        Ok(r)
    }
}

/// Write the ingest lines of `reports` to `path` atomically.
pub fn write(path: &Path, reports: &[DeviceReport]) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(reports.len() * 256);
    for r in reports {
        serde_json::to_writer(&mut out, &Line::of(r))?;
        out.push(b'\n');
    }
    crate::util::write_atomic(path, &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{CommandStatus, Finding, Severity};

    /// What the history reads of a report survives the file: subjects, counters, uptime,
    /// command statuses and the CSV's error columns.
    #[test]
    fn a_row_reads_back_with_what_the_history_judges() {
        let mut r = DeviceReport::sample("fw-1/ctx-a");
        r.context = Some("ctx-a".into());
        r.platform = crate::Platform::CiscoAsa;
        r.site = Some("dc1".into());
        r.uptime_s = Some(86_400);
        r.metrics.insert("ike_sa_total", "3".into());
        r.counters.push(Counter {
            name: crate::health::counters::IPSEC_SEND_ERRORS,
            subject: "peer 192.0.2.1".into(),
            value: 42,
            cleared: Some("3d".into()),
            command: "show crypto ipsec sa".into(),
        });
        r.counters.push(Counter {
            name: crate::health::counters::ALL[0],
            subject: "x".into(),
            value: 1,
            cleared: None,
            command: String::new(),
        });
        r.findings.push(Finding {
            code: "IKE_PEER_DOWN".into(),
            severity: Severity::Critical,
            subject: "192.0.2.1".into(),
            message: "m".into(),
            evidence: "e".into(),
            remediation: "r".into(),
            command: Some("show crypto isakmp sa".into()),
            standing: None,
        });
        r.commands.push(CommandReport {
            command: "show crypto ipsec sa".into(),
            parser: Some("ipsec"),
            status: CommandStatus::Timeout,
            error: Some("timed out".into()),
            duration_ms: 7,
            truncated: true,
            truncated_by: None,
            record: None,
            raw: Some("secret-free raw".into()),
        });
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE);
        write(&p, std::slice::from_ref(&r)).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(!text.contains("secret-free raw"), "no raw output");
        let line: Line = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        let back = line.clone().into_report(&["ike_sa_total"]).unwrap();
        assert_eq!(back.device, "fw-1/ctx-a");
        assert_eq!(back.context.as_deref(), Some("ctx-a"));
        assert_eq!(back.uptime_s, Some(86_400));
        assert_eq!(back.counters, r.counters);
        assert_eq!(back.findings, r.findings);
        assert_eq!(back.metrics["ike_sa_total"], "3");
        assert_eq!(back.error_message(), r.error_message());
        assert_eq!(back.command_errors(), r.command_errors());
        assert!(back.commands[0].truncated);
        assert_eq!(
            crate::report::csv_out::row(&back, &["ike_sa_total"]),
            crate::report::csv_out::row(&r, &["ike_sa_total"])
        );
        // Another playbook's metric is refused, naming the device.
        let err = line.into_report(&["model"]).unwrap_err();
        assert!(
            err.contains("fw-1/ctx-a") && err.contains("ike_sa_total"),
            "{err}"
        );
    }
}
