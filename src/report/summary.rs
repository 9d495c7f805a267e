//! The readable end-of-run summary for a terminal: devices grouped by health, the critical
//! findings first, then warnings, then totals.

use crate::health::{Health, Severity};
use crate::outcome::{DeviceReport, PollStatus};
use std::fmt::Write;

/// Findings listed per severity before the summary points at `--findings`.
const MAX_LISTED: usize = 40;

pub fn render(reports: &[DeviceReport], elapsed: std::time::Duration) -> String {
    let w_dev = reports
        .iter()
        .map(|r| r.device.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut s = String::new();
    for h in [
        Health::Critical,
        Health::Warning,
        Health::Unknown,
        Health::Ok,
    ] {
        let group: Vec<&DeviceReport> = reports.iter().filter(|r| r.health == h).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{} ({}):", h.id().to_uppercase(), group.len());
        for r in group {
            let detail = match r.poll_status {
                PollStatus::Polled if r.findings.is_empty() => {
                    format!("{} commands ok", r.commands.len())
                }
                PollStatus::Polled => crate::report::csv_out::finding_codes(r).replace(';', ", "),
                _ => format!(
                    "{}{}{}",
                    r.poll_status.id(),
                    r.failed_stage
                        .map(|s| format!(" at {s}"))
                        .unwrap_or_default(),
                    r.error
                        .as_deref()
                        .map(|e| format!(": {}", first_line(e)))
                        .unwrap_or_default()
                ),
            };
            let _ = writeln!(
                s,
                "  {:<w_dev$}  {:<10}  {detail}",
                r.device,
                r.platform.id()
            );
        }
    }
    for (sev, title) in [
        (Severity::Critical, "Critical findings"),
        (Severity::Warning, "Warnings"),
    ] {
        let rows: Vec<(&DeviceReport, &crate::health::Finding)> = reports
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
            .filter(|(_, f)| f.severity == sev)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title} ({}):", rows.len());
        for (r, f) in rows.iter().take(MAX_LISTED) {
            let _ = writeln!(
                s,
                "  {:<w_dev$}  {:<26} {}",
                r.device,
                f.code,
                first_line(&f.message)
            );
            // Critical findings carry what to look at and what to do; warnings stay one line.
            if sev == Severity::Critical {
                if !f.evidence.is_empty() {
                    let _ = writeln!(
                        s,
                        "  {:<w_dev$}  {:<26} evidence: {}",
                        "",
                        "",
                        first_line(&f.evidence)
                    );
                }
                let _ = writeln!(s, "  {:<w_dev$}  {:<26} fix: {}", "", "", f.remediation);
            }
        }
        if rows.len() > MAX_LISTED {
            let _ = writeln!(
                s,
                "  … and {} more (write them all with --findings FILE)",
                rows.len() - MAX_LISTED
            );
        }
    }
    let count = |h: Health| reports.iter().filter(|r| r.health == h).count();
    let _ = writeln!(
        s,
        "\n{} devices in {:.1} s: {} ok, {} warning, {} critical, {} unknown (not polled)",
        reports.len(),
        elapsed.as_secs_f64(),
        count(Health::Ok),
        count(Health::Warning),
        count(Health::Critical),
        count(Health::Unknown),
    );
    s
}

fn first_line(s: &str) -> &str {
    let l = s.lines().next().unwrap_or("");
    match l.char_indices().nth(160) {
        Some((i, _)) => &l[..i],
        None => l,
    }
}
