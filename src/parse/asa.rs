//! ASA: `show vpn-sessiondb summary` (and bare `show vpn-sessiondb`, which prints the same
//! summary) and `show asp drop`.
//!
//! `show vpn-sessiondb summary` (8.3+ and 9.x):
//!
//! ```text
//! ---------------------------------------------------------------------------
//! VPN Session Summary
//! ---------------------------------------------------------------------------
//!                                Active : Cumulative : Peak Concur : Inactive
//!                              ----------------------------------------------
//! AnyConnect Client            :    127 :        432 :         205 :        0
//!   SSL/TLS/DTLS               :    127 :        432 :         205 :        0
//! Site-to-Site VPN             :     29 :         59 :          29
//!   IKEv2 IPsec                :     29 :         59 :          29
//! ---------------------------------------------------------------------------
//! Total Active and Inactive    :    127             Total Cumulative :    432
//! Device Total VPN Capacity    :   5000
//! Device Load                  :     0%
//! ```
//!
//! optionally followed by a `Tunnels Summary` table; ASA 8.2–8.4 print a `Sessions:` table with
//! a `Totals` row and `License Information:` instead, whose licence lines
//! (`SSL VPN :   10    Configured :   10    Active :    4    Load :  40%`) are kept. Indented rows are sub-rows of the category
//! above them (relative indentation, so uniformly indented captures still work).
//!
//! `show asp drop`: `Frame drop:` and `Flow drop:` sections of `Description (id)   count`
//! lines (older releases print no `(id)`; long ids are cut without a closing parenthesis), each
//! ending with `Last clearing: ...`.

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// show vpn-sessiondb summary
// ---------------------------------------------------------------------------------------------

/// One row of the `VPN Session Summary` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnSessionRow {
    /// Row label as printed (`AnyConnect Client`, `IKEv2 IPsec`, ...).
    pub name: String,
    /// For an indented sub-row: the category row above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub active: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cumulative: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_concurrent: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive: Option<u64>,
}

/// One row of the `Tunnels Summary` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnTunnelRow {
    pub name: String,
    pub active: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cumulative: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_concurrent: Option<u64>,
}

/// One licence line of the 8.x `License Information:` block:
/// `IPsec   :    250    Configured :    250    Active :      7    Load :   3%`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnLicenseRow {
    /// `IPsec`, `SSL VPN`, as printed.
    pub name: String,
    /// The licensed limit (the number after the name).
    pub limit: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configured: Option<u64>,
    pub active: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_percent: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpnSessiondbSummary {
    pub sessions: Vec<VpnSessionRow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tunnels: Vec<VpnTunnelRow>,
    /// `Total Active and Inactive` (8.2: the `Totals` row's active column).
    pub total_active_and_inactive: Option<u64>,
    /// `Total Cumulative` (8.2: the `Totals` row's cumulative column).
    pub total_cumulative: Option<u64>,
    /// `Device Total VPN Capacity`.
    pub device_capacity: Option<u64>,
    /// `Device Load` in percent.
    pub device_load_percent: Option<u64>,
    /// `Totals` of the tunnels table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnels_total_active: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnels_total_cumulative: Option<u64>,
    /// ASA 8.x `License Information:` lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<VpnLicenseRow>,
}

impl VpnSessiondbSummary {
    fn categories(&self) -> impl Iterator<Item = &VpnSessionRow> {
        self.sessions.iter().filter(|r| r.category.is_none())
    }
    /// Active sessions: sum of the category rows.
    pub fn active(&self) -> u64 {
        self.categories().map(|r| r.active).sum()
    }
    /// Inactive sessions: sum of the category rows that print the column.
    pub fn inactive(&self) -> u64 {
        self.categories().filter_map(|r| r.inactive).sum()
    }
    /// Active sessions of the first category whose name contains one of `needles`
    /// (case-insensitive), `None` if no such row.
    pub fn category_active(&self, needles: &[&str]) -> Option<u64> {
        self.categories()
            .find(|r| {
                let n = r.name.to_ascii_lowercase();
                needles.iter().any(|x| n.contains(x))
            })
            .map(|r| r.active)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum VpnSection {
    None,
    Sessions,
    Tunnels,
    License,
    Other,
}

/// `SSL VPN :   10    Configured :   10    Active :    4    Load :  40%`: each number is the
/// value of the label before it (the name's value being the limit).
fn license_row(t: &str) -> Option<VpnLicenseRow> {
    let mut parts = t.split(':');
    let name = parts.next()?.trim();
    let mut label = "limit".to_string();
    let mut vals: Vec<(String, u64)> = Vec::new();
    for p in parts {
        let p = p.trim();
        let (num, next) = match p.split_once(char::is_whitespace) {
            Some((n, rest)) => (n, rest.trim()),
            None => (p, ""),
        };
        vals.push((label, text::parse_u64(num.trim_end_matches('%'))?));
        label = next.to_ascii_lowercase();
    }
    let get = |k: &str| vals.iter().find(|(l, _)| l == k).map(|(_, v)| *v);
    Some(VpnLicenseRow {
        name: name.to_string(),
        limit: get("limit")?,
        configured: get("configured"),
        active: get("active")?,
        load_percent: get("load"),
    })
}

/// Split `Label : 1 : 2 : 3` into the label, its leading indentation, and the numbers.
fn colon_row(line: &str) -> Option<(usize, &str, Vec<u64>)> {
    let indent = line.len() - line.trim_start().len();
    let mut parts = line.split(':');
    let label = parts.next()?.trim();
    let mut nums = Vec::new();
    for p in parts {
        nums.push(text::parse_u64(p.trim().trim_end_matches('%'))?);
    }
    (!label.is_empty() && !nums.is_empty()).then_some((indent, label, nums))
}

/// Parse `show vpn-sessiondb summary` / `show vpn-sessiondb`.
pub fn parse_vpn_sessiondb_summary(input: &str) -> Result<VpnSessiondbSummary, ParseError> {
    let mut out = VpnSessiondbSummary::default();
    let mut section = VpnSection::None;
    let mut structured = false;
    let mut first_unknown: Option<(usize, String)> = None;
    // Indentation of category rows in the sessions table, and the current category.
    let mut base_indent: Option<usize> = None;
    let mut category: Option<String> = None;
    let lines = text::lines(input);
    let last_n = lines
        .iter()
        .rev()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(0, |(n, _)| *n);

    for (n, line) in lines {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        if t.bytes().all(|b| b == b'-' || b == b'=') {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("vpn session summary")
            || lower == "sessions:"
            || lower.starts_with("active session summary")
        {
            section = VpnSection::Sessions;
            base_indent = None;
            structured = true;
            continue;
        }
        if lower.starts_with("tunnels summary") {
            section = VpnSection::Tunnels;
            structured = true;
            continue;
        }
        if lower.starts_with("license information") {
            section = VpnSection::License;
            continue;
        }
        if lower.starts_with("active nac sessions") {
            section = VpnSection::Other;
            continue;
        }
        if section == VpnSection::License && lower.contains("configured") {
            if let Some(row) = license_row(t) {
                out.licenses.push(row);
                continue;
            }
        }
        if lower.starts_with("active :") || lower.starts_with("active:") {
            continue;
        }
        if lower == "show vpn-sessiondb" || lower == "show vpn-sessiondb summary" {
            continue;
        }
        if lower.starts_with("total active and inactive") {
            // `Total Active and Inactive : 2    Total Cumulative : 8`
            let nums: Vec<u64> = t
                .split(':')
                .skip(1)
                .filter_map(|p| p.split_whitespace().next().and_then(text::parse_u64))
                .collect();
            out.total_active_and_inactive = nums.first().copied();
            out.total_cumulative = nums.get(1).copied();
            structured = true;
            continue;
        }
        if let Some(v) = lower.strip_prefix("device total vpn capacity") {
            out.device_capacity = text::parse_u64(v.trim_start_matches([' ', ':']));
            structured = true;
            continue;
        }
        if let Some(v) = lower.strip_prefix("device load") {
            out.device_load_percent =
                text::parse_u64(v.trim_start_matches([' ', ':']).trim_end_matches('%'));
            structured = true;
            continue;
        }
        let Some((indent, label, nums)) = colon_row(&line) else {
            if structured {
                // e.g. 8.2 license lines `IPsec : 250 Configured : 250 ...`; not kept.
                if (section == VpnSection::Sessions || section == VpnSection::Tunnels)
                    && n != last_n
                {
                    return Err(ParseError::new(
                        n,
                        format!("unexpected line in table: `{t}`"),
                    ));
                }
                continue;
            }
            if first_unknown.is_none() {
                first_unknown = Some((n, t.to_string()));
            }
            continue;
        };
        let get = |i: usize| nums.get(i).copied();
        match section {
            VpnSection::Sessions => {
                if label.eq_ignore_ascii_case("totals") {
                    out.total_active_and_inactive = get(0);
                    out.total_cumulative = get(1);
                    continue;
                }
                let base = *base_indent.get_or_insert(indent);
                let cat = if indent > base {
                    category.clone()
                } else {
                    category = Some(label.to_string());
                    None
                };
                out.sessions.push(VpnSessionRow {
                    name: label.to_string(),
                    category: cat,
                    active: get(0).unwrap_or(0),
                    cumulative: get(1),
                    peak_concurrent: get(2),
                    inactive: get(3),
                });
            }
            VpnSection::Tunnels => {
                if label.eq_ignore_ascii_case("totals") {
                    out.tunnels_total_active = get(0);
                    out.tunnels_total_cumulative = get(1);
                    continue;
                }
                out.tunnels.push(VpnTunnelRow {
                    name: label.to_string(),
                    active: get(0).unwrap_or(0),
                    cumulative: get(1),
                    peak_concurrent: get(2),
                });
            }
            VpnSection::License | VpnSection::Other => {}
            VpnSection::None => {
                if first_unknown.is_none() {
                    first_unknown = Some((n, t.to_string()));
                }
            }
        }
    }
    if !structured {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a VPN session summary: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// show asp drop
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AspDrop {
    /// `Frame drop:` counters by drop id (the text in parentheses, as printed, possibly cut
    /// short by the device; the description when a release prints no id).
    pub frame_drops: BTreeMap<String, u64>,
    /// `Flow drop:` counters, keyed like `frame_drops`.
    pub flow_drops: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_last_clearing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_last_clearing: Option<String>,
    /// `Expired VPN context (vpn-context-expired)`, frame and flow summed; 0 when the device
    /// prints no such line (the ASA lists only non-zero counters).
    pub expired_vpn_context: u64,
}

impl AspDrop {
    pub fn frame_total(&self) -> u64 {
        self.frame_drops
            .values()
            .fold(0, |a, b| a.saturating_add(*b))
    }
    pub fn flow_total(&self) -> u64 {
        self.flow_drops
            .values()
            .fold(0, |a, b| a.saturating_add(*b))
    }
}

#[derive(Clone, Copy, PartialEq)]
enum AspSection {
    None,
    Frame,
    Flow,
}

fn is_expired_vpn_context(id: &str, desc: &str) -> bool {
    id.eq_ignore_ascii_case("vpn-context-expired")
        || desc.to_ascii_lowercase().starts_with("expired vpn context")
}

/// Parse `show asp drop` (also `show asp drop frame` / `flow`).
pub fn parse_asp_drop(input: &str) -> Result<AspDrop, ParseError> {
    let mut out = AspDrop::default();
    let mut section = AspSection::None;
    let mut structured = false;
    let mut first_unknown: Option<(usize, String)> = None;
    let lines = text::lines(input);
    let last_n = lines
        .iter()
        .rev()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(0, |(n, _)| *n);

    for (n, line) in &lines {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(*n, format!("device error: {e}")));
        }
        let lower = t.to_ascii_lowercase();
        if lower == "frame drop:" {
            section = AspSection::Frame;
            structured = true;
            continue;
        }
        if lower == "flow drop:" {
            section = AspSection::Flow;
            structured = true;
            continue;
        }
        if let Some(v) = lower.strip_prefix("last clearing:") {
            let v = t.get(t.len() - v.len()..).unwrap_or("").trim().to_string();
            match section {
                AspSection::Frame => out.frame_last_clearing = Some(v),
                AspSection::Flow => out.flow_last_clearing = Some(v),
                AspSection::None => {}
            }
            structured = true;
            continue;
        }
        // `Description (id)      count`
        let counter = t.rsplit_once(char::is_whitespace).and_then(|(d, c)| {
            let c = text::parse_u64(c)?;
            let d = d.trim_end();
            let (desc, id) = match d.rsplit_once('(') {
                Some((desc, id)) => (desc.trim_end(), id.trim_end_matches(')').trim()),
                None => (d, d),
            };
            (!id.is_empty()).then_some((desc, id, c))
        });
        match (section, counter) {
            (AspSection::None, _) => {
                if first_unknown.is_none() {
                    first_unknown = Some((*n, t.to_string()));
                }
            }
            (sec, Some((desc, id, c))) => {
                if is_expired_vpn_context(id, desc) {
                    out.expired_vpn_context = out.expired_vpn_context.saturating_add(c);
                }
                let map = if sec == AspSection::Frame {
                    &mut out.frame_drops
                } else {
                    &mut out.flow_drops
                };
                let slot = map.entry(id.to_string()).or_insert(0);
                *slot = slot.saturating_add(c);
            }
            (_, None) if *n == last_n => {} // counter line cut by truncation
            (_, None) => {
                return Err(ParseError::new(*n, format!("not a drop counter: `{t}`")));
            }
        }
    }
    if !structured {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a `show asp drop` output: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const VPN_METRICS: &[Metric] = &[
    Metric {
        name: "vpn_sessions_active",
        help: "Active VPN sessions (sum of the session categories)",
        get: |r| VpnSessiondbSummary::of(r).map(|x| x.active().to_string()),
    },
    Metric {
        name: "vpn_sessions_inactive",
        help: "Inactive VPN sessions (sum of the session categories)",
        get: |r| VpnSessiondbSummary::of(r).map(|x| x.inactive().to_string()),
    },
    Metric {
        name: "vpn_sessions_total",
        help: "Total Active and Inactive sessions as printed by the ASA",
        get: |r| {
            VpnSessiondbSummary::of(r)
                .and_then(|x| x.total_active_and_inactive.map(|v| v.to_string()))
        },
    },
    Metric {
        name: "vpn_l2l_active",
        help: "Active site-to-site (LAN-to-LAN) sessions",
        get: |r| {
            VpnSessiondbSummary::of(r).map(|x| {
                x.category_active(&["site-to-site", "lan-to-lan", "l2l"])
                    .unwrap_or(0)
                    .to_string()
            })
        },
    },
    Metric {
        name: "vpn_anyconnect_active",
        help: "Active AnyConnect client sessions",
        get: |r| {
            VpnSessiondbSummary::of(r)
                .map(|x| x.category_active(&["anyconnect"]).unwrap_or(0).to_string())
        },
    },
    Metric {
        name: "vpn_capacity",
        help: "Device Total VPN Capacity",
        get: |r| VpnSessiondbSummary::of(r).and_then(|x| x.device_capacity.map(|v| v.to_string())),
    },
    Metric {
        name: "vpn_load_percent",
        help: "Device Load, percent of the VPN capacity",
        get: |r| {
            VpnSessiondbSummary::of(r).and_then(|x| x.device_load_percent.map(|v| v.to_string()))
        },
    },
];

const ASP_METRICS: &[Metric] = &[
    Metric {
        name: "asp_expired_vpn_context",
        help: "ASP drops `Expired VPN context` (rising = known rekey problem)",
        get: |r| AspDrop::of(r).map(|x| x.expired_vpn_context.to_string()),
    },
    Metric {
        name: "asp_frame_drops",
        help: "Sum of all ASP frame drop counters",
        get: |r| AspDrop::of(r).map(|x| x.frame_total().to_string()),
    },
    Metric {
        name: "asp_flow_drops",
        help: "Sum of all ASP flow drop counters",
        get: |r| AspDrop::of(r).map(|x| x.flow_total().to_string()),
    },
];

fn parse_vpn_record(t: &str) -> Result<Record, ParseError> {
    parse_vpn_sessiondb_summary(t).map(Record::VpnSessiondbSummary)
}

fn parse_asp_record(t: &str) -> Result<Record, ParseError> {
    parse_asp_drop(t).map(Record::AspDrop)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "vpn_sessiondb_summary",
            command: "show vpn-sessiondb summary",
            args: &[],
            platforms: &[Platform::CiscoAsa],
            parse: parse_vpn_record,
            metrics: VPN_METRICS,
        },
        ParserSpec {
            name: "vpn_sessiondb",
            command: "show vpn-sessiondb",
            args: &[],
            platforms: &[Platform::CiscoAsa],
            parse: parse_vpn_record,
            metrics: VPN_METRICS,
        },
        ParserSpec {
            name: "asp_drop",
            command: "show asp drop",
            args: &[Arg::Key("frame", 1), Arg::Key("flow", 1)],
            platforms: &[Platform::CiscoAsa],
            parse: parse_asp_record,
            metrics: ASP_METRICS,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = r"---------------------------------------------------------------------------
VPN Session Summary
---------------------------------------------------------------------------
                               Active : Cumulative : Peak Concur : Inactive
                             ----------------------------------------------
AnyConnect Client            :     41 :       9120 :          77 :        3
  SSL/TLS/DTLS               :     41 :       9120 :          77 :        3
Site-to-Site VPN             :     12 :        310 :          14
  IKEv1 IPsec                :      4 :        200 :           5
  IKEv2 IPsec                :      8 :        110 :           9
---------------------------------------------------------------------------
Total Active and Inactive    :     56             Total Cumulative :   9430
Device Total VPN Capacity    :    750
Device Load                  :     7%
---------------------------------------------------------------------------

---------------------------------------------------------------------------
Tunnels Summary
---------------------------------------------------------------------------
                               Active : Cumulative : Peak Concurrent
                             ----------------------------------------------
IKEv1                        :      4 :        200 :               5
AnyConnect-Parent            :     41 :       9120 :              77
---------------------------------------------------------------------------
Totals                       :     45 :       9320
---------------------------------------------------------------------------
";

    #[test]
    fn summary_9x() {
        let s = parse_vpn_sessiondb_summary(SUMMARY).unwrap();
        assert_eq!(s.sessions.len(), 5);
        assert_eq!(s.sessions[0].inactive, Some(3));
        assert_eq!(s.sessions[1].category.as_deref(), Some("AnyConnect Client"));
        assert_eq!(s.sessions[3].category.as_deref(), Some("Site-to-Site VPN"));
        assert_eq!(s.sessions[2].inactive, None);
        assert_eq!(s.active(), 53);
        assert_eq!(s.inactive(), 3);
        assert_eq!(s.category_active(&["site-to-site"]), Some(12));
        assert_eq!(s.total_active_and_inactive, Some(56));
        assert_eq!(s.total_cumulative, Some(9430));
        assert_eq!(s.device_capacity, Some(750));
        assert_eq!(s.device_load_percent, Some(7));
        assert_eq!(s.tunnels.len(), 2);
        assert_eq!(s.tunnels_total_active, Some(45));
        assert_eq!(s.tunnels_total_cumulative, Some(9320));
    }

    #[test]
    fn summary_indented_and_errors() {
        let indented: String = SUMMARY
            .lines()
            .map(|l| format!("        {l}\r\n"))
            .collect();
        let s = parse_vpn_sessiondb_summary(&indented).unwrap();
        assert_eq!(s.active(), 53);
        assert_eq!(s.sessions[4].category.as_deref(), Some("Site-to-Site VPN"));
        assert!(parse_vpn_sessiondb_summary("").is_err());
        assert_eq!(
            parse_vpn_sessiondb_summary(
                "fw# show vpn-sessiondb summar\nERROR: % Invalid input detected at '^' marker.\n"
            )
            .unwrap_err()
            .line,
            2
        );
        for i in 0..SUMMARY.len() {
            let _ = parse_vpn_sessiondb_summary(SUMMARY.get(..i).unwrap_or(""));
        }
    }

    #[test]
    fn summary_8x_license_information() {
        let s = parse_vpn_sessiondb_summary(
            "Active Session Summary\n\nSessions:\n                          Active : Cumulative : Peak Concurrent : Inactive\n\
  SSL VPN               :      9 :        112 :              10\n\
    Clientless only     :      1 :         30 :               3\n\
    With client         :      8 :         82 :               9 :        1\n\
  Totals                :      9 :        112\n\nLicense Information:\n\
  IPsec   :    250    Configured :    250    Active :      0    Load :   0%\n\
  SSL VPN :     10    Configured :     10    Active :      9    Load :  90%\n\
                      Active : Cumulative : Peak Concurrent\n\
  IPsec               :      0 :          0 :               0\n\
  SSL VPN             :      9 :        112 :              10\n\
    AnyConnect Mobile :      0 :          0 :               0\n\
  Totals              :      9 :        112\n",
        )
        .unwrap();
        assert_eq!(s.licenses.len(), 2);
        let l = &s.licenses[1];
        assert_eq!(l.name, "SSL VPN");
        assert_eq!(
            (l.limit, l.configured, l.active, l.load_percent),
            (10, Some(10), 9, Some(90))
        );
        assert_eq!(s.licenses[0].limit, 250);
        assert_eq!(s.total_active_and_inactive, Some(9));
        assert_eq!(s.sessions.len(), 3);
        assert_eq!(
            license_row("SSL VPN : ten Configured : 10 Active : 9"),
            None
        );
    }

    const ASP: &str = "\nFrame drop:\n  Invalid encapsulation (invalid-encap)                                      12\n\
  Expired VPN context (vpn-context-expired)                               48211\n\
  Dropped pending packets due to a failed attempt to get an internal socket lock (np-socket-lock-failu          7\n\n\
Last clearing: Never\n\nFlow drop:\n  VPN handle not found (vpn-handle-not-found)                                 20\n\n\
Last clearing: 08:12:44 UTC Jan 3 2024 by enable_15\n";

    #[test]
    fn asp_drop_sections() {
        let a = parse_asp_drop(ASP).unwrap();
        assert_eq!(a.frame_drops.get("invalid-encap"), Some(&12));
        assert_eq!(a.frame_drops.get("np-socket-lock-failu"), Some(&7));
        assert_eq!(a.flow_drops.get("vpn-handle-not-found"), Some(&20));
        assert_eq!(a.expired_vpn_context, 48211);
        assert_eq!(a.frame_last_clearing.as_deref(), Some("Never"));
        assert_eq!(
            a.flow_last_clearing.as_deref(),
            Some("08:12:44 UTC Jan 3 2024 by enable_15")
        );
        assert_eq!(a.frame_total(), 48230);
    }

    #[test]
    fn asp_drop_old_format_empty_and_errors() {
        let a = parse_asp_drop("Frame drop:\n  Expired VPN context                          5\n  Invalid encapsulation        3\nFlow drop:\n").unwrap();
        assert_eq!(a.expired_vpn_context, 5);
        assert_eq!(a.frame_drops.get("Invalid encapsulation"), Some(&3));
        let e = parse_asp_drop(
            "Frame drop:\n\nLast clearing: Never\n\nFlow drop:\n\nLast clearing: Never\n",
        )
        .unwrap();
        assert!(e.frame_drops.is_empty());
        assert_eq!(e.expired_vpn_context, 0);
        assert!(parse_asp_drop("").is_err());
        assert_eq!(parse_asp_drop("hello\n").unwrap_err().line, 1);
        assert_eq!(
            parse_asp_drop(
                "Frame drop:\n  broken line here\n  Invalid encapsulation (invalid-encap)   1\n"
            )
            .unwrap_err()
            .line,
            2
        );
        for i in 0..ASP.len() {
            let _ = parse_asp_drop(ASP.get(..i).unwrap_or(""));
        }
    }
}
