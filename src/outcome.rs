//! What polling and judging a device produced: its [`DeviceReport`] with one
//! [`CommandReport`] per command, and the [`Finding`]s and [`Health`] the rules gave it. A leaf:
//! the runner fills these in; `health`, `report` and `snapshot` read them.

use crate::parse::Record;
use crate::session::error::{ErrorClass, Stage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    Polled,
    Failed,
    Interrupted,
    Deadline,
    /// Only in a merged run (`fleetpoll merge`): the shard that owned the device never
    /// reported (not started, killed, its outputs missing), so nothing is known of it.
    NotRun,
}

impl PollStatus {
    pub const ALL: [PollStatus; 5] = [
        PollStatus::Polled,
        PollStatus::Failed,
        PollStatus::Interrupted,
        PollStatus::Deadline,
        PollStatus::NotRun,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PollStatus::Polled => "polled",
            PollStatus::Failed => "failed",
            PollStatus::Interrupted => "interrupted",
            PollStatus::Deadline => "deadline",
            PollStatus::NotRun => "not_run",
        }
    }

    /// The inverse of [`PollStatus::id`] (reading a shard's CSV back).
    pub fn from_id(s: &str) -> Option<PollStatus> {
        Self::ALL.into_iter().find(|p| p.id() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandStatus {
    Ok,
    Rejected,
    Timeout,
    ParseFailed,
    /// Output captured, no parser registered for it.
    Raw,
    /// The session ended (closed, protocol error) while the command ran.
    SessionLost,
}

impl CommandStatus {
    pub fn id(self) -> &'static str {
        match self {
            CommandStatus::Ok => "ok",
            CommandStatus::Rejected => "rejected",
            CommandStatus::Timeout => "timeout",
            CommandStatus::ParseFailed => "parse_failed",
            CommandStatus::Raw => "raw",
            CommandStatus::SessionLost => "session_lost",
        }
    }
}

/// Why a command's output is incomplete: its record (if any) holds only what came before the
/// cut, so the health rules say "incomplete" instead of judging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cut {
    /// `max_output_bytes` was reached and later lines were dropped.
    OutputCap,
    /// The output stops at a pager prompt (`--More--`) nobody answered.
    Pager,
    /// The session ended or stalled (closed, timed out, out of time) before the prompt came
    /// back.
    SessionLost,
}

impl Cut {
    pub fn id(self) -> &'static str {
        match self {
            Cut::OutputCap => "output_cap",
            Cut::Pager => "pager",
            Cut::SessionLost => "session_lost",
        }
    }

    /// For messages: what cut the output short.
    pub fn describe(self) -> &'static str {
        match self {
            Cut::OutputCap => "the max_output_bytes limit",
            Cut::Pager => "an unanswered pager prompt",
            Cut::SessionLost => "the session ending or stalling before the prompt came back",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CommandReport {
    pub command: String,
    pub parser: Option<&'static str>,
    pub status: CommandStatus,
    pub error: Option<String>,
    pub duration_ms: u64,
    /// The output was cut short (`truncated_by` says how); `record` is then partial.
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated_by: Option<Cut>,
    /// Boxed: the largest record family is several hundred bytes, and a 10,000-device run
    /// keeps every command report (most with no record once judged) until the end.
    pub record: Option<Box<Record>>,
    #[serde(skip)]
    pub raw: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceReport {
    /// The inventory name; for a security context of an ASA polled with `asa_contexts`,
    /// `name/context`.
    pub device: String,
    /// The security context this row is for (`asa_contexts`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub host: String,
    pub port: u16,
    pub platform: crate::Platform,
    pub site: Option<String>,
    pub groups: Vec<String>,
    pub poll_status: PollStatus,
    pub failed_stage: Option<Stage>,
    pub error_class: Option<ErrorClass>,
    pub error: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub duration_ms: u64,
    pub hostname: Option<String>,
    pub commands: Vec<CommandReport>,
    pub metrics: BTreeMap<&'static str, String>,
    pub health: Health,
    pub findings: Vec<Finding>,
    /// Negotiated SSH algorithms, so an audit can see which devices still need SHA-1.
    pub ssh_algorithms: Option<String>,
    /// Connection attempts made (more than 1 after transient failures).
    pub attempts: u32,
    /// `show version` uptime in seconds, when the playbook ran it: the history's reload check.
    #[serde(skip)]
    pub uptime_s: Option<u64>,
    /// The cumulative counters its records showed, kept (records may be dropped) so that the
    /// history can turn two runs into a rate. Derivable from the records, so not in the JSONL.
    #[serde(skip)]
    pub counters: Vec<Counter>,
    /// With `--history`: the findings of earlier runs that this run no longer shows
    /// (standing `resolved`), reported once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<Finding>,
}

/// One cumulative counter of a device: it counts since the device's last reload or clear, so
/// only two runs tell whether it grows (see `health::rules::growth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    /// Which counter (`ipsec_send_errors`, `mapi_dropped`, …: `health::counters`).
    pub name: &'static str,
    /// Which instance of it: the SA (peer and selectors), the AO, the drop id.
    pub subject: String,
    pub value: u64,
    /// When the device says the counter was last cleared, as printed (`Never`, a date): a
    /// changed mark means a reset even if the value grew back above the previous one.
    pub cleared: Option<String>,
    /// The command whose output showed it.
    pub command: String,
}

impl DeviceReport {
    pub fn polled(&self) -> bool {
        self.poll_status == PollStatus::Polled
    }

    /// How many of its findings are new since the previous run (`--history`).
    pub fn new_findings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| matches!(&f.standing, Some(s) if s.status == FindingStatus::New))
            .count()
    }

    /// `command=class` for every command that did not give a parsed record.
    pub fn command_errors(&self) -> Vec<String> {
        self.failed_commands()
            .map(|c| format!("{}={}", c.command, c.status.id()))
            .collect()
    }

    /// The reason behind the `error` and `command_errors` classes, as one line: the device's
    /// error, then `command: error` for each failed command, `; `-separated; empty when
    /// nothing went wrong. Built from report fields only, which never hold a secret (the
    /// session redacts them from device output before it gets here).
    pub fn error_message(&self) -> String {
        error_message(
            self.error.as_deref(),
            self.commands
                .iter()
                .map(|c| (c.command.as_str(), c.status, c.error.as_deref())),
        )
    }

    fn failed_commands(&self) -> impl Iterator<Item = &CommandReport> {
        self.commands.iter().filter(|c| c.status.failed())
    }
}

impl CommandStatus {
    /// The command gave no parsed record and no plain raw capture.
    pub fn failed(self) -> bool {
        !matches!(self, CommandStatus::Ok | CommandStatus::Raw)
    }
}

/// [`DeviceReport::error_message`] from its parts: the device's `error`, then
/// `command: error` (or the status) of each failed one of `commands` (command, status, error),
/// each made one line, `; `-separated. `fleetpoll report` builds it from a JSONL line too.
pub fn error_message<'a>(
    error: Option<&str>,
    commands: impl Iterator<Item = (&'a str, CommandStatus, Option<&'a str>)>,
) -> String {
    let commands = commands
        .filter(|(_, status, _)| status.failed())
        .map(|(command, status, e)| format!("{command}: {}", e.unwrap_or(status.id())));
    error
        .map(str::to_string)
        .into_iter()
        .chain(commands)
        .map(|m| crate::util::one_line(&m))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    /// The inverse of [`Severity::id`] (reading a shard's findings back).
    pub fn from_id(s: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Critical]
            .into_iter()
            .find(|x| x.id() == s)
    }

    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// One thing found wrong (or worth knowing) on one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, e.g. `IKE_PSK_MISMATCH`.
    pub code: String,
    pub severity: Severity,
    /// What the finding is about on its device: the peer address, AO name, resource or
    /// counter, stable from one run to the next. A finding's identity in the history is
    /// (device, code, subject), so one peer recovering while another fails reads right.
    #[serde(default)]
    pub subject: String,
    /// What was seen, in one sentence.
    pub message: String,
    /// Which peer / counter, observed vs threshold.
    pub evidence: String,
    /// The remediation the guides give, in one sentence.
    pub remediation: String,
    /// The command whose output showed it.
    pub command: Option<String>,
    /// With `--history`: how it stands against the earlier runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Standing>,
}

/// Whether a finding is new since the previous run, still there, or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    New,
    Ongoing,
    Resolved,
}

impl FindingStatus {
    pub fn id(self) -> &'static str {
        match self {
            FindingStatus::New => "new",
            FindingStatus::Ongoing => "ongoing",
            FindingStatus::Resolved => "resolved",
        }
    }
}

/// A finding against the run history (`--history`): its status, when it was first seen in
/// this episode and in how many polls of the device it was seen since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub status: FindingStatus,
    pub first_seen: DateTime<Utc>,
    pub runs_open: u32,
}

/// A device's overall health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
    Warning,
    Critical,
    /// The device could not be polled.
    Unknown,
}

impl Health {
    /// The inverse of [`Health::id`] (reading a shard's CSV back).
    pub fn from_id(s: &str) -> Option<Health> {
        [
            Health::Ok,
            Health::Warning,
            Health::Critical,
            Health::Unknown,
        ]
        .into_iter()
        .find(|x| x.id() == s)
    }

    pub fn id(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Warning => "warning",
            Health::Critical => "critical",
            Health::Unknown => "unknown",
        }
    }
}

impl DeviceReport {
    /// A device's row before anything happened to it: not polled, health unknown, nothing
    /// learnt; the runner fills it in.
    pub fn blank(device: &str, host: &str, port: u16, platform: crate::Platform) -> DeviceReport {
        DeviceReport {
            device: device.to_string(),
            context: None,
            host: host.to_string(),
            port,
            platform,
            site: None,
            groups: Vec::new(),
            poll_status: PollStatus::Failed,
            failed_stage: None,
            error_class: None,
            error: None,
            started_at: None,
            duration_ms: 0,
            hostname: None,
            commands: Vec::new(),
            metrics: BTreeMap::new(),
            health: Health::Unknown,
            findings: Vec::new(),
            ssh_algorithms: None,
            attempts: 0,
            uptime_s: None,
            counters: Vec::new(),
            resolved: Vec::new(),
        }
    }

    /// A device that was polled with nothing to report, for tests to change.
    #[cfg(test)]
    pub(crate) fn sample(device: &str) -> DeviceReport {
        DeviceReport {
            poll_status: PollStatus::Polled,
            health: Health::Ok,
            attempts: 1,
            ..DeviceReport::blank(device, "192.0.2.1", 22, crate::Platform::CiscoIos)
        }
    }
}

/// The exit status contract (cron, monitoring): what a run's rows amount to. Here, beside the
/// healths it is judged from, so that the layers that merge or report runs need not reach up
/// into the command line.
pub mod exit {
    pub const OK: i32 = 0;
    pub const WARNING: i32 = 1;
    pub const CRITICAL: i32 = 2;
    pub const UNUSABLE: i32 = 3;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run keeps every device's command reports until its outputs are written: at 10,000
    /// devices of a dozen commands each, every byte of `CommandReport` is ~120 kB, and an
    /// inline record (the largest family is several hundred bytes) made it 688 bytes.
    #[test]
    fn a_command_report_stays_small() {
        assert!(
            std::mem::size_of::<CommandReport>() <= 128,
            "CommandReport is {} bytes",
            std::mem::size_of::<CommandReport>()
        );
        assert!(std::mem::size_of::<DeviceReport>() <= 400);
    }
}
