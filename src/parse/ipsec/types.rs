//! The `show crypto ipsec sa` record: [`IpsecSa`] (the entries in output order), one
//! [`IpsecSaEntry`] per protected flow, its inbound / outbound [`SpiSa`] and [`Ident`]s.

use crate::parse::isakmp::string_enum;
use serde::{Deserialize, Serialize};
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
