//! Assessing a polled device, a pure step after the session: its raw command outputs are
//! parsed into records (filling the metric columns), then judged into findings and a health.
//! Knows nothing of connections; the session knows nothing of this.

use crate::health::{self, HealthConfig};
use crate::outcome::{CommandReport, CommandStatus, DeviceReport};
use crate::playbook::PlannedCommand;
use crate::session::driver::CommandRun;
use crate::session::error::SessionError;
use std::collections::BTreeMap;

/// Raw outputs → records → findings: fill `report`'s commands and metrics from `runs` (the
/// commands the session finished, in the order of `planned`), then its findings and health.
pub fn device(
    report: &mut DeviceReport,
    runs: Vec<CommandRun>,
    planned: &[PlannedCommand],
    cfg: &HealthConfig,
) {
    report.commands = runs
        .into_iter()
        .zip(planned)
        .map(|(run, planned)| command(run, planned, &mut report.metrics))
        .collect();
    judge(report, cfg);
}

/// Findings and health of a device whose commands are filled in, while its records are still
/// at hand.
pub fn judge(report: &mut DeviceReport, cfg: &HealthConfig) {
    // The device's clock, once, for the date rules (certificate expiry).
    let clock = health::clock::DeviceClock::of_report(report);
    report.findings = health::evaluate_at(report, cfg, clock.as_ref());
    report.health = health::health_of(report, &report.findings);
}

/// Parse a command's output and fill its metric columns.
pub fn command(
    run: CommandRun,
    planned: &PlannedCommand,
    metrics: &mut BTreeMap<&'static str, String>,
) -> CommandReport {
    let duration_ms = run.duration.as_millis() as u64;
    let parser = planned.parser.map(|p| p.name);
    match run.result {
        Err(e) => CommandReport {
            command: run.command,
            parser,
            status: match e {
                SessionError::CommandRejected { .. } => CommandStatus::Rejected,
                _ => CommandStatus::Timeout,
            },
            error: Some(e.to_string()),
            duration_ms,
            truncated: false,
            record: None,
            raw: None,
        },
        Ok(out) => {
            let (status, error, record) = match planned.parser {
                None => (CommandStatus::Raw, None, None),
                Some(p) => match (p.parse)(&out.text) {
                    Ok(rec) => {
                        for m in &planned.metrics {
                            if let Some(v) = (m.get)(&rec) {
                                metrics.insert(m.name, v);
                            }
                        }
                        (CommandStatus::Ok, None, Some(rec))
                    }
                    Err(e) => (
                        CommandStatus::ParseFailed,
                        Some(format!("{}: {e}", p.name)),
                        None,
                    ),
                },
            };
            CommandReport {
                command: run.command,
                parser,
                status,
                error,
                duration_ms,
                truncated: out.truncated,
                record,
                raw: Some(out.text),
            }
        }
    }
}
