//! Phase 1 (IKE) security associations: `show crypto isakmp sa [detail|active|...]` in the IOS /
//! IOS-XE table formats and the ASA block formats, `show crypto ikev1 sa` and
//! `show crypto ikev2 sa` (ASA, and the IOS-XE IKEv2 table).
//!
//! Every variant is read into one [`IsakmpSa`] record: a list of [`IkeSa`] plus the ASA
//! `Active SA / Rekey SA / Total IKE SA` counters where printed. Formats handled:
//!
//! * IOS: `dst src state conn-id [slot] [status]` rows, with or without the
//!   `IPv4 Crypto ISAKMP SA` / `IPv6 Crypto ISAKMP SA` headings, `(deleted)` rows, no header
//!   at all (`| begin`), empty tables.
//! * IOS `detail`: `C-id Local Remote [I-VRF] [Status] Encr Hash Auth DH Lifetime Cap.` rows
//!   with their `Engine-id:Conn-id` lines and the `Codes:` legend.
//! * ASA 7.x/8.x/9.x: counters then `N   IKE Peer: a.b.c.d` blocks of `Key : value` pairs
//!   (Type, Role, Rekey, State, and in `detail` Encrypt, Hash, Auth, Lifetime), grouped
//!   under `IKEv1 SAs:` / `IKEv2 SAs:` on 9.x; `There are no IKEv1 SAs`.
//! * ASA 7.x table `IKE Peer Type Dir Rky State [Encrypt Hash Auth Lifetime]`.
//! * IKEv2 tables: ASA `Tunnel-id Local Remote [fvrf/ivrf] Status Role`, IOS-XE
//!   `Tunnel-id Local Remote fvrf/ivrf Status` (and its IPv6 layout with `Local`/`Remote`
//!   on their own lines), with `Encr:` and `Life/Active Time:` detail lines.
//!
//! This file also holds the small helpers the other crypto parsers share (echo/prompt
//! detection, device error lines, address-shaped tokens, the string-enum macro).

use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::Platform;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Shared helpers for the crypto family
// ---------------------------------------------------------------------------------------------

/// Declares a string-backed enum: known spellings map to variants (compared case-insensitively,
/// ignoring `_`, `-` and spaces, so `MM_WAIT_MSG_6` is `MM_WAIT_MSG6`), anything else is kept
/// verbatim in `Other`. Serializes as the canonical spelling (or the `Other` text).
macro_rules! string_enum {
    (
        $(#[$m:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vm:meta])* $var:ident => $lit:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        $vis enum $name {
            $( $(#[$vm])* $var, )*
            /// Any other spelling, kept as printed.
            Other(String),
        }

        impl $name {
            /// The canonical device spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$var => $lit, )*
                    Self::Other(s) => s.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                let key = $crate::parse::isakmp::enum_key(s);
                $( if key == $crate::parse::isakmp::enum_key($lit) { return Self::$var; } )*
                Self::Other(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::from(s.as_str())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                match v {
                    $name::Other(s) => s,
                    other => other.as_str().to_string(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// Comparison key for enum spellings: uppercase alphanumerics only.
#[doc(hidden)]
pub fn enum_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// True for a command echo (`Router#show crypto isakmp sa`, `ciscoasa# sh cry isa sa`), a bare
/// prompt (`Router#`, `ciscoasa/ctx>`), or a pager remnant.
pub(crate) fn is_echo_or_prompt(line: &str) -> bool {
    let t = line.trim();
    if t.contains("More") && (t.contains("--More--") || t.contains("<--- More --->")) {
        return true;
    }
    let Some(p) = t.bytes().position(|b| b == b'#' || b == b'>') else {
        return false;
    };
    let prefix = t.get(..p).unwrap_or("");
    let rest = t.get(p + 1..).unwrap_or("").trim();
    if prefix.is_empty()
        || !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/():@".contains(c))
    {
        return false;
    }
    rest.is_empty()
        || starts_with_ci(rest, "sh ")
        || starts_with_ci(rest, "show ")
        || rest.eq_ignore_ascii_case("show")
}

/// The device's own error message, if the line is one (`% Invalid input detected ...`,
/// `ERROR: % Invalid input ...`, `% Incomplete command.`).
pub(crate) fn device_error(line: &str) -> Option<&str> {
    let t = line.trim();
    if !matches!(t.as_bytes().first(), Some(b'%' | b'e' | b'E' | b'i' | b'I')) {
        return None;
    }
    const PREFIXES: &[&str] = &[
        "% invalid",
        "% incomplete",
        "% ambiguous",
        "% unknown command",
        "% unrecognized",
        "error:",
        "invalid input",
    ];
    PREFIXES.iter().any(|p| starts_with_ci(t, p)).then_some(t)
}

/// ASCII case-insensitive `starts_with`, without allocating.
#[inline]
pub(crate) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Loosely address-shaped: hex digits, `.` and `:` only, with at least one digit and one
/// separator. Deliberately lenient (hand-edited or sanitized IPv6 still counts).
pub(crate) fn is_addr(tok: &str) -> bool {
    !tok.is_empty()
        && tok
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':')
        && tok.chars().any(|c| c.is_ascii_digit())
        && tok.contains(['.', ':'])
        && !tok.ends_with(':')
}

/// `addr/port` (IKEv2 tables): the address and the port.
pub(crate) fn addr_port(tok: &str) -> Option<(&str, u16)> {
    let (a, p) = tok.rsplit_once('/')?;
    let port = p.parse::<u16>().ok()?;
    is_addr(a).then_some((a, port))
}

/// `hh:mm:ss` (or `d:hh:mm:ss`) as seconds.
pub(crate) fn hms_secs(tok: &str) -> Option<u64> {
    let parts: Vec<&str> = tok.split(':').collect();
    let mults: &[u64] = match parts.len() {
        2 => &[60, 1],
        3 => &[3600, 60, 1],
        4 => &[86400, 3600, 60, 1],
        _ => return None,
    };
    let mut total: u64 = 0;
    for (p, m) in parts.iter().zip(mults) {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u64 = p.parse().ok()?;
        total = total.checked_add(v.checked_mul(*m)?)?;
    }
    Some(total)
}

fn is_uint(tok: &str) -> bool {
    !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Record
// ---------------------------------------------------------------------------------------------

string_enum! {
    /// Phase 1 state as printed in the `state` / `State` / IKEv2 `Status` column.
    pub enum IkeState {
        /// ASA main mode complete: phase 1 up.
        MmActive => "MM_ACTIVE",
        /// ASA aggressive mode complete: phase 1 up.
        AmActive => "AM_ACTIVE",
        /// IOS phase 1 up, idle between quick modes.
        QmIdle => "QM_IDLE",
        /// IKEv2 SA established.
        Ready => "READY",
        MmNoState => "MM_NO_STATE",
        MmSaSetup => "MM_SA_SETUP",
        MmKeyExch => "MM_KEY_EXCH",
        MmKeyAuth => "MM_KEY_AUTH",
        MmWaitMsg2 => "MM_WAIT_MSG2",
        MmWaitMsg3 => "MM_WAIT_MSG3",
        MmWaitMsg4 => "MM_WAIT_MSG4",
        MmWaitMsg5 => "MM_WAIT_MSG5",
        /// Pre-shared key mismatch (also printed `MM_WAIT_MSG_6`).
        MmWaitMsg6 => "MM_WAIT_MSG6",
        /// Aggressive mode not completing.
        AgInitExch => "AG_INIT_EXCH",
        AgNoState => "AG_NO_STATE",
        AmWaitMsg2 => "AM_WAIT_MSG2",
        AmWaitMsg3 => "AM_WAIT_MSG3",
        /// XAUTH on a LAN-to-LAN peer.
        ConfXauth => "CONF_XAUTH",
        ConfAddr => "CONF_ADDR",
        /// IKEv2 negotiating.
        InNeg => "IN-NEG",
        Delete => "DELETE",
    }
}

impl IkeState {
    /// Phase 1 established.
    pub fn is_up(&self) -> bool {
        matches!(
            self,
            IkeState::MmActive | IkeState::AmActive | IkeState::QmIdle | IkeState::Ready
        )
    }
}

string_enum! {
    /// IOS `status` column.
    pub enum SaStatus {
        Active => "ACTIVE",
        Standby => "STDBY",
    }
}

/// One IKE SA (one row or one block).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IkeSa {
    /// 1 or 2 where the output says (IOS isakmp and ASA IKEv1 sections are 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_version: Option<u8>,
    /// 4 or 6 from the IOS `IPv4/IPv6 Crypto ... SA` heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    /// ASA block / table sequence number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// IKEv2 tunnel id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnel_id: Option<u64>,
    /// IKEv2 session id (ASA `Session-id:N` line, IOS-XE `Session-id: N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<u64>,
    /// IOS `conn-id` / `C-id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conn_id: Option<u64>,
    /// IOS `slot` (older IOS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u64>,
    /// The remote peer where the output names it (ASA `IKE Peer`, `Remote` columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_port: Option<u16>,
    /// The local address where printed (`Local` columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_port: Option<u16>,
    /// IOS table `dst` (the responder of the exchange).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst: Option<String>,
    /// IOS table `src` (the initiator of the exchange).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    /// Phase 1 state (absent from IOS `detail`, which prints only a status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<IkeState>,
    /// IOS `status` (ACTIVE / STDBY).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SaStatus>,
    /// IOS `(deleted)` marker after the status.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// ASA `Type` (L2L, user, ...), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sa_type: Option<String>,
    /// ASA `Role` / `Dir` / IKEv2 `Role`, as printed (initiator, responder, Init, Resp, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// ASA `Rekey` / `Rky`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rekey: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_group: Option<u32>,
    /// Configured lifetime in seconds (ASA `Lifetime`, IKEv2 `Life/Active Time` first half).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_secs: Option<u64>,
    /// Remaining lifetime in seconds (IOS `detail` Lifetime column, ASA `Lifetime Remaining`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_secs: Option<u64>,
    /// IKEv2 active time in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fvrf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ivrf: Option<String>,
    /// IOS `detail` capabilities letters (D, N, X, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<String>,
    /// IOS `detail` `Engine-id:Conn-id` value (e.g. `SW:12609`), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_conn_id: Option<String>,
}

impl IkeSa {
    /// Phase 1 established: an up state, or (IOS `detail`, which has no state) status ACTIVE,
    /// or (old IOS `detail`, no status either) a remaining lifetime; never a `(deleted)` row.
    pub fn is_up(&self) -> bool {
        if self.deleted {
            return false;
        }
        match (&self.state, &self.status) {
            (Some(s), _) => s.is_up(),
            (None, Some(st)) => *st == SaStatus::Active,
            // Old IOS `detail` prints neither: a row with a negotiated (remaining) lifetime is
            // an established SA.
            (None, None) => self.remaining_secs.is_some(),
        }
    }

    /// The best available name of the remote end: `peer`, else IOS `dst`.
    pub fn remote(&self) -> Option<&str> {
        self.peer.as_deref().or(self.dst.as_deref())
    }
}

/// `show crypto isakmp sa` and friends, all formats.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IsakmpSa {
    pub sas: Vec<IkeSa>,
    /// ASA `Active SA:` counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_sa: Option<u64>,
    /// ASA `Rekey SA:` counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rekey_sa: Option<u64>,
    /// ASA `Total IKE SA:` counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_ike_sa: Option<u64>,
}

impl IsakmpSa {
    pub fn total(&self) -> usize {
        self.sas.len()
    }
    pub fn up(&self) -> usize {
        self.sas.iter().filter(|s| s.is_up()).count()
    }
    pub fn down(&self) -> usize {
        self.total() - self.up()
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// What a line turned out to be.
enum Line {
    /// Part of the format (heading, header, counter, row, detail, blank).
    Known,
    /// Not recognised.
    Unknown,
}

struct State {
    out: IsakmpSa,
    ike_version: Option<u8>,
    ip_version: Option<u8>,
    /// Last ASA `Session-id:` seen (IKEv2).
    session_id: Option<u64>,
    /// Index into `out.sas` of the SA whose detail lines may follow, and its kind.
    open: Option<(usize, Open)>,
    /// Anything format-specific was recognised.
    structured: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    AsaBlock,
    Ikev2,
    IosDetail,
}

/// Parse any `show crypto isakmp sa` / `ikev1 sa` / `ikev2 sa` output (IOS, IOS-XE, ASA).
pub fn parse_isakmp_sa(input: &str) -> Result<IsakmpSa, ParseError> {
    let lines = text::lines(input);
    let content: Vec<&(usize, String)> = lines
        .iter()
        .filter(|(_, l)| !l.trim().is_empty() && !is_echo_or_prompt(l))
        .collect();
    let last_content = content.last().map(|(n, _)| *n);

    let mut st = State {
        out: IsakmpSa::default(),
        ike_version: None,
        ip_version: None,
        session_id: None,
        open: None,
        structured: false,
    };
    let mut first_unknown: Option<(usize, String)> = None;

    for (n, line) in content {
        if let Some(e) = device_error(line) {
            return Err(ParseError::new(*n, format!("device error: {e}")));
        }
        match classify(&mut st, line) {
            Ok(Line::Known) => {}
            Ok(Line::Unknown) => {
                if first_unknown.is_none() {
                    first_unknown = Some((*n, line.trim().to_string()));
                }
            }
            Err(msg) => {
                // A row cut off by a truncated capture is dropped; elsewhere it is an error.
                if Some(*n) == last_content && st.structured {
                    break;
                }
                return Err(ParseError::new(*n, msg));
            }
        }
    }

    if !st.structured {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not an IKE/ISAKMP SA output: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(st.out)
}

fn classify(st: &mut State, line: &str) -> Result<Line, String> {
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    let toks: Vec<&str> = t.split_whitespace().collect();
    let norm = lower.split_whitespace().collect::<Vec<_>>().join(" ");

    // Headings and section markers.
    if norm.contains("crypto isakmp sa") || norm.contains("crypto ikev2 sa") {
        st.ip_version = if lower.starts_with("ipv6") {
            Some(6)
        } else if lower.starts_with("ipv4") {
            Some(4)
        } else {
            st.ip_version
        };
        st.ike_version = Some(if lower.contains("ikev2") { 2 } else { 1 });
        st.open = None;
        st.structured = true;
        return Ok(Line::Known);
    }
    if lower == "ikev1 sas:" || lower == "ikev2 sas:" {
        st.ike_version = Some(if lower.starts_with("ikev2") { 2 } else { 1 });
        st.open = None;
        st.structured = true;
        return Ok(Line::Known);
    }
    if lower.starts_with("there are no") && (lower.contains(" sas") || lower.contains(" sa")) {
        st.structured = true;
        st.open = None;
        return Ok(Line::Known);
    }
    // IOS table header / detail header / ASA 7.x header / IKEv2 header.
    if lower.starts_with("dst ") && lower.contains("src") && lower.contains("state") {
        st.structured = true;
        st.open = None;
        if st.ike_version.is_none() {
            st.ike_version = Some(1);
        }
        return Ok(Line::Known);
    }
    if lower.starts_with("c-id ") || lower.starts_with("conn id") || lower.starts_with("conn-id ") {
        st.structured = true;
        st.open = None;
        return Ok(Line::Known);
    }
    if lower.starts_with("ike peer ") && lower.contains("state") {
        st.structured = true;
        st.open = None;
        return Ok(Line::Known);
    }
    if lower.starts_with("tunnel-id") {
        st.structured = true;
        st.open = None;
        st.ike_version = Some(2);
        return Ok(Line::Known);
    }
    if lower.starts_with("codes:") {
        return Ok(Line::Known);
    }
    // ASA counters.
    if let Some(v) = counter(t, "Active SA:") {
        st.out.active_sa = Some(v);
        st.structured = true;
        return Ok(Line::Known);
    }
    if let Some(v) = counter(t, "Rekey SA:") {
        st.out.rekey_sa = Some(v);
        st.structured = true;
        return Ok(Line::Known);
    }
    if let Some(v) = counter(t, "Total IKE SA:") {
        st.out.total_ike_sa = Some(v);
        st.structured = true;
        return Ok(Line::Known);
    }
    // ASA IKEv2 session line: `Session-id:138, Status:UP-ACTIVE, IKE count:1, CHILD count:1`.
    if lower.starts_with("session-id:") {
        let v = t
            .get("session-id:".len()..)
            .unwrap_or("")
            .split(',')
            .next()
            .and_then(text::parse_u64);
        st.session_id = v;
        st.structured = true;
        st.open = None;
        return Ok(Line::Known);
    }

    // ASA block start: `1   IKE Peer: 10.7.13.20` (possibly followed by pairs on one line).
    if let Some(pos) = t.find("IKE Peer:") {
        let idx = t.get(..pos).unwrap_or("").trim();
        let mut sa = IkeSa {
            ike_version: Some(st.ike_version.unwrap_or(1)),
            ip_version: st.ip_version,
            index: if idx.is_empty() {
                None
            } else {
                Some(text::parse_u64(idx).ok_or_else(|| format!("bad SA number `{idx}`"))?)
            },
            ..IkeSa::default()
        };
        let rest = t.get(pos..).unwrap_or("");
        apply_pairs(&mut sa, rest);
        if sa.peer.is_none() {
            return Err(format!("IKE Peer without an address: `{t}`"));
        }
        st.out.sas.push(sa);
        st.open = Some((st.out.sas.len() - 1, Open::AsaBlock));
        st.structured = true;
        return Ok(Line::Known);
    }

    // Detail lines belonging to the open SA.
    if let Some((i, kind)) = st.open {
        let Some(sa) = st.out.sas.get_mut(i) else {
            return Ok(Line::Unknown);
        };
        match kind {
            Open::AsaBlock => {
                if t.contains(':') && !starts_with_number(&toks) {
                    apply_pairs(sa, t);
                    return Ok(Line::Known);
                }
            }
            Open::IosDetail => {
                if let Some(v) = lower
                    .starts_with("engine-id:conn-id")
                    .then(|| t.split_once('=').map(|(_, v)| v.trim()))
                    .flatten()
                {
                    if !v.is_empty() && !v.contains('?') {
                        sa.engine_conn_id = Some(v.to_string());
                    }
                    return Ok(Line::Known);
                }
            }
            Open::Ikev2 => {
                if !ikev2_row_shape(&toks) && ikev2_detail(sa, t, &lower) {
                    return Ok(Line::Known);
                }
            }
        }
    }

    // Rows.
    let Some(first) = toks.first() else {
        return Ok(Line::Known);
    };
    if is_addr(first) && toks.get(1).is_some_and(|s| is_addr(s)) {
        let sa = ios_row(&toks, st)?;
        st.out.sas.push(sa);
        st.open = None;
        st.structured = true;
        return Ok(Line::Known);
    }
    if is_uint(first) && toks.len() >= 3 {
        let second = toks.get(1).copied().unwrap_or("");
        let third = toks.get(2).copied().unwrap_or("");
        let sa = if addr_port(second).is_some() && addr_port(third).is_some() {
            let sa = ikev2_row(&toks, st)?;
            st.open = Some((st.out.sas.len(), Open::Ikev2));
            sa
        } else if ikev2_row_shape(&toks) {
            // IOS-XE IPv6 IKEv2 layout: `1  none/none  READY`, Local/Remote lines follow.
            let (fvrf, ivrf) = second.split_once('/').unwrap_or((second, ""));
            let sa = IkeSa {
                ike_version: Some(2),
                ip_version: st.ip_version,
                tunnel_id: text::parse_u64(first),
                fvrf: Some(fvrf.to_string()),
                ivrf: Some(ivrf.to_string()),
                state: Some(IkeState::from(third)),
                session_id: st.session_id,
                ..IkeSa::default()
            };
            st.open = Some((st.out.sas.len(), Open::Ikev2));
            sa
        } else if is_addr(second) && is_addr(third) {
            let sa = ios_detail_row(&toks, st)?;
            st.open = Some((st.out.sas.len(), Open::IosDetail));
            sa
        } else if is_addr(second) {
            let sa = asa7_row(&toks, st)?;
            st.open = None;
            sa
        } else {
            return Ok(Line::Unknown);
        };
        st.out.sas.push(sa);
        st.structured = true;
        return Ok(Line::Known);
    }
    if is_addr(first) || (is_uint(first) && toks.len() < 3 && st.structured) {
        return Err(format!("incomplete SA row: `{t}`"));
    }
    Ok(Line::Unknown)
}

/// `Tunnel-id Local/port Remote/port ...` or the IOS-XE IPv6 layout `Tunnel-id fvrf/ivrf Status`.
fn ikev2_row_shape(toks: &[&str]) -> bool {
    match toks {
        [id, a, b, ..] if is_uint(id) && addr_port(a).is_some() && addr_port(b).is_some() => true,
        [id, vrf, _status] => {
            is_uint(id) && vrf.contains('/') && addr_port(vrf).is_none() && !is_addr(vrf)
        }
        _ => false,
    }
}

fn starts_with_number(toks: &[&str]) -> bool {
    toks.first().is_some_and(|t| is_uint(t))
}

/// `Active SA: 1`, `Rekey SA: 0 (A tunnel will report ...)`, tolerant of leading spaces.
fn counter(t: &str, key: &str) -> Option<u64> {
    let rest = t.strip_prefix(key)?;
    rest.split_whitespace().next().and_then(text::parse_u64)
}

/// Apply `Key : value` pairs of an ASA block line to `sa`.
fn apply_pairs(sa: &mut IkeSa, line: &str) {
    for (k, v) in pairs(line) {
        match k.to_ascii_lowercase().as_str() {
            "ike peer" if !v.is_empty() => sa.peer = Some(v),
            "type" => sa.sa_type = Some(v),
            "role" | "dir" => sa.role = Some(v),
            "rekey" | "rky" => sa.rekey = yes_no(&v),
            "state" => sa.state = Some(IkeState::from(v.as_str())),
            "encrypt" | "encryption" => sa.encryption = Some(v),
            "hash" => sa.hash = Some(v),
            "auth" => sa.auth = Some(v),
            "lifetime" => sa.lifetime_secs = text::parse_u64(&v),
            "lifetime remaining" => sa.remaining_secs = text::parse_u64(&v),
            _ => {}
        }
    }
}

/// Split `Type    : L2L             Role    : initiator` into (key, value) pairs. Keys are one or
/// more words before a colon; a value is the single token after it.
fn pairs(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut key: Vec<&str> = Vec::new();
    let mut toks = line.split_whitespace().peekable();
    while let Some(tok) = toks.next() {
        if tok == ":" {
            let v = toks.next().unwrap_or("");
            out.push((key.join(" "), v.to_string()));
            key.clear();
        } else if let Some(k) = tok.strip_suffix(':') {
            key.push(k);
            let v = toks.next().unwrap_or("");
            out.push((key.join(" "), v.to_string()));
            key.clear();
        } else if let Some((k, v)) = tok.split_once(':').filter(|(k, _)| {
            // `Lifetime:86400` but not an IPv6 address or a time.
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic())
        }) {
            key.push(k);
            out.push((key.join(" "), v.to_string()));
            key.clear();
        } else {
            key.push(tok);
        }
    }
    out
}

fn yes_no(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "yes" | "y" => Some(true),
        "no" | "n" => Some(false),
        _ => None,
    }
}

/// IOS `dst src state conn-id [slot] [status] [(deleted)]`.
fn ios_row(toks: &[&str], st: &State) -> Result<IkeSa, String> {
    let row = toks.join(" ");
    let state = toks
        .get(2)
        .ok_or_else(|| format!("incomplete SA row: `{row}`"))?;
    if is_uint(state) {
        return Err(format!("expected a state in column 3: `{row}`"));
    }
    let conn = toks
        .get(3)
        .ok_or_else(|| format!("incomplete SA row: `{row}`"))?;
    let conn_id = text::parse_u64(conn).ok_or_else(|| format!("bad conn-id `{conn}`: `{row}`"))?;
    let mut sa = IkeSa {
        ike_version: Some(1),
        ip_version: st.ip_version,
        dst: toks.first().map(|s| s.to_string()),
        src: toks.get(1).map(|s| s.to_string()),
        state: Some(IkeState::from(*state)),
        conn_id: Some(conn_id),
        ..IkeSa::default()
    };
    let mut rest = toks.get(4..).unwrap_or(&[]).iter().peekable();
    if let Some(s) = rest.peek().filter(|s| is_uint(s)) {
        sa.slot = text::parse_u64(s);
        rest.next();
    }
    for tok in rest {
        let lower = tok.to_ascii_lowercase();
        let tok = if let Some(p) = lower.find("(deleted)") {
            sa.deleted = true;
            tok.get(..p).unwrap_or("")
        } else {
            tok
        };
        if tok.is_empty() {
            continue;
        }
        if sa.status.is_none() {
            sa.status = Some(SaStatus::from(tok));
        } else {
            return Err(format!("unexpected `{tok}` in SA row: `{row}`"));
        }
    }
    Ok(sa)
}

/// IOS detail: `C-id Local Remote [I-VRF] [Status] Encr Hash Auth DH Lifetime [Cap.]`.
fn ios_detail_row(toks: &[&str], st: &State) -> Result<IkeSa, String> {
    let row = toks.join(" ");
    let lt = toks
        .iter()
        .enumerate()
        .skip(7)
        .find(|(_, t)| hms_secs(t).is_some())
        .map(|(i, _)| i)
        .ok_or_else(|| format!("detail row without a lifetime: `{row}`"))?;
    let get = |i: usize| toks.get(i).map(|s| s.to_string());
    let mut sa = IkeSa {
        ike_version: Some(1),
        ip_version: st.ip_version,
        conn_id: toks.first().and_then(|s| text::parse_u64(s)),
        local: get(1),
        peer: get(2),
        encryption: get(lt - 4),
        hash: get(lt - 3),
        auth: get(lt - 2),
        dh_group: toks.get(lt - 1).and_then(|s| s.parse().ok()),
        remaining_secs: toks.get(lt).and_then(|s| hms_secs(s)),
        ..IkeSa::default()
    };
    let caps = toks.get(lt + 1..).unwrap_or(&[]).join(" ");
    if !caps.is_empty() {
        sa.capabilities = Some(caps);
    }
    let middle = toks.get(3..lt - 4).unwrap_or(&[]);
    match middle {
        [] => {}
        [one] => {
            let s = SaStatus::from(*one);
            if matches!(s, SaStatus::Other(_)) {
                sa.ivrf = Some(one.to_string());
            } else {
                sa.status = Some(s);
            }
        }
        [vrf, status] => {
            sa.ivrf = Some(vrf.to_string());
            sa.status = Some(SaStatus::from(*status));
        }
        _ => return Err(format!("unexpected columns in detail row: `{row}`")),
    }
    Ok(sa)
}

/// ASA 7.x table: `N peer Type Dir Rky State [Encrypt Hash Auth Lifetime]`.
fn asa7_row(toks: &[&str], st: &State) -> Result<IkeSa, String> {
    let row = toks.join(" ");
    if toks.len() < 6 {
        return Err(format!("incomplete SA row: `{row}`"));
    }
    let get = |i: usize| toks.get(i).map(|s| s.to_string());
    Ok(IkeSa {
        ike_version: Some(1),
        ip_version: st.ip_version,
        index: toks.first().and_then(|s| text::parse_u64(s)),
        peer: get(1),
        sa_type: get(2),
        role: get(3),
        rekey: toks.get(4).and_then(|s| yes_no(s)),
        state: toks.get(5).map(|s| IkeState::from(*s)),
        encryption: get(6),
        hash: get(7),
        auth: get(8),
        lifetime_secs: toks.get(9).and_then(|s| text::parse_u64(s)),
        ..IkeSa::default()
    })
}

/// IKEv2: `Tunnel-id Local Remote [fvrf/ivrf] Status [Role]`.
fn ikev2_row(toks: &[&str], st: &State) -> Result<IkeSa, String> {
    let row = toks.join(" ");
    let (local, lport) = toks.get(1).and_then(|s| addr_port(s)).unzip();
    let (peer, pport) = toks.get(2).and_then(|s| addr_port(s)).unzip();
    let mut sa = IkeSa {
        ike_version: Some(2),
        ip_version: st.ip_version,
        tunnel_id: toks.first().and_then(|s| text::parse_u64(s)),
        session_id: st.session_id,
        local: local.map(str::to_string),
        local_port: lport,
        peer: peer.map(str::to_string),
        peer_port: pport,
        ..IkeSa::default()
    };
    let mut rest = toks.get(3..).unwrap_or(&[]).iter();
    let mut next = rest.next();
    if let Some((f, i)) = next.and_then(|s| s.split_once('/')) {
        sa.fvrf = Some(f.to_string());
        sa.ivrf = Some(i.to_string());
        next = rest.next();
    }
    let status = next.ok_or_else(|| format!("IKEv2 row without a status: `{row}`"))?;
    sa.state = Some(IkeState::from(*status));
    sa.role = rest.next().map(|s| s.to_string());
    Ok(sa)
}

/// IKEv2 lines under a tunnel row. Returns whether the line was one of them (every line
/// under a tunnel row is detail until the next row or heading).
fn ikev2_detail(sa: &mut IkeSa, t: &str, lower: &str) -> bool {
    let toks: Vec<&str> = t.split_whitespace().collect();
    match toks.as_slice() {
        ["Local", a, ..] if addr_port(a).is_some() || is_addr(a) => {
            let (addr, port) = addr_port(a).map_or((*a, None), |(x, p)| (x, Some(p)));
            sa.local = Some(addr.to_string());
            sa.local_port = port;
            return true;
        }
        ["Remote", a, ..] if addr_port(a).is_some() || is_addr(a) => {
            let (addr, port) = addr_port(a).map_or((*a, None), |(x, p)| (x, Some(p)));
            sa.peer = Some(addr.to_string());
            sa.peer_port = port;
            return true;
        }
        _ => {}
    }
    if lower.starts_with("encr:") {
        for part in t.split(',') {
            let Some((k, v)) = part.split_once(':') else {
                continue;
            };
            let v = v.trim();
            match k.trim().to_ascii_lowercase().as_str() {
                "encr" => sa.encryption = Some(v.to_string()),
                "hash" => sa.hash = Some(v.to_string()),
                "dh grp" => sa.dh_group = v.parse().ok(),
                "auth sign" => sa.auth = Some(v.to_string()),
                _ => {}
            }
        }
        return true;
    }
    if let Some(v) = lower.strip_prefix("life/active time:") {
        let v = v.trim().trim_end_matches("sec").trim();
        if let Some((l, a)) = v.split_once('/') {
            sa.lifetime_secs = text::parse_u64(l);
            sa.active_secs = text::parse_u64(a);
        }
        return true;
    }
    if lower.starts_with("ce id:") {
        if let Some(v) = lower.split("session-id:").nth(1) {
            sa.session_id = text::parse_u64(v);
        }
        return true;
    }
    // Everything else under a tunnel row (spi, child sa, selectors, DPD, NAT-T, remote
    // subnets ...) is detail we do not keep.
    true
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

fn rec(r: &Record) -> Option<&IsakmpSa> {
    match r {
        Record::IsakmpSa(x) => Some(x),
        _ => None,
    }
}

const METRICS: &[Metric] = &[
    Metric {
        name: "ike_sa_total",
        help: "IKE (phase 1) SAs listed",
        get: |r| rec(r).map(|x| x.total().to_string()),
    },
    Metric {
        name: "ike_sa_up",
        help: "IKE SAs established (MM_ACTIVE, AM_ACTIVE, QM_IDLE, IKEv2 READY)",
        get: |r| rec(r).map(|x| x.up().to_string()),
    },
    Metric {
        name: "ike_sa_down",
        help: "IKE SAs not established (total - up): stuck negotiations, deleted rows",
        get: |r| rec(r).map(|x| x.down().to_string()),
    },
    Metric {
        name: "ike_sa_not_up",
        help: "SAs not up, as peer=STATE (IOS tables: src->dst=STATE), space separated",
        get: |r| {
            rec(r).map(|x| {
                x.sas
                    .iter()
                    .filter(|s| !s.is_up())
                    .map(|s| {
                        let state = s
                            .state
                            .as_ref()
                            .map(|s| s.as_str().to_string())
                            .or_else(|| s.status.as_ref().map(|s| s.as_str().to_string()))
                            .unwrap_or_default();
                        let del = if s.deleted { "(deleted)" } else { "" };
                        let who = match (&s.peer, &s.src, &s.dst) {
                            (Some(p), _, _) => p.clone(),
                            (None, Some(src), Some(dst)) => format!("{src}->{dst}"),
                            _ => "?".to_string(),
                        };
                        format!("{who}={state}{del}")
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        },
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_isakmp_sa(t).map(Record::IsakmpSa)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "crypto_isakmp_sa",
            command: "show crypto isakmp sa",
            takes_args: true,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_isakmp_sa_detail",
            command: "show crypto isakmp sa detail",
            takes_args: true,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_ikev1_sa",
            command: "show crypto ikev1 sa",
            takes_args: true,
            platforms: &[Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_ikev2_sa",
            command: "show crypto ikev2 sa",
            takes_args: true,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
    ]
}

#[cfg(test)]
mod tests;
