//! IOS-XE `show crypto ikev2 session [detailed]`, `count` and `stats`, as printed in the
//! captures: `Session-id:N, Status:..., IKE count:N, CHILD count:N` blocks with a `Tunnel-id`
//! IKE SA row (or `Local`/`Remote` lines) and `Child sa:` blocks; `N Label`; `Label: N` rows.

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text;
use super::{Arg, Family, Metric, ParseError, ParserSpec, Record};
use crate::Platform;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One `Child sa:` block of a session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2ChildSa {
    /// `local selector X` lines (older releases).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub local_selectors: Vec<String>,
    /// `remote selector X` lines (older releases).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote_selectors: Vec<String>,
    /// `local -> remote` selector pairs, as printed (newer releases).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub traffic_selectors: Vec<String>,
    pub esp_spi_in: Option<String>,
    pub esp_spi_out: Option<String>,
    /// `AH spi in/out:` (detail; `0x0` when the transform set has no AH).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ah_spi_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ah_spi_out: Option<String>,
    /// `CPI in/out:` (detail; IP compression, `0x0` when off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpi_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpi_out: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// `keysize:` of the child SA's `Encr:` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_length: Option<u64>,
    /// `esp_hmac:` (ESP integrity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esp_hmac: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ah_hmac: Option<String>,
    /// `comp:` (`IPCOMP_NONE`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// One `Session-id:` block with its (first) IKE SA and its child SAs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2Session {
    /// 4 or 6, from the `IPv4/IPv6 Crypto IKEv2 Session` heading above the block.
    pub ip_version: Option<u8>,
    pub session_id: u64,
    /// `UP-ACTIVE`, `UP-IDLE`, `DOWN-NEGOTIATING`, ...
    pub status: String,
    pub ike_count: Option<u64>,
    pub child_count: Option<u64>,
    pub tunnel_id: Option<u64>,
    pub local: Option<String>,
    pub local_port: Option<u16>,
    pub remote: Option<String>,
    pub remote_port: Option<u16>,
    pub fvrf: Option<String>,
    pub ivrf: Option<String>,
    /// IKE SA status (`READY`, `IN-NEG`, ...).
    pub sa_status: Option<String>,
    pub encryption: Option<String>,
    pub key_length: Option<u64>,
    pub prf: Option<String>,
    pub hash: Option<String>,
    pub dh_group: Option<u64>,
    pub auth_sign: Option<String>,
    pub auth_verify: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pqc: Option<String>,
    pub lifetime_secs: Option<u64>,
    pub active_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_spi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_spi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    pub child_sas: Vec<Ikev2ChildSa>,
}

impl Ikev2Session {
    /// Whether the session status says up (`UP-ACTIVE`, `UP-IDLE`, ...).
    pub fn is_up(&self) -> bool {
        self.status.to_ascii_uppercase().starts_with("UP")
    }
}

/// `show crypto ikev2 session [detailed]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2Sessions {
    pub sessions: Vec<Ikev2Session>,
}

impl Ikev2Sessions {
    pub fn up(&self) -> usize {
        self.sessions.iter().filter(|s| s.is_up()).count()
    }
}

fn addr_port(s: &str) -> (Option<String>, Option<u16>) {
    match s.rsplit_once('/') {
        Some((a, p)) => match p.parse::<u16>() {
            Ok(p) => (Some(a.to_string()), Some(p)),
            Err(_) => (Some(s.to_string()), None),
        },
        None => (Some(s.to_string()), None),
    }
}

fn vrfs(s: &str) -> (Option<String>, Option<String>) {
    match s.split_once('/') {
        Some((f, i)) => (Some(f.to_string()), Some(i.to_string())),
        None => (Some(s.to_string()), None),
    }
}

/// `key: value, key: value` pairs, keys lowercased (`DH Grp:14` has no space).
pub(crate) fn pairs(t: &str) -> Vec<(String, String)> {
    t.split(',')
        .filter_map(|p| {
            let (k, v) = p.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

/// `Session-id:3, Status:UP-ACTIVE, IKE count:1, CHILD count:1`.
fn session_line(t: &str, ipv: Option<u8>) -> Option<Ikev2Session> {
    let mut s = Ikev2Session {
        ip_version: ipv,
        ..Default::default()
    };
    let mut id = None;
    for (k, v) in pairs(t) {
        match k.as_str() {
            "session-id" => id = Some(text::parse_u64(&v)?),
            "status" => s.status = v,
            "ike count" => s.ike_count = text::parse_u64(&v),
            "child count" => s.child_count = text::parse_u64(&v),
            _ => {}
        }
    }
    s.session_id = id?;
    (!s.status.is_empty()).then_some(s)
}

#[derive(Clone, Copy, PartialEq)]
enum Row {
    None,
    /// `Tunnel-id Local Remote fvrf/ivrf Status`.
    Wide,
    /// `Tunnel-id fvrf/ivrf Status`, then `Local` and `Remote` lines.
    Narrow,
}

/// Parse `show crypto ikev2 session [detailed]`.
pub fn parse_ikev2_session(input: &str) -> Result<Ikev2Sessions, ParseError> {
    let mut out = Ikev2Sessions::default();
    let mut ipv: Option<u8> = None;
    let mut structured = false;
    let mut row = Row::None;
    let mut in_child = false;
    let mut first_unknown: Option<(usize, String)> = None;
    let mut session_line_no = 0;
    for (n, l) in text::lines(input) {
        let t = l.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: `{e}`")));
        }
        let lower = t.to_ascii_lowercase();
        if lower.ends_with("crypto ikev2 session") {
            structured = true;
            ipv = if lower.starts_with("ipv6") {
                Some(6)
            } else if lower.starts_with("ipv4") {
                Some(4)
            } else {
                None
            };
            continue;
        }
        if lower.starts_with("session-id:") {
            if let Some(prev) = out.sessions.last() {
                if prev.tunnel_id.is_none() {
                    return Err(ParseError::new(
                        session_line_no,
                        "session without its IKE SA row",
                    ));
                }
            }
            let s = session_line(t, ipv)
                .ok_or_else(|| ParseError::new(n, format!("bad session line: `{t}`")))?;
            out.sessions.push(s);
            structured = true;
            session_line_no = n;
            row = Row::None;
            in_child = false;
            continue;
        }
        let Some(s) = out.sessions.last_mut() else {
            if first_unknown.is_none() {
                first_unknown = Some((n, t.to_string()));
            }
            continue;
        };
        let toks: Vec<&str> = t.split_whitespace().collect();
        if lower.starts_with("tunnel-id") {
            row = if lower.contains("local") {
                Row::Wide
            } else {
                Row::Narrow
            };
            continue;
        }
        if row != Row::None {
            let r = row;
            row = Row::None;
            let want = if r == Row::Wide { 5 } else { 3 };
            let tid = toks.first().and_then(|x| text::parse_u64(x));
            match (tid, toks.len() >= want) {
                (Some(tid), true) => {
                    s.tunnel_id = Some(tid);
                    let rest = if r == Row::Wide {
                        (s.local, s.local_port) = addr_port(toks[1]);
                        (s.remote, s.remote_port) = addr_port(toks[2]);
                        &toks[3..]
                    } else {
                        &toks[1..]
                    };
                    (s.fvrf, s.ivrf) = vrfs(rest[0]);
                    s.sa_status = Some(rest[1..].join(" "));
                    continue;
                }
                _ => return Err(ParseError::new(n, format!("bad IKE SA row: `{t}`"))),
            }
        }
        if lower.starts_with("child sa:") {
            in_child = true;
            s.child_sas.push(Ikev2ChildSa::default());
            let rest = t.get("child sa:".len()..).unwrap_or("").trim();
            if let Some(c) = s.child_sas.last_mut() {
                selector(c, rest);
            }
            continue;
        }
        if in_child {
            if let Some(c) = s.child_sas.last_mut() {
                child_sa_line(c, t);
            }
            continue;
        }
        if r_local_remote(s, &toks) {
            continue;
        }
        if lower.starts_with("encr:") {
            for (k, v) in pairs(t) {
                match k.as_str() {
                    "encr" => s.encryption = Some(v),
                    "keysize" => s.key_length = text::parse_u64(&v),
                    "prf" => s.prf = Some(v),
                    "hash" => s.hash = Some(v),
                    "dh grp" => s.dh_group = text::parse_u64(&v),
                    "auth sign" => s.auth_sign = Some(v),
                    "auth verify" => s.auth_verify = Some(v),
                    _ => {}
                }
            }
        } else if let Some(v) = t.strip_prefix("PQC Key Exchange:") {
            s.pqc = Some(v.trim().to_string());
        } else if let Some(v) = t.strip_prefix("Life/Active Time:") {
            let v = v.trim().trim_end_matches("sec").trim();
            let (a, b) = v.split_once('/').unwrap_or((v, ""));
            s.lifetime_secs = text::parse_u64(a);
            s.active_secs = text::parse_u64(b);
        } else if lower.starts_with("local spi:") {
            // `Local spi: X       Remote spi: Y`
            s.local_spi = toks.get(2).map(|x| x.to_string());
            s.remote_spi = toks.get(5).map(|x| x.to_string());
        } else if let Some(v) = t.strip_prefix("Local id:") {
            s.local_id = Some(v.trim().to_string());
        } else if let Some(v) = t.strip_prefix("Remote id:") {
            s.remote_id = Some(v.trim().to_string());
        }
        // Other detailed lines (msg ids, DPD, NAT-T, ...) are not read.
    }
    if let Some(s) = out.sessions.last() {
        if s.tunnel_id.is_none() {
            return Err(ParseError::new(
                session_line_no,
                "session without its IKE SA row (cut output?)",
            ));
        }
    }
    if !structured {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(
                n,
                format!("not a `show crypto ikev2 session` output: `{l}`"),
            ),
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(out)
}

/// `Local  addr/port` / `Remote  addr/port` lines of the narrow IKE SA table.
fn r_local_remote(s: &mut Ikev2Session, toks: &[&str]) -> bool {
    match toks {
        ["Local", a] if a.contains('/') => (s.local, s.local_port) = addr_port(a),
        ["Remote", a] if a.contains('/') => (s.remote, s.remote_port) = addr_port(a),
        _ => return false,
    }
    true
}

/// One line of a `Child sa:` block (also read by `show crypto ikev2 sa`, `parse::ikev2_sa`):
/// `ESP spi in/out:`, `AH spi in/out:`, `CPI in/out:`, `Encr: X, keysize: N, esp_hmac: Y`,
/// `ah_hmac: X, comp: Y, mode Z`, else a selector line.
pub(crate) fn child_sa_line(c: &mut Ikev2ChildSa, t: &str) {
    let lower = t.to_ascii_lowercase();
    let after = |key: &str| {
        lower
            .starts_with(key)
            .then(|| t.get(key.len()..).unwrap_or("").trim())
    };
    // `0xA/0xB`: the outbound half may be missing from a cut line.
    let in_out = |v: &str| {
        let (i, o) = v.split_once('/').unwrap_or((v, ""));
        let o = o.trim();
        (
            Some(i.trim().to_string()),
            (!o.is_empty()).then(|| o.to_string()),
        )
    };
    if let Some(v) = after("esp spi in/out:") {
        (c.esp_spi_in, c.esp_spi_out) = in_out(v);
    } else if let Some(v) = after("ah spi in/out:") {
        (c.ah_spi_in, c.ah_spi_out) = in_out(v);
    } else if let Some(v) = after("cpi in/out:") {
        (c.cpi_in, c.cpi_out) = in_out(v);
    } else if lower.starts_with("encr:") {
        for (k, v) in pairs(t) {
            match k.as_str() {
                "encr" => c.encryption = Some(v),
                "keysize" => c.key_length = text::parse_u64(&v),
                "esp_hmac" => c.esp_hmac = Some(v),
                _ => {}
            }
        }
    } else if lower.starts_with("ah_hmac") {
        // `ah_hmac: None, comp: IPCOMP_NONE, mode tunnel`: the mode has no colon.
        for part in t.split(',') {
            let part = part.trim();
            match part.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("ah_hmac") => {
                    c.ah_hmac = Some(v.trim().to_string())
                }
                Some((k, v)) if k.trim().eq_ignore_ascii_case("comp") => {
                    c.compression = Some(v.trim().to_string())
                }
                None if part.to_ascii_lowercase().starts_with("mode ") => {
                    c.mode = part.get(5..).map(|m| m.trim().to_string())
                }
                _ => {}
            }
        }
    } else if !lower.contains("mode ") {
        selector(c, t);
    }
}

/// A selector line of a `Child sa:` block.
fn selector(c: &mut Ikev2ChildSa, t: &str) {
    let lower = t.to_ascii_lowercase();
    if t.is_empty() || (lower.contains("selector") && t.contains("->")) {
        // `local selector  ->  remote selector` heading
    } else if let Some(v) = lower.strip_prefix("local selector") {
        let v = t.get(t.len() - v.len()..).unwrap_or("").trim();
        c.local_selectors.push(v.to_string());
    } else if let Some(v) = lower.strip_prefix("remote selector") {
        let v = t.get(t.len() - v.len()..).unwrap_or("").trim();
        c.remote_selectors.push(v.to_string());
    } else if t.contains("->") {
        c.traffic_selectors.push(t.to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// show crypto ikev2 count
// ---------------------------------------------------------------------------------------------

/// `show crypto ikev2 count`: one `N Label` line per counter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2Count {
    pub negotiating_sas: Option<u64>,
    pub sessions: Option<u64>,
    pub active_sas: Option<u64>,
    pub created_sas: Option<u64>,
    pub deleted_sas: Option<u64>,
    pub marked_for_deletion_sas: Option<u64>,
}

/// Parse `show crypto ikev2 count`.
pub fn parse_ikev2_count(input: &str) -> Result<Ikev2Count, ParseError> {
    let mut out = Ikev2Count::default();
    let mut seen = false;
    for (n, l) in text::lines(input) {
        let t = l.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: `{e}`")));
        }
        let (num, label) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let (Some(v), label) = (text::parse_u64(num), label.trim().to_ascii_lowercase()) else {
            return Err(ParseError::new(
                n,
                format!("not an IKEv2 count line: `{t}`"),
            ));
        };
        let slot = match label.as_str() {
            "negotiating sas" => &mut out.negotiating_sas,
            "session" | "sessions" => &mut out.sessions,
            "active sas" => &mut out.active_sas,
            "created sas" => &mut out.created_sas,
            "deleted sas" => &mut out.deleted_sas,
            "marked for deletion sas" => &mut out.marked_for_deletion_sas,
            _ => continue, // a counter of a later release
        };
        *slot = Some(v);
        seen = true;
    }
    if !seen {
        return Err(ParseError::new(0, "no IKEv2 count line"));
    }
    if out.active_sas.is_none() {
        return Err(ParseError::new(0, "no `Active SAs` line (cut output?)"));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// show crypto ikev2 stats
// ---------------------------------------------------------------------------------------------

/// `show crypto ikev2 stats`: every `Label: N` counter of the `Crypto IKEv2 SA Statistics`
/// table. A counter after the first on a row is keyed `first label / its label`
/// (`Total outgoing IKEv2 SA Count / active`); an indented continuation row takes the label of
/// the row above; `X(in/out): a/b` is keyed `X in` and `X out`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2Stats {
    pub counters: BTreeMap<String, u64>,
}

impl Ikev2Stats {
    pub fn get(&self, key: &str) -> Option<u64> {
        self.counters.get(key).copied()
    }
    /// Active IKEv2 SAs, incoming plus outgoing.
    pub fn active_sas(&self) -> Option<u64> {
        let i = self.get("Total incoming IKEv2 SA Count / active");
        let o = self.get("Total outgoing IKEv2 SA Count / active");
        match (i, o) {
            (None, None) => None,
            (i, o) => Some(i.unwrap_or(0).saturating_add(o.unwrap_or(0))),
        }
    }
}

/// Parse `show crypto ikev2 stats`.
pub fn parse_ikev2_stats(input: &str) -> Result<Ikev2Stats, ParseError> {
    let mut out = Ikev2Stats::default();
    let mut structured = false;
    let mut first_unknown: Option<(usize, String)> = None;
    let mut row_label = String::new();
    for (n, l) in text::lines(input) {
        let t = l.trim();
        if t.is_empty() || is_echo_or_prompt(t) || t.bytes().all(|b| b == b'-') {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: `{e}`")));
        }
        if t.eq_ignore_ascii_case("Crypto IKEv2 SA Statistics") {
            structured = true;
            continue;
        }
        let parts: Vec<&str> = t.split(':').collect();
        if parts.len() < 2 {
            if first_unknown.is_none() {
                first_unknown = Some((n, t.to_string()));
            }
            continue;
        }
        let continuation = l.starts_with(char::is_whitespace) && !row_label.is_empty();
        let squash = |x: &str| x.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut label = squash(parts[0]);
        if !continuation {
            row_label = label.clone();
        }
        for (i, p) in parts.iter().enumerate().skip(1) {
            let p = p.trim();
            let (value, next) = p.split_once(char::is_whitespace).unwrap_or((p, ""));
            let key = if i == 1 && !continuation {
                label.clone()
            } else {
                format!("{row_label} / {label}")
            };
            if let Some((a, b)) = value.split_once('/') {
                let base = key.trim_end_matches("(in/out)").trim_end();
                for (suffix, v) in [("in", a), ("out", b)] {
                    if let Some(v) = text::parse_u64(v) {
                        out.counters.insert(format!("{base} {suffix}"), v);
                    }
                }
            } else if let Some(v) = text::parse_u64(value) {
                out.counters.insert(key, v);
            } else if !value.is_empty() {
                return Err(ParseError::new(n, format!("not a counter: `{t}`")));
            }
            label = squash(next);
        }
    }
    let has_counts = out.counters.keys().any(|k| k.contains("IKEv2 SA Count"));
    if !has_counts {
        return Err(match (structured, first_unknown) {
            (true, _) => ParseError::new(0, "no `IKEv2 SA Count` row (cut output?)"),
            (false, Some((n, l))) => {
                ParseError::new(n, format!("not a `show crypto ikev2 stats` output: `{l}`"))
            }
            (false, None) => ParseError::new(0, "no `IKEv2 SA Count` row"),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const STATS_METRICS: &[Metric] = &[
    Metric {
        name: "ikev2_stats_sa_active",
        help: "Active IKEv2 SAs, incoming plus outgoing (show crypto ikev2 stats)",
        get: |r| Ikev2Stats::of(r).and_then(|x| x.active_sas().map(|v| v.to_string())),
    },
    Metric {
        name: "ikev2_stats_rejected_requests",
        help: "Rejected IKEv2 Requests (show crypto ikev2 stats)",
        get: |r| {
            Ikev2Stats::of(r).and_then(|x| x.get("Rejected IKEv2 Requests").map(|v| v.to_string()))
        },
    },
];

fn parse_stats_record(t: &str) -> Result<Record, ParseError> {
    parse_ikev2_stats(t).map(Record::Ikev2Stats)
}

const SESSION_METRICS: &[Metric] = &[
    Metric {
        name: "ikev2_sessions",
        help: "IKEv2 sessions (show crypto ikev2 session)",
        get: |r| Ikev2Sessions::of(r).map(|x| x.sessions.len().to_string()),
    },
    Metric {
        name: "ikev2_sessions_up",
        help: "IKEv2 sessions whose status is UP-*",
        get: |r| Ikev2Sessions::of(r).map(|x| x.up().to_string()),
    },
    Metric {
        name: "ikev2_child_sas",
        help: "Child SAs of all IKEv2 sessions",
        get: |r| {
            Ikev2Sessions::of(r).map(|x| {
                x.sessions
                    .iter()
                    .map(|s| s.child_sas.len())
                    .sum::<usize>()
                    .to_string()
            })
        },
    },
];

const COUNT_METRICS: &[Metric] = &[
    Metric {
        name: "ikev2_sa_active",
        help: "Active IKEv2 SAs (show crypto ikev2 count)",
        get: |r| Ikev2Count::of(r).and_then(|x| x.active_sas.map(|v| v.to_string())),
    },
    Metric {
        name: "ikev2_sa_negotiating",
        help: "Negotiating IKEv2 SAs (show crypto ikev2 count)",
        get: |r| Ikev2Count::of(r).and_then(|x| x.negotiating_sas.map(|v| v.to_string())),
    },
    Metric {
        name: "ikev2_sa_count_sessions",
        help: "IKEv2 sessions (show crypto ikev2 count)",
        get: |r| Ikev2Count::of(r).and_then(|x| x.sessions.map(|v| v.to_string())),
    },
];

fn parse_session_record(t: &str) -> Result<Record, ParseError> {
    parse_ikev2_session(t).map(Record::Ikev2Sessions)
}

fn parse_count_record(t: &str) -> Result<Record, ParseError> {
    parse_ikev2_count(t).map(Record::Ikev2Count)
}

/// `show crypto ikev2 session|sa [fvrf V] [ivrf V] [local A|remote A] [detailed]` on IOS-XE
/// (ASA: `show crypto ikev2 sa [detail]`).
pub(crate) const SELECT_ARGS: &[Arg] = &[
    Arg::Word("detail"),
    Arg::Word("detailed"),
    Arg::Key("fvrf", 1),
    Arg::Key("ivrf", 1),
    Arg::Key("local", 1),
    Arg::Key("remote", 1),
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "ikev2_session",
            command: "show crypto ikev2 session",
            args: SELECT_ARGS,
            platforms: &[Platform::CiscoIos],
            parse: parse_session_record,
            metrics: SESSION_METRICS,
        },
        ParserSpec {
            name: "ikev2_count",
            command: "show crypto ikev2 count",
            args: &[],
            platforms: &[Platform::CiscoIos],
            parse: parse_count_record,
            metrics: COUNT_METRICS,
        },
        ParserSpec {
            name: "ikev2_stats",
            command: "show crypto ikev2 stats",
            args: &[],
            platforms: &[Platform::CiscoIos],
            parse: parse_stats_record,
            metrics: STATS_METRICS,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lookup;

    const OLD: &str = "IPv4 Crypto IKEv2 Session\n\nSession-id:3, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n\n\
Tunnel-id Local                 Remote                fvrf/ivrf            Status\n\
1         1.1.1.1/500           1.1.1.2/500           none/none            READY\n\
      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK\n\
      Life/Active Time: 86400/38157 sec\n\n\
Child sa: local selector  30.10.10.0/0 - 50.10.10.255/65535\n\
          remote selector 172.17.2.0/0 - 172.17.2.255/65535\n\
          ESP spi in/out: 0x232CB82D/0x30767B6E\n";

    #[test]
    fn session_old_format() {
        let r = parse_ikev2_session(OLD).unwrap();
        assert_eq!(r.sessions.len(), 1);
        let s = &r.sessions[0];
        assert_eq!(s.ip_version, Some(4));
        assert!(s.is_up());
        assert_eq!(s.remote.as_deref(), Some("1.1.1.2"));
        assert_eq!(s.remote_port, Some(500));
        assert_eq!(s.dh_group, Some(14));
        assert_eq!(s.active_secs, Some(38157));
        assert_eq!(s.child_sas[0].local_selectors.len(), 1);
        assert_eq!(s.child_sas[0].esp_spi_out.as_deref(), Some("0x30767B6E"));
    }

    #[test]
    fn session_cut_and_errors_never_panic() {
        assert!(parse_ikev2_session("").is_err());
        assert!(parse_ikev2_session("hello\n").is_err());
        assert!(parse_ikev2_session(
            "r1#show crypto ikev2 sesion\n% Invalid input detected at '^' marker.\n"
        )
        .is_err());
        assert!(parse_ikev2_session("IPv4 Crypto IKEv2 Session\n\nSession-id:3, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n").is_err());
        assert!(
            parse_ikev2_session("IPv4 Crypto IKEv2 Session\n\nIPv6 Crypto IKEv2 Session\n")
                .unwrap()
                .sessions
                .is_empty()
        );
        for i in 0..OLD.len() {
            let _ = parse_ikev2_session(OLD.get(..i).unwrap_or(""));
        }
    }

    #[test]
    fn count_lines() {
        let c =
            parse_ikev2_count("    0 Negotiating SAs\n    2 Session\n    2 Active SAs\n").unwrap();
        assert_eq!(c.active_sas, Some(2));
        assert_eq!(c.sessions, Some(2));
        assert!(parse_ikev2_count("").is_err());
        assert!(parse_ikev2_count("IKEv2 SA count: garbage\n").is_err());
        assert!(parse_ikev2_count("    0 Negotiating SAs\n").is_err());
    }

    #[test]
    fn stats_rows() {
        let s = parse_ikev2_stats(
            "Max in nego(in/out): 40/400\nTotal outgoing IKEv2 SA Count:    1        active:        1        negotiating: 0\n\
Incoming IKEV2 Cookie Challenged Requests: 0\n    accepted: 0        rejected: 3\n",
        )
        .unwrap();
        assert_eq!(s.get("Max in nego out"), Some(400));
        assert_eq!(s.active_sas(), Some(1));
        assert_eq!(
            s.get("Incoming IKEV2 Cookie Challenged Requests / rejected"),
            Some(3)
        );
        assert!(parse_ikev2_stats("").is_err());
        assert!(parse_ikev2_stats("Crypto IKEv2 SA Statistics\n").is_err());
        assert!(parse_ikev2_stats("Total incoming IKEv2 SA Count: abc\n").is_err());
    }

    #[test]
    fn routing_never_to_ikev2_sa() {
        for (cmd, name) in [
            ("show crypto ikev2 session", "ikev2_session"),
            ("show crypto ikev2 session detailed", "ikev2_session"),
            ("show crypto ikev2 count", "ikev2_count"),
            ("show crypto ikev2 stats", "ikev2_stats"),
        ] {
            for p in [Platform::CiscoIos, Platform::CiscoXe] {
                assert_eq!(lookup(p, cmd).map(|s| s.name), Some(name), "{cmd}");
            }
        }
        let sa = lookup(Platform::CiscoXe, "show crypto ikev2 sa").map(|s| s.name);
        assert_ne!(sa, Some("ikev2_session"));
    }
}
