//! Phase 2 (IPsec) security associations: `show crypto ipsec sa [peer X | detail | interface X
//! | ...]` on IOS, IOS-XE and ASA.
//!
//! The output is a list of *entries*, one per protected flow (crypto map entry / ident pair):
//! `interface:` and `Crypto map tag:` lines give the context, `local ident` starts an entry,
//! then `current_peer`, the `#pkts ...` counters, the crypto endpoints, and the inbound /
//! outbound ESP (AH, PCP) SAs with their SPI, transform, conn id, remaining lifetime and status.
//!
//! Formats handled: IOS (`current_peer X port N`, `#pkts no sa (send) 0` counters without
//! colons, `##pkts replay failed`, `#send errors 0`), IOS-XE (`spi: [Not Available]`,
//! endpoints split over two lines, lifetimes as `1 hours, 10 mins`, IPv6 idents
//! `addr/prefix/prot/port`), ASA 7.x-9.x (`current_peer: X`, `Crypto map tag: M, seq num: N,
//! local addr: A`, `access-list ...` lines, `dynamic allocated peer ip`, `SA State: active`,
//! `remaining key lifetime (kB/sec): (k/s)` or `(sec): s`, anti-replay bitmaps), and
//! `There are no ipsec sas`. Every counter is kept: the eight that matter have typed fields,
//! the others go into `counters` under their printed name.
//!
//! Written for throughput (the fleet sweep parses large hubs): lines are borrowed, not copied.

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci, string_enum};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::Platform;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

string_enum! {
    /// SA status: IOS `Status: ACTIVE(ACTIVE)` (the part before the parenthesis), ASA
    /// `SA State: active`.
    pub enum SpiStatus {
        Active => "ACTIVE",
        Standby => "STANDBY",
        Pending => "PENDING",
        Inactive => "INACTIVE",
    }
}

/// `(addr/mask/prot/port)` of a `local ident` / `remote ident` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ident {
    pub addr: String,
    /// Dotted mask (IPv4) or prefix length (IPv6), as printed.
    pub mask: String,
    pub prot: u16,
    pub port: u16,
}

/// One inbound or outbound SA (`spi: ...` block).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SpiSa {
    /// `esp`, `ah` or `pcp`.
    pub protocol: String,
    /// SPI as printed (`0x1E8246FC`); absent for `[Not Available]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spi_decimal: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<String>,
    /// `in use settings ={...}` contents, e.g. `L2L, Tunnel, IKEv1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conn_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_map: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_kb: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SpiStatus>,
}

/// One protected flow (crypto map entry / ident pair) with its counters and SAs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IpsecSaEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<String>,
    /// `Crypto map tag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_map: Option<String>,
    /// ASA `seq num`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq_num: Option<u64>,
    /// `local addr` of the crypto map tag line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected_vrf: Option<String>,
    /// ASA `access-list ...` line (without the keyword).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_ident: Option<Ident>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_ident: Option<Ident>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_peer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_port: Option<u16>,
    /// ASA remote access: `dynamic allocated peer ip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_peer: Option<String>,
    /// IOS `PERMIT, flags={...}` line, as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkts_encaps: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkts_encrypt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkts_digest: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkts_decaps: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkts_decrypt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkts_verify: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_errors: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recv_errors: Option<u64>,
    /// Every other `#...` counter, by its printed name without `#` and `:` (e.g.
    /// `pkts no sa (send)`, `pre-frag successes`, `PMTUs sent`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub counters: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_mtu: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_outbound_spi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_inbound_spi: Option<String>,
    /// IOS `PFS (Y/N)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pfs: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_group: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inbound: Vec<SpiSa>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outbound: Vec<SpiSa>,
}

impl IpsecSaEntry {
    /// The documented symptom: traffic decapsulated but nothing encapsulated back.
    pub fn is_one_way(&self) -> bool {
        self.pkts_encaps == Some(0) && self.pkts_decaps.is_some_and(|d| d > 0)
    }
}

/// `show crypto ipsec sa`: every entry in output order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IpsecSa {
    pub entries: Vec<IpsecSaEntry>,
}

impl IpsecSa {
    pub fn one_way(&self) -> impl Iterator<Item = &IpsecSaEntry> {
        self.entries.iter().filter(|e| e.is_one_way())
    }
    /// Sum of a counter over the entries that print it; `None` when entries exist but none
    /// prints it (e.g. `#send errors` is absent from IOS `detail`).
    fn sum(&self, f: impl Fn(&IpsecSaEntry) -> Option<u64>) -> Option<u64> {
        let mut vals = self.entries.iter().filter_map(f).peekable();
        if vals.peek().is_none() && !self.entries.is_empty() {
            return None;
        }
        Some(vals.fold(0u64, u64::saturating_add))
    }
    pub fn total_encaps(&self) -> Option<u64> {
        self.sum(|e| e.pkts_encaps)
    }
    pub fn total_decaps(&self) -> Option<u64> {
        self.sum(|e| e.pkts_decaps)
    }
    pub fn total_send_errors(&self) -> Option<u64> {
        self.sum(|e| e.send_errors)
    }
    pub fn total_recv_errors(&self) -> Option<u64> {
        self.sum(|e| e.recv_errors)
    }
    pub fn peers(&self) -> BTreeSet<&str> {
        self.entries
            .iter()
            .filter_map(|e| e.current_peer.as_deref())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Ctx {
    interface: Option<String>,
    crypto_map: Option<String>,
    seq_num: Option<u64>,
    local_addr: Option<String>,
    // Lines that precede `local ident` and belong to the entry it starts.
    pending_vrf: Option<String>,
    pending_acl: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    In,
    Out,
}

struct Parser {
    out: IpsecSa,
    ctx: Ctx,
    cur: Option<IpsecSaEntry>,
    /// Direction and protocol of the `... sas:` list being read.
    list: Option<(Dir, &'static str)>,
    structured: bool,
}

impl Parser {
    fn flush(&mut self) {
        if let Some(e) = self.cur.take() {
            self.out.entries.push(e);
        }
        self.list = None;
    }

    fn new_entry(&mut self) -> &mut IpsecSaEntry {
        self.flush();
        let e = IpsecSaEntry {
            interface: self.ctx.interface.clone(),
            crypto_map: self.ctx.crypto_map.clone(),
            seq_num: self.ctx.seq_num,
            local_addr: self.ctx.local_addr.clone(),
            protected_vrf: self.ctx.pending_vrf.take(),
            access_list: self.ctx.pending_acl.take(),
            ..IpsecSaEntry::default()
        };
        self.cur.insert(e)
    }

    /// The entry lines attach to; one is opened when output starts mid-entry (`| begin`).
    fn entry(&mut self) -> &mut IpsecSaEntry {
        if self.cur.is_none() {
            return self.new_entry();
        }
        self.cur.get_or_insert_with(IpsecSaEntry::default)
    }

    fn spi_sa(&mut self) -> Option<&mut SpiSa> {
        let (dir, _) = self.list?;
        let e = self.cur.as_mut()?;
        match dir {
            Dir::In => e.inbound.last_mut(),
            Dir::Out => e.outbound.last_mut(),
        }
    }
}

/// Parse `show crypto ipsec sa` in any of its IOS / IOS-XE / ASA forms. A blank output (IOS
/// with no crypto map applied prints nothing) is an empty record.
pub fn parse_ipsec_sa(input: &str) -> Result<IpsecSa, ParseError> {
    let mut p = Parser {
        out: IpsecSa::default(),
        ctx: Ctx::default(),
        cur: None,
        list: None,
        structured: false,
    };
    let mut first_unknown: Option<(usize, String)> = None;
    let mut any_content = false;
    let raw_lines: Vec<&str> = input.split('\n').collect();
    let last_n = raw_lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    // Escape sequences and other control characters are rare: look for them once.
    let needs_cleaning = input
        .bytes()
        .any(|b| b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n');

    for (i, raw) in raw_lines.iter().enumerate() {
        let n = i + 1;
        let cleaned: Cow<str> = if needs_cleaning {
            Cow::Owned(text::strip_ansi(raw))
        } else {
            Cow::Borrowed(raw)
        };
        let t = cleaned.trim_ascii();
        if t.is_empty() {
            continue;
        }
        // Device output under an entry is indented; echoes and prompts start in column 0.
        let indented = cleaned.starts_with([' ', '\t']);
        if t.starts_with('#') {
            match counters_line(&mut p, t) {
                Ok(()) => {}
                Err(_) if n == last_n && p.structured => break,
                Err(m) => return Err(ParseError::new(n, m)),
            }
            p.structured = true;
            continue;
        }
        if !indented && is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        any_content = true;
        match line(&mut p, t) {
            Ok(true) => {}
            Ok(false) => {
                if !p.structured && first_unknown.is_none() {
                    first_unknown = Some((n, t.to_string()));
                }
            }
            Err(_) if n == last_n && p.structured => break,
            Err(m) => return Err(ParseError::new(n, m)),
        }
    }
    p.flush();
    if !p.structured && any_content {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not an IPsec SA output: `{l}`")),
            None => ParseError::new(0, "not an IPsec SA output"),
        });
    }
    Ok(p.out)
}

/// `#pkts encaps: 4, #pkts encrypt: 4`, `#pkts no sa (send) 0`, `##pkts replay failed (rcv): 0`.
fn counters_line(p: &mut Parser, t: &str) -> Result<(), String> {
    let e = p.entry();
    let b = t.as_bytes();
    let mut start = 0;
    while start < b.len() {
        // The part ends at a `,` followed (after spaces) by the next `#`.
        let mut end = b.len();
        let mut j = start;
        while let Some(k) = b.get(j..).and_then(|s| s.iter().position(|&c| c == b',')) {
            let k = j + k;
            let next = b
                .get(k + 1..)
                .and_then(|s| s.iter().position(|&c| c != b' '));
            if next.is_some_and(|o| b.get(k + 1 + o) == Some(&b'#')) {
                end = k;
                break;
            }
            j = k + 1;
        }
        let part = t.get(start..end).unwrap_or("");
        start = end + 1;
        counter(e, part)?;
    }
    Ok(())
}

/// One `#name: N` / `#name (qualifier) N` part of a counters line.
fn counter(e: &mut IpsecSaEntry, part: &str) -> Result<(), String> {
    let part = part.trim_ascii().trim_start_matches('#');
    let part = part.trim_end_matches([',', ' ']);
    if part.is_empty() {
        return Ok(());
    }
    let split = part
        .bytes()
        .rposition(|c| c == b' ' || c == b':')
        .ok_or_else(|| format!("counter without a value: `{part}`"))?;
    let (name, value) = (
        part.get(..split).unwrap_or(""),
        part.get(split + 1..).unwrap_or(""),
    );
    let v = num(value).ok_or_else(|| format!("bad counter value: `{part}`"))?;
    let name = name.trim_ascii_end();
    let name = name.strip_suffix(':').unwrap_or(name).trim_ascii_end();
    let name: Cow<str> = if name.as_bytes().windows(2).any(|w| w == b"  ") {
        Cow::Owned(name.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Cow::Borrowed(name)
    };
    if name.is_empty() {
        return Err(format!("counter without a name: `{part}`"));
    }
    let slot = match name.as_ref() {
        "pkts encaps" => &mut e.pkts_encaps,
        "pkts encrypt" => &mut e.pkts_encrypt,
        "pkts digest" => &mut e.pkts_digest,
        "pkts decaps" => &mut e.pkts_decaps,
        "pkts decrypt" => &mut e.pkts_decrypt,
        "pkts verify" => &mut e.pkts_verify,
        "send errors" => &mut e.send_errors,
        "recv errors" => &mut e.recv_errors,
        _ => {
            e.counters.insert(name.into_owned(), v);
            return Ok(());
        }
    };
    *slot = Some(v);
    Ok(())
}

/// A counter: plain digits parse without allocating; `1,234` falls back to the shared helper.
fn num(s: &str) -> Option<u64> {
    let s = s.trim_ascii();
    s.parse::<u64>().ok().or_else(|| text::parse_u64(s))
}

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

/// One non-counter line. `Ok(true)` when recognised.
fn line(p: &mut Parser, t: &str) -> Result<bool, String> {
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
                p.ctx.pending_vrf = Some(v.to_string());
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
fn ident(t: &str) -> Result<Ident, String> {
    let inner = t
        .rsplit_once('(')
        .map(|(_, r)| r.trim_end().trim_end_matches(')'))
        .ok_or_else(|| format!("ident without a value: `{t}`"))?;
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
                .map_err(|_| format!("bad ident protocol: `{t}`"))?,
            port: po
                .trim()
                .parse()
                .map_err(|_| format!("bad ident port: `{t}`"))?,
        }),
        _ => Err(format!("malformed ident: `{t}`")),
    }
}

/// `remaining key lifetime (k/sec): (4332650/3205)`, `(sec): 548`, `(kB/sec): (2699423/25461)`,
/// `remaining key lifetime 1 hours, 10 mins`, `... is not applicable`.
fn lifetime(v: &str) -> (Option<u64>, Option<u64>) {
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

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

fn rec(r: &Record) -> Option<&IpsecSa> {
    match r {
        Record::IpsecSa(x) => Some(x),
        _ => None,
    }
}

const METRICS: &[Metric] = &[
    Metric {
        name: "ipsec_sa_count",
        help: "IPsec SA entries (protected flows: crypto map entry / ident pair)",
        get: |r| rec(r).map(|x| x.entries.len().to_string()),
    },
    Metric {
        name: "ipsec_peers",
        help: "Distinct current peers with IPsec SAs",
        get: |r| rec(r).map(|x| x.peers().len().to_string()),
    },
    Metric {
        name: "ipsec_pkts_encaps",
        help: "Sum of #pkts encaps over all entries",
        get: |r| rec(r).and_then(|x| x.total_encaps()).map(|v| v.to_string()),
    },
    Metric {
        name: "ipsec_pkts_decaps",
        help: "Sum of #pkts decaps over all entries",
        get: |r| rec(r).and_then(|x| x.total_decaps()).map(|v| v.to_string()),
    },
    Metric {
        name: "ipsec_one_way",
        help: "Entries with #pkts encaps 0 while #pkts decaps > 0 (nothing encrypted back)",
        get: |r| rec(r).map(|x| x.one_way().count().to_string()),
    },
    Metric {
        name: "ipsec_one_way_peers",
        help: "Peers of the one-way entries, space separated",
        get: |r| {
            rec(r).map(|x| {
                let peers: BTreeSet<&str> = x
                    .one_way()
                    .map(|e| e.current_peer.as_deref().unwrap_or("?"))
                    .collect();
                peers.into_iter().collect::<Vec<_>>().join(" ")
            })
        },
    },
    Metric {
        name: "ipsec_send_errors",
        help: "Sum of #send errors",
        get: |r| {
            rec(r)
                .and_then(|x| x.total_send_errors())
                .map(|v| v.to_string())
        },
    },
    Metric {
        name: "ipsec_recv_errors",
        help: "Sum of #recv errors",
        get: |r| {
            rec(r)
                .and_then(|x| x.total_recv_errors())
                .map(|v| v.to_string())
        },
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_ipsec_sa(t).map(Record::IpsecSa)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "crypto_ipsec_sa",
        command: "show crypto ipsec sa",
        takes_args: true,
        platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests;
