//! Assessing a polled device, a pure step after the session: its raw command outputs are
//! parsed into records (filling the metric columns), then judged into findings and a health.
//! Knows nothing of connections; the session knows nothing of this.

use crate::health::{self, HealthConfig};
use crate::outcome::{CommandReport, CommandStatus, Cut, DeviceReport};
use crate::playbook::PlannedCommand;
use crate::session::driver::CommandRun;
use crate::session::error::SessionError;
use crate::Platform;
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
        .map(|(run, planned)| command(run, planned, report.platform, &mut report.metrics))
        .collect();
    judge(report, cfg);
}

/// Findings and health of a device whose commands are filled in, while its records are still
/// at hand.
pub fn judge(report: &mut DeviceReport, cfg: &HealthConfig) {
    // The device's clock, once, for the date rules (certificate expiry).
    let clock = health::clock::DeviceClock::of_report(report);
    report.findings = health::evaluate_at(report, cfg, clock.as_ref());
    (report.uptime_s, report.counters) = health::counters::of_report(report);
    report.health = health::health_of(report, &report.findings);
}

/// Parse a command's output and fill its metric columns. An output cut short (by the output
/// cap, an unanswered pager or the session ending) is still parsed, for the record, but marked
/// and fills no column: a partial SA list must not read as the device's count.
pub fn command(
    run: CommandRun,
    planned: &PlannedCommand,
    platform: Platform,
    metrics: &mut BTreeMap<&'static str, String>,
) -> CommandReport {
    let duration_ms = run.duration.as_millis() as u64;
    let parser = planned.parser.map(|p| p.name).or(planned
        .textfsm
        .as_ref()
        .map(|_| crate::parse::textfsm::PARSER_NAME));
    match run.result {
        Err(e) => {
            let cut = run.partial.as_ref().map(|_| Cut::SessionLost);
            let record = run.partial.as_deref().and_then(|t| parse(planned, t).ok());
            CommandReport {
                command: run.command,
                parser,
                status: match e {
                    SessionError::CommandRejected { .. } => CommandStatus::Rejected,
                    SessionError::Timeout { .. } | SessionError::DeviceDeadline { .. } => {
                        CommandStatus::Timeout
                    }
                    _ => CommandStatus::SessionLost,
                },
                error: Some(e.to_string()),
                duration_ms,
                truncated: cut.is_some(),
                truncated_by: cut,
                record: record.map(Box::new),
                raw: run.partial,
            }
        }
        Ok(out) => {
            let cut = if out.truncated {
                Some(Cut::OutputCap)
            } else if ends_at_pager(platform, &out.text) {
                Some(Cut::Pager)
            } else {
                None
            };
            let (status, error, record) = match parser {
                None => (CommandStatus::Raw, None, None),
                Some(name) => match parse(planned, &out.text) {
                    Ok(rec) => {
                        if cut.is_none() {
                            for m in &planned.metrics {
                                if let Some(v) = (m.get)(&rec) {
                                    metrics.insert(m.name, v);
                                }
                            }
                            if let (Some(t), crate::parse::Record::Textfsm(table)) =
                                (&planned.textfsm, &rec)
                            {
                                t.fill(table, metrics);
                            }
                        }
                        (CommandStatus::Ok, None, Some(rec))
                    }
                    Err(e) => (
                        CommandStatus::ParseFailed,
                        Some(format!("{name}: {e}")),
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
                truncated: cut.is_some(),
                truncated_by: cut,
                record: record.map(Box::new),
                raw: Some(out.text),
            }
        }
    }
}

/// The command's record: its built-in parser, else its TextFSM templates.
fn parse(
    planned: &PlannedCommand,
    text: &str,
) -> Result<crate::parse::Record, crate::parse::ParseError> {
    match (planned.parser, &planned.textfsm) {
        (Some(p), _) => (p.parse)(text),
        (None, Some(t)) => t.templates.parse(text).map(crate::parse::Record::Textfsm),
        (None, None) => Err(crate::parse::ParseError::new(0, "no parser")),
    }
}

/// Whether `text` stops at the platform's pager prompt (`--More--`, `<--- More --->`): the
/// rest of the output was never asked for. Saved terminal captures end like this.
pub fn ends_at_pager(platform: Platform, text: &str) -> bool {
    let Ok(def) = crate::session::platform::definition(platform) else {
        return false;
    };
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| def.pager.is_match(l))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::driver::CommandOk;
    use std::time::Duration;

    const ISAKMP: &str =
        "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\
        192.0.2.2       192.0.2.1       MM_KEY_EXCH       1001 ACTIVE\n";

    fn planned() -> PlannedCommand {
        let parser = crate::parse::lookup(Platform::CiscoIos, "show crypto isakmp sa").unwrap();
        PlannedCommand {
            command: "show crypto isakmp sa".into(),
            parser: Some(parser),
            metrics: vec![parser.metric("ike_sa_total").unwrap()],
            timeout: None,
            textfsm: None,
        }
    }

    fn ok(text: &str, truncated: bool) -> CommandRun {
        CommandRun {
            command: "show crypto isakmp sa".into(),
            result: Ok(CommandOk {
                text: text.into(),
                truncated,
            }),
            duration: Duration::ZERO,
            partial: None,
        }
    }

    #[test]
    fn a_complete_output_fills_its_columns() {
        let mut m = BTreeMap::new();
        let c = command(ok(ISAKMP, false), &planned(), Platform::CiscoIos, &mut m);
        assert_eq!((c.truncated, c.truncated_by), (false, None));
        assert_eq!(m.get("ike_sa_total").map(String::as_str), Some("1"));
    }

    #[test]
    fn a_capped_output_is_marked_and_fills_nothing() {
        let mut m = BTreeMap::new();
        let c = command(ok(ISAKMP, true), &planned(), Platform::CiscoIos, &mut m);
        assert_eq!(c.truncated_by, Some(Cut::OutputCap));
        assert!(c.truncated && c.record.is_some());
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn an_output_ending_at_a_pager_prompt_is_marked() {
        let mut m = BTreeMap::new();
        let text = format!("{ISAKMP} --More-- \n");
        let c = command(ok(&text, false), &planned(), Platform::CiscoIos, &mut m);
        assert_eq!(c.truncated_by, Some(Cut::Pager));
        assert!(m.is_empty());
        assert!(ends_at_pager(Platform::CiscoAsa, "x\n<--- More --->\n\n"));
        assert!(!ends_at_pager(Platform::CiscoAsa, "x\n<--- More --->\ny\n"));
    }

    #[test]
    fn a_lost_session_keeps_the_partial_output_marked() {
        let run = CommandRun {
            command: "show crypto isakmp sa".into(),
            result: Err(SessionError::Closed {
                stage: crate::session::error::Stage::Command,
                tail: String::new(),
            }),
            duration: Duration::ZERO,
            partial: Some(ISAKMP.into()),
        };
        let mut m = BTreeMap::new();
        let c = command(run, &planned(), Platform::CiscoIos, &mut m);
        assert_eq!(c.status, CommandStatus::SessionLost);
        assert_eq!(c.truncated_by, Some(Cut::SessionLost));
        assert!(c.record.is_some());
        assert_eq!(c.raw.as_deref(), Some(ISAKMP));
        assert!(m.is_empty());
    }

    /// The PSK-mismatch state in a cut-short table is not judged; the device hears that the
    /// output is incomplete instead.
    #[test]
    fn a_cut_record_is_not_judged_but_reported_incomplete() {
        let judged = |truncated: bool| {
            let mut r = DeviceReport::blank("r1", "192.0.2.1", 22, Platform::CiscoIos);
            r.poll_status = crate::outcome::PollStatus::Polled;
            device(
                &mut r,
                vec![ok(ISAKMP, truncated)],
                &[planned()],
                &HealthConfig::default(),
            );
            r.findings
                .iter()
                .map(|f| f.code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(judged(false), ["IKE_PSK_MISMATCH"]);
        assert_eq!(judged(true), ["OUTPUT_INCOMPLETE"]);
    }
}
