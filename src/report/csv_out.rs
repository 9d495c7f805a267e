//! `health.csv`: one row per inventory device, in inventory order, whatever happened to it.

use super::FIXED_COLUMNS;
use crate::outcome::DeviceReport;
use std::path::Path;

/// With `--history`: after `findings`, how many of the device's findings are new this run
/// and how many earlier ones it no longer shows.
pub const HISTORY_COLUMNS: &[&str] = &["new_findings", "resolved_findings"];

/// Where the [`HISTORY_COLUMNS`] go: right after `findings`.
fn history_at() -> usize {
    FIXED_COLUMNS
        .iter()
        .position(|c| *c == "findings")
        .map_or(FIXED_COLUMNS.len(), |i| i + 1)
}

/// The CSV text for `reports` with metric `columns` after the fixed ones.
pub fn render(reports: &[DeviceReport], columns: &[&str]) -> Result<Vec<u8>, csv::Error> {
    render_with(reports, columns, false)
}

/// [`render`], with the [`HISTORY_COLUMNS`] when `history` is on.
pub fn render_with(
    reports: &[DeviceReport],
    columns: &[&str],
    history: bool,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let at = history_at();
    let extra: &[&str] = if history { HISTORY_COLUMNS } else { &[] };
    let header: Vec<&str> = FIXED_COLUMNS[..at]
        .iter()
        .chain(extra)
        .chain(&FIXED_COLUMNS[at..])
        .chain(columns.iter())
        .copied()
        .collect();
    w.write_record(&header)?;
    for r in reports {
        w.write_record(row_with(r, columns, history))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// One device's cells, in [`render`]'s column order (the merge renders the rows of a shard
/// that never reported with it).
pub fn row(r: &DeviceReport, columns: &[&str]) -> Vec<String> {
    row_with(r, columns, false)
}

/// [`row`], with the [`HISTORY_COLUMNS`] cells when `history` is on.
pub fn row_with(r: &DeviceReport, columns: &[&str], history: bool) -> Vec<String> {
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
        r.error_message(),
        r.command_errors().join(";"),
        r.started_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default(),
        r.duration_ms.to_string(),
        r.health.id().to_string(),
        finding_codes(r),
        r.ssh_algorithms.clone().unwrap_or_default(),
    ];
    if history {
        let tail = row.split_off(history_at());
        row.push(r.new_findings().to_string());
        row.push(r.resolved.len().to_string());
        row.extend(tail);
    }
    for c in columns {
        row.push(r.metrics.get(c).cloned().unwrap_or_default());
    }
    row
}

pub fn write(
    path: &Path,
    reports: &[DeviceReport],
    columns: &[&str],
) -> Result<(), super::ReportError> {
    write_with(path, reports, columns, false)
}

/// [`write`], with the [`HISTORY_COLUMNS`] when `history` is on.
pub fn write_with(
    path: &Path,
    reports: &[DeviceReport],
    columns: &[&str],
    history: bool,
) -> Result<(), super::ReportError> {
    let data =
        render_with(reports, columns, history).map_err(|source| super::ReportError::Csv {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{CommandReport, CommandStatus, PollStatus};
    use crate::session::error::{ErrorClass, Stage};

    fn command(command: &str, status: CommandStatus, error: Option<&str>) -> CommandReport {
        CommandReport {
            command: command.into(),
            parser: None,
            status,
            error: error.map(String::from),
            duration_ms: 0,
            truncated: false,
            truncated_by: None,
            record: None,
            raw: None,
        }
    }

    /// (error, error_message, command_errors) of each row.
    fn error_cells(reports: &[DeviceReport]) -> Vec<(String, String, String)> {
        let data = render(reports, &[]).unwrap();
        let mut rd = csv::Reader::from_reader(data.as_slice());
        let h = rd.headers().unwrap().clone();
        let at = |name: &str| h.iter().position(|x| x == name).unwrap();
        let (e, m, c) = (at("error"), at("error_message"), at("command_errors"));
        assert_eq!(m, e + 1, "error_message comes right after error");
        rd.records()
            .map(|r| {
                let r = r.unwrap();
                (r[e].to_string(), r[m].to_string(), r[c].to_string())
            })
            .collect()
    }

    #[test]
    fn error_holds_the_class_and_error_message_the_reason_on_one_line() {
        let ok = DeviceReport::sample("ok-1");
        let mut timeout = DeviceReport::sample("hung-1");
        timeout.poll_status = PollStatus::Failed;
        timeout.failed_stage = Some(Stage::Prompt);
        timeout.error_class = Some(ErrorClass::Timeout);
        timeout.error = Some("timed out after 5s at stage prompt; last output: \"Banner\"".into());
        let mut refused = DeviceReport::sample("gone-1");
        refused.poll_status = PollStatus::Failed;
        refused.error_class = Some(ErrorClass::Unreachable);
        refused.error =
            Some("cannot connect: ssh: connect to host x\r\n  port 22: refused\n".into());
        let mut partial = DeviceReport::sample("rtr-1");
        partial.commands = vec![
            command("show version", CommandStatus::Ok, None),
            command(
                "show crypto isakmp sa",
                CommandStatus::Rejected,
                Some("command `show crypto isakmp sa` rejected by the device: % Invalid input"),
            ),
            command("show clock", CommandStatus::Raw, None),
            command(
                "show ntp status",
                CommandStatus::ParseFailed,
                Some("ntp_status: no line\nClock is"),
            ),
        ];
        assert_eq!(
            error_cells(&[ok, timeout, refused, partial]),
            [
                (String::new(), String::new(), String::new()),
                (
                    "timeout".into(),
                    "timed out after 5s at stage prompt; last output: \"Banner\"".into(),
                    String::new()
                ),
                (
                    "unreachable".into(),
                    "cannot connect: ssh: connect to host x port 22: refused".into(),
                    String::new()
                ),
                (
                    String::new(),
                    "show crypto isakmp sa: command `show crypto isakmp sa` rejected by the device: % Invalid input; show ntp status: ntp_status: no line Clock is".into(),
                    "show crypto isakmp sa=rejected;show ntp status=parse_failed".into()
                ),
            ]
        );
    }

    #[test]
    fn the_header_is_the_fixed_columns_then_the_metrics() {
        let data = render(&[], &["sw_version"]).unwrap();
        assert_eq!(
            String::from_utf8(data).unwrap(),
            "device,host,port,platform,poll_status,failed_stage,error,error_message,command_errors,started_at,duration_ms,health,findings,ssh_algorithms,sw_version\n"
        );
    }
}
