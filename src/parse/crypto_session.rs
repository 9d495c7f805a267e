//! IOS / IOS-XE `show crypto session` and its variants (`detail`, `remote X [detail]`,
//! `local X [detail]`, `interface X [detail]`, `brief` is not read): formats from the Cisco IOS
//! Security Command Reference and the real captures in `shared/fixtures` (ntc-templates,
//! genieparser).
//!
//! ```text
//! Interface: Tunnel1101
//! Profile: IKEV2_PROFILE
//! Uptime: 7w0d
//! Session status: UP-ACTIVE
//! Peer: 192.168.0.1 port 4500 fvrf: (none) ivrf: (none)
//!       Phase1_id: SOME_DEVICE1234.1pc.com
//!       Desc: (none)
//!   Session ID: 0
//!   IKEv1 SA: local 169.0.1.1/4500 remote 192.168.0.1/4500 Active
//!           Capabilities:DN connid:2913 lifetime:09:03:41
//!   IPSEC FLOW: permit 47 host 169.0.1.1 host 192.168.0.1
//!         Active SAs: 2, origin: crypto map
//!         Inbound:  #pkts dec'ed 15344097 drop 0 life (KB/Sec) 4236992/615
//!         Outbound: #pkts enc'ed 18074395 drop 0 life (KB/Sec) 4236962/615
//! ```
//!
//! Each `Interface:` starts a session (a second `Session status:` or `Peer:` under one
//! interface starts another on the same interface). `IKE SA:` (older IOS), `IKEv1 SA:` and
//! `IKEv2 SA:` lines may wrap before `remote`. The `Code:` legend is skipped.

use super::isakmp::{scan_lines, starts_with_ci, string_enum};
use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

string_enum! {
    /// `Session status:` as printed.
    pub enum SessionStatus {
        /// IKE SA and IPsec SAs up.
        UpActive => "UP-ACTIVE",
        /// IKE SA up, no IPsec SA (no traffic yet, or idle).
        UpIdle => "UP-IDLE",
        /// IPsec SAs up but no IKE SA: the tunnel cannot rekey when its SAs expire.
        UpNoIke => "UP-NO-IKE",
        /// No IKE and no IPsec SA.
        Down => "DOWN",
        /// IKE being negotiated.
        DownNegotiating => "DOWN-NEGOTIATING",
    }
}

impl SessionStatus {
    /// Up and healthy: `UP-ACTIVE` or `UP-IDLE`.
    pub fn is_up(&self) -> bool {
        matches!(self, SessionStatus::UpActive | SessionStatus::UpIdle)
    }
}

/// One `IKE SA:` / `IKEv1 SA:` / `IKEv2 SA:` line (with its `Capabilities:` line in detail).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionIkeSa {
    /// 1 or 2; `None` for an `IKE SA:` line (older IOS, IKEv1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u8>,
    /// The `Session ID:` line before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<u64>,
    pub local: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_port: Option<u16>,
    pub remote: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_port: Option<u16>,
    /// `Active`, `Inactive`, ... as printed.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conn_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<String>,
}

impl SessionIkeSa {
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("active")
    }
}

/// `Inbound:` / `Outbound:` counters of a flow (detail only).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowCounters {
    /// `#pkts dec'ed` (inbound) or `#pkts enc'ed` (outbound).
    pub pkts: u64,
    pub drop: u64,
    /// Remaining SA life in KB; `None` when `KB Vol Rekey Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub life_kb: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub life_sec: Option<u64>,
}

/// One `IPSEC FLOW:` with its `Active SAs` line and counters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IpsecFlow {
    /// `permit` or `deny`.
    pub action: String,
    /// The rest of the line: protocol and selectors (`47 host 10.1.1.4 host 10.1.1.3`).
    pub selectors: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_sas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound: Option<FlowCounters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbound: Option<FlowCounters>,
}

/// One crypto session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CryptoSession {
    pub interface: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uptime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SessionStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fvrf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ivrf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase1_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ike_sas: Vec<SessionIkeSa>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<IpsecFlow>,
}

/// `show crypto session [...]`: every session listed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CryptoSessions {
    pub sessions: Vec<CryptoSession>,
}

impl CryptoSessions {
    pub fn up(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.status.as_ref().is_some_and(SessionStatus::is_up))
            .count()
    }
    /// Sessions with a status that is not `UP-ACTIVE` / `UP-IDLE`.
    pub fn down(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.status.as_ref().is_some_and(|st| !st.is_up()))
            .count()
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// Where a detail line belongs.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    None,
    /// An IKE SA line waiting for its `remote ...` continuation.
    IkeWrapped,
    Ike,
    Flow,
}

struct State {
    out: CryptoSessions,
    open: Open,
    session_id: Option<u64>,
    structured: bool,
}

impl State {
    /// The session lines go to; a new one (without interface) if none is open.
    fn cur(&mut self) -> &mut CryptoSession {
        if self.out.sessions.is_empty() {
            self.out.sessions.push(CryptoSession::default());
        }
        let n = self.out.sessions.len() - 1;
        &mut self.out.sessions[n]
    }

    /// A second `Session status:` or `Peer:` under one `Interface:`: a new session there.
    fn split_if(&mut self, taken: bool) {
        if taken {
            let interface = self.cur().interface.clone();
            self.out.sessions.push(CryptoSession {
                interface,
                ..Default::default()
            });
            self.open = Open::None;
        }
    }
}

/// Parse any `show crypto session` output.
pub fn parse_crypto_session(input: &str) -> Result<CryptoSessions, ParseError> {
    let mut st = State {
        out: CryptoSessions::default(),
        open: Open::None,
        session_id: None,
        structured: false,
    };
    scan_lines(input, |t| classify(&mut st, t))?.require(st.structured, "crypto session")?;
    Ok(st.out)
}

/// `Key: value` with the key compared case-insensitively.
fn field<'a>(t: &'a str, key: &str) -> Option<&'a str> {
    starts_with_ci(t, key).then(|| t.get(key.len()..).unwrap_or("").trim())
}

fn none_to_opt(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Returns whether the line was recognised.
fn classify(st: &mut State, t: &str) -> Result<bool, String> {
    if starts_with_ci(t, "Crypto session current status") {
        st.structured = true;
        return Ok(true);
    }
    // The `Code:` legend (`Code: C - IKE ...`, `K - Keepalives, ...`, `S - SIP VPN`).
    if starts_with_ci(t, "Code:") || is_legend(t) {
        return Ok(true);
    }
    if let Some(v) = field(t, "Interface:") {
        st.out.sessions.push(CryptoSession {
            interface: v.to_string(),
            ..Default::default()
        });
        st.open = Open::None;
        st.session_id = None;
        st.structured = true;
        return Ok(true);
    }
    if !st.structured {
        return Ok(false);
    }
    if let Some(v) = field(t, "Session status:") {
        let taken = st.cur().status.is_some() || st.cur().peer.is_some();
        st.split_if(taken);
        st.cur().status = Some(SessionStatus::from(v));
        return Ok(true);
    }
    if let Some(v) = field(t, "Peer:") {
        let taken = st.cur().peer.is_some();
        st.split_if(taken);
        peer_line(st.cur(), v)?;
        st.open = Open::None;
        return Ok(true);
    }
    for (key, slot) in [
        ("Profile:", 0),
        ("Username:", 1),
        ("Group:", 2),
        ("Assigned address:", 3),
        ("Uptime:", 4),
        ("Phase1_id:", 5),
        ("Desc:", 6),
    ] {
        if let Some(v) = field(t, key) {
            let s = st.cur();
            let v = none_to_opt(v);
            match slot {
                0 => s.profile = v,
                1 => s.username = v,
                2 => s.group = v,
                3 => s.assigned_address = v,
                4 => s.uptime = v,
                5 => s.phase1_id = v,
                _ => s.desc = v,
            }
            return Ok(true);
        }
    }
    if let Some(v) = field(t, "Session ID:") {
        let id = v
            .split_whitespace()
            .next()
            .and_then(text::parse_u64)
            .ok_or_else(|| format!("bad Session ID `{v}`"))?;
        st.session_id = Some(id);
        if st.cur().session_id.is_none() {
            st.cur().session_id = Some(id);
        }
        return Ok(true);
    }
    if starts_with_ci(t, "System IP:") {
        return Ok(true);
    }
    for (key, version) in [
        ("IKE SA:", None),
        ("IKEv1 SA:", Some(1)),
        ("IKEv2 SA:", Some(2)),
    ] {
        if let Some(v) = field(t, key) {
            let mut sa = SessionIkeSa {
                version,
                session_id: st.session_id,
                ..Default::default()
            };
            let complete = ike_words(&mut sa, v)?;
            st.cur().ike_sas.push(sa);
            st.open = if complete {
                Open::Ike
            } else {
                Open::IkeWrapped
            };
            return Ok(true);
        }
    }
    if st.open == Open::IkeWrapped && starts_with_ci(t, "remote ") {
        if let Some(sa) = st.cur().ike_sas.last_mut() {
            ike_words(sa, t)?;
        }
        st.open = Open::Ike;
        return Ok(true);
    }
    if let Some(v) = field(t, "Capabilities:") {
        if let Some(sa) = st.cur().ike_sas.last_mut() {
            capabilities(sa, v);
        }
        return Ok(true);
    }
    if let Some(v) = field(t, "IPSEC FLOW:") {
        let (action, rest) = v.split_once(char::is_whitespace).unwrap_or((v, ""));
        st.cur().flows.push(IpsecFlow {
            action: action.to_ascii_lowercase(),
            selectors: rest.split_whitespace().collect::<Vec<_>>().join(" "),
            ..Default::default()
        });
        st.open = Open::Flow;
        return Ok(true);
    }
    if let Some(v) = field(t, "Active SAs:") {
        if let Some(f) = st.cur().flows.last_mut() {
            let (n, origin) = v.split_once(',').unwrap_or((v, ""));
            f.active_sas = text::parse_u64(n);
            f.origin = field(origin.trim(), "origin:").and_then(none_to_opt);
        }
        return Ok(true);
    }
    for (key, inbound) in [("Inbound:", true), ("Outbound:", false)] {
        if let Some(v) = field(t, key) {
            let c = counters(v).ok_or_else(|| format!("bad {key} counters `{v}`"))?;
            if let Some(f) = st.cur().flows.last_mut() {
                if inbound {
                    f.inbound = Some(c);
                } else {
                    f.outbound = Some(c);
                }
            }
            return Ok(true);
        }
    }
    Ok(false)
}

/// A line of the `Code:` legend: `X - Word ...` items separated by commas.
fn is_legend(t: &str) -> bool {
    let mut it = t.split_whitespace();
    matches!((it.next(), it.next()), (Some(code), Some("-"))
        if code.len() <= 2 && code.chars().all(|c| c.is_ascii_uppercase()))
}

/// `11.0.1.1 port 500 fvrf: (none) ivrf: (none)`.
fn peer_line(s: &mut CryptoSession, v: &str) -> Result<(), String> {
    let toks: Vec<&str> = v.split_whitespace().collect();
    let addr = toks.first().ok_or("Peer: without an address")?;
    s.peer = Some(addr.to_string());
    let mut i = 1;
    while let Some(tok) = toks.get(i) {
        let next = toks.get(i + 1).copied();
        match tok.to_ascii_lowercase().as_str() {
            "port" => s.peer_port = next.and_then(|p| p.parse().ok()),
            "fvrf:" => s.fvrf = next.map(str::to_string),
            "ivrf:" => s.ivrf = next.map(str::to_string),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    Ok(())
}

/// `a.b.c.d/500` → address and port.
fn addr_port(tok: &str) -> (String, Option<u16>) {
    match tok.rsplit_once('/') {
        Some((a, p)) if p.parse::<u16>().is_ok() => (a.to_string(), p.parse().ok()),
        _ => (tok.to_string(), None),
    }
}

/// `local A/P remote B/P Active` (or a part of it): fills `sa`; true once the status is known.
fn ike_words(sa: &mut SessionIkeSa, v: &str) -> Result<bool, String> {
    let toks: Vec<&str> = v.split_whitespace().collect();
    let mut i = 0;
    while let Some(tok) = toks.get(i) {
        match tok.to_ascii_lowercase().as_str() {
            "local" | "remote" => {
                let val = toks
                    .get(i + 1)
                    .ok_or_else(|| format!("IKE SA: `{tok}` without an address"))?;
                let (a, p) = addr_port(val);
                if tok.eq_ignore_ascii_case("local") {
                    sa.local = a;
                    sa.local_port = p;
                } else {
                    sa.remote = a;
                    sa.remote_port = p;
                }
                i += 2;
            }
            _ => {
                sa.status = toks.get(i..).unwrap_or(&[]).join(" ");
                break;
            }
        }
    }
    Ok(!sa.status.is_empty())
}

/// `(none) connid:0 lifetime:0` / `DN connid:2913 lifetime:09:03:41`.
fn capabilities(sa: &mut SessionIkeSa, v: &str) {
    for tok in v.split_whitespace() {
        if let Some(c) = tok.strip_prefix("connid:") {
            sa.conn_id = text::parse_u64(c);
        } else if let Some(l) = tok.strip_prefix("lifetime:") {
            sa.lifetime = Some(l.to_string());
        } else if sa.capabilities.is_none() {
            sa.capabilities = Some(tok.to_string());
        }
    }
}

/// `#pkts dec'ed 47 drop 0 life (KB/Sec) 7/233` (life may be `KB Vol Rekey Disabled/239`).
fn counters(v: &str) -> Option<FlowCounters> {
    let toks: Vec<&str> = v.split_whitespace().collect();
    let pos = |w: &str| toks.iter().position(|t| t.eq_ignore_ascii_case(w));
    let pkts = toks
        .get(pos("#pkts")? + 2)
        .and_then(|t| text::parse_u64(t))?;
    let drop = toks
        .get(pos("drop")? + 1)
        .and_then(|t| text::parse_u64(t))?;
    let life = v
        .find("(KB/Sec)")
        .map(|i| v.get(i + "(KB/Sec)".len()..).unwrap_or("").trim());
    let (life_kb, life_sec) = match life.and_then(|l| l.rsplit_once('/')) {
        Some((kb, sec)) => (text::parse_u64(kb), text::parse_u64(sec)),
        None => (None, None),
    };
    Some(FlowCounters {
        pkts,
        drop,
        life_kb,
        life_sec,
    })
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const METRICS: &[Metric] = &[
    Metric {
        name: "crypto_sessions",
        help: "crypto sessions listed (show crypto session)",
        get: |r| CryptoSessions::of(r).map(|x| x.sessions.len().to_string()),
    },
    Metric {
        name: "crypto_sessions_up",
        help: "crypto sessions UP-ACTIVE or UP-IDLE",
        get: |r| CryptoSessions::of(r).map(|x| x.up().to_string()),
    },
    Metric {
        name: "crypto_sessions_down",
        help: "crypto sessions in any other status (DOWN, DOWN-NEGOTIATING, UP-NO-IKE)",
        get: |r| CryptoSessions::of(r).map(|x| x.down().to_string()),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_crypto_session(t).map(Record::CryptoSessions)
}

/// Selections of `show crypto session [detail]`; `brief` and `summary` print other tables.
const SESSION_ARGS: &[Arg] = &[
    Arg::Word("detail"),
    Arg::Word("active"),
    Arg::Word("standby"),
    Arg::Word("isakmp"),
    Arg::Key("local", 1),
    Arg::Key("remote", 1),
    Arg::Key("port", 1),
    Arg::Key("fvrf", 1),
    Arg::Key("ivrf", 1),
    Arg::Key("username", 1),
    Arg::Key("group", 1),
    Arg::Key("interface", 2),
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "crypto_session",
        command: "show crypto session",
        args: SESSION_ARGS,
        platforms: &[Platform::CiscoIos],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
#[path = "crypto_session_tests.rs"]
mod tests;
