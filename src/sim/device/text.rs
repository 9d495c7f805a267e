//! The bytes a simulated device prints that are not command output: prompts, banners, the
//! pager and its erase sequence, the `Garbage` scenario's noise, and where a caret error
//! points.

use super::{ASA_MORE, IOS_MORE};
use crate::Platform;

/// The bytes a device prints to erase its pager string once answered: IOS and WAAS
/// backspace over it, blank it and backspace again; the ASA returns the carriage, blanks the
/// string and returns again. Clients see these bytes in the output stream and must strip them.
pub fn pager_erase(platform: Platform) -> Vec<u8> {
    match platform.family() {
        Platform::CiscoAsa => {
            let mut v = b"\r".to_vec();
            v.extend(std::iter::repeat_n(b' ', ASA_MORE.len()));
            v.push(b'\r');
            v
        }
        _ => {
            let n = IOS_MORE.len();
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
    match platform.family() {
        Platform::CiscoAsa => ASA_MORE,
        _ => IOS_MORE,
    }
}

/// The prompt a device prints in user (`privileged == false`) or privileged mode.
/// ASA prompts end in a space after `>`/`#`, like the real appliance; IOS and WAAS do not.
pub fn prompt(platform: Platform, hostname: &str, privileged: bool) -> String {
    let c = if privileged { '#' } else { '>' };
    match platform.family() {
        Platform::CiscoAsa => format!("{hostname}{c} "),
        _ => format!("{hostname}{c}"),
    }
}

/// The short banner printed when the shell opens, before the first prompt.
pub fn banner(platform: Platform) -> &'static str {
    match platform {
        Platform::CiscoAsa => "Type help or '?' for a list of available commands.\r\n",
        Platform::CiscoWaas => {
            "\r\nCisco Wide Area Application Services Software (WAAS)\r\n\
             Copyright (c) 1999-2016 by Cisco Systems, Inc.\r\n\r\n"
        }
        Platform::CiscoIos | Platform::CiscoXe => {
            "\r\n\
             **************************************************************\r\n\
             * Authorized access only. All activity is logged and audited. *\r\n\
             **************************************************************\r\n\r\n"
        }
    }
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

/// Extra commands the simulated devices know the shape of, beyond the parser registry
/// (only used to place the caret and to tell "incomplete" from "invalid").
const EXTRA_COMMANDS: &[&str] = &[
    "show version",
    "show clock",
    "show ntp status",
    "show ntp associations",
    "show running-config",
    "show running-config all sysopt",
    "show startup-config",
    "show inventory",
    "show interfaces",
    "show ip interface brief",
    "show interface ip brief",
    "show license",
    "show accelerator",
    "show accelerator mapi",
    "show statistics accelerator mapi",
    "show statistics accelerator epm",
    "show statistics connection optimized mapi",
    "show cms secure store",
    "accelerator mapi verify encryption-settings",
    "show crypto isakmp sa",
    "show crypto ipsec sa",
    "show platform cerm-information",
    "show asp drop",
    "show vpn-sessiondb summary",
    "show management-access",
];

/// Why a non-rendered command is rejected: a strict word-prefix of a known command is
/// incomplete; otherwise the caret goes under the first word no known command has there.
pub(super) fn locate_error(platform: Platform, command: &str) -> CommandError {
    let words: Vec<&str> = command.split(' ').filter(|w| !w.is_empty()).collect();
    let fam = platform.family();
    let known = crate::parse::registry()
        .iter()
        .filter(|s| s.platforms.contains(&fam))
        .map(|s| s.command)
        .chain(EXTRA_COMMANDS.iter().copied());
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
