//! `show ntp status`: the [`NtpStatus`] record, read from the IOS / IOS-XE / ASA key-value
//! format or from WAAS `NTP enabled` / `Server list:` and its `ntpq -p` [`NtpPeer`] table.

use super::{cap, content_lines, non_empty, re, shorten, unrecognised};
use crate::parse::ParseError;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NtpPeer {
    /// Tally code as printed (`*` system peer, `+` candidate, `-` outlier, `x` false ticker,
    /// `#`, `.`, `o`), empty for none.
    pub tally: String,
    /// `true` for the system peer (`*`, or `o` for a PPS peer).
    pub selected: bool,
    pub remote: String,
    pub refid: String,
    pub stratum: Option<u8>,
    /// Peer type column (`u` unicast, `l` local, `b` broadcast, ...).
    pub kind: String,
    /// Seconds since the last packet (`when`, with `m`/`h`/`d` suffixes expanded); `None` for `-`.
    pub when_s: Option<u64>,
    pub poll_s: Option<u64>,
    /// Reachability register, octal as printed (`377` = last 8 polls answered).
    pub reach: String,
    pub delay_ms: Option<f64>,
    pub offset_ms: Option<f64>,
    pub jitter_ms: Option<f64>,
}

/// `show ntp status`, every platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NtpStatus {
    /// `false` for `%NTP is not enabled.` (IOS) and `NTP disabled` (WAAS).
    pub enabled: bool,
    pub synchronized: bool,
    /// Local stratum (IOS/ASA as printed; WAAS: system peer's stratum + 1).
    pub stratum: Option<u8>,
    /// Reference clock (`10.16.2.2`, `.LOCL.`); WAAS: the system peer.
    pub reference: Option<String>,
    /// Clock offset in milliseconds (WAAS: the system peer's offset).
    pub offset_ms: Option<f64>,
    pub root_delay_ms: Option<f64>,
    pub root_dispersion_ms: Option<f64>,
    pub peer_dispersion_ms: Option<f64>,
    pub nominal_freq_hz: Option<f64>,
    pub actual_freq_hz: Option<f64>,
    /// `2**14` as printed.
    pub precision: Option<String>,
    /// `DFA02517.D2F7B9F6 (13:40:23.824 EST Wed Nov 21 2018)` as printed.
    pub reference_time: Option<String>,
    /// NTP uptime in 1/100 s.
    pub uptime_cs: Option<u64>,
    pub resolution: Option<u64>,
    /// Loop filter state and its description, `'CTRL' (Normal Controlled Loop)` as printed.
    pub loopfilter_state: Option<String>,
    /// Drift in s/s.
    pub drift: Option<f64>,
    pub poll_interval_s: Option<u64>,
    pub last_update_s: Option<u64>,
    /// WAAS `Server list:`.
    pub servers: Vec<String>,
    /// WAAS peer table.
    pub peers: Vec<NtpPeer>,
}

impl NtpStatus {
    fn empty(enabled: bool) -> Self {
        NtpStatus {
            enabled,
            synchronized: false,
            stratum: None,
            reference: None,
            offset_ms: None,
            root_delay_ms: None,
            root_dispersion_ms: None,
            peer_dispersion_ms: None,
            nominal_freq_hz: None,
            actual_freq_hz: None,
            precision: None,
            reference_time: None,
            uptime_cs: None,
            resolution: None,
            loopfilter_state: None,
            drift: None,
            poll_interval_s: None,
            last_update_s: None,
            servers: Vec::new(),
            peers: Vec::new(),
        }
    }
}

static NTP_CLOCK_IS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^Clock is (\w+)(?:,\s*stratum (\d+))?(?:,\s*(?:reference is (\S+?)|(no reference clock)))?,?(?:\s.*)?$",
    )
});
static NUM_UNIT: LazyLock<Regex> = LazyLock::new(|| re(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*(\S*)"));

fn first_f64(s: &str) -> Option<f64> {
    NUM_UNIT
        .captures(s.trim())
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse::<f64>().ok())
        .filter(|f| f.is_finite())
}

fn first_u64(s: &str) -> Option<u64> {
    s.split_whitespace()
        .next()
        .and_then(|w| w.trim_end_matches(['.', ',']).parse().ok())
}

/// `show ntp status` in the IOS / IOS-XE / ASA format.
pub fn parse_ntp_status_ios(input: &str) -> Result<NtpStatus, ParseError> {
    let lines = content_lines(input);
    if lines.iter().any(|l| {
        let t = l.text.trim_start_matches('%').trim();
        t.starts_with("NTP is not enabled") || t.starts_with("NTP is not running")
    }) {
        return Ok(NtpStatus::empty(false));
    }
    let mut st = NtpStatus::empty(true);
    let mut seen = false;
    for l in &lines {
        let t = l.text.as_str();
        if let Some(c) = NTP_CLOCK_IS.captures(t) {
            if seen {
                continue;
            }
            seen = true;
            let state = c.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
            st.synchronized = match state.as_str() {
                "synchronized" | "synchronised" => true,
                "unsynchronized" | "unsynchronised" => false,
                _ => {
                    return Err(ParseError::new(
                        l.no,
                        format!("unknown NTP clock state `{state}` in `{}`", shorten(t)),
                    ))
                }
            };
            if let Some(s) = c.get(2) {
                st.stratum = Some(s.as_str().parse::<u8>().map_err(|_| {
                    ParseError::new(l.no, format!("stratum out of range in `{}`", shorten(t)))
                })?);
            }
            st.reference = cap(&c, 3);
            continue;
        }
        for part in t.split(", ") {
            let Some((key, value)) = part.split_once(" is ") else {
                if let Some(rest) = part.strip_prefix("last update was ") {
                    st.last_update_s = first_u64(rest);
                }
                continue;
            };
            let value = value.trim().trim_end_matches('.');
            match key.trim() {
                "nominal freq" => st.nominal_freq_hz = first_f64(value),
                "actual freq" => st.actual_freq_hz = first_f64(value),
                "precision" => st.precision = non_empty(value),
                "ntp uptime" => st.uptime_cs = first_u64(value),
                "resolution" => st.resolution = first_u64(value),
                "reference time" => st.reference_time = non_empty(value),
                "clock offset" => st.offset_ms = first_f64(value),
                "root delay" => st.root_delay_ms = first_f64(value),
                "root dispersion" => st.root_dispersion_ms = first_f64(value),
                "peer dispersion" => st.peer_dispersion_ms = first_f64(value),
                "loopfilter state" => st.loopfilter_state = non_empty(value),
                "drift" => st.drift = first_f64(value),
                "system poll interval" => st.poll_interval_s = first_u64(value),
                _ => {}
            }
        }
    }
    if !seen {
        return Err(unrecognised(&lines, "show ntp status"));
    }
    Ok(st)
}

fn when_seconds(s: &str) -> Option<u64> {
    if s == "-" {
        return None;
    }
    let (num, mult) = match s.chars().last() {
        Some('m') => (&s[..s.len() - 1], 60),
        Some('h') => (&s[..s.len() - 1], 3_600),
        Some('d') => (&s[..s.len() - 1], 86_400),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

fn peer_row(tally: &str, cols: &[&str]) -> Option<NtpPeer> {
    let [remote, refid, st, kind, when, poll, reach, delay, offset, jitter] = cols else {
        return None;
    };
    if !reach.chars().all(|c| c.is_digit(8)) {
        return None;
    }
    let f = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
    Some(NtpPeer {
        tally: tally.to_string(),
        selected: tally == "*" || tally == "o",
        remote: remote.to_string(),
        refid: refid.to_string(),
        stratum: st.parse().ok(),
        kind: kind.to_string(),
        when_s: when_seconds(when),
        poll_s: when_seconds(poll),
        reach: reach.to_string(),
        delay_ms: f(delay),
        offset_ms: f(offset),
        jitter_ms: f(jitter),
    })
}

/// `show ntp status` on WAAS: `NTP enabled|disabled`, `Server list:`, then the `ntpq -p` table.
pub fn parse_ntp_status_waas(input: &str) -> Result<NtpStatus, ParseError> {
    let lines = content_lines(input);
    let mut st = NtpStatus::empty(true);
    let mut state_seen = false;
    let mut table_indent: Option<usize> = None;
    let mut pending: Option<(String, String)> = None; // (tally, remote) of a wrapped row
                                                      // A row that does not read is an error, unless it is the last line (output cut short):
                                                      // then it is dropped, keeping only what it says about the system peer.
    let last_no = lines
        .iter()
        .rev()
        .find(|l| !l.text.is_empty())
        .map_or(0, |l| l.no);
    let mut cut_system_peer: Option<String> = None;
    for l in &lines {
        let t = l.text.as_str();
        if t.eq_ignore_ascii_case("NTP enabled") {
            state_seen = true;
            st.enabled = true;
            continue;
        }
        if t.eq_ignore_ascii_case("NTP disabled") {
            state_seen = true;
            st.enabled = false;
            continue;
        }
        if let Some(rest) = t.strip_prefix("Server list:") {
            state_seen = true;
            st.servers = rest.split_whitespace().map(str::to_string).collect();
            continue;
        }
        if t.starts_with("remote") && t.contains("refid") {
            state_seen = true;
            continue;
        }
        if !t.is_empty() && t.chars().all(|c| c == '=') {
            table_indent = Some(l.raw.len() - l.raw.trim_start().len());
            continue;
        }
        let Some(indent) = table_indent else { continue };
        if t.is_empty() {
            continue;
        }
        let body = l.raw.get(indent..).unwrap_or("");
        let (tally, rest) = match body.chars().next() {
            Some(c) if "*+-x#.o".contains(c) => (c.to_string(), &body[c.len_utf8()..]),
            _ => (String::new(), body),
        };
        let mut cols: Vec<&str> = rest.split_whitespace().collect();
        let (row_tally, held_remote) = match pending.take() {
            // The previous line held only a long remote name; this one holds the other columns.
            Some((pt, remote)) => (pt, Some(remote)),
            None => (tally, None),
        };
        if let Some(r) = held_remote.as_deref() {
            cols.insert(0, r);
        } else if cols.len() == 1 && l.no != last_no {
            pending = Some((
                row_tally,
                cols.first().map_or(String::new(), |s| s.to_string()),
            ));
            continue;
        }
        match peer_row(&row_tally, &cols) {
            Some(p) => st.peers.push(p),
            None if l.no == last_no => {
                if row_tally == "*" || row_tally == "o" {
                    cut_system_peer = cols.first().map(|s| s.to_string());
                }
            }
            None => {
                return Err(ParseError::new(
                    l.no,
                    format!("unrecognised NTP peer row `{}`", shorten(t)),
                ))
            }
        }
    }
    if !state_seen {
        return Err(unrecognised(&lines, "show ntp status"));
    }
    if let Some(sys) = st.peers.iter().find(|p| p.selected) {
        st.synchronized = true;
        st.reference = Some(sys.remote.clone());
        st.stratum = sys.stratum.and_then(|s| s.checked_add(1));
        st.offset_ms = sys.offset_ms;
        st.poll_interval_s = sys.poll_s;
        st.last_update_s = sys.when_s;
    } else if let Some(remote) = cut_system_peer {
        st.synchronized = true;
        st.reference = Some(remote);
    }
    if !st.enabled {
        st.synchronized = false;
    }
    Ok(st)
}

/// `show ntp status` in any of the formats.
pub fn parse_ntp_status(input: &str) -> Result<NtpStatus, ParseError> {
    let waas = input.lines().any(|l| {
        let t = l.trim();
        t.eq_ignore_ascii_case("NTP enabled")
            || t.eq_ignore_ascii_case("NTP disabled")
            || t.starts_with("Server list:")
    });
    if waas {
        parse_ntp_status_waas(input)
    } else {
        parse_ntp_status_ios(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntp_not_enabled() {
        let n = parse_ntp_status_ios("%NTP is not enabled.\n").unwrap();
        assert!(!n.enabled && !n.synchronized);
    }
}
