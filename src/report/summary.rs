//! The readable end-of-run summary for a terminal: one line per device, then totals.

use crate::runner::{DeviceReport, PollStatus};
use std::fmt::Write;

pub fn render(reports: &[DeviceReport], elapsed: std::time::Duration) -> String {
    let w_dev = reports.iter().map(|r| r.device.len()).max().unwrap_or(6).max(6);
    let mut s = String::new();
    let _ = writeln!(s, "{:<w_dev$}  {:<10}  {:<11}  detail", "device", "platform", "status");
    for r in reports {
        let detail = match r.poll_status {
            PollStatus::Polled => {
                let errs = r.command_errors();
                let ok = r.commands.len() - errs.len();
                if errs.is_empty() {
                    format!("{ok} commands ok")
                } else {
                    format!("{ok} commands ok; {}", errs.join(", "))
                }
            }
            _ => format!(
                "{}{}{}",
                r.error_class.map(|c| c.id()).unwrap_or("error"),
                r.failed_stage.map(|s| format!(" at {s}")).unwrap_or_default(),
                r.error.as_deref().map(|e| format!(": {}", first_line(e))).unwrap_or_default()
            ),
        };
        let _ = writeln!(
            s,
            "{:<w_dev$}  {:<10}  {:<11}  {detail}",
            r.device,
            r.platform.id(),
            r.poll_status.id()
        );
    }
    let count = |st: PollStatus| reports.iter().filter(|r| r.poll_status == st).count();
    let _ = writeln!(
        s,
        "\n{} devices in {:.1} s: {} polled, {} failed, {} interrupted, {} past the deadline; {} command errors",
        reports.len(),
        elapsed.as_secs_f64(),
        count(PollStatus::Polled),
        count(PollStatus::Failed),
        count(PollStatus::Interrupted),
        count(PollStatus::Deadline),
        reports.iter().map(|r| r.command_errors().len()).sum::<usize>()
    );
    s
}

fn first_line(s: &str) -> &str {
    let l = s.lines().next().unwrap_or("");
    match l.char_indices().nth(120) {
        Some((i, _)) => &l[..i],
        None => l,
    }
}
