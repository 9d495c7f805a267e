//! The readable end-of-run summary for a terminal: devices grouped by health, the critical
//! findings first, then warnings, then totals. With `--history` it leads with what changed
//! since the previous run: the new findings, then the resolved ones.

use crate::health::{Health, Severity};
use crate::outcome::{DeviceReport, PollStatus};
use std::fmt::Write;

/// Findings listed per severity before the summary points at `--findings`.
const MAX_LISTED: usize = 40;

/// With `--history`: the previous run's start (`None`: this is the first run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Since {
    pub previous_run: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn render(reports: &[DeviceReport], elapsed: std::time::Duration) -> String {
    render_with(reports, elapsed, None)
}

/// [`render`], leading with the new and resolved findings when `since` is given.
pub fn render_with(
    reports: &[DeviceReport],
    elapsed: std::time::Duration,
    since: Option<Since>,
) -> String {
    let w_dev = reports
        .iter()
        .map(|r| r.device.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut s = String::new();
    if let Some(since) = since {
        changes(&mut s, reports, since, w_dev);
    }
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
    // Security contexts polled one by one (`asa_contexts`) are rows of their own.
    let contexts = reports.iter().filter(|r| r.context.is_some()).count();
    let _ = writeln!(
        s,
        "\n{} devices{} in {:.1} s: {} ok, {} warning, {} critical, {} unknown (not polled)",
        reports.len(),
        if contexts > 0 {
            format!(" ({contexts} of them ASA security contexts)")
        } else {
            String::new()
        },
        elapsed.as_secs_f64(),
        count(Health::Ok),
        count(Health::Warning),
        count(Health::Critical),
        count(Health::Unknown),
    );
    s
}

/// The new findings (worst first), then the resolved ones, since the previous run.
fn changes(s: &mut String, reports: &[DeviceReport], since: Since, w_dev: usize) {
    use crate::outcome::FindingStatus;
    let Some(prev) = since.previous_run else {
        let _ = writeln!(
            s,
            "First run in this history: every finding is new; the next run tells what changed.\n"
        );
        return;
    };
    let mut new: Vec<(&DeviceReport, &crate::health::Finding)> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .filter(|(_, f)| matches!(&f.standing, Some(x) if x.status == FindingStatus::New))
        .collect();
    new.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    let gone: Vec<(&DeviceReport, &crate::health::Finding)> = reports
        .iter()
        .flat_map(|r| r.resolved.iter().map(move |f| (r, f)))
        .collect();
    let when = prev.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if new.is_empty() && gone.is_empty() {
        let _ = writeln!(
            s,
            "Nothing new or resolved since the previous run ({when}).\n"
        );
        return;
    }
    for (title, rows) in [("NEW since", &new), ("RESOLVED since", &gone)] {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{title} the previous run ({when}) ({}):", rows.len());
        for (r, f) in rows.iter().take(MAX_LISTED) {
            let _ = writeln!(
                s,
                "  {:<w_dev$}  {:<8}  {:<26} {}",
                r.device,
                f.severity.id(),
                f.code,
                first_line(&f.message)
            );
        }
        if rows.len() > MAX_LISTED {
            let _ = writeln!(
                s,
                "  … and {} more (the status column of --findings FILE)",
                rows.len() - MAX_LISTED
            );
        }
        s.push('\n');
    }
}

/// The free text of a summary line stops at this many characters, the ellipsis included.
const MAX_TEXT: usize = 160;

/// The first line of `s` (control characters made spaces), at most [`MAX_TEXT`] characters.
fn first_line(s: &str) -> String {
    clip(
        &crate::util::one_line(s.lines().next().unwrap_or("")),
        MAX_TEXT,
    )
}

/// `s` if it has at most `max` characters; otherwise its longest prefix that ends at a word
/// end and leaves room for "…", then "…". Only a first word longer than the whole line is
/// cut inside (there is no boundary to cut at). Indices come from `char_indices`, so a
/// multibyte character is never split.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(1);
    let end = s.char_indices().nth(room).map_or(s.len(), |(i, _)| i);
    let (head, rest) = s.split_at(end);
    let word_end = if rest.starts_with(char::is_whitespace) {
        head.trim_end().len()
    } else {
        match head.rfind(char::is_whitespace) {
            Some(i) if !head[..i].trim_end().is_empty() => head[..i].trim_end().len(),
            _ => end,
        }
    };
    format!("{}…", &s[..word_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_after_a_whole_word() {
        assert_eq!(clip("short enough", 12), "short enough");
        assert_eq!(clip("", 5), "");
        // 11 characters into 10: "…" takes one, so "the quick" (9) is what fits.
        assert_eq!(clip("the quick brown", 10), "the quick…");
        // The cut falls right after a word: that word stays whole.
        assert_eq!(clip("the quick brown", 10), clip("the quick  brown", 10));
        assert_eq!(clip("abc def ghi", 8), "abc def…");
        assert_eq!(clip("abc defghijk", 8), "abc…");
        // Trailing spaces before the cut are not kept before the ellipsis.
        assert_eq!(clip("abc    defghijk", 8), "abc…");
        // A single word longer than the line has nowhere else to be cut.
        assert_eq!(clip("abcdefghijk", 5), "abcd…");
        assert_eq!(clip("   abcdefghijk", 6), "   ab…");
    }

    #[test]
    fn clip_counts_characters_and_never_splits_one() {
        // Each of these is 2 or 3 bytes in UTF-8; the limit is in characters.
        assert_eq!(clip("éééé ü", 6), "éééé ü");
        assert_eq!(clip("éééé üüü", 6), "éééé…");
        assert_eq!(clip("日本語のテキスト", 4), "日本語…");
        assert_eq!(clip("ß", 1), "ß");
        assert_eq!(clip("ßß", 1), "…");
    }

    #[test]
    fn first_line_takes_one_line_without_control_characters() {
        assert_eq!(first_line("one\ttwo\nthree"), "one two");
        let long = format!("{} tail", "word ".repeat(40));
        let got = first_line(&long);
        assert_eq!(got.chars().count(), 160, "a word ends right at the limit");
        assert_eq!(got, format!("{}word…", "word ".repeat(31)));
    }

    #[test]
    fn a_failed_device_line_ends_at_a_word_with_an_ellipsis() {
        let mut r = DeviceReport::sample("rtr-9");
        r.poll_status = PollStatus::Failed;
        r.health = Health::Unknown;
        r.failed_stage = Some(crate::session::error::Stage::Prompt);
        r.error = Some(format!(
            "timed out after 5s at stage prompt; last output: \"{}\"",
            "Übertragung läuft ".repeat(12)
        ));
        let s = render(&[r], std::time::Duration::from_millis(1500));
        let line = s.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "  rtr-9   cisco_ios   failed at prompt: timed out after 5s at stage prompt; last output: \"Übertragung läuft Übertragung läuft Übertragung läuft Übertragung läuft Übertragung läuft Übertragung läuft…"
        );
        assert_eq!(
            s,
            format!("UNKNOWN (1):\n{line}\n\n1 devices in 1.5 s: 0 ok, 0 warning, 0 critical, 1 unknown (not polled)\n")
        );
    }
}
