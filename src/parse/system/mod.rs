//! `show version`, `show clock` and `show ntp status` on every platform.
//!
//! Three output families are read:
//! - IOS / IOS-XE (`cisco_ios`, also used for `cisco_xe`): `Cisco IOS Software, ... Version X`,
//!   `<host> uptime is ...`, `Processor board ID ...`; clock `*10:00:00.123 UTC Mon Jan 1 2024`
//!   (`*` = not authoritative, `.` = synchronised but unsure); NTP `Clock is synchronized, ...`.
//! - ASA (`cisco_asa`): `Cisco Adaptive Security Appliance Software Version 9.x`,
//!   `<host> up N days M hours`, `Hardware:`, `Serial Number:`; clock and NTP as IOS.
//! - WAAS (`cisco_waas`): `Cisco Wide Area Application Services Software (WAAS)`,
//!   `Version: oe674-5.0.1.12`, `The system has been up for ...`; clock `Local time: ...`;
//!   NTP `NTP enabled` / `Server list:` then an `ntpq -p` peer table.
//!
//! Every parser tolerates CRLF, ANSI escapes, trailing spaces, an echoed command, a trailing
//! prompt, pager markers, banners and truncated output; output it cannot read at all (or a CLI
//! error such as `% Invalid input detected`) is a [`ParseError`] naming the line.
//!
//! One file per command family: `version.rs`, `clock.rs`, `ntp.rs`; `registry.rs` holds their
//! [`ParserSpec`](super::ParserSpec) entries and metrics. This file holds the line handling
//! they share, and re-exports every record and parser so `parse::system::X` paths stay as
//! they were.

mod clock;
mod ntp;
mod registry;
mod version;

pub use clock::{parse_clock, Clock, ClockAuthority};
pub use ntp::{parse_ntp_status, parse_ntp_status_ios, parse_ntp_status_waas, NtpPeer, NtpStatus};
pub use registry::parsers;
pub use version::{
    parse_version, parse_version_asa, parse_version_ios, parse_version_waas, SoftwareFamily,
    Version,
};

use super::{text, ParseError};
use regex::Regex;
use std::sync::LazyLock;

#[allow(clippy::panic)]
fn re(pattern: &str) -> Regex {
    // Patterns are literals in this module and covered by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex {pattern}: {e}"))
}

static ECHO_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:[A-Za-z0-9_.\-/()@:]*[#>]\s*)?sh(?:o|ow)?\s+\S"));
static PROMPT_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9_.\-/()@:]+[#>]$"));

/// One output line: 1-based number, the line with trailing space removed, and trimmed.
struct Line {
    no: usize,
    raw: String,
    text: String,
}

/// Lines of `input` with pager markers removed, echoed commands and bare prompts dropped.
fn content_lines(input: &str) -> Vec<Line> {
    text::lines(input)
        .into_iter()
        .filter_map(|(no, l)| {
            let raw = l
                .replace("<--- More --->", "")
                .replace("--More--", "")
                .trim_end()
                .to_string();
            let text = raw.trim().to_string();
            if ECHO_RE.is_match(&text) || PROMPT_RE.is_match(&text) {
                return None;
            }
            Some(Line { no, raw, text })
        })
        .collect()
}

/// A CLI error (`% Invalid input detected`, `ERROR: ...`, `% Incomplete command.`) anywhere in
/// the output becomes the parse error.
fn cli_error(lines: &[Line]) -> Option<ParseError> {
    lines.iter().find_map(|l| {
        let t = l.text.as_str();
        let bad = t.starts_with("% ")
            || t.starts_with("ERROR:")
            || t.starts_with("%Error")
            || t.starts_with("% Error");
        bad.then(|| ParseError::new(l.no, format!("device reported an error: `{t}`")))
    })
}

/// The error for output none of whose lines looks like `what`: names the first non-empty line.
fn unrecognised(lines: &[Line], what: &str) -> ParseError {
    if let Some(e) = cli_error(lines) {
        return e;
    }
    match lines.iter().find(|l| !l.text.is_empty()) {
        Some(l) => ParseError::new(
            l.no,
            format!(
                "not a `{what}` output: unrecognised line `{}`",
                shorten(&l.text)
            ),
        ),
        None => ParseError::new(0, format!("empty `{what}` output")),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(77).collect();
        t.push_str("...");
        t
    }
}

fn cap(c: &regex::Captures<'_>, i: usize) -> Option<String> {
    c.get(i).map(|m| m.as_str().trim().to_string())
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Seconds in a printed duration (`1 year, 2 weeks, 3 days, 4 hours, 5 minutes`,
/// `3 days 22 hours`, `27 days, 1 hour, 47 minutes, 32 seconds`); `None` unless every part is
/// a number followed by a known unit.
pub fn duration_seconds(text: &str) -> Option<u64> {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() || !tokens.len().is_multiple_of(2) {
        return None;
    }
    let mut total: u64 = 0;
    for pair in tokens.chunks(2) {
        let (num, unit) = match pair {
            [n, u] => (n.parse::<u64>().ok()?, u.to_ascii_lowercase()),
            _ => return None,
        };
        let mult: u64 = match unit.as_str() {
            "year" | "years" | "yr" | "yrs" => 365 * 86_400,
            "week" | "weeks" | "wk" | "wks" => 7 * 86_400,
            "day" | "days" => 86_400,
            "hour" | "hours" | "hr" | "hrs" => 3_600,
            "minute" | "minutes" | "min" | "mins" => 60,
            "second" | "seconds" | "sec" | "secs" => 1,
            _ => return None,
        };
        total = total.checked_add(num.checked_mul(mult)?)?;
    }
    Some(total)
}

fn is_duration_unit(word: &str) -> bool {
    duration_seconds(&format!("1 {word}")).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("1 hour, 20 minutes"), Some(4800));
        assert_eq!(
            duration_seconds("3 days 22 hours"),
            Some(3 * 86400 + 22 * 3600)
        );
        assert_eq!(duration_seconds("1 year 97 days"), Some(462 * 86400));
        assert_eq!(
            duration_seconds("27 days, 1 hour, 47 minutes, 32 seconds"),
            Some(27 * 86400 + 3600 + 47 * 60 + 32)
        );
        assert_eq!(duration_seconds("4 weeks, 2 days, 7 hours, 56"), None);
        assert_eq!(duration_seconds("forever"), None);
        assert_eq!(duration_seconds(""), None);
        assert_eq!(duration_seconds("99999999999999999999 years"), None);
        assert_eq!(duration_seconds("9999999999999 years"), None);
    }

    #[test]
    fn serde_strings_round_trip() {
        for f in [SoftwareFamily::Ios, SoftwareFamily::Other("x".into())] {
            let j = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<SoftwareFamily>(&j).unwrap(), f);
        }
        assert_eq!(
            serde_json::to_string(&ClockAuthority::Unsure).unwrap(),
            "\"unsure\""
        );
    }
}
