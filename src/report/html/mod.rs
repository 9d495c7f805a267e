//! The HTML reports: one self-contained page per report, CSS, script and data inline and a
//! strict Content-Security-Policy, so nothing is fetched when it is opened from mail, a share
//! or a ticket. [`sweep`] draws a sweep (with an optional [`trend::Trend`]), [`diff`] a
//! maintenance diff; [`Sweep`] is the input both `poll` and `report --from FILE.jsonl` build.

mod devices;
pub mod diff;
pub mod escape;
mod findings;
mod matrix;
mod page;
pub mod sweep;
pub mod trend;

use crate::health::{Finding, Health};
use crate::outcome::{DeviceReport, PollStatus};
use crate::report::jsonl::Line;
use crate::report::run::RunInfo;
use crate::session::error::{ErrorClass, Stage};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;

pub use sweep::render as render_sweep;
pub use trend::{PastDevice, PastRun, Trend, TrendRun, MAX_RUNS};

/// One device as the page shows it; built from a [`DeviceReport`] or a JSONL line.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRow {
    pub device: String,
    pub host: String,
    pub port: u16,
    pub platform: crate::Platform,
    pub site: Option<String>,
    pub poll_status: PollStatus,
    pub failed_stage: Option<Stage>,
    pub error_class: Option<ErrorClass>,
    /// The CSV `error_message`: the device's error and each failed command's, one line.
    pub error_message: String,
    pub started_at: Option<DateTime<Utc>>,
    pub duration_ms: u64,
    pub health: Health,
    pub findings: Vec<Finding>,
    pub metrics: BTreeMap<String, String>,
    pub ssh_algorithms: Option<String>,
    pub attempts: u32,
}

impl DeviceRow {
    pub fn from_report(r: &DeviceReport) -> DeviceRow {
        DeviceRow {
            device: r.device.clone(),
            host: r.host.clone(),
            port: r.port,
            platform: r.platform,
            site: r.site.clone(),
            poll_status: r.poll_status,
            failed_stage: r.failed_stage,
            error_class: r.error_class,
            error_message: r.error_message(),
            started_at: r.started_at,
            duration_ms: r.duration_ms,
            health: r.health,
            findings: r.findings.clone(),
            metrics: r
                .metrics
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ssh_algorithms: r.ssh_algorithms.clone(),
            attempts: r.attempts,
        }
    }

    pub fn from_line(l: Line) -> DeviceRow {
        DeviceRow {
            error_message: l.error_message(),
            device: l.device,
            host: l.host,
            port: l.port,
            platform: l.platform,
            site: l.site,
            poll_status: l.poll_status,
            failed_stage: l.failed_stage,
            error_class: l.error_class,
            started_at: l.started_at,
            duration_ms: l.duration_ms,
            health: l.health,
            findings: l.findings,
            metrics: l.metrics,
            ssh_algorithms: l.ssh_algorithms,
            attempts: l.attempts,
        }
    }

    /// Distinct finding codes, worst first (as the CSV `findings` column).
    pub fn codes(&self) -> Vec<&str> {
        let mut f: Vec<&Finding> = self.findings.iter().collect();
        f.sort_by_key(|x| std::cmp::Reverse(x.severity));
        let mut codes: Vec<&str> = Vec::new();
        for x in f {
            if !codes.contains(&x.code.as_str()) {
                codes.push(&x.code);
            }
        }
        codes
    }
}

/// What a sweep page shows: the run (when known) and every device, in inventory order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub run: Option<RunInfo>,
    /// Metric columns, in order.
    pub columns: Vec<String>,
    pub devices: Vec<DeviceRow>,
}

impl Sweep {
    pub fn from_reports(run: RunInfo, reports: &[DeviceReport]) -> Sweep {
        Sweep {
            columns: run.columns.clone(),
            run: Some(run),
            devices: reports.iter().map(DeviceRow::from_report).collect(),
        }
    }

    /// The sweep a `health.jsonl` holds. Its `run` comes from the first line that has one (a
    /// JSONL written before `run` existed has none: the metric columns are then the names
    /// found, sorted).
    pub fn from_lines(lines: Vec<Line>) -> Sweep {
        let run = lines.iter().find_map(|l| l.run.clone());
        let columns = match &run {
            Some(r) => r.columns.clone(),
            None => {
                let mut c: Vec<String> = lines
                    .iter()
                    .flat_map(|l| l.metrics.keys().cloned())
                    .collect();
                c.sort();
                c.dedup();
                c
            }
        };
        Sweep {
            run,
            columns,
            devices: lines.into_iter().map(DeviceRow::from_line).collect(),
        }
    }
}

/// Write a page atomically (temporary file in the same folder, then a rename).
pub fn write(path: &Path, page: &str) -> Result<(), super::ReportError> {
    super::write_file(path, page.as_bytes())
}

/// The label a health has on the page: `unknown` is a device that was not polled.
pub fn health_label(h: Health) -> &'static str {
    match h {
        Health::Ok => "ok",
        Health::Warning => "warning",
        Health::Critical => "critical",
        Health::Unknown => "not polled",
    }
}

/// Worst first: critical, not polled, warning, ok (the exit status treats a device that was
/// not polled like a critical one; a finding is still worse news than a silence).
pub fn health_rank(h: Health) -> u8 {
    match h {
        Health::Critical => 3,
        Health::Unknown => 2,
        Health::Warning => 1,
        Health::Ok => 0,
    }
}

/// Health in worst-first order, for counts and legends.
pub const HEALTH_ORDER: [Health; 4] = [
    Health::Critical,
    Health::Unknown,
    Health::Warning,
    Health::Ok,
];
