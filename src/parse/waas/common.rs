//! Helpers shared by the WAAS parsers: clean device lines (no echo, prompt, pager marker or
//! blank line), device-literal state enums, `Name: value` splitting and column splitting.

use crate::parse::text;
use crate::parse::ParseError;

pub(crate) use crate::parse::text::device_enum;

device_enum! {
    /// An accelerator's or service's *Config State* column.
    ConfigState { Enabled => "Enabled", Disabled => "Disabled" }
}

device_enum! {
    /// An accelerator's or service's *Operational State* column.
    OperState { Running => "Running", Shutdown => "Shutdown" }
}

/// A meaningful line of device output: its 1-based number in the text given to the parser and
/// its cleaned text (CR, ANSI, pager marker and trailing space removed).
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub no: usize,
    pub text: String,
}

impl Line {
    /// Lowercase, single-spaced text, for matching headings and keys.
    pub fn norm(&self) -> String {
        norm(&self.text)
    }
}

/// Lowercase and collapse whitespace.
pub(crate) fn norm(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// True for a prompt line, with or without an echoed command: `WAE674#`, `WAE674# sh stat ...`,
/// `pdi-7541-dc#windows-domain ...`, `WAE674>`.
pub(crate) fn is_prompt(line: &str) -> bool {
    let t = line.trim_start();
    let Some(p) = t.find(['#', '>']) else {
        return false;
    };
    let host = t.get(..p).unwrap_or("");
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '(' | ')'))
}

/// True for a bare echoed command line (no prompt in front of it).
fn is_echo(line: &str) -> bool {
    let n = norm(line);
    let first = n.split(' ').next().unwrap_or("");
    (matches!(first, "show" | "sh" | "sho") && n.split(' ').count() >= 2)
        || (first.starts_with("acc") && n.contains("mapi verify"))
}

/// True for a line of dashes / underscores / `=` (a table rule).
pub(crate) fn is_rule(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.chars().all(|c| matches!(c, '-' | '_' | '=' | ' ' | '\t'))
}

/// The meaningful lines of a WAAS output: echoed command and prompt lines, pager markers and
/// blank lines dropped. A device error (`% Invalid input detected at '^' marker.`) is an `Err`
/// naming its line; an output with nothing left is an `Err` at line 0.
pub(crate) fn device_lines(input: &str) -> Result<Vec<Line>, ParseError> {
    let mut out = Vec::new();
    for (no, raw) in text::lines(input) {
        let cleaned = raw
            .replace(" --More-- ", "")
            .replace("--More--", "")
            .trim_end()
            .to_string();
        let t = cleaned.trim();
        if t.is_empty() || t == "^" {
            continue;
        }
        if t.starts_with('%') {
            let n = norm(t);
            if [
                "invalid input",
                "incomplete command",
                "ambiguous command",
                "unknown command",
            ]
            .iter()
            .any(|k| n.contains(k))
            {
                return Err(ParseError::new(
                    no,
                    format!("device rejected the command: {t}"),
                ));
            }
        }
        if is_prompt(t) || (out.is_empty() && is_echo(t)) {
            // The seed shows `Core#acc mapi verify encryption-settings [EDGE:]`: a group
            // heading printed on the echo line; keep it.
            if let Some(i) = t.rfind('[') {
                let tail = t.get(i..).unwrap_or("");
                if tail.ends_with(":]") && i > 0 {
                    out.push(Line {
                        no,
                        text: tail.to_string(),
                    });
                }
            }
            continue;
        }
        out.push(Line { no, text: cleaned });
    }
    if out.is_empty() {
        return Err(ParseError::new(0, "empty output"));
    }
    Ok(out)
}

/// True when the output ends with a prompt line (so its last line is complete, not cut off).
pub(crate) fn ends_with_prompt(input: &str) -> bool {
    text::lines(input)
        .iter()
        .rev()
        .find(|(_, l)| !l.trim().is_empty())
        .is_some_and(|(_, l)| is_prompt(l))
}

/// The line number of the last line when it may have been cut off (no prompt after it).
pub(crate) fn maybe_cut_line(input: &str, lines: &[Line]) -> Option<usize> {
    if ends_with_prompt(input) {
        None
    } else {
        lines.last().map(|l| l.no)
    }
}

/// Split `Name:   value` at the first colon: (normalized name, trimmed value).
pub(crate) fn split_kv(line: &str) -> Option<(String, &str)> {
    let (k, v) = line.split_once(':')?;
    let key = norm(k);
    if key.is_empty() {
        return None;
    }
    Some((key, v.trim()))
}

/// The leading integer of a counter value (`1`, `1 <----- annotation`, `1,234`).
pub(crate) fn leading_u64(value: &str) -> Option<u64> {
    text::parse_u64(value.split_whitespace().next()?)
}

/// Columns of a table row: split on tabs or runs of two or more spaces when the device kept its
/// layout; `None` when it did not (a single-spaced line), so callers can fall back to words.
pub(crate) fn columns(line: &str) -> Option<Vec<String>> {
    let mut cols = Vec::new();
    let mut cur = String::new();
    let mut spaces = 0usize;
    for c in line.trim().chars() {
        if c == '\t' {
            spaces = 2;
        } else if c == ' ' {
            spaces += 1;
        } else {
            if spaces >= 2 && !cur.is_empty() {
                cols.push(std::mem::take(&mut cur));
            } else if spaces == 1 {
                cur.push(' ');
            }
            spaces = 0;
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        cols.push(cur);
    }
    if cols.len() >= 2 {
        Some(cols)
    } else {
        None
    }
}

/// Parse `Yes` / `No` (any case).
pub(crate) fn yes_no(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if s.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// The first meaningful line, for error messages.
pub(crate) fn unrecognised(lines: &[Line], what: &str) -> ParseError {
    match lines.first() {
        Some(l) => ParseError::new(l.no, format!("expected {what}, found `{}`", l.text.trim())),
        None => ParseError::new(0, format!("expected {what}, found nothing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_and_echoes_are_dropped() {
        let l = device_lines("WAE674#show accelerator mapi\r\nMAPI:\r\nabc: 1\r\nWAE674#").unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].text, "MAPI:");
        assert_eq!(l[1].no, 3);
        let l = device_lines("show accelerator mapi\nabc: 1\n").unwrap();
        assert_eq!(l.len(), 1);
        assert!(!is_prompt(">>Mapi Accelerator should be Enabled"));
        let l =
            device_lines("Core#acc mapi verify encryption-settings [EDGE:]\nVerifying NTP State\n")
                .unwrap();
        assert_eq!(l[0].text, "[EDGE:]");
        assert_eq!(l[0].no, 1);
        assert!(is_prompt("pdi-7541-dc#windows-domain diagnostics"));
        assert!(is_prompt("WAE674>"));
        assert!(!is_prompt("Current Active Connections:   20"));
    }

    #[test]
    fn device_errors_are_errors() {
        let e =
            device_lines("WAE# show foo\n           ^\n% Invalid input detected at '^' marker.\n")
                .unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(device_lines("").unwrap_err().line, 0);
        assert_eq!(device_lines("WAE674#\r\n").unwrap_err().line, 0);
    }

    #[test]
    fn columns_split_on_wide_gaps_only() {
        assert_eq!(
            columns("WanSecure Mode       User     Not Applicable").unwrap(),
            vec!["WanSecure Mode", "User", "Not Applicable"]
        );
        assert_eq!(columns("a\tb c").unwrap(), vec!["a", "b c"]);
        assert!(columns("a b c").is_none());
    }

    #[test]
    fn device_enum_round_trips() {
        let s: ConfigState = "enabled".into();
        assert_eq!(s, ConfigState::Enabled);
        let o: OperState = "Starting".into();
        assert_eq!(o, OperState::Other("Starting".into()));
        let j = serde_json::to_string(&o).unwrap();
        assert_eq!(j, "\"Starting\"");
        let back: OperState = serde_json::from_str(&j).unwrap();
        assert_eq!(back, o);
        assert_eq!(
            serde_json::to_string(&OperState::Running).unwrap(),
            "\"Running\""
        );
    }

    #[test]
    fn leading_u64_ignores_annotations() {
        assert_eq!(leading_u64("1 <----- Encrypted connections"), Some(1));
        assert_eq!(leading_u64("x"), None);
        assert_eq!(leading_u64(""), None);
    }
}
