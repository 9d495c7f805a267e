//! Phase 1 (IKE) security associations: `show crypto isakmp sa [detail|active|...]` in the IOS /
//! IOS-XE table formats and the ASA block formats (whose 9.x `IKEv2 SAs:` section is an IKEv2
//! table), `show crypto ikev1 sa`. `show crypto ikev2 sa` has its own record and parser
//! (`parse::ikev2_sa`).
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
//! The record types are in `types.rs`, the per-format row parsers in `rows.rs`, and the small
//! helpers the other crypto parsers share (echo/prompt detection, device error lines,
//! address-shaped tokens, the string-enum macro) in `shared.rs`; this file keeps the line
//! classifier and the registration.

mod count;
mod rows;
mod shared;
mod types;

use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
pub use count::{parse_isakmp_sa_count, IsakmpSaCount};
use rows::{apply_pairs, asa7_row, ikev2_detail, ikev2_row, ios_detail_row, ios_row, RowError};
#[doc(hidden)]
pub use shared::enum_key;
pub(crate) use shared::{addr_port, is_addr, is_uint};
pub(crate) use shared::{device_error, is_echo_or_prompt, scan_lines, starts_with_ci, string_enum};
pub use types::{IkeSa, IkeState, IsakmpSa, SaStatus};

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
            Err(e) => {
                // A row cut off by a truncated capture is dropped; elsewhere it is an error.
                if Some(*n) == last_content && st.structured {
                    break;
                }
                return Err(ParseError::new(*n, e.to_string()));
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

fn classify(st: &mut State, line: &str) -> Result<Line, RowError> {
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
                Some(text::parse_u64(idx).ok_or_else(|| RowError::BadSaNumber(idx.to_string()))?)
            },
            ..IkeSa::default()
        };
        let rest = t.get(pos..).unwrap_or("");
        apply_pairs(&mut sa, rest);
        if sa.peer.is_none() {
            return Err(RowError::PeerWithoutAddress(t.to_string()));
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
        return Err(RowError::Incomplete(t.to_string()));
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

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const METRICS: &[Metric] = &[
    Metric {
        name: "ike_sa_total",
        help: "IKE (phase 1) SAs listed",
        get: |r| IsakmpSa::of(r).map(|x| x.total().to_string()),
    },
    Metric {
        name: "ike_sa_up",
        help: "IKE SAs established (MM_ACTIVE, AM_ACTIVE, QM_IDLE, IKEv2 READY)",
        get: |r| IsakmpSa::of(r).map(|x| x.up().to_string()),
    },
    Metric {
        name: "ike_sa_down",
        help: "IKE SAs not established (total - up): stuck negotiations, deleted rows",
        get: |r| IsakmpSa::of(r).map(|x| x.down().to_string()),
    },
    Metric {
        name: "ike_sa_not_up",
        help: "SAs not up, as peer=STATE (IOS tables: src->dst=STATE), space separated",
        get: |r| {
            IsakmpSa::of(r).map(|x| {
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

fn parse_count_record(t: &str) -> Result<Record, ParseError> {
    parse_isakmp_sa_count(t).map(Record::IsakmpSaCount)
}

/// `show crypto isakmp sa [active|standby] [detail] [vrf V]`.
const ISAKMP_ARGS: &[Arg] = &[
    Arg::Word("active"),
    Arg::Word("standby"),
    Arg::Word("detail"),
    Arg::Key("vrf", 1),
];
const ISAKMP_DETAIL_ARGS: &[Arg] = &[
    Arg::Word("active"),
    Arg::Word("standby"),
    Arg::Key("vrf", 1),
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "crypto_isakmp_sa_count",
            command: "show crypto isakmp sa count",
            args: &[],
            platforms: &[Platform::CiscoIos],
            parse: parse_count_record,
            metrics: &[],
        },
        ParserSpec {
            name: "crypto_isakmp_sa",
            command: "show crypto isakmp sa",
            args: ISAKMP_ARGS,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_isakmp_sa_detail",
            command: "show crypto isakmp sa detail",
            args: ISAKMP_DETAIL_ARGS,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_ikev1_sa",
            command: "show crypto ikev1 sa",
            args: &[Arg::Word("detail")],
            platforms: &[Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
    ]
}

#[cfg(test)]
mod tests;
