//! `--findings FILE`: one row per finding, worst first within each device, devices in
//! inventory order.

use crate::outcome::DeviceReport;
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

pub fn render(reports: &[DeviceReport]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for r in reports {
        let mut f: Vec<_> = r.findings.iter().collect();
        f.sort_by_key(|x| std::cmp::Reverse(x.severity));
        for x in f {
            w.write_record([
                r.device.as_str(),
                r.platform.id(),
                x.severity.id(),
                &x.code,
                &x.message,
                &x.evidence,
                &x.remediation,
                x.command.as_deref().unwrap_or(""),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub fn write(path: &Path, reports: &[DeviceReport]) -> Result<(), super::ReportError> {
    let data = render(reports).map_err(|source| super::ReportError::Csv {
        path: path.to_path_buf(),
        source,
    })?;
    super::write_file(path, &data)
}
