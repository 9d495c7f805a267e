//! ASA VPN session tables: `show vpn-sessiondb anyconnect`, `webvpn`, `show vpn-sessiondb l2l`
//! and `show vpn-sessiondb detail l2l` (formats from the ntc-templates / genieparser captures in
//! `shared/fixtures/cisco_asa` and the ASA 8.x–9.x command reference layouts).
//!
//! Every one of them prints `Label : value` lines, often two fields on one line in two columns
//! (`Bytes Tx     : 1234                   Bytes Rx     : 0`), values that contain colons
//! (`Login Time : 14:20:22 UTC Tue Jan 1 2019`, `Encryption : IKEv1: (1)AES256  IPsec: ...`,
//! IPv6 addresses) and empty values (`Connection   : `). The second column is found by its
//! label, from the list of labels the ASA prints there ([`SECOND_COLUMN`]). A detailed L2L
//! session is followed by `IKE:` / `IKEv1:` / `IKEv2:` / `IPsec:` / `IPsecOverNatT:` / `NAC:`
//! sub-blocks, recognised by their header line (indentation differs between releases).

mod l2l;
#[cfg(test)]
mod tests;
mod webvpn;

pub use l2l::{parse_vpn_l2l, parse_vpn_l2l_detail, L2lIke, L2lIpsec, L2lSession, VpnL2l};
pub use webvpn::{parse_vpn_webvpn, WebvpnSessions};

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

/// Labels the ASA prints in the second column of a two-field line.
const SECOND_COLUMN: &[&str] = &[
    "Index",
    "IP Addr",
    "Public IP",
    "Hashing",
    "Encryption",
    "Bytes Rx",
    "Pkts Rx",
    "Tunnel Group",
    "VLAN",
    "UDP Dst Port",
    "Auth Mode",
    "Rekey Left(T)",
    "Rekey Left(D)",
    "PFS Group",
    "Idle TO Left",
    "D/H Group",
    "IPsec Sessions",
    "Reval Left(T)",
    "EoU Age(T)",
    "Posture Token",
];

/// Where a known second-column label starts in `rest` (after whitespace, followed by `:`).
fn second_label(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    rest.char_indices()
        .filter(|&(i, _)| i > 0 && bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace))
        .find(|&(i, _)| {
            SECOND_COLUMN.iter().any(|l| {
                let tail = rest.get(i..).unwrap_or("");
                starts_with_ci(tail, l)
                    && tail
                        .get(l.len()..)
                        .is_some_and(|t| t.trim_start().starts_with(':'))
            })
        })
        .map(|(i, _)| i)
}

/// The `(label, value)` fields of one line (values trimmed, possibly empty); empty when the
/// line has no `label :` shape.
pub(crate) fn fields(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while let Some(colon) = rest.find(':') {
        let label = rest.get(..colon).unwrap_or("").trim();
        if label.is_empty() {
            break;
        }
        let value = rest.get(colon + 1..).unwrap_or("");
        match second_label(value) {
            Some(i) => {
                out.push((
                    label.to_string(),
                    value.get(..i).unwrap_or("").trim().to_string(),
                ));
                rest = value.get(i..).unwrap_or("");
            }
            None => {
                out.push((label.to_string(), value.trim().to_string()));
                break;
            }
        }
    }
    out
}

/// `Some(v)` unless `v` is empty.
fn opt(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

/// The leading number of `86400 Seconds`, `4608000 K-Bytes`, `1234`.
fn num(v: &str) -> Option<u64> {
    text::parse_u64(v.split_whitespace().next().unwrap_or(""))
}

/// `6:16:26`, `0h:00m:15s`, `2d 4h:21m:44s`, `13h:56m:11s` in seconds.
pub fn duration_secs(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        let parts: Vec<u64> = v.split(':').map(text::parse_u64).collect::<Option<_>>()?;
        return parts
            .iter()
            .try_fold(0u64, |acc, p| acc.checked_mul(60)?.checked_add(*p));
    }
    let mut total = 0u64;
    for part in v.split(|c: char| c == ':' || c.is_whitespace()) {
        if part.is_empty() {
            continue;
        }
        let (n, unit) = part.split_at(part.len() - 1);
        let mult = match unit {
            "d" => 86_400,
            "h" => 3_600,
            "m" => 60,
            "s" => 1,
            _ => return None,
        };
        total = total.checked_add(text::parse_u64(n)?.checked_mul(mult)?)?;
    }
    Some(total)
}

/// What a line of these outputs is, before its fields are read.
enum Line<'a> {
    Skip,
    Empty,
    Error(&'a str),
    Fields(Vec<(String, String)>),
    Other,
}

fn classify(t: &str) -> Line<'_> {
    if t.is_empty() || t.chars().all(|c| c == '-' || c == '=') {
        return Line::Skip;
    }
    if let Some(e) = device_error(t) {
        return Line::Error(e);
    }
    if starts_with_ci(t, "INFO:") && t.to_ascii_lowercase().contains("no active") {
        return Line::Empty;
    }
    if is_echo_or_prompt(t) {
        return Line::Skip;
    }
    let f = fields(t);
    if f.is_empty() {
        Line::Other
    } else {
        Line::Fields(f)
    }
}

// ---------------------------------------------------------------------------------------------
// show vpn-sessiondb anyconnect
// ---------------------------------------------------------------------------------------------

/// One AnyConnect session (a `Username :` block).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnyconnectSession {
    pub username: String,
    pub index: Option<u64>,
    pub assigned_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_ipv6: Option<String>,
    pub public_ip: Option<String>,
    /// `AnyConnect-Parent SSL-Tunnel DTLS-Tunnel`.
    pub protocol: Option<String>,
    pub license: Option<String>,
    /// As printed: `RC4 AES128` or `AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES256`.
    pub encryption: Option<String>,
    pub hashing: Option<String>,
    pub bytes_tx: Option<u64>,
    pub bytes_rx: Option<u64>,
    pub group_policy: Option<String>,
    pub tunnel_group: Option<String>,
    /// As printed: `15:25:13 EST Fri Jan 28 2011`.
    pub login_time: Option<String>,
    /// As printed: `1d 12h:33m:07s`.
    pub duration: Option<String>,
    pub duration_s: Option<u64>,
    pub inactivity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_session_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnyconnectSessions {
    /// `Session Type:` as printed (`AnyConnect`).
    pub session_type: Option<String>,
    pub sessions: Vec<AnyconnectSession>,
}

impl AnyconnectSessions {
    /// Distinct user names (one user may hold several sessions).
    pub fn users(&self) -> usize {
        let mut u: Vec<&str> = self.sessions.iter().map(|s| s.username.as_str()).collect();
        u.sort_unstable();
        u.dedup();
        u.len()
    }
}

fn set_anyconnect(s: &mut AnyconnectSession, key: &str, v: &str) -> bool {
    match key {
        "index" => s.index = num(v),
        "assigned ip" => s.assigned_ip = opt(v),
        "assigned ipv6" => s.assigned_ipv6 = opt(v),
        "public ip" => s.public_ip = opt(v),
        "protocol" => s.protocol = opt(v),
        "license" => s.license = opt(v),
        "encryption" => s.encryption = opt(v),
        "hashing" => s.hashing = opt(v),
        "bytes tx" => s.bytes_tx = num(v),
        "bytes rx" => s.bytes_rx = num(v),
        "group policy" => s.group_policy = opt(v),
        "tunnel group" => s.tunnel_group = opt(v),
        "login time" => s.login_time = opt(v),
        "duration" => {
            s.duration = opt(v);
            s.duration_s = duration_secs(v);
        }
        "inactivity" => s.inactivity = opt(v),
        "audt sess id" | "audit sess id" => s.audit_session_id = opt(v),
        _ => return false,
    }
    true
}

/// The `Session Type:` and `Username :` blocks of a remote-access session table (AnyConnect,
/// WebVPN): `kind_ok` says whether a printed session type is the command's; `what` names the
/// command in errors.
pub(crate) fn parse_ra_sessions(
    input: &str,
    kind_ok: fn(&str) -> bool,
    what: &str,
) -> Result<(Option<String>, Vec<AnyconnectSession>), ParseError> {
    let mut session_type = None;
    let mut sessions: Vec<AnyconnectSession> = Vec::new();
    let mut recognised = false;
    let mut first_unknown: Option<usize> = None;
    for (n, line) in text::lines(input) {
        let fs = match classify(line.trim()) {
            Line::Skip => continue,
            Line::Error(e) => return Err(ParseError::new(n, e)),
            Line::Empty => {
                recognised = true;
                continue;
            }
            Line::Other => {
                first_unknown.get_or_insert(n);
                continue;
            }
            Line::Fields(fs) => fs,
        };
        for (label, v) in fs {
            let key = label.to_ascii_lowercase();
            if key == "session type" {
                if !v.is_empty() && !kind_ok(&v.to_ascii_lowercase()) {
                    return Err(ParseError::new(
                        n,
                        format!("session type `{v}` is not {what}'s"),
                    ));
                }
                session_type = opt(&v);
                recognised = true;
            } else if key == "username" {
                sessions.push(AnyconnectSession {
                    username: v,
                    ..Default::default()
                });
                recognised = true;
            } else if let Some(s) = sessions.last_mut() {
                set_anyconnect(s, &key, &v);
            }
        }
    }
    if recognised {
        Ok((session_type, sessions))
    } else {
        Err(match first_unknown {
            Some(n) => ParseError::new(n, format!("not a `{what}` output")),
            None => ParseError::new(0, "empty output"),
        })
    }
}

/// Parse `show vpn-sessiondb anyconnect`.
pub fn parse_vpn_anyconnect(input: &str) -> Result<AnyconnectSessions, ParseError> {
    let (session_type, sessions) = parse_ra_sessions(
        input,
        |t| t.contains("anyconnect"),
        "show vpn-sessiondb anyconnect",
    )?;
    Ok(AnyconnectSessions {
        session_type,
        sessions,
    })
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const ANYCONNECT_METRICS: &[Metric] = &[
    Metric {
        name: "vpn_anyconnect_sessions",
        help: "AnyConnect sessions listed by `show vpn-sessiondb anyconnect`",
        get: |r| AnyconnectSessions::of(r).map(|x| x.sessions.len().to_string()),
    },
    Metric {
        name: "vpn_anyconnect_users",
        help: "Distinct AnyConnect user names",
        get: |r| AnyconnectSessions::of(r).map(|x| x.users().to_string()),
    },
];

const WEBVPN_METRICS: &[Metric] = &[
    Metric {
        name: "vpn_webvpn_sessions",
        help: "clientless (WebVPN) sessions listed by `show vpn-sessiondb webvpn`",
        get: |r| WebvpnSessions::of(r).map(|x| x.sessions.len().to_string()),
    },
    Metric {
        name: "vpn_webvpn_users",
        help: "Distinct clientless (WebVPN) user names",
        get: |r| WebvpnSessions::of(r).map(|x| x.users().to_string()),
    },
];

const L2L_METRICS: &[Metric] = &[
    Metric {
        name: "vpn_l2l_sessions",
        help: "LAN-to-LAN sessions listed by `show vpn-sessiondb [detail] l2l`",
        get: |r| VpnL2l::of(r).map(|x| x.sessions.len().to_string()),
    },
    Metric {
        name: "vpn_l2l_one_way",
        help: "LAN-to-LAN sessions (or, in detail, IPsec SAs' sessions) with Bytes Tx > 0 and Bytes Rx 0",
        get: |r| VpnL2l::of(r).map(|x| x.one_way_sessions().count().to_string()),
    },
    Metric {
        name: "vpn_l2l_bytes_tx",
        help: "Bytes Tx summed over the LAN-to-LAN sessions",
        get: |r| VpnL2l::of(r).map(|x| x.bytes(|s| s.bytes_tx).to_string()),
    },
    Metric {
        name: "vpn_l2l_bytes_rx",
        help: "Bytes Rx summed over the LAN-to-LAN sessions",
        get: |r| VpnL2l::of(r).map(|x| x.bytes(|s| s.bytes_rx).to_string()),
    },
];

fn parse_anyconnect_record(t: &str) -> Result<Record, ParseError> {
    parse_vpn_anyconnect(t).map(Record::VpnAnyconnect)
}

fn parse_webvpn_record(t: &str) -> Result<Record, ParseError> {
    parse_vpn_webvpn(t).map(Record::VpnWebvpn)
}

fn parse_l2l_record(t: &str) -> Result<Record, ParseError> {
    parse_vpn_l2l(t).map(Record::VpnL2l)
}

fn parse_l2l_detail_record(t: &str) -> Result<Record, ParseError> {
    parse_vpn_l2l_detail(t).map(Record::VpnL2l)
}

/// `filter {name|ipaddress|protocol|…} VALUE` and `sort FIELD` select or order rows; the layout stays.
const SESSIONDB_ARGS: &[Arg] = &[Arg::Key("filter", 2), Arg::Key("sort", 1)];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "vpn_sessiondb_anyconnect",
            command: "show vpn-sessiondb anyconnect",
            args: SESSIONDB_ARGS,
            platforms: &[Platform::CiscoAsa],
            parse: parse_anyconnect_record,
            metrics: ANYCONNECT_METRICS,
        },
        ParserSpec {
            name: "vpn_sessiondb_webvpn",
            command: "show vpn-sessiondb webvpn",
            args: SESSIONDB_ARGS,
            platforms: &[Platform::CiscoAsa],
            parse: parse_webvpn_record,
            metrics: WEBVPN_METRICS,
        },
        ParserSpec {
            name: "vpn_sessiondb_l2l",
            command: "show vpn-sessiondb l2l",
            args: SESSIONDB_ARGS,
            platforms: &[Platform::CiscoAsa],
            parse: parse_l2l_record,
            metrics: L2L_METRICS,
        },
        ParserSpec {
            name: "vpn_sessiondb_detail_l2l",
            command: "show vpn-sessiondb detail l2l",
            args: SESSIONDB_ARGS,
            platforms: &[Platform::CiscoAsa],
            parse: parse_l2l_detail_record,
            metrics: L2L_METRICS,
        },
    ]
}
