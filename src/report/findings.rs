//! `--findings FILE`: one row per finding, worst first within each device, devices in
//! inventory order. With `--history`, four more columns (`subject`, `status`, `first_seen`,
//! `runs_open`), and after each device's findings of this run the ones it resolved, once.

use crate::outcome::{DeviceReport, Finding};
use std::path::Path;

pub const COLUMNS: &[&str] = &[
    "device",
    "platform",
    "severity",
    "code",
    "message",
    "evidence",
    "remediation",
    "command",
];

/// Appended with `--history`: what the finding is about (its identity with device and
/// code), `new` / `ongoing` / `resolved`, when this episode was first seen (RFC 3339 UTC)
/// and in how many polls of the device it was seen.
pub const HISTORY_COLUMNS: &[&str] = &["subject", "status", "first_seen", "runs_open"];

pub fn render(reports: &[DeviceReport]) -> Result<Vec<u8>, csv::Error> {
    render_with(reports, false)
}

/// [`render`], with the [`HISTORY_COLUMNS`] and the resolved findings when `history` is on.
pub fn render_with(reports: &[DeviceReport], history: bool) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = if history {
        COLUMNS.iter().chain(HISTORY_COLUMNS).copied().collect()
    } else {
        COLUMNS.to_vec()
    };
    w.write_record(&header)?;
    for r in reports {
        let mut f: Vec<&Finding> = r.findings.iter().collect();
        f.sort_by_key(|x| std::cmp::Reverse(x.severity));
        if history {
            let mut gone: Vec<&Finding> = r.resolved.iter().collect();
            gone.sort_by_key(|x| std::cmp::Reverse(x.severity));
            f.extend(gone);
        }
        for x in f {
            let mut row: Vec<String> = vec![
                r.device.clone(),
                r.platform.id().to_string(),
                x.severity.id().to_string(),
                x.code.clone(),
                x.message.clone(),
                x.evidence.clone(),
                x.remediation.clone(),
                x.command.clone().unwrap_or_default(),
            ];
            if history {
                row.push(x.subject.clone());
                match &x.standing {
                    Some(s) => {
                        row.push(s.status.id().to_string());
                        row.push(
                            s.first_seen
                                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        );
                        row.push(s.runs_open.to_string());
                    }
                    None => row.extend([String::new(), String::new(), String::new()]),
                }
            }
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub fn write(path: &Path, reports: &[DeviceReport]) -> Result<(), super::ReportError> {
    write_with(path, reports, false)
}

/// [`write`], with the history columns and resolved findings when `history` is on.
pub fn write_with(
    path: &Path,
    reports: &[DeviceReport],
    history: bool,
) -> Result<(), super::ReportError> {
    let data = render_with(reports, history).map_err(|source| super::ReportError::Csv {
        path: path.to_path_buf(),
        source,
    })?;
    super::write_file(path, &data)
}
