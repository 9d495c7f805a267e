//! `fleetpoll history`: read the run history that `poll --history FILE` keeps — the runs, one
//! device's timeline, the findings (open, within a window, of one code) — and prune old runs.
//! An aligned table on a terminal, CSV otherwise (for pipes and cron mail), JSON on request.

use super::exit;
use crate::history::query::{self, FindingFilter};
use crate::history::{History, HistoryError};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// Where the README's cron example keeps the history.
pub const DEFAULT_FILE: &str = "/var/lib/fleetpoll/history.sqlite";

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll history runs                                   # every run, oldest first\n  fleetpoll history device rtr-branch-02                   # its health and findings, run by run\n  fleetpoll history findings --open                        # what is wrong now, by device, worst first\n  fleetpoll history findings --since 7d --code IPSEC_ERRORS_GROWING\n  fleetpoll history findings --open --format json | jq '.[] | select(.severity==\"critical\")'\n  fleetpoll history prune --keep 90d                       # from a weekly cron job\n  fleetpoll history runs --history ./history.sqlite --format csv > runs.csv\n\nOutput: an aligned table when stdout is a terminal, CSV otherwise; --format chooses.\nExit status: 0, or 3 when the history is missing, not a fleetpoll history, corrupt, newer than\nthis fleetpoll, or (prune) locked by a running poll."
)]
pub struct HistoryArgs {
    /// The history database, as given to `poll --history`.
    #[arg(long, short = 'H', value_name = "FILE", default_value = DEFAULT_FILE, global = true)]
    pub history: PathBuf,
    /// Output format [default: table on a terminal, csv otherwise].
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,
    /// How long to wait for a running poll's lock (prune, or a schema upgrade).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = super::poll::parse_dur, global = true)]
    pub wait: Duration,
    #[command(subcommand)]
    pub cmd: HistoryCmd,
}

#[derive(Subcommand, Debug)]
pub enum HistoryCmd {
    /// Every run: when, exit status, devices polled, new and resolved findings, version and
    /// file hashes.
    Runs,
    /// One device's timeline: each run's poll status, health, findings, new and resolved.
    Device {
        /// The device's inventory name.
        name: String,
    },
    /// Finding episodes (first seen → resolved), by device, worst first.
    Findings {
        /// Only those still open (not seen resolved by a poll of their device).
        #[arg(long)]
        open: bool,
        /// Only those open at some time in this window (e.g. 7d, 12h, 2w): still open, or
        /// resolved within it.
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        since: Option<chrono::Duration>,
        /// Only this rule code.
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
    },
    /// Delete the runs older than --keep (never the latest one) with what only they refer
    /// to, in one transaction; the file keeps its size and reuses the freed pages.
    Prune {
        /// How much history to keep (e.g. 90d, 26w).
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        keep: chrono::Duration,
    },
}

/// `7d`, `12h`, `2w`, `30m`: a positive whole number and a unit.
pub fn parse_age(s: &str) -> Result<chrono::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: i64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not an age: expected a number and a unit, e.g. 7d"))?;
    let d = match unit {
        "m" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        "w" => chrono::Duration::try_weeks(n),
        _ => None,
    };
    match d {
        Some(d) if n > 0 => Ok(d),
        _ => Err(format!(
            "`{s}` is not an age: expected a positive number and m, h, d or w (e.g. 90d)"
        )),
    }
}

pub fn run(a: HistoryArgs) -> i32 {
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
    });
    match answer(&a, format) {
        Ok(()) => exit::OK,
        Err(e) => super::unusable(e),
    }
}

fn answer(a: &HistoryArgs, format: Format) -> Result<(), HistoryError> {
    let mut h = History::open_existing(&a.history, a.wait)?;
    let now = crate::history::run_clock();
    match &a.cmd {
        HistoryCmd::Runs => {
            let rows = query::runs(&h)?;
            print(format, &rows, &RUNS, |r| {
                vec![
                    r.id.to_string(),
                    r.started_at.clone(),
                    r.ended_at.clone(),
                    r.exit_status.to_string(),
                    r.devices.to_string(),
                    r.polled.to_string(),
                    r.new_findings.to_string(),
                    r.resolved_findings.to_string(),
                    r.limit.clone().unwrap_or_default(),
                    r.fleetpoll_version.clone(),
                    r.playbook.clone(),
                    short(format, &r.playbook_sha256),
                    r.inventory.clone(),
                    short(format, &r.inventory_sha256),
                ]
            });
        }
        HistoryCmd::Device { name } => {
            let Some(rows) = query::device(&h, name)? else {
                return Err(HistoryError::NoDevice {
                    path: a.history.clone(),
                    name: name.clone(),
                });
            };
            print(format, &rows, &TIMELINE, |r| {
                vec![
                    r.run.to_string(),
                    r.started_at.clone(),
                    r.poll_status.clone(),
                    r.health.clone(),
                    r.error.clone().unwrap_or_default(),
                    r.findings.join(";"),
                    r.new.join("; "),
                    r.resolved.join("; "),
                ]
            });
        }
        HistoryCmd::Findings { open, since, code } => {
            let filter = FindingFilter {
                open: *open,
                since: since.map(|d| now - d),
                code: code.clone(),
            };
            let rows = query::findings(&h, &filter)?;
            print(format, &rows, &FINDINGS, |r| {
                vec![
                    r.device.clone(),
                    r.severity.clone(),
                    r.code.clone(),
                    r.subject.clone(),
                    r.status.clone(),
                    r.first_seen.clone(),
                    r.last_seen.clone(),
                    r.runs_open.to_string(),
                    r.resolved_at.clone().unwrap_or_default(),
                    clip(format, &r.message),
                    clip(format, &r.evidence),
                ]
            });
        }
        HistoryCmd::Prune { keep } => {
            let p = query::prune(&mut h, now - *keep)?;
            match format {
                Format::Json => out!("{}", serde_json::to_string_pretty(&p).unwrap_or_default()),
                _ => out!(
                    "pruned {} runs older than {} ({} device polls, {} resolved finding episodes); {} runs kept. The file keeps its size: SQLite reuses the freed pages (`sqlite3 {} VACUUM` would shrink it).",
                    p.runs,
                    crate::history::stamp(now - *keep),
                    p.polls,
                    p.findings,
                    p.kept,
                    a.history.display()
                ),
            }
        }
    }
    Ok(())
}

const RUNS: [&str; 14] = [
    "run",
    "started_at",
    "ended_at",
    "exit_status",
    "devices",
    "polled",
    "new_findings",
    "resolved_findings",
    "limit",
    "fleetpoll_version",
    "playbook",
    "playbook_sha256",
    "inventory",
    "inventory_sha256",
];

const TIMELINE: [&str; 8] = [
    "run",
    "started_at",
    "poll_status",
    "health",
    "error",
    "findings",
    "new",
    "resolved",
];

const FINDINGS: [&str; 11] = [
    "device",
    "severity",
    "code",
    "subject",
    "status",
    "first_seen",
    "last_seen",
    "runs_open",
    "resolved_at",
    "message",
    "evidence",
];

/// A hash in full, but its first 12 digits in a table.
fn short(format: Format, h: &str) -> String {
    match format {
        Format::Table => h.chars().take(12).collect(),
        _ => h.to_string(),
    }
}

/// Free text in full, but at most 80 characters in a table.
fn clip(format: Format, s: &str) -> String {
    const MAX: usize = 80;
    match format {
        Format::Table if s.chars().count() > MAX => {
            format!("{}…", s.chars().take(MAX - 1).collect::<String>())
        }
        _ => s.to_string(),
    }
}

/// `rows` as JSON (their own fields), CSV or an aligned table (`cells` of each row).
fn print<T: Serialize>(
    format: Format,
    rows: &[T],
    header: &[&str],
    cells: impl Fn(&T) -> Vec<String>,
) {
    match format {
        Format::Json => out!("{}", serde_json::to_string_pretty(rows).unwrap_or_default()),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(header);
            for r in rows {
                let _ = w.write_record(cells(r));
            }
            let data = w.into_inner().unwrap_or_default();
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &data);
        }
        Format::Table => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| cells(r).iter().map(|c| crate::util::one_line(c)).collect())
                .collect();
            out!("{}", table(header, &body));
        }
    }
}

/// Columns padded to their widest cell, two spaces apart, trailing spaces trimmed.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = w.get(i).copied().unwrap_or(0);
            s.push_str(&format!("{c:<pad$}  "));
        }
        s.trim_end().to_string()
    };
    let mut out = vec![line(header.to_vec())];
    for r in rows {
        out.push(line(r.iter().map(String::as_str).collect()));
    }
    if rows.is_empty() {
        out.push("(none)".to_string());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_take_a_unit() {
        assert_eq!(parse_age("7d"), Ok(chrono::Duration::days(7)));
        assert_eq!(parse_age("12h"), Ok(chrono::Duration::hours(12)));
        assert_eq!(parse_age("2w"), Ok(chrono::Duration::weeks(2)));
        assert!(parse_age("7").is_err());
        assert!(parse_age("0d").is_err());
        assert!(parse_age("d").is_err());
        assert!(parse_age("7y").is_err());
    }

    #[test]
    fn tables_align_on_the_widest_cell() {
        let t = table(
            &["run", "health"],
            &[
                vec!["1".into(), "ok".into()],
                vec!["12".into(), "critical".into()],
            ],
        );
        assert_eq!(t, "run  health\n1    ok\n12   critical");
        assert_eq!(table(&["run"], &[]), "run\n(none)");
    }
}
