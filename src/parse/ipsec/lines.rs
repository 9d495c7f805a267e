//! Every non-counter line: context (`interface:`, `Crypto map tag:`), entry start (`local
//! ident`), peer, endpoints, MTU, PFS, SA lists and the `spi:` blocks with their transform,
//! settings, conn id, remaining lifetime and status.

use super::counters::num;
use super::{Ctx, Dir, Ident, LineError, Parser, SpiSa, SpiStatus};
use crate::parse::isakmp::starts_with_ci;

/// Text after the first `key` (case-insensitive) and any `:` / spaces.
fn after<'a>(t: &'a str, key: &str) -> Option<&'a str> {
    if starts_with_ci(t, key) {
        let r = t.get(key.len()..)?;
        let skip = r.bytes().take_while(|b| *b == b':' || *b == b' ').count();
        r.get(skip..).map(str::trim_ascii)
    } else {
        None
    }
}

/// The VRF of a `protected vrf` line after its key: ASA 9.x labels it (`Protected vrf (ivrf):
/// NAME`), so a leading `(label):` is dropped; IOS's `(none)` has no colon after it and stays.
fn vrf_name(v: &str) -> &str {
    if v.starts_with('(') {
        if let Some(i) = v.find("):") {
            return v.get(i + 2..).unwrap_or("").trim_ascii();
        }
    }
    v
}

/// One non-counter line. `Ok(true)` when recognised.
pub(super) fn line(p: &mut Parser, t: &str) -> Result<bool, LineError> {
    let b = t
        .as_bytes()
        .first()
        .copied()
        .unwrap_or(b' ')
        .to_ascii_lowercase();
    match b {
        b'i' => {
            if let Some(v) = after(t, "interface:") {
                p.flush();
                p.ctx = Ctx {
                    interface: Some(v.to_string()),
                    ..Ctx::default()
                };
                p.structured = true;
                return Ok(true);
            }
            if let Some(r) = after(t, "inbound ") {
                return Ok(sa_list(p, Dir::In, r));
            }
            if let Some(v) = after(t, "in use settings") {
                let v = v.trim_start_matches(['=', ' ']).trim();
                let v = v.trim_start_matches('{').trim_end_matches('}');
                let v = v.trim().trim_end_matches(',').trim();
                let v = v.split(',').map(str::trim).collect::<Vec<_>>().join(", ");
                if let Some(sa) = p.spi_sa() {
                    sa.settings = Some(v);
                }
                return Ok(true);
            }
        }
        b'o' => {
            if let Some(r) = after(t, "outbound ") {
                return Ok(sa_list(p, Dir::Out, r));
            }
        }
        b'c' => {
            if let Some(v) = after(t, "crypto map tag") {
                p.flush();
                let mut parts = v.split(',');
                p.ctx.crypto_map = parts.next().map(|s| s.trim().to_string());
                p.ctx.seq_num = None;
                p.ctx.local_addr = None;
                for part in parts {
                    let part = part.trim();
                    if let Some(s) = after(part, "seq num") {
                        p.ctx.seq_num = num(s);
                    } else if let Some(a) = after(part, "local addr") {
                        p.ctx.local_addr = Some(a.to_string());
                    }
                }
                p.structured = true;
                return Ok(true);
            }
            if let Some(v) = after(t, "current_peer") {
                let mut toks = v.split_whitespace();
                let peer = toks.next().map(|s| s.trim_end_matches(',').to_string());
                let port = match (toks.next(), toks.next()) {
                    (Some("port"), Some(x)) => x.parse().ok(),
                    _ => None,
                };
                let e = p.entry();
                e.current_peer = peer;
                e.peer_port = port;
                p.structured = true;
                return Ok(true);
            }
            if let Some(v) = after(t, "current outbound spi") {
                let spi = v.split('(').next().unwrap_or("").trim().to_string();
                p.entry().current_outbound_spi = Some(spi).filter(|s| !s.is_empty());
                return Ok(true);
            }
            if let Some(v) = after(t, "current inbound spi") {
                let spi = v.split('(').next().unwrap_or("").trim().to_string();
                p.entry().current_inbound_spi = Some(spi).filter(|s| !s.is_empty());
                return Ok(true);
            }
            if starts_with_ci(t, "conn id") || starts_with_ci(t, "conn_id") {
                conn_line(p, t);
                return Ok(true);
            }
        }
        b'l' => {
            if starts_with_ci(t, "local") && t.contains("ident") {
                let id = ident(t)?;
                p.new_entry().local_ident = Some(id);
                p.structured = true;
                return Ok(true);
            }
            if let Some(v) = after(t, "local crypto endpt.") {
                endpoints(p, v);
                return Ok(true);
            }
        }
        b'r' => {
            if starts_with_ci(t, "remote") && t.contains("ident") {
                let id = ident(t)?;
                p.entry().remote_ident = Some(id);
                return Ok(true);
            }
            if t.contains("crypto endpt.") {
                endpoints(p, t);
                return Ok(true);
            }
        }
        b'p' => {
            if let Some(v) = after(t, "protected vrf") {
                p.flush();
                p.ctx.pending_vrf = Some(vrf_name(v).to_string());
                return Ok(true);
            }
            if starts_with_ci(t, "permit") || starts_with_ci(t, "deny") {
                p.entry().flags = Some(t.to_string());
                return Ok(true);
            }
            if let Some(v) = after(t, "pfs (y/n)") {
                let mut parts = v.split(',');
                let pfs = match parts.next().map(str::trim) {
                    Some("Y") | Some("y") => Some(true),
                    Some("N") | Some("n") => Some(false),
                    _ => None,
                };
                let dh = parts
                    .find_map(|s| after(s.trim(), "DH group"))
                    .map(str::to_string);
                let e = p.entry();
                e.pfs = pfs;
                e.dh_group = dh;
                return Ok(true);
            }
            if starts_with_ci(t, "plaintext mtu") || starts_with_ci(t, "path mtu") {
                mtu_line(p, t);
                return Ok(true);
            }
        }
        b'd' => {
            if starts_with_ci(t, "deny") {
                p.entry().flags = Some(t.to_string());
                return Ok(true);
            }
            if starts_with_ci(t, "dynamic allocated peer ip") {
                if let Some((_, v)) = t.rsplit_once(": ") {
                    p.entry().dynamic_peer = Some(v.trim().to_string());
                }
                return Ok(true);
            }
        }
        b'a' => {
            if let Some(v) = after(t, "access-list") {
                p.flush();
                p.ctx.pending_acl = Some(v.to_string());
                return Ok(true);
            }
        }
        b's' => {
            if let Some(v) = after(t, "spi") {
                let Some((dir, proto)) = p.list else {
                    return Ok(false);
                };
                let (spi, dec) = if v.starts_with('[') {
                    (None, None)
                } else {
                    let mut it = v.splitn(2, '(');
                    let hex = it.next().unwrap_or("").trim();
                    let dec = it
                        .next()
                        .and_then(|d| d.trim_end_matches(')').trim().parse::<u64>().ok());
                    (Some(hex.to_string()).filter(|s| !s.is_empty()), dec)
                };
                let sa = SpiSa {
                    protocol: proto.to_string(),
                    spi,
                    spi_decimal: dec,
                    ..SpiSa::default()
                };
                if let Some(e) = p.cur.as_mut() {
                    match dir {
                        Dir::In => e.inbound.push(sa),
                        Dir::Out => e.outbound.push(sa),
                    }
                }
                return Ok(true);
            }
            if let Some(v) = after(t, "sa timing") {
                let (kb, secs) = lifetime(v);
                if let Some(sa) = p.spi_sa() {
                    sa.remaining_kb = kb;
                    sa.remaining_secs = secs;
                }
                return Ok(true);
            }
            if let Some(v) = after(t, "sa state").or_else(|| after(t, "status")) {
                let st = v.split('(').next().unwrap_or("").trim();
                if let Some(sa) = p.spi_sa() {
                    sa.status = Some(SpiStatus::from(st));
                }
                return Ok(true);
            }
            if starts_with_ci(t, "slot") && t.contains("conn") {
                conn_line(p, t);
                return Ok(true);
            }
        }
        b't' => {
            if let Some(v) = after(t, "transform") {
                let v = v.trim_end_matches([',', ' ']);
                if let Some(sa) = p.spi_sa() {
                    sa.transform = Some(v.to_string());
                }
                return Ok(true);
            }
            if starts_with_ci(t, "there are no ipsec sa") {
                p.structured = true;
                return Ok(true);
            }
        }
        b'n' if starts_with_ci(t, "no sas found") || starts_with_ci(t, "no ipsec sa") => {
            p.structured = true;
            return Ok(true);
        }
        _ => {}
    }
    // Lines we do not keep (IV size, replay detection, bitmaps, PMTU timers, ...) are fine
    // inside an entry; before any structure they are unknown.
    Ok(p.structured)
}

/// `inbound esp sas:` / `outbound ah sas:`: the SA list that `spi:` lines go to.
fn sa_list(p: &mut Parser, dir: Dir, rest: &str) -> bool {
    let proto = match rest.split_whitespace().next() {
        Some("esp") => "esp",
        Some("ah") => "ah",
        Some("pcp") => "pcp",
        _ => return p.structured,
    };
    if p.cur.is_some() {
        p.list = Some((dir, proto));
    }
    true
}

/// `conn id: 124, flow_id: ..., crypto map: X` (IOS) / `slot: 0, conn_id: 3, crypto-map: def`.
fn conn_line(p: &mut Parser, t: &str) {
    let Some(sa) = p.spi_sa() else {
        return;
    };
    for part in t.split(',') {
        let part = part.trim();
        if let Some(v) = after(part, "conn id").or_else(|| after(part, "conn_id")) {
            sa.conn_id = num(v);
        } else if let Some(v) = after(part, "crypto map").or_else(|| after(part, "crypto-map")) {
            sa.crypto_map = Some(v.to_string());
        }
    }
}

/// `plaintext mtu 1438, path mtu 1500, ip mtu 1500, ...` / ASA `path mtu 1500, ipsec overhead 60`.
fn mtu_line(p: &mut Parser, t: &str) {
    for part in t.split(',') {
        if let Some(v) = after(part.trim(), "path mtu") {
            p.entry().path_mtu = num(v);
        }
    }
}

/// `local crypto endpt.: A, remote crypto endpt.: B` (either half may be on its own line;
/// ASA may append `/port`).
fn endpoints(p: &mut Parser, v: &str) {
    let e = p.entry();
    // `v` is either the text after `local crypto endpt.` or a whole `remote ...` line.
    let mut local_part = Some(v);
    let mut remote_part = None;
    if let Some(pos) = v.find("remote crypto endpt.") {
        local_part = v.get(..pos);
        remote_part = v.get(pos + "remote crypto endpt.".len()..);
    }
    let clean = |s: &str| {
        let s = s
            .trim()
            .trim_start_matches(':')
            .trim()
            .trim_end_matches(',')
            .trim();
        // Strip a trailing `/port` (ASA) but not IPv6 colons.
        let s = match s.rsplit_once('/') {
            Some((a, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() => a,
            _ => s,
        };
        s.to_string()
    };
    if let Some(l) = local_part.map(clean).filter(|s| !s.is_empty()) {
        if !v.trim_start().starts_with("remote") {
            e.local_endpoint = Some(l);
        }
    }
    if let Some(r) = remote_part.map(clean).filter(|s| !s.is_empty()) {
        e.remote_endpoint = Some(r);
    }
}

/// `local  ident (addr/mask/prot/port): (1.2.3.4/255.255.255.255/47/0)`.
fn ident(t: &str) -> Result<Ident, LineError> {
    let inner = t
        .rsplit_once('(')
        .map(|(_, r)| r.trim_end().trim_end_matches(')'))
        .ok_or_else(|| LineError::IdentWithoutValue(t.to_string()))?;
    let mut it = inner.rsplitn(4, '/');
    let port = it.next();
    let prot = it.next();
    let mask = it.next();
    let addr = it.next();
    match (addr, mask, prot, port) {
        (Some(a), Some(m), Some(pr), Some(po)) => Ok(Ident {
            addr: a.trim().to_string(),
            mask: m.trim().to_string(),
            prot: pr
                .trim()
                .parse()
                .map_err(|_| LineError::BadIdentProtocol(t.to_string()))?,
            port: po
                .trim()
                .parse()
                .map_err(|_| LineError::BadIdentPort(t.to_string()))?,
        }),
        _ => Err(LineError::MalformedIdent(t.to_string())),
    }
}

/// `remaining key lifetime (k/sec): (4332650/3205)`, `(sec): 548`, `(kB/sec): (2699423/25461)`,
/// `remaining key lifetime 1 hours, 10 mins`, `... is not applicable`.
pub(super) fn lifetime(v: &str) -> (Option<u64>, Option<u64>) {
    let lower = v.to_ascii_lowercase();
    if let Some((unit, val)) = lower.split_once("):") {
        let val = val.trim().trim_start_matches('(').trim_end_matches(')');
        let unit = unit.rsplit('(').next().unwrap_or("");
        if unit.starts_with('k') && unit.contains('/') {
            let (k, s) = val.split_once('/').unwrap_or((val, ""));
            return (num(k), num(s));
        }
        return (None, num(val));
    }
    // `1 hours, 10 mins` / `45 mins` / `30 secs`
    let mut secs = 0u64;
    let mut any = false;
    let toks: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .collect();
    for w in toks.windows(2) {
        if let [n, unit] = w {
            if let Some(n) = num(n) {
                let m = if unit.starts_with("day") {
                    86400
                } else if unit.starts_with("hour") {
                    3600
                } else if unit.starts_with("min") {
                    60
                } else if unit.starts_with("sec") {
                    1
                } else {
                    continue;
                };
                secs = secs.saturating_add(n.saturating_mul(m));
                any = true;
            }
        }
    }
    (None, any.then_some(secs))
}
