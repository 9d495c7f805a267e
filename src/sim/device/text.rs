//! The bytes a simulated device prints that are not command output: prompts, banners, the
//! pager and its erase sequence, the `Garbage` scenario's noise, and where a caret error
//! points.

use crate::Platform;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../platforms/sim_terminal.yaml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Erase {
    /// Backspace over the pager string, blank it, backspace again (IOS, WAAS).
    Backspace,
    /// Carriage return, blank, carriage return (ASA).
    Carriage,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Terminal {
    banner: String,
    pager: String,
    pager_erase: Erase,
    prompt_space: bool,
    commands: Vec<String>,
}

// Compiled-in data, checked by the tests: a mistake in it is a build defect.
#[allow(clippy::panic)]
fn terminal(platform: Platform) -> &'static Terminal {
    static DATA_: OnceLock<BTreeMap<Platform, Terminal>> = OnceLock::new();
    let all = DATA_.get_or_init(|| {
        serde_yaml::from_str(DATA).unwrap_or_else(|e| panic!("platforms/sim_terminal.yaml: {e}"))
    });
    let fam = platform.family();
    all.get(&fam)
        .unwrap_or_else(|| panic!("platforms/sim_terminal.yaml: no entry for {fam}"))
}

/// The bytes a device prints to erase its pager string once answered: IOS and WAAS
/// backspace over it, blank it and backspace again; the ASA returns the carriage, blanks the
/// string and returns again. Clients see these bytes in the output stream and must strip them.
pub fn pager_erase(platform: Platform) -> Vec<u8> {
    let t = terminal(platform);
    let n = t.pager.len();
    match t.pager_erase {
        Erase::Carriage => {
            let mut v = b"\r".to_vec();
            v.extend(std::iter::repeat_n(b' ', n));
            v.push(b'\r');
            v
        }
        Erase::Backspace => {
            let mut v = Vec::with_capacity(3 * n);
            v.extend(std::iter::repeat_n(b'\x08', n));
            v.extend(std::iter::repeat_n(b' ', n));
            v.extend(std::iter::repeat_n(b'\x08', n));
            v
        }
    }
}

/// The pager string of a platform.
pub fn pager_string(platform: Platform) -> &'static str {
    &terminal(platform).pager
}

/// The prompt a device prints in user (`privileged == false`) or privileged mode.
/// ASA prompts end in a space after `>`/`#`, like the real appliance; IOS and WAAS do not.
pub fn prompt(platform: Platform, hostname: &str, privileged: bool) -> String {
    let c = if privileged { '#' } else { '>' };
    let space = if terminal(platform).prompt_space {
        " "
    } else {
        ""
    };
    format!("{hostname}{c}{space}")
}

/// The short banner printed when the shell opens, before the first prompt.
pub fn banner(platform: Platform) -> &'static str {
    &terminal(platform).banner
}

/// `Garbage`: free text the device holds in Latin-1, not UTF-8 (a `©` in the copyright line,
/// a no-break space pasted into a username); the needle is replaced with the bytes.
pub const LATIN1: &[(&[u8], &[u8])] = &[
    (b"Copyright (c)", b"Copyright \xa9"),
    (b"last modified by netops", b"last modified by netops\xa0"),
];

/// `Garbage`: what a noisy terminal adds to output line `i`: ANSI colours and erase-line
/// sequences, stray control bytes (BEL, NUL padding, SO/SI) and, in free text, Latin-1 bytes
/// that are not UTF-8 (see [`LATIN1`]). A sanitizing client recovers the clean line, except
/// that the Latin-1 bytes become U+FFFD.
pub(super) fn garble(i: usize, line: &[u8]) -> Vec<u8> {
    let mut body = line.strip_suffix(b"\r\n").unwrap_or(line).to_vec();
    for (needle, latin1) in LATIN1 {
        if let Some(at) = body.windows(needle.len()).position(|w| w == *needle) {
            body.splice(at..at + needle.len(), latin1.iter().copied());
        }
    }
    let mut v = Vec::with_capacity(body.len() + 24);
    if i == 0 {
        v.push(0x07);
    }
    if body.is_empty() {
        // Padding a blank line, as old terminal servers do.
        v.extend_from_slice(b"\x00\x00");
    } else {
        match i % 4 {
            0 => {
                v.extend_from_slice(b"\x1b[1;32m");
                v.extend_from_slice(&body);
                v.extend_from_slice(b"\x1b[0m");
            }
            1 => {
                // A NUL and a shift-out/shift-in pair inside the line.
                let (head, tail) = body.split_at(body.len() / 2);
                v.extend_from_slice(head);
                v.extend_from_slice(b"\x00\x0e\x0f");
                v.extend_from_slice(tail);
            }
            2 => {
                v.extend_from_slice(&body);
                v.extend_from_slice(b"\x1b[K");
            }
            _ => {
                v.extend_from_slice(b"\x1b[33m\x1b[1m");
                v.extend_from_slice(&body);
                v.extend_from_slice(b"\x1b[m\x07");
            }
        }
    }
    v.extend_from_slice(b"\r\n");
    v
}

/// The words of a typed line (before any `|` filter) with their byte offsets in the line.
pub(super) fn words_with_offsets(line: &str) -> Vec<(usize, &str)> {
    let head = line.split('|').next().unwrap_or("");
    let mut v = Vec::new();
    let mut start = None;
    for (i, c) in head.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                v.push((s, &head[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        v.push((s, &head[s..]));
    }
    v
}

/// `text` split into lines, each ending in CRLF (a final line without `\n` gets one too).
pub(super) fn crlf_lines(text: &str) -> Vec<Vec<u8>> {
    text.split_inclusive('\n')
        .map(|l| {
            let l = l.strip_suffix('\n').unwrap_or(l);
            let l = l.strip_suffix('\r').unwrap_or(l);
            let mut v = Vec::with_capacity(l.len() + 2);
            v.extend_from_slice(l.as_bytes());
            v.extend_from_slice(b"\r\n");
            v
        })
        .collect()
}

pub(super) enum CommandError {
    Incomplete,
    InvalidAt(usize),
}

/// Why a non-rendered command is rejected: a strict word-prefix of a known command is
/// incomplete; otherwise the caret goes under the first word no known command has there.
pub(super) fn locate_error(platform: Platform, command: &str) -> CommandError {
    let words: Vec<&str> = command.split(' ').filter(|w| !w.is_empty()).collect();
    let known = terminal(platform).commands.iter();
    let mut best = 0usize;
    let mut incomplete = false;
    let mut exact = false;
    for k in known {
        let kw: Vec<&str> = k.split(' ').collect();
        let common = kw
            .iter()
            .zip(words.iter())
            .take_while(|(a, b)| a == b)
            .count();
        if common == words.len() {
            exact |= kw.len() == words.len();
            incomplete |= kw.len() > words.len();
        }
        best = best.max(common);
    }
    if incomplete && !exact {
        CommandError::Incomplete
    } else {
        CommandError::InvalidAt(best.min(words.len().saturating_sub(1)))
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;

    #[test]
    fn every_platform_has_its_terminal() {
        for p in Platform::ALL {
            let t = terminal(p);
            assert!(!t.pager.is_empty() && !t.commands.is_empty(), "{p}");
            assert!(t.banner.ends_with("\r\n"), "{p}");
        }
        assert_eq!(
            banner(Platform::CiscoXe),
            "\r\n\
             **************************************************************\r\n\
             * Authorized access only. All activity is logged and audited. *\r\n\
             **************************************************************\r\n\r\n"
        );
        assert!(banner(Platform::CiscoWaas).contains("Copyright (c) 1999-2016"));
        assert_eq!(pager_string(Platform::CiscoAsa), "<--- More --->");
        assert_eq!(pager_string(Platform::CiscoWaas), " --More-- ");
        assert_eq!(prompt(Platform::CiscoAsa, "fw", true), "fw# ");
        assert_eq!(prompt(Platform::CiscoIos, "R1", false), "R1>");
    }
}
