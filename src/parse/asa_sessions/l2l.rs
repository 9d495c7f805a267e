//! `show vpn-sessiondb l2l` and `show vpn-sessiondb detail l2l`: one block per peer from
//! `Connection :`, and in the detailed form its IKE and IPsec sub-blocks (8.x `IKE:` /
//! `IPSec:` with `Session ID`, 9.x `IKEv1:` / `IKEv2:` / `IPsec:` / `IPsecOverNatT:` with
//! `Tunnel ID`), each with its own selectors and byte / packet counters.

use super::{classify, duration_secs, num, opt, Line};
use crate::parse::isakmp::device_error;
use crate::parse::text;
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};

/// The IKE sub-block of a detailed session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct L2lIke {
    /// Header as printed: `IKE`, `IKEv1`, `IKEv2`.
    pub kind: String,
    /// `Session ID` (8.x) or `Tunnel ID` (9.x, `6539.1`), as printed.
    pub tunnel_id: Option<String>,
    pub udp_src_port: Option<u64>,
    pub udp_dst_port: Option<u64>,
    pub neg_mode: Option<String>,
    /// `Auth Mode` (IKEv1), or `Rem Auth Mode` (IKEv2).
    pub auth_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_auth_mode: Option<String>,
    pub encryption: Option<String>,
    pub hashing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prf: Option<String>,
    pub dh_group: Option<u64>,
    pub rekey_interval_s: Option<u64>,
    pub rekey_left_s: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_name: Option<String>,
}

/// One IPsec SA sub-block of a detailed session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct L2lIpsec {
    /// Header as printed: `IPsec`, `IPSec`, `IPsecOverNatT`.
    pub kind: String,
    pub tunnel_id: Option<String>,
    /// Local selector as printed: `10.0.0.0/255.255.255.0[/0/0]`.
    pub local_addr: Option<String>,
    pub remote_addr: Option<String>,
    pub encryption: Option<String>,
    pub hashing: Option<String>,
    pub encapsulation: Option<String>,
    pub pfs_group: Option<u64>,
    pub rekey_interval_s: Option<u64>,
    pub rekey_left_s: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rekey_interval_kb: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rekey_left_kb: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_min: Option<u64>,
    pub bytes_tx: Option<u64>,
    pub bytes_rx: Option<u64>,
    pub pkts_tx: Option<u64>,
    pub pkts_rx: Option<u64>,
}

impl L2lIpsec {
    /// Bytes sent, none received.
    pub fn is_one_way(&self) -> bool {
        self.bytes_tx.is_some_and(|t| t > 0) && self.bytes_rx == Some(0)
    }
}

/// One LAN-to-LAN session (peer).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct L2lSession {
    /// `Connection` (tunnel group / peer address; may be empty).
    pub connection: String,
    pub index: Option<u64>,
    /// `IP Addr`: the peer address (or the name of a network object).
    pub ip_addr: Option<String>,
    /// `IKEv2 IPsec`, `IKE IPsec`, `IPSecLAN2LAN`.
    pub protocol: Option<String>,
    pub encryption: Option<String>,
    pub hashing: Option<String>,
    pub bytes_tx: Option<u64>,
    pub bytes_rx: Option<u64>,
    pub login_time: Option<String>,
    pub duration: Option<String>,
    pub duration_s: Option<u64>,
    /// `IKE Sessions` / `IKEv1 Tunnels` / `IKEv2 Tunnels` (detail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_tunnels: Option<u64>,
    /// `IPSec Sessions` / `IPsec Tunnels` / `IPsecOverNatT Tunnels` (detail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipsec_tunnels: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ike: Vec<L2lIke>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipsec: Vec<L2lIpsec>,
    /// Other sub-blocks, by header (`NAC`); their fields are not read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_blocks: Vec<String>,
}

impl L2lSession {
    /// The peer, for evidence: `IP Addr` and the connection name when they differ.
    pub fn peer(&self) -> String {
        match (self.ip_addr.as_deref(), self.connection.as_str()) {
            (Some(ip), c) if c.is_empty() || c == ip => ip.to_string(),
            (Some(ip), c) => format!("{ip} (connection {c})"),
            (None, "") => "an unnamed peer".to_string(),
            (None, c) => c.to_string(),
        }
    }
    /// The session's own counters: bytes sent, none received.
    pub fn is_one_way(&self) -> bool {
        self.bytes_tx.is_some_and(|t| t > 0) && self.bytes_rx == Some(0)
    }
    /// The session, or one of its IPsec SAs, is one-way.
    pub fn has_one_way(&self) -> bool {
        self.is_one_way() || self.ipsec.iter().any(L2lIpsec::is_one_way)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpnL2l {
    /// Read from `show vpn-sessiondb detail l2l`.
    pub detail: bool,
    pub sessions: Vec<L2lSession>,
}

impl VpnL2l {
    /// Sessions with a one-way session or IPsec SA.
    pub fn one_way_sessions(&self) -> impl Iterator<Item = &L2lSession> {
        self.sessions.iter().filter(|s| s.has_one_way())
    }
    pub fn bytes(&self, f: fn(&L2lSession) -> Option<u64>) -> u64 {
        self.sessions
            .iter()
            .filter_map(f)
            .fold(0, u64::saturating_add)
    }
    /// The session of a peer (by `IP Addr`, else connection name).
    pub fn peer(&self, key: &str) -> Option<&L2lSession> {
        self.sessions
            .iter()
            .find(|s| s.ip_addr.as_deref() == Some(key) || s.connection == key)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Block {
    Session,
    Ike,
    Ipsec,
    Other,
}

/// `IKE:`, `IKEv2:`, `IPsecOverNatT:`, `NAC:`: one word and a colon, nothing else.
fn block_header(t: &str) -> Option<(&str, Block)> {
    let name = t.strip_suffix(':')?;
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        return None;
    }
    let l = name.to_ascii_lowercase();
    let b = if l.starts_with("ike") {
        Block::Ike
    } else if l.starts_with("ipsec") || l.starts_with("l2tp") {
        Block::Ipsec
    } else {
        Block::Other
    };
    Some((name, b))
}

fn set_session(s: &mut L2lSession, key: &str, v: &str) {
    match key {
        "index" => s.index = num(v),
        "ip addr" => s.ip_addr = opt(v),
        "protocol" => s.protocol = opt(v),
        "encryption" => s.encryption = opt(v),
        "hashing" => s.hashing = opt(v),
        "bytes tx" => s.bytes_tx = num(v),
        "bytes rx" => s.bytes_rx = num(v),
        "login time" => s.login_time = opt(v),
        "duration" => {
            s.duration = opt(v);
            s.duration_s = duration_secs(v);
        }
        k if k.ends_with(" sessions") || k.ends_with(" tunnels") => {
            if k.starts_with("ike") {
                s.ike_tunnels = num(v);
            } else {
                s.ipsec_tunnels = num(v);
            }
        }
        _ => {}
    }
}

fn set_ike(s: &mut L2lIke, key: &str, v: &str) {
    match key {
        "session id" | "tunnel id" => s.tunnel_id = opt(v),
        "udp src port" => s.udp_src_port = num(v),
        "udp dst port" => s.udp_dst_port = num(v),
        "ike neg mode" => s.neg_mode = opt(v),
        "auth mode" | "rem auth mode" => s.auth_mode = opt(v),
        "loc auth mode" => s.local_auth_mode = opt(v),
        "encryption" => s.encryption = opt(v),
        "hashing" => s.hashing = opt(v),
        "prf" => s.prf = opt(v),
        "d/h group" => s.dh_group = num(v),
        "rekey int (t)" => s.rekey_interval_s = num(v),
        "rekey left(t)" => s.rekey_left_s = num(v),
        "filter name" => s.filter_name = opt(v),
        _ => {}
    }
}

fn set_ipsec(s: &mut L2lIpsec, key: &str, v: &str) {
    match key {
        "session id" | "tunnel id" => s.tunnel_id = opt(v),
        "local addr" => s.local_addr = opt(v),
        "remote addr" => s.remote_addr = opt(v),
        "encryption" => s.encryption = opt(v),
        "hashing" => s.hashing = opt(v),
        "encapsulation" => s.encapsulation = opt(v),
        "pfs group" => s.pfs_group = num(v),
        "rekey int (t)" => s.rekey_interval_s = num(v),
        "rekey left(t)" => s.rekey_left_s = num(v),
        "rekey int (d)" => s.rekey_interval_kb = num(v),
        "rekey left(d)" => s.rekey_left_kb = num(v),
        "idle time out" => s.idle_timeout_min = num(v),
        "bytes tx" => s.bytes_tx = num(v),
        "bytes rx" => s.bytes_rx = num(v),
        "pkts tx" => s.pkts_tx = num(v),
        "pkts rx" => s.pkts_rx = num(v),
        _ => {}
    }
}

fn parse(input: &str, detail: bool) -> Result<VpnL2l, ParseError> {
    let mut out = VpnL2l {
        detail,
        sessions: Vec::new(),
    };
    let mut block = Block::Session;
    let mut recognised = false;
    let mut first_unknown: Option<usize> = None;
    for (n, line) in text::lines(input) {
        let t = line.trim();
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, e));
        }
        if let Some((name, b)) = block_header(t) {
            if let Some(s) = out.sessions.last_mut() {
                block = b;
                match b {
                    Block::Ike => s.ike.push(L2lIke {
                        kind: name.to_string(),
                        ..Default::default()
                    }),
                    Block::Ipsec => s.ipsec.push(L2lIpsec {
                        kind: name.to_string(),
                        ..Default::default()
                    }),
                    Block::Other => s.other_blocks.push(name.to_string()),
                    Block::Session => {}
                }
            }
            continue;
        }
        let fs = match classify(t) {
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
                let l = v.to_ascii_lowercase();
                if !l.is_empty() && !l.contains("lan-to-lan") && !l.contains("l2l") {
                    return Err(ParseError::new(
                        n,
                        format!("session type `{v}` is not LAN-to-LAN"),
                    ));
                }
                recognised = true;
                block = Block::Session;
            } else if key == "connection" {
                out.sessions.push(L2lSession {
                    connection: v,
                    ..Default::default()
                });
                recognised = true;
                block = Block::Session;
            } else if let Some(s) = out.sessions.last_mut() {
                match block {
                    Block::Session => set_session(s, &key, &v),
                    Block::Ike => {
                        if let Some(i) = s.ike.last_mut() {
                            set_ike(i, &key, &v);
                        }
                    }
                    Block::Ipsec => {
                        if let Some(i) = s.ipsec.last_mut() {
                            set_ipsec(i, &key, &v);
                        }
                    }
                    Block::Other => {}
                }
            }
        }
    }
    if recognised {
        Ok(out)
    } else {
        Err(match first_unknown {
            Some(n) => ParseError::new(n, "not a `show vpn-sessiondb l2l` output"),
            None => ParseError::new(0, "empty output"),
        })
    }
}

/// Parse `show vpn-sessiondb l2l` (a detailed output is read too, sub-blocks included).
pub fn parse_vpn_l2l(input: &str) -> Result<VpnL2l, ParseError> {
    parse(input, false)
}

/// Parse `show vpn-sessiondb detail l2l`.
pub fn parse_vpn_l2l_detail(input: &str) -> Result<VpnL2l, ParseError> {
    parse(input, true)
}
