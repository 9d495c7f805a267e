//! ASA `show vpn load-balancing`: the cluster's status line, its peers, and each peer's licence
//! load. Not from the two seed guides: the ASA 9.x layout (genieparser capture, ASA command
//! reference), fixed-width tables under dashed rules:
//!
//! ```text
//! Status     Role     Failover   Encryption   Peers     Cluster IP
//! Enabled    Master   n/a        Enabled          1     cluster1
//! Peers:
//! Role    Pri  Model             Load-Balancing Version  Public IP
//! Master    5  ASA-VASA                               4  10.246.0.1*
//! Total License Load:
//! AnyConnect Premium/Essentials        Other VPN         Public IP
//! -----------------------------   ---------------------
//! Limit    Used   Load          Limit    Used   Load
//!     250       0      0%           250       2      1%  10.246.0.1*
//! ```
//!
//! `*` marks this device's own address. The licence groups are named by the heading above the
//! short rules (`AnyConnect Premium/Essentials`, `Other VPN`; `SSL VPN`, `IPsec` on older
//! releases), each `Limit Used Load`; `Licensed & Configured Cluster Load:` has the same layout.

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

/// One row of the `Peers:` table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LbPeer {
    /// `Master` / `Backup` (9.x: also `Director`, `Member`).
    pub role: String,
    pub priority: Option<u64>,
    pub model: Option<String>,
    pub lb_version: Option<u64>,
    /// Without the `*`.
    pub public_ip: String,
    /// The `*` row: this device.
    pub local: bool,
}

/// One licence group of a load row: `Limit  Used  Load`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LbLoad {
    /// The group heading as printed (`AnyConnect Premium/Essentials`, `Other VPN`).
    pub name: String,
    pub limit: u64,
    pub used: u64,
    pub load_percent: u64,
}

/// One row of a licence load table: one peer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LbPeerLoad {
    pub public_ip: String,
    pub local: bool,
    pub loads: Vec<LbLoad>,
}

impl LbPeerLoad {
    /// The group whose name contains `needle` (case-insensitive).
    pub fn group(&self, needle: &str) -> Option<&LbLoad> {
        let n = needle.to_ascii_lowercase();
        self.loads
            .iter()
            .find(|l| l.name.to_ascii_lowercase().contains(&n))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpnLoadBalancing {
    /// `Enabled` / `Disabled`.
    pub status: Option<String>,
    /// This device's role: `Master`, `Backup`, `n/a`.
    pub role: Option<String>,
    pub failover: Option<String>,
    pub encryption: Option<String>,
    /// The status line's `Peers` count.
    pub peer_count: Option<u64>,
    pub cluster_ip: Option<String>,
    pub peers: Vec<LbPeer>,
    /// `Total License Load:` rows.
    pub license_load: Vec<LbPeerLoad>,
    /// `Licensed & Configured Cluster Load:` rows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configured_load: Vec<LbPeerLoad>,
}

impl VpnLoadBalancing {
    pub fn enabled(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("enabled"))
    }
    /// This device's row of the licence load (the `*` one).
    pub fn local_load(&self) -> Option<&LbPeerLoad> {
        self.license_load.iter().find(|l| l.local)
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Section {
    None,
    Status,
    Peers,
    Load,
    Configured,
}

fn ip(tok: &str) -> (String, bool) {
    match tok.strip_suffix('*') {
        Some(t) => (t.to_string(), true),
        None => (tok.to_string(), false),
    }
}

/// Column group names of a heading line: runs of text separated by 2+ spaces, without the
/// trailing `Public IP`.
fn group_names(line: &str) -> Vec<String> {
    let mut out: Vec<String> = line
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if out
        .last()
        .is_some_and(|l| l.eq_ignore_ascii_case("public ip"))
    {
        out.pop();
    }
    out
}

/// `250  0  0%  250  2  1%  10.246.0.1*`.
fn load_row(t: &str, names: &[String]) -> Option<LbPeerLoad> {
    let toks: Vec<&str> = t.split_whitespace().collect();
    let (last, nums) = toks.split_last()?;
    if nums.is_empty() || !nums.len().is_multiple_of(3) {
        return None;
    }
    let mut loads = Vec::new();
    for (i, g) in nums.chunks(3).enumerate() {
        let [l, u, p] = g else { return None };
        let pct = p.strip_suffix('%')?;
        loads.push(LbLoad {
            name: names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("group {}", i + 1)),
            limit: text::parse_u64(l)?,
            used: text::parse_u64(u)?,
            load_percent: text::parse_u64(pct)?,
        });
    }
    let (public_ip, local) = ip(last);
    Some(LbPeerLoad {
        public_ip,
        local,
        loads,
    })
}

/// `Master    5  ASA-VASA    4  10.246.0.1*`.
fn peer_row(t: &str) -> Option<LbPeer> {
    let toks: Vec<&str> = t.split_whitespace().collect();
    if toks.len() < 4 {
        return None;
    }
    let (public_ip, local) = ip(toks.last()?);
    let version = text::parse_u64(toks.get(toks.len() - 2)?);
    let priority = text::parse_u64(toks.get(1)?)?;
    let model_end = if version.is_some() {
        toks.len() - 2
    } else {
        toks.len() - 1
    };
    let model = toks.get(2..model_end).map(|m| m.join(" "));
    Some(LbPeer {
        role: toks.first()?.to_string(),
        priority: Some(priority),
        model: model.filter(|m| !m.is_empty()),
        lb_version: version,
        public_ip,
        local,
    })
}

/// Parse ASA `show vpn load-balancing`.
pub fn parse_vpn_load_balancing(input: &str) -> Result<VpnLoadBalancing, ParseError> {
    let mut out = VpnLoadBalancing::default();
    let mut section = Section::None;
    let mut names: Vec<String> = Vec::new();
    let mut prev: Option<String> = None;
    let mut recognised = false;
    let mut first_unknown: Option<(usize, String)> = None;
    let lines = text::lines(input);
    let last_n = lines
        .iter()
        .rev()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(0, |(n, _)| *n);
    for (n, line) in &lines {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(*n, format!("device error: {e}")));
        }
        if t.bytes().all(|b| b == b'-' || b == b' ') {
            // Short rules under a heading name the licence groups.
            if t.contains(' ') && matches!(section, Section::Load | Section::Configured) {
                if let Some(p) = &prev {
                    names = group_names(p);
                }
            }
            continue;
        }
        let lower = t.to_ascii_lowercase();
        prev = Some(line.to_string());
        if starts_with_ci(t, "status") && lower.contains("role") && lower.contains("cluster") {
            section = Section::Status;
            recognised = true;
            continue;
        }
        match lower.as_str() {
            "peers:" => {
                section = Section::Peers;
                recognised = true;
                continue;
            }
            "total license load:" | "total cluster load:" => {
                section = Section::Load;
                names.clear();
                recognised = true;
                continue;
            }
            "licensed & configured cluster load:" => {
                section = Section::Configured;
                names.clear();
                recognised = true;
                continue;
            }
            _ => {}
        }
        let cut = *n == last_n; // a row cut by a truncated capture is dropped
        match section {
            Section::Status => {
                let toks: Vec<&str> = t.split_whitespace().collect();
                if toks.len() < 5 {
                    if !cut {
                        return Err(ParseError::new(*n, format!("not a status row: `{t}`")));
                    }
                    continue;
                }
                let get = |i: usize| toks.get(i).map(|s| s.to_string());
                out.status = get(0);
                out.role = get(1);
                out.failover = get(2);
                out.encryption = get(3);
                out.peer_count = toks.get(4).and_then(|s| text::parse_u64(s));
                out.cluster_ip = toks.get(5..).map(|r| r.join(" ")).filter(|s| !s.is_empty());
                section = Section::None;
            }
            Section::Peers => {
                if starts_with_ci(t, "role") && lower.contains("public ip") {
                    continue;
                }
                match peer_row(t) {
                    Some(p) => out.peers.push(p),
                    None if cut => {}
                    None => {
                        return Err(ParseError::new(*n, format!("not a peer row: `{t}`")));
                    }
                }
            }
            Section::Load | Section::Configured => {
                if lower.contains("public ip") || starts_with_ci(t, "limit") {
                    continue; // headings
                }
                match load_row(t, &names) {
                    Some(r) if section == Section::Load => out.license_load.push(r),
                    Some(r) => out.configured_load.push(r),
                    None if cut => {}
                    None => {
                        return Err(ParseError::new(*n, format!("not a load row: `{t}`")));
                    }
                }
            }
            Section::None => {
                first_unknown.get_or_insert((*n, t.to_string()));
            }
        }
    }
    if !recognised {
        return Err(match first_unknown {
            Some((n, l)) => {
                ParseError::new(n, format!("not a `show vpn load-balancing` output: `{l}`"))
            }
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

fn local_pct(r: &Record, group: &str) -> Option<String> {
    VpnLoadBalancing::of(r)?
        .local_load()?
        .group(group)
        .map(|l| l.load_percent.to_string())
}

const METRICS: &[Metric] = &[
    Metric {
        name: "vpn_lb_status",
        help: "VPN load-balancing status (Enabled, Disabled)",
        get: |r| VpnLoadBalancing::of(r).and_then(|x| x.status.clone()),
    },
    Metric {
        name: "vpn_lb_role",
        help: "this ASA's VPN load-balancing role (Master, Backup)",
        get: |r| VpnLoadBalancing::of(r).and_then(|x| x.role.clone()),
    },
    Metric {
        name: "vpn_lb_peers",
        help: "VPN load-balancing peers listed in the Peers table",
        get: |r| VpnLoadBalancing::of(r).map(|x| x.peers.len().to_string()),
    },
    Metric {
        name: "vpn_lb_anyconnect_load_pct",
        help: "this ASA's AnyConnect licence load, percent (Total License Load, `*` row)",
        get: |r| local_pct(r, "anyconnect").or_else(|| local_pct(r, "ssl")),
    },
    Metric {
        name: "vpn_lb_other_vpn_load_pct",
        help: "this ASA's Other VPN (IPsec) licence load, percent (Total License Load, `*` row)",
        get: |r| local_pct(r, "other").or_else(|| local_pct(r, "ipsec")),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_vpn_load_balancing(t).map(Record::VpnLoadBalancing)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "vpn_load_balancing",
        command: "show vpn load-balancing",
        args: &[],
        platforms: &[Platform::CiscoAsa],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests;
