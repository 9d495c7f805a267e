//! `health.csv`: one row per inventory device, in inventory order, whatever happened to it.

use super::FIXED_COLUMNS;
use crate::outcome::DeviceReport;
use std::path::Path;

/// The CSV text for `reports` with metric `columns` after the fixed ones.
pub fn render(reports: &[DeviceReport], columns: &[&str]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = FIXED_COLUMNS
        .iter()
        .chain(columns.iter())
        .copied()
        .collect();
    w.write_record(&header)?;
    for r in reports {
        let mut row: Vec<String> = vec![
            r.device.clone(),
            r.host.clone(),
            r.port.to_string(),
            r.platform.to_string(),
            r.poll_status.id().to_string(),
            r.failed_stage
                .map(|s| s.id().to_string())
                .unwrap_or_default(),
            r.error_class
                .map(|c| c.id().to_string())
                .unwrap_or_default(),
            r.command_errors().join(";"),
            r.started_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                .unwrap_or_default(),
            r.duration_ms.to_string(),
            r.health.id().to_string(),
            finding_codes(r),
            r.ssh_algorithms.clone().unwrap_or_default(),
        ];
        for c in columns {
            row.push(r.metrics.get(c).cloned().unwrap_or_default());
        }
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub fn write(
    path: &Path,
    reports: &[DeviceReport],
    columns: &[&str],
) -> Result<(), super::ReportError> {
    let data = render(reports, columns).map_err(|source| super::ReportError::Csv {
        path: path.to_path_buf(),
        source,
    })?;
    super::write_file(path, &data)
}

/// Distinct finding codes of a device, worst first, `;`-separated.
pub fn finding_codes(r: &DeviceReport) -> String {
    let mut f: Vec<&crate::health::Finding> = r.findings.iter().collect();
    f.sort_by_key(|x| std::cmp::Reverse(x.severity));
    let mut codes: Vec<&str> = Vec::new();
    for x in f {
        if !codes.contains(&x.code.as_str()) {
            codes.push(&x.code);
        }
    }
    codes.join(";")
}
