//! IOS / IOS-XE `show dmvpn [detail | interface X]`: the NHRP peer table of every DMVPN tunnel
//! interface. Format from the Cisco IOS DMVPN configuration guide and the real captures in
//! `shared/fixtures` (ntc-templates, genieparser).
//!
//! ```text
//! Interface: Tunnel90, IPv4 NHRP Details
//! Type:Spoke, NHRP Peers:3,
//!
//!  # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb
//!  ----- --------------- --------------- ----- -------- -----
//!      1 172.29.0.1          172.30.90.1   IKE     3w5d     S
//!      2 172.29.0.2          172.30.90.2    UP    6d12h     S
//!                            172.30.90.25   UP    6d12h     S
//! ```
//!
//! A row without `# Ent` and NBMA address continues the entry above (another tunnel address of
//! the same NBMA peer); an IPv6 NBMA address may stand alone on its line, the rest of the row on
//! the next. `detail` prints `Interface Tunnel1 is up/up, Addr. is ...`, `Type:Hub, Total NBMA
//! Peers (v4/v6): 2` and a `Target Network` column; its `Crypto Session Details:` and `Pending
//! DMVPN Sessions:` sections (read by `show crypto session`) are skipped.

use super::isakmp::{scan_lines, starts_with_ci, string_enum};
use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

string_enum! {
    /// NHRP peer state (`State` column).
    pub enum DmvpnState {
        /// Tunnel to the peer up.
        Up => "UP",
        /// NHRP registration / resolution not answered.
        Nhrp => "NHRP",
        /// IPsec (IKE) to the peer not up.
        Ike => "IKE",
        Down => "DOWN",
    }
}

/// One NHRP peer (one tunnel address of one NBMA peer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DmvpnPeer {
    /// `# Ent`: NHRP entries with this NBMA address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
    /// Peer NBMA (underlay) address, as printed (`UNKNOWN` when unresolved).
    pub nbma: String,
    /// Peer tunnel (overlay) address.
    pub tunnel: String,
    pub state: DmvpnState,
    /// `UpDn Tm`: time since the last up/down change (`never`, `00:29:40`, `3w5d`).
    pub updn: String,
    /// Attribute flags (`S` static, `D` dynamic, `I` incomplete, `X` no socket, `T1`, `C` …).
    pub attrb: String,
    /// `detail`: target network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_network: Option<String>,
}

impl Default for DmvpnState {
    fn default() -> Self {
        DmvpnState::Other(String::new())
    }
}

impl DmvpnPeer {
    pub fn is_up(&self) -> bool {
        self.state == DmvpnState::Up
    }
    /// A dynamic (spoke-to-spoke shortcut or hub-learned) entry: `D` in the attributes.
    pub fn is_dynamic(&self) -> bool {
        self.attrb.contains('D')
    }
}

/// One DMVPN tunnel interface.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DmvpnInterface {
    pub interface: String,
    /// 4 or 6 from `IPv4 NHRP Details`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    /// `Hub`, `Spoke`, `Unknown` ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nhrp_type: Option<String>,
    /// `NHRP Peers:N` / `Total NBMA Peers (v4/v6): N`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nhrp_peers: Option<u64>,
    /// `detail`: `up/up`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_state: Option<String>,
    pub peers: Vec<DmvpnPeer>,
}

impl DmvpnInterface {
    pub fn is_spoke(&self) -> bool {
        self.nhrp_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("spoke"))
    }
}

/// `show dmvpn`: every interface with its peers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Dmvpn {
    pub interfaces: Vec<DmvpnInterface>,
}

impl Dmvpn {
    pub fn peers(&self) -> impl Iterator<Item = (&DmvpnInterface, &DmvpnPeer)> {
        self.interfaces
            .iter()
            .flat_map(|i| i.peers.iter().map(move |p| (i, p)))
    }
    pub fn up(&self) -> usize {
        self.peers().filter(|(_, p)| p.is_up()).count()
    }
    pub fn down(&self) -> usize {
        self.peers().filter(|(_, p)| !p.is_up()).count()
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

struct State {
    out: Dmvpn,
    /// Inside a peer table (after its header).
    table: bool,
    /// A `# Ent NBMA` line whose row continues on the next line.
    pending: Option<(Option<u64>, String)>,
    /// In `Crypto Session Details:` / `Pending DMVPN Sessions:` (skipped).
    skipping: bool,
    structured: bool,
}

/// Parse `show dmvpn [detail]`.
pub fn parse_dmvpn(input: &str) -> Result<Dmvpn, ParseError> {
    let mut st = State {
        out: Dmvpn::default(),
        table: false,
        pending: None,
        skipping: false,
        structured: false,
    };
    scan_lines(input, |t| classify(&mut st, t))?.require(st.structured, "show dmvpn")?;
    Ok(st.out)
}

fn cur(st: &mut State) -> Result<&mut DmvpnInterface, String> {
    st.out
        .interfaces
        .last_mut()
        .ok_or_else(|| "peer row before any `Interface:` line".to_string())
}

fn classify(st: &mut State, t: &str) -> Result<bool, String> {
    // Legend and separators.
    if starts_with_ci(t, "Legend:") || t.starts_with("===") || t.starts_with("-----") {
        st.structured = true;
        return Ok(true);
    }
    if starts_with_ci(t, "Crypto Session Details") || starts_with_ci(t, "Pending DMVPN Sessions") {
        st.skipping = true;
        st.table = false;
        return Ok(true);
    }
    // `Interface: Tunnel84, IPv4 NHRP Details` / detail `Interface Tunnel1 is up/up, Addr. ...`.
    if let Some(rest) = t.strip_prefix("Interface: ") {
        if st.skipping {
            return Ok(true);
        }
        let (name, tail) = rest.split_once(',').unwrap_or((rest, ""));
        let ip_version = if tail.contains("IPv6") {
            Some(6)
        } else if tail.contains("IPv4") {
            Some(4)
        } else {
            None
        };
        open_interface(st, name.trim(), ip_version, None);
        return Ok(true);
    }
    if let Some(rest) = t.strip_prefix("Interface ") {
        if let Some((name, tail)) = rest.split_once(" is ") {
            st.skipping = false;
            let state = tail.split([',', ' ']).next().map(str::to_string);
            open_interface(st, name.trim(), None, state);
            return Ok(true);
        }
    }
    if st.skipping {
        return Ok(true);
    }
    if !st.structured {
        return Ok(false);
    }
    if let Some(rest) = t.strip_prefix("Type:") {
        let i = cur(st)?;
        let mut parts = rest.split(',');
        i.nhrp_type = parts
            .next()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        for p in parts {
            if let Some((k, v)) = p.rsplit_once(':') {
                if k.contains("Peers") {
                    i.nhrp_peers = text::parse_u64(v);
                }
            }
        }
        return Ok(true);
    }
    let lower = t.to_ascii_lowercase();
    if lower.contains("peer nbma addr") {
        st.table = true;
        st.pending = None;
        return Ok(true);
    }
    if !st.table {
        // Legend continuation lines, detail interface lines (`Tunnel Src./Dest.`,
        // `Protocol/Transport`, NHS lines, ...).
        return Ok(true);
    }
    row(st, t)
}

fn open_interface(st: &mut State, name: &str, ip: Option<u8>, line_state: Option<String>) {
    st.structured = true;
    st.table = false;
    st.pending = None;
    // Detail prints `Interface X is up/up` before its `Type:` and table: one interface.
    st.out.interfaces.push(DmvpnInterface {
        interface: name.to_string(),
        ip_version: ip,
        line_state,
        ..Default::default()
    });
}

fn is_uint(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// One table line.
fn row(st: &mut State, t: &str) -> Result<bool, String> {
    let toks: Vec<&str> = t.split_whitespace().collect();
    let (ent, nbma, rest): (Option<u64>, String, &[&str]) = match toks.as_slice() {
        // `1 2001:DB8:1201::122` alone: the row continues on the next line.
        [e, nbma] if is_uint(e) => {
            st.pending = Some((text::parse_u64(e), nbma.to_string()));
            return Ok(true);
        }
        [e, nbma, rest @ ..] if is_uint(e) && rest.len() >= 4 => {
            st.pending = None;
            (text::parse_u64(e), nbma.to_string(), rest)
        }
        rest if rest.len() >= 4 => {
            // Continuation: the pending NBMA line, or the entry above.
            let (ent, nbma) = match st.pending.take() {
                Some(p) => p,
                None => {
                    let last = cur(st)?
                        .peers
                        .last()
                        .ok_or_else(|| format!("row without an NBMA address: `{t}`"))?;
                    (last.entries, last.nbma.clone())
                }
            };
            (ent, nbma, rest)
        }
        _ => return Err(format!("unreadable DMVPN peer row: `{t}`")),
    };
    let [tunnel, state, updn, attrb, more @ ..] = rest else {
        return Err(format!("unreadable DMVPN peer row: `{t}`"));
    };
    let peer = DmvpnPeer {
        entries: ent,
        nbma,
        tunnel: tunnel.to_string(),
        state: DmvpnState::from(*state),
        updn: updn.to_string(),
        attrb: attrb.to_string(),
        target_network: more.first().map(|s| s.to_string()),
    };
    cur(st)?.peers.push(peer);
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const METRICS: &[Metric] = &[
    Metric {
        name: "dmvpn_peers",
        help: "DMVPN NHRP peers listed (show dmvpn), all interfaces",
        get: |r| Dmvpn::of(r).map(|x| x.peers().count().to_string()),
    },
    Metric {
        name: "dmvpn_peers_up",
        help: "DMVPN peers in state UP",
        get: |r| Dmvpn::of(r).map(|x| x.up().to_string()),
    },
    Metric {
        name: "dmvpn_peers_down",
        help: "DMVPN peers not UP (NHRP, IKE, DOWN, ...)",
        get: |r| Dmvpn::of(r).map(|x| x.down().to_string()),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_dmvpn(t).map(Record::Dmvpn)
}

/// `show dmvpn [ipv4|ipv6] [vrf V] [interface tunnel N | peer {nbma|tunnel} A | peer network A M]
/// [static] [detail]`: one layout whatever the selection.
const DMVPN_ARGS: &[Arg] = &[
    Arg::Word("detail"),
    Arg::Word("static"),
    Arg::Word("ipv4"),
    Arg::Word("ipv6"),
    Arg::Key("vrf", 1),
    Arg::Key("interface", 2),
    Arg::Key("peer", 3),
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "dmvpn",
        command: "show dmvpn",
        args: DMVPN_ARGS,
        platforms: &[Platform::CiscoIos],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_and_split_ipv6_rows() {
        let r = parse_dmvpn(
            "Interface: Tunnel1, IPv4 NHRP Details\nType:Hub, NHRP Peers:2,\n\n \
             # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n ----- -----\n     \
             1 2001:DB8:1201::122\n                  192.2.1.122    UP 00:02:19     D\n     \
             2 172.29.0.2          172.30.90.2    UP    6d12h     S\n      \
             172.30.90.25 NHRP    never     S\n",
        )
        .unwrap();
        let i = &r.interfaces[0];
        assert_eq!(i.nhrp_type.as_deref(), Some("Hub"));
        assert_eq!(i.nhrp_peers, Some(2));
        assert_eq!(i.peers[0].nbma, "2001:DB8:1201::122");
        assert_eq!(i.peers[0].tunnel, "192.2.1.122");
        assert_eq!(i.peers[2].nbma, "172.29.0.2");
        assert_eq!(i.peers[2].state, DmvpnState::Nhrp);
        assert_eq!((r.up(), r.down()), (2, 1));
    }

    #[test]
    fn garbage_and_empty_are_errors() {
        assert!(parse_dmvpn("").is_err());
        assert!(parse_dmvpn("hello world\n").is_err());
        assert!(parse_dmvpn("% Invalid input detected at '^' marker.\n").is_err());
    }
}
