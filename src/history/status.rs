//! New, ongoing or resolved: one device's findings of this run against its open findings in
//! the history, pure. A finding is identified by (device, code, subject).
//!
//! - seen now, not open before: `new` (first seen now, 1 run open);
//! - seen now and open: `ongoing` (first seen kept, one more run open);
//! - open, not seen now, and this run could have seen it: `resolved`, reported once (the
//!   episode is closed; if it comes back it is `new` again).
//!
//! "Could have seen it": the device was polled (`poll_status` `polled`) and the command that
//! showed the finding did not fail this time. A device that could not be polled (unreachable,
//! interrupted, past the deadline), or whose command failed, tells nothing about its findings:
//! they stay open in the history, unchanged (not `ongoing`: nothing saw them; their
//! `runs_open` does not grow), and are not written to this run's findings.csv.

use crate::outcome::{CommandStatus, DeviceReport, Finding, FindingStatus, Severity, Standing};
use chrono::{DateTime, Utc};

/// A finding open in the history (an episode not resolved yet).
#[derive(Debug, Clone, PartialEq)]
pub struct OpenIssue {
    pub id: i64,
    pub code: String,
    pub subject: String,
    pub severity: Severity,
    pub command: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub runs_open: u32,
    pub message: String,
    pub evidence: String,
}

/// Which episode a finding of this run belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// A new episode.
    New,
    /// The open episode with this id.
    Ongoing(i64),
}

/// One device's standing against the history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceStatus {
    /// One per finding of the report, in its order.
    pub matches: Vec<Match>,
    /// The episodes this run resolves, with the finding as last seen (standing `resolved`).
    pub resolved: Vec<(i64, Finding)>,
}

/// Whether this run could have seen `issue` on the device.
fn could_see(report: &DeviceReport, issue: &OpenIssue) -> bool {
    if !report.polled() {
        return false;
    }
    // A cut-short output is not judged (OUTPUT_INCOMPLETE), so it cannot clear a finding.
    let failed = |c: &crate::outcome::CommandReport| {
        c.truncated || !matches!(c.status, CommandStatus::Ok | CommandStatus::Raw)
    };
    match &issue.command {
        // Gone from the playbook: nothing will ever see it again, so it is resolved.
        Some(cmd) => !report
            .commands
            .iter()
            .any(|c| &c.command == cmd && failed(c)),
        None => true,
    }
}

/// Classify `report`'s findings against its `open` episodes at `now` (this run's start), and
/// set each finding's standing.
pub fn classify(report: &mut DeviceReport, open: &[OpenIssue], now: DateTime<Utc>) -> DeviceStatus {
    let mut out = DeviceStatus::default();
    let mut seen = vec![false; open.len()];
    for f in &mut report.findings {
        let hit = open
            .iter()
            .position(|o| o.code == f.code && o.subject == f.subject);
        let (m, standing) = match hit {
            Some(i) => {
                seen[i] = true;
                let o = &open[i];
                (
                    Match::Ongoing(o.id),
                    Standing {
                        status: FindingStatus::Ongoing,
                        first_seen: o.first_seen,
                        runs_open: o.runs_open.saturating_add(1),
                    },
                )
            }
            None => (
                Match::New,
                Standing {
                    status: FindingStatus::New,
                    first_seen: now,
                    runs_open: 1,
                },
            ),
        };
        f.standing = Some(standing);
        out.matches.push(m);
    }
    for (o, _) in open.iter().zip(&seen).filter(|(_, s)| !**s) {
        if !could_see(report, o) {
            continue;
        }
        let info = crate::health::RULES.iter().find(|r| r.code == o.code);
        out.resolved.push((
            o.id,
            Finding {
                code: o.code.clone(),
                severity: o.severity,
                subject: o.subject.clone(),
                message: o.message.clone(),
                evidence: o.evidence.clone(),
                remediation: info.map(|r| r.remediation.to_string()).unwrap_or_default(),
                command: o.command.clone(),
                standing: Some(Standing {
                    status: FindingStatus::Resolved,
                    first_seen: o.first_seen,
                    runs_open: o.runs_open,
                }),
            },
        ));
    }
    report.resolved = out.resolved.iter().map(|(_, f)| f.clone()).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{CommandReport, PollStatus};

    fn finding(code: &str, subject: &str) -> Finding {
        Finding {
            code: code.into(),
            severity: Severity::Critical,
            subject: subject.into(),
            message: format!("{code} on {subject}"),
            evidence: "seen".into(),
            remediation: "fix it.".into(),
            command: Some("show crypto session".into()),
            standing: None,
        }
    }

    fn open(id: i64, code: &str, subject: &str, runs: u32) -> OpenIssue {
        OpenIssue {
            id,
            code: code.into(),
            subject: subject.into(),
            severity: Severity::Critical,
            command: Some("show crypto session".into()),
            first_seen: DateTime::<Utc>::from_timestamp(1_000, 0).unwrap(),
            runs_open: runs,
            message: "was".into(),
            evidence: "then".into(),
        }
    }

    fn ids(s: &DeviceStatus) -> Vec<i64> {
        s.resolved.iter().map(|(i, _)| *i).collect()
    }

    #[test]
    fn one_peer_recovering_while_another_fails_reads_right() {
        let now = DateTime::<Utc>::from_timestamp(90_000, 0).unwrap();
        let mut r = DeviceReport::sample("rtr-1");
        r.findings = vec![
            finding("CRYPTO_SESSION_DOWN", "peer 10.0.0.2 on Tunnel0"),
            finding("CRYPTO_SESSION_DOWN", "peer 10.0.0.3 on Tunnel0"),
        ];
        let was = [
            open(7, "CRYPTO_SESSION_DOWN", "peer 10.0.0.1 on Tunnel0", 3),
            open(8, "CRYPTO_SESSION_DOWN", "peer 10.0.0.2 on Tunnel0", 2),
        ];
        let s = classify(&mut r, &was, now);
        assert_eq!(s.matches, [Match::Ongoing(8), Match::New]);
        let standings: Vec<_> = r
            .findings
            .iter()
            .map(|f| f.standing.clone().unwrap())
            .collect();
        assert_eq!(standings[0].status, FindingStatus::Ongoing);
        assert_eq!(standings[0].runs_open, 3);
        assert_eq!(standings[0].first_seen, was[1].first_seen);
        assert_eq!(
            (
                standings[1].status,
                standings[1].runs_open,
                standings[1].first_seen
            ),
            (FindingStatus::New, 1, now)
        );
        assert_eq!(ids(&s), [7]);
        let gone = &r.resolved[0];
        assert_eq!(gone.subject, "peer 10.0.0.1 on Tunnel0");
        assert_eq!(
            gone.standing.as_ref().unwrap().status,
            FindingStatus::Resolved
        );
        assert_eq!(gone.standing.as_ref().unwrap().runs_open, 3);
        assert_eq!(r.new_findings(), 1);
    }

    #[test]
    fn a_device_not_polled_or_a_failed_command_resolves_nothing() {
        let now = DateTime::<Utc>::from_timestamp(90_000, 0).unwrap();
        let was = [open(
            7,
            "CRYPTO_SESSION_DOWN",
            "peer 10.0.0.1 on Tunnel0",
            3,
        )];
        let mut down = DeviceReport::sample("rtr-1");
        down.poll_status = PollStatus::Failed;
        assert!(classify(&mut down, &was, now).resolved.is_empty());
        assert!(down.resolved.is_empty());
        let mut partial = DeviceReport::sample("rtr-1");
        partial.commands.push(CommandReport {
            command: "show crypto session".into(),
            parser: None,
            status: CommandStatus::Timeout,
            error: Some("timed out".into()),
            duration_ms: 0,
            truncated: false,
            truncated_by: None,
            record: None,
            raw: None,
        });
        assert!(classify(&mut partial, &was, now).resolved.is_empty());
        let mut cut = DeviceReport::sample("rtr-1");
        cut.commands.push(CommandReport {
            command: "show crypto session".into(),
            parser: None,
            status: CommandStatus::Ok,
            error: None,
            duration_ms: 0,
            truncated: true,
            truncated_by: Some(crate::outcome::Cut::OutputCap),
            record: None,
            raw: None,
        });
        assert!(classify(&mut cut, &was, now).resolved.is_empty());
        // Polled, command fine, finding gone: resolved.
        let mut fine = DeviceReport::sample("rtr-1");
        assert_eq!(ids(&classify(&mut fine, &was, now)), [7]);
    }
}
