//! `fleetpoll diff`: load two snapshots (verifying every hash), compare them with the semantic
//! rules of [`crate::snapshot::diff`] and report what got worse.

use super::{exit, Ui};
use crate::snapshot::{self, Change, DiffOptions, DiffReport, Severity, Snapshot};
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll diff snapshots/before-CHG1234 snapshots/after-CHG1234\n  fleetpoll diff BEFORE AFTER --out diff.csv --ignore '*/sw_version' --ignore 'rtr-lab-*'\n  fleetpoll diff BEFORE AFTER --format json | jq '.changes[] | select(.severity==\"regression\")'\n  fleetpoll diff snapshots/before-CHG1234 snapshots/after-CHG1234 --html CHG1234-diff.html\n\nChange keys are DEVICE[/COMMAND][/SUBJECT]/FIELD, e.g.\n  rtr-01/reachable\n  rtr-01/show crypto isakmp sa/peer 10.0.0.2 ikev1/presence\n  wae-01/show accelerator mapi/oper_state\n  rtr-01/show version/sw_version\n--ignore PATTERN drops a change when the glob matches its whole key or its field name\n(`*` also matches `/`): `--ignore sw_version`, `--ignore 'rtr-01/*'`, `--ignore '*/peer 10.9.*'`.\n\nExit status: 0 nothing regressed, 2 something regressed, 3 a snapshot is unreadable, fails its\nintegrity check, or comes from another playbook (see --allow-playbook-change)."
)]
pub struct DiffArgs {
    /// The snapshot taken before the change.
    #[arg(value_name = "BEFORE")]
    pub before: PathBuf,
    /// The snapshot taken after the change.
    #[arg(value_name = "AFTER")]
    pub after: PathBuf,
    /// Also write every change as CSV to this file (atomically).
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Also write the maintenance page: one self-contained HTML file with both manifests'
    /// SHA-256, the regressions by device (before → after), improvements and neutral changes
    /// folded; attach it to the change record.
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Drop changes whose key or field matches this glob (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,
    /// MAPI/EPM dropped connections per hour above which their growth is a regression.
    #[arg(long, value_name = "N", default_value_t = snapshot::diff::DEFAULT_MAX_DROP_RATE)]
    pub max_drop_rate: f64,
    /// Compare snapshots taken with different playbooks (only commands both ran).
    #[arg(long)]
    pub allow_playbook_change: bool,
}

/// A snapshot that cannot be loaded, named as BEFORE or AFTER.
#[derive(Debug, thiserror::Error)]
#[error("{which} snapshot: {err}")]
struct LoadError {
    which: &'static str,
    err: snapshot::SnapshotError,
}

fn load(which: &'static str, dir: &std::path::Path) -> Result<Snapshot, LoadError> {
    snapshot::load(dir).map_err(|err| LoadError { which, err })
}

pub fn run(a: DiffArgs, ui: &Ui) -> i32 {
    let mut ignore = Vec::with_capacity(a.ignore.len());
    for p in &a.ignore {
        match glob::Pattern::new(p) {
            Ok(g) => ignore.push(g),
            Err(e) => return super::unusable(format!("--ignore `{p}`: bad glob: {e}")),
        }
    }
    if !(a.max_drop_rate.is_finite() && a.max_drop_rate >= 0.0) {
        return super::unusable("--max-drop-rate must be a number >= 0");
    }
    for out in a.out.iter().chain(&a.html) {
        if let Err(e) = crate::util::check_writable(out) {
            return super::unusable(format!("cannot write {}: {e}", out.display()));
        }
    }
    let before = match load("BEFORE", &a.before) {
        Ok(s) => s,
        Err(e) => return super::unusable(e),
    };
    let after = match load("AFTER", &a.after) {
        Ok(s) => s,
        Err(e) => return super::unusable(e),
    };
    let opts = DiffOptions {
        ignore,
        max_drop_rate_per_hour: a.max_drop_rate,
        allow_playbook_change: a.allow_playbook_change,
    };
    let report = match snapshot::diff(&before, &after, &opts) {
        Ok(r) => r,
        Err(e) => return super::unusable(e),
    };
    for n in &report.notes {
        ui.note(format!("note: {n}"));
    }
    if let Some(out) = &a.out {
        let written = render_csv(&report.changes)
            .map_err(|e| e.to_string())
            .and_then(|b| crate::util::write_atomic(out, &b).map_err(|e| e.to_string()));
        if let Err(e) = written {
            return super::unusable(format!("cannot write {}: {e}", out.display()));
        }
    }
    if let Some(out) = &a.html {
        let page = crate::report::html::diff::render(&report, &before, &after);
        if let Err(e) = crate::report::html::write(out, &page) {
            return super::unusable(e);
        }
    }
    let text = match a.format {
        Format::Table => render_table(&report, &before, &after),
        Format::Csv => match render_csv(&report.changes) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return super::unusable(e),
        },
        Format::Json => render_json(&report, &before, &after),
    };
    print!("{text}");
    if report.regressed() {
        exit::CRITICAL
    } else {
        exit::OK
    }
}

/// CSV columns: severity, key, device, command, subject, field, before, after, message.
pub fn render_csv(changes: &[Change]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "severity", "key", "device", "command", "subject", "field", "before", "after", "message",
    ])?;
    for c in changes {
        w.write_record([
            c.severity.id(),
            &c.key,
            &c.device,
            c.command.as_deref().unwrap_or(""),
            c.subject.as_deref().unwrap_or(""),
            &c.field,
            c.before.as_deref().unwrap_or(""),
            c.after.as_deref().unwrap_or(""),
            &c.message,
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn describe(s: &Snapshot) -> serde_json::Value {
    serde_json::json!({
        "dir": s.dir.display().to_string(),
        "started_at": s.manifest.started_at,
        "playbook": s.manifest.playbook.name,
        "devices": s.manifest.devices.len(),
    })
}

pub fn render_json(r: &DiffReport, before: &Snapshot, after: &Snapshot) -> String {
    let summary: serde_json::Map<String, serde_json::Value> = Severity::ALL
        .iter()
        .map(|s| (s.id().to_string(), r.count(*s).into()))
        .collect();
    let v = serde_json::json!({
        "before": describe(before),
        "after": describe(after),
        "summary": summary,
        "ignored": r.ignored,
        "notes": r.notes,
        "changes": r.changes,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

pub fn render_table(r: &DiffReport, before: &Snapshot, after: &Snapshot) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "BEFORE {} ({}, {} devices)\nAFTER  {} ({}, {} devices)\n",
        before.dir.display(),
        before.manifest.started_at.format("%Y-%m-%d %H:%M:%SZ"),
        before.manifest.devices.len(),
        after.dir.display(),
        after.manifest.started_at.format("%Y-%m-%d %H:%M:%SZ"),
        after.manifest.devices.len(),
    );
    for sev in Severity::ALL {
        let group: Vec<&Change> = r.changes.iter().filter(|c| c.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{} ({}):", sev.id().to_uppercase(), group.len());
        for c in group {
            let _ = writeln!(s, "  {}", c.key);
            let _ = writeln!(s, "      {}", c.message);
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "{} regression(s), {} improvement(s), {} neutral change(s){}",
        r.count(Severity::Regression),
        r.count(Severity::Improvement),
        r.count(Severity::Neutral),
        if r.ignored > 0 {
            format!(", {} ignored", r.ignored)
        } else {
            String::new()
        }
    );
    s
}
