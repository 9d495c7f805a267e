//! The per-format row parsers: IOS table and `detail` rows, ASA 7.x table rows, ASA block
//! `Key : value` pairs, IKEv2 tunnel rows and the detail lines under them.

use super::shared::{addr_port, hms_secs, is_addr, is_uint};
use super::text;
use super::{IkeSa, IkeState, SaStatus, State};

/// A line that looks like an SA row or block but cannot be read; the caller adds the line
/// number (see `parse_isakmp_sa`). Each variant holds the row as written.
#[derive(Debug, thiserror::Error)]
pub(super) enum RowError {
    #[error("incomplete SA row: `{0}`")]
    Incomplete(String),
    #[error("expected a state in column 3: `{0}`")]
    NoState(String),
    #[error("bad conn-id `{conn}`: `{row}`")]
    BadConnId { conn: String, row: String },
    #[error("unexpected `{tok}` in SA row: `{row}`")]
    Unexpected { tok: String, row: String },
    #[error("detail row without a lifetime: `{0}`")]
    NoLifetime(String),
    #[error("unexpected columns in detail row: `{0}`")]
    DetailColumns(String),
    #[error("IKEv2 row without a status: `{0}`")]
    NoStatus(String),
    #[error("bad SA number `{0}`")]
    BadSaNumber(String),
    #[error("IKE Peer without an address: `{0}`")]
    PeerWithoutAddress(String),
}

/// Apply `Key : value` pairs of an ASA block line to `sa`.
pub(super) fn apply_pairs(sa: &mut IkeSa, line: &str) {
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

pub(super) fn yes_no(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "yes" | "y" => Some(true),
        "no" | "n" => Some(false),
        _ => None,
    }
}

/// IOS `dst src state conn-id [slot] [status] [(deleted)]`.
pub(super) fn ios_row(toks: &[&str], st: &State) -> Result<IkeSa, RowError> {
    let row = toks.join(" ");
    let state = toks
        .get(2)
        .ok_or_else(|| RowError::Incomplete(row.clone()))?;
    if is_uint(state) {
        return Err(RowError::NoState(row));
    }
    let conn = toks
        .get(3)
        .ok_or_else(|| RowError::Incomplete(row.clone()))?;
    let conn_id = text::parse_u64(conn).ok_or_else(|| RowError::BadConnId {
        conn: conn.to_string(),
        row: row.clone(),
    })?;
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
            return Err(RowError::Unexpected {
                tok: tok.to_string(),
                row,
            });
        }
    }
    Ok(sa)
}

/// IOS detail: `C-id Local Remote [I-VRF] [Status] Encr Hash Auth DH Lifetime [Cap.]`.
pub(super) fn ios_detail_row(toks: &[&str], st: &State) -> Result<IkeSa, RowError> {
    let row = toks.join(" ");
    let lt = toks
        .iter()
        .enumerate()
        .skip(7)
        .find(|(_, t)| hms_secs(t).is_some())
        .map(|(i, _)| i)
        .ok_or_else(|| RowError::NoLifetime(row.clone()))?;
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
        _ => return Err(RowError::DetailColumns(row)),
    }
    Ok(sa)
}

/// ASA 7.x table: `N peer Type Dir Rky State [Encrypt Hash Auth Lifetime]`.
pub(super) fn asa7_row(toks: &[&str], st: &State) -> Result<IkeSa, RowError> {
    let row = toks.join(" ");
    if toks.len() < 6 {
        return Err(RowError::Incomplete(row));
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
pub(super) fn ikev2_row(toks: &[&str], st: &State) -> Result<IkeSa, RowError> {
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
    let status = next.ok_or_else(|| RowError::NoStatus(row.clone()))?;
    sa.state = Some(IkeState::from(*status));
    sa.role = rest.next().map(|s| s.to_string());
    Ok(sa)
}

/// IKEv2 lines under a tunnel row. Returns whether the line was one of them (every line
/// under a tunnel row is detail until the next row or heading).
pub(super) fn ikev2_detail(sa: &mut IkeSa, t: &str, lower: &str) -> bool {
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
