//! `show crypto ikev2 sa [detail|detailed|local X|remote X ...]` on IOS-XE and the ASA, read
//! into one [`Ikev2Sas`] record: one [`Ikev2Sa`] per `Tunnel-id` row, with the ASA session
//! line above it, the algorithm and time lines under it, the detail lines and `Child sa:` blocks.
//!
//! Formats: the IOS-XE `Tunnel-id Local Remote fvrf/ivrf Status` table under
//! `IPv4/IPv6 Crypto IKEv2 SA` headings (and its IPv6 layout `Tunnel-id fvrf/ivrf Status` with
//! `Local` / `Remote` lines); the ASA `IKEv2 SAs:` section, `Session-id:N, Status:…, IKE
//! count:N, CHILD count:N` then `Tunnel-id Local Remote [fvrf/ivrf] Status Role` (8.4 has no
//! VRF column); `There are no IKEv2 SAs`. The command is registered with the other phase 1
//! parsers (`isakmp::parsers`); the ASA `show crypto isakmp sa` IKEv2 section stays an
//! [`crate::parse::isakmp::IsakmpSa`].

mod types;

use super::ikev2::{child_sa_line, pairs, Ikev2ChildSa};
use super::isakmp::{addr_port, device_error, is_addr, is_echo_or_prompt, is_uint};
use super::text;
use super::{Family, Metric, ParseError, ParserSpec, Record};
use crate::Platform;
pub use types::{Ikev2Sa, Ikev2SaStatus, Ikev2Sas};

/// The ASA `Session-id:` line the tunnel rows below it belong to.
struct Session {
    id: Option<u64>,
    status: Option<String>,
    ike_count: Option<u64>,
    child_count: Option<u64>,
    line: usize,
    /// Index in `Ikev2Sas::sas` of its first tunnel row.
    first: usize,
    /// Whether a tunnel row followed it.
    has_sa: bool,
}

/// Where the lines under a tunnel row go.
#[derive(Clone, Copy, PartialEq)]
enum Block {
    None,
    /// The SA's own lines (algorithms, times, detail).
    Sa,
    /// `addr mask` lines under `Remote subnets:`.
    Subnets,
    /// A `Child sa:` block.
    Child,
}

struct State {
    out: Ikev2Sas,
    ip_version: Option<u8>,
    session: Option<Session>,
    block: Block,
    structured: bool,
}

/// Parse `show crypto ikev2 sa` and its variants (IOS-XE, ASA).
pub fn parse_ikev2_sa(input: &str) -> Result<Ikev2Sas, ParseError> {
    let mut st = State {
        out: Ikev2Sas::default(),
        ip_version: None,
        session: None,
        block: Block::None,
        structured: false,
    };
    let mut first_unknown: Option<(usize, String)> = None;
    for (n, raw) in text::lines(input) {
        let t = raw.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        match line(&mut st, t, n)? {
            true => {}
            false => {
                if first_unknown.is_none() {
                    first_unknown = Some((n, t.to_string()));
                }
            }
        }
    }
    close_session(&mut st)?;
    if !st.structured {
        return Err(match first_unknown {
            Some((n, l)) => {
                ParseError::new(n, format!("not a `show crypto ikev2 sa` output: `{l}`"))
            }
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(st.out)
}

/// End of an ASA session. Its line must have been followed by a tunnel row (else the output
/// was cut). Its `Child sa:` blocks follow the last row; during a rekey (`IKE count:2`) that
/// row may be the old SA being deleted, so they are kept on the session's READY SA.
fn close_session(st: &mut State) -> Result<(), ParseError> {
    let Some(s) = st.session.take() else {
        return Ok(());
    };
    if !s.has_sa {
        return Err(ParseError::new(
            s.line,
            "IKEv2 session without its tunnel row (cut output?)",
        ));
    }
    let sas = st.out.sas.get_mut(s.first..).unwrap_or_default();
    if let Some(ready) = sas.iter().position(|x| x.is_ready()) {
        let children: Vec<Ikev2ChildSa> = sas
            .iter_mut()
            .flat_map(|x| std::mem::take(&mut x.child_sas))
            .collect();
        sas[ready].child_sas = children;
    }
    Ok(())
}

/// Read one line; `Ok(false)` when it is not part of the format.
fn line(st: &mut State, t: &str, n: usize) -> Result<bool, ParseError> {
    let lower = t.to_ascii_lowercase();
    let norm = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    let toks: Vec<&str> = t.split_whitespace().collect();

    // Headings and section markers.
    if norm.ends_with("crypto ikev2 sa") || norm == "ikev2 sas:" {
        close_session(st)?;
        if norm.starts_with("ipv6") {
            st.ip_version = Some(6);
        } else if norm.starts_with("ipv4") {
            st.ip_version = Some(4);
        }
        st.block = Block::None;
        st.structured = true;
        return Ok(true);
    }
    if norm.starts_with("there are no ikev2 sa") {
        st.block = Block::None;
        st.structured = true;
        return Ok(true);
    }
    // ASA: `Session-id:138, Status:UP-ACTIVE, IKE count:1, CHILD count:1`.
    if lower.starts_with("session-id:") && lower.contains("status:") {
        close_session(st)?;
        let mut s = Session {
            id: None,
            status: None,
            ike_count: None,
            child_count: None,
            line: n,
            first: st.out.sas.len(),
            has_sa: false,
        };
        for (k, v) in pairs(t) {
            match k.as_str() {
                "session-id" => s.id = text::parse_u64(&v),
                "status" => s.status = Some(v),
                "ike count" => s.ike_count = text::parse_u64(&v),
                "child count" => s.child_count = text::parse_u64(&v),
                _ => {}
            }
        }
        if s.id.is_none() {
            return Err(ParseError::new(n, format!("bad session line: `{t}`")));
        }
        st.session = Some(s);
        st.block = Block::None;
        st.structured = true;
        return Ok(true);
    }
    if lower.starts_with("tunnel-id") {
        st.block = Block::None;
        st.structured = true;
        return Ok(true);
    }
    // A tunnel row.
    if toks.first().is_some_and(|x| is_uint(x)) {
        if let Some(sa) = row(st, &toks) {
            if let Some(s) = st.session.as_mut() {
                s.has_sa = true;
            }
            st.out.sas.push(sa);
            st.block = Block::Sa;
            st.structured = true;
            return Ok(true);
        }
        if st.block == Block::None && st.structured {
            // `1  10.0.0.1/500` with the rest of the row missing.
            return Err(ParseError::new(
                n,
                format!("incomplete IKEv2 SA row (cut output?): `{t}`"),
            ));
        }
    }
    if st.block == Block::None {
        return Ok(false);
    }
    let Some(sa) = st.out.sas.last_mut() else {
        return Ok(false);
    };
    if lower.starts_with("child sa") {
        let rest = t.split_once(':').map_or("", |(_, r)| r.trim());
        let mut c = Ikev2ChildSa::default();
        if !rest.is_empty() {
            child_sa_line(&mut c, rest);
        }
        sa.child_sas.push(c);
        st.block = Block::Child;
        return Ok(true);
    }
    if st.block == Block::Child {
        if let Some(c) = sa.child_sas.last_mut() {
            child_sa_line(c, t);
        }
        return Ok(true);
    }
    if st.block == Block::Subnets {
        if let [a, m] = toks.as_slice() {
            if is_addr(a) && is_addr(m) {
                sa.remote_subnets.push(format!("{a} {m}"));
                return Ok(true);
            }
        }
        st.block = Block::Sa;
    }
    sa_line(sa, t, &lower, &toks, &mut st.block);
    Ok(true)
}

/// `Tunnel-id Local Remote [fvrf/ivrf] Status [Role]`, or the IOS-XE IPv6 layout
/// `Tunnel-id fvrf/ivrf Status` (its `Local` / `Remote` lines follow).
fn row(st: &State, toks: &[&str]) -> Option<Ikev2Sa> {
    let tunnel_id = text::parse_u64(toks.first()?)?;
    let mut sa = Ikev2Sa {
        ip_version: st.ip_version,
        tunnel_id,
        ..Ikev2Sa::default()
    };
    if let Some(s) = &st.session {
        sa.session_id = s.id;
        sa.session_status = s.status.clone();
        sa.ike_count = s.ike_count;
        sa.child_count = s.child_count;
    }
    let rest = match toks {
        [_, l, r, rest @ ..] if addr_port(l).is_some() && addr_port(r).is_some() => {
            (sa.local, sa.local_port) = addr_port(l).map(split)?;
            (sa.remote, sa.remote_port) = addr_port(r).map(split)?;
            rest
        }
        [_, vrf, status] if is_vrf(vrf) => {
            (sa.fvrf, sa.ivrf) = vrfs(vrf);
            sa.status = Ikev2SaStatus::from(*status);
            return Some(sa);
        }
        _ => return None,
    };
    let rest = match rest {
        [vrf, rest @ ..] if is_vrf(vrf) => {
            (sa.fvrf, sa.ivrf) = vrfs(vrf);
            rest
        }
        rest => rest,
    };
    let (status, role) = rest.split_first()?;
    sa.status = Ikev2SaStatus::from(*status);
    sa.role = role.first().map(|r| r.to_string());
    Some(sa)
}

fn split((a, p): (&str, u16)) -> (Option<String>, Option<u16>) {
    (Some(a.to_string()), Some(p))
}

/// `none/none`, `Global/Global`, `none/121`: a slash, and not an address.
fn is_vrf(tok: &str) -> bool {
    tok.contains('/') && addr_port(tok).is_none() && !is_addr(tok.split('/').next().unwrap_or(""))
}

fn vrfs(tok: &str) -> (Option<String>, Option<String>) {
    let (f, i) = tok.split_once('/').unwrap_or((tok, ""));
    (Some(f.to_string()), Some(i.to_string()))
}

/// One line under a tunnel row (not a child SA line). Lines that are not kept (message ids,
/// windows, fragmentation, SGT, peer type, ...) are read and dropped.
fn sa_line(sa: &mut Ikev2Sa, t: &str, lower: &str, toks: &[&str], block: &mut Block) {
    // The value after `key`, when the line starts with it and the value is not empty
    // (`Remote id:` is blank while the peer has not identified itself).
    let after = |key: &str| {
        lower
            .starts_with(key)
            .then(|| t.get(key.len()..).unwrap_or("").trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match toks {
        ["Local", a] if addr_port(a).is_some() => {
            (sa.local, sa.local_port) = addr_port(a).map(split).unwrap_or_default();
            return;
        }
        ["Remote", a] if addr_port(a).is_some() => {
            (sa.remote, sa.remote_port) = addr_port(a).map(split).unwrap_or_default();
            return;
        }
        _ => {}
    }
    if lower.starts_with("encr:") {
        for (k, v) in pairs(t) {
            match k.as_str() {
                "encr" => sa.encryption = Some(v),
                "keysize" => sa.key_length = text::parse_u64(&v),
                "prf" => sa.prf = Some(v),
                "hash" => sa.hash = Some(v),
                "dh grp" => sa.dh_group = text::parse_u64(&v),
                "auth sign" => sa.auth_sign = Some(v),
                "auth verify" => sa.auth_verify = Some(v),
                _ => {}
            }
        }
        sa.quantum_resistant = t.split(',').any(|p| p.trim().eq_ignore_ascii_case("QR"));
    } else if let Some(v) = after("pqc key exchange:") {
        sa.pqc = Some(v);
    } else if let Some(v) = after("life/active time:") {
        let v = v.trim_end_matches("sec").trim();
        let (l, a) = v.split_once('/').unwrap_or((v, ""));
        sa.lifetime_secs = text::parse_u64(l);
        sa.active_secs = text::parse_u64(a);
    } else if lower.starts_with("ce id:") || lower.starts_with("session-id:") {
        // IOS-XE `CE id: 0, Session-id: 5206`; ASA detail `Session-id: 1`.
        for (k, v) in pairs(t) {
            match k.as_str() {
                "ce id" => sa.ce_id = text::parse_u64(&v),
                "session-id" => sa.session_id = text::parse_u64(&v).or(sa.session_id),
                _ => {}
            }
        }
    } else if let Some(v) = after("status description:") {
        sa.status_description = Some(v);
    } else if lower.starts_with("local spi:") {
        // `Local spi: X       Remote spi: Y`
        let mut spis = toks
            .windows(2)
            .filter(|w| w[0].eq_ignore_ascii_case("spi:"))
            .map(|w| w[1].to_string());
        sa.local_spi = spis.next();
        sa.remote_spi = spis.next();
    } else if let Some(v) = after("local id:") {
        sa.local_id = Some(v);
    } else if let Some(v) = after("remote id:") {
        sa.remote_id = Some(v);
    } else if lower.starts_with("dpd configured for") {
        // `DPD configured for 10 seconds, retry 2`
        let num_after = |w: &str| {
            toks.windows(2)
                .find(|x| x[0].trim_end_matches(',').eq_ignore_ascii_case(w))
                .and_then(|x| text::parse_u64(x[1].trim_end_matches(',')))
        };
        sa.dpd_secs = num_after("for");
        sa.dpd_retry = num_after("retry");
    } else if let Some(v) = after("nat-t is") {
        sa.nat_t = Some(v.split_whitespace().collect::<Vec<_>>().join(" "));
    } else if lower.starts_with("initiator of sa") {
        let v = t.rsplit_once(':').map_or("", |(_, v)| v.trim());
        sa.initiator = match v.to_ascii_lowercase().as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
    } else if let Some(v) = after("pushed ip address:") {
        sa.pushed_ip = Some(v);
    } else if lower.starts_with("remote subnets:") {
        *block = Block::Subnets;
    }
}

// ---------------------------------------------------------------------------------------------
// Metrics (the parser spec is `isakmp::parsers`' `crypto_ikev2_sa`)
// ---------------------------------------------------------------------------------------------

/// The `ike_sa_*` columns keep the names `show crypto ikev2 sa` filled when it was read as a
/// phase 1 table; the `ikev2_sa_*` ones let a playbook poll it beside `show crypto isakmp sa`
/// without the two filling the same column.
pub const METRICS: &[Metric] = &[
    Metric {
        name: "ike_sa_total",
        help: "IKE (phase 1) SAs listed",
        get: |r| Ikev2Sas::of(r).map(|x| x.sas.len().to_string()),
    },
    Metric {
        name: "ike_sa_up",
        help: "IKE SAs established (IKEv2 READY)",
        get: |r| Ikev2Sas::of(r).map(|x| x.ready().to_string()),
    },
    Metric {
        name: "ike_sa_down",
        help: "IKE SAs not established (total - up): IN-NEG, DELETE, ...",
        get: |r| Ikev2Sas::of(r).map(|x| x.not_ready().to_string()),
    },
    Metric {
        name: "ike_sa_not_up",
        help: "SAs not up, as peer=STATE, space separated",
        get: |r| Ikev2Sas::of(r).map(not_ready_list),
    },
    Metric {
        name: "ikev2_sa_total",
        help: "IKEv2 SAs listed (show crypto ikev2 sa)",
        get: |r| Ikev2Sas::of(r).map(|x| x.sas.len().to_string()),
    },
    Metric {
        name: "ikev2_sa_ready",
        help: "IKEv2 SAs whose status is READY (show crypto ikev2 sa)",
        get: |r| Ikev2Sas::of(r).map(|x| x.ready().to_string()),
    },
    Metric {
        name: "ikev2_sa_not_ready",
        help:
            "IKEv2 SAs not READY (IN-NEG, DELETE, ...), during a rekey too (show crypto ikev2 sa)",
        get: |r| Ikev2Sas::of(r).map(|x| x.not_ready().to_string()),
    },
    Metric {
        name: "ikev2_sa_child_sas",
        help: "Child SAs printed under the IKEv2 SAs (ASA; show crypto ikev2 sa)",
        get: |r| Ikev2Sas::of(r).map(|x| x.child_sas().to_string()),
    },
];

/// `peer=STATUS` of every SA not READY.
fn not_ready_list(x: &Ikev2Sas) -> String {
    x.sas
        .iter()
        .filter(|s| !s.is_ready())
        .map(|s| format!("{}={}", s.remote.as_deref().unwrap_or("?"), s.status))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The registry's parse function for `show crypto ikev2 sa`.
/// IOS-XE and ASA `show crypto ikev2 sa [detail|detailed]`, with the selections the IKEv2
/// session command takes.
pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "crypto_ikev2_sa",
        command: "show crypto ikev2 sa",
        args: super::ikev2::SELECT_ARGS,
        platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
        parse: parse_record,
        metrics: METRICS,
    }]
}

pub fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_ikev2_sa(t).map(Record::Ikev2Sas)
}

#[cfg(test)]
mod tests;
