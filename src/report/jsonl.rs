//! `health.jsonl`: one JSON object per device with its outcome, every command's status,
//! parsed record and (with `--include-raw`) raw output.

use crate::outcome::DeviceReport;
use std::path::Path;

pub fn render(reports: &[DeviceReport], include_raw: bool) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in reports {
        let mut v = serde_json::to_value(r)?;
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
) -> Result<(), super::ReportError> {
    let data = render(reports, include_raw).map_err(|source| super::ReportError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    super::write_file(path, &data)
}
