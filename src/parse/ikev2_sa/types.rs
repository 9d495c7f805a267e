//! The `show crypto ikev2 sa [detail]` record: [`Ikev2Sas`], one [`Ikev2Sa`] per tunnel row
//! with its algorithms, times, detail lines and child SAs, and the [`Ikev2SaStatus`] enum.

use crate::parse::ikev2::Ikev2ChildSa;
use crate::parse::isakmp::string_enum;
use serde::{Deserialize, Serialize};

string_enum! {
    /// The IKE SA `Status` column (IOS-XE and ASA print the same words).
    pub enum Ikev2SaStatus {
        /// Established.
        Ready => "READY",
        /// Negotiating (IKE_SA_INIT / IKE_AUTH not complete, or a rekey's new SA).
        InNeg => "IN-NEG",
        /// Being deleted (the old SA after a rekey, a dead peer, a cleared SA).
        Delete => "DELETE",
    }
}

impl Default for Ikev2SaStatus {
    fn default() -> Self {
        Ikev2SaStatus::Other(String::new())
    }
}

/// One IKEv2 SA: a `Tunnel-id` row and the lines under it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2Sa {
    /// 4 or 6, from the IOS-XE `IPv4 Crypto IKEv2 SA` / `IPv6 Crypto IKEv2 SA` heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    pub tunnel_id: u64,
    pub local: Option<String>,
    pub local_port: Option<u16>,
    /// The remote peer.
    pub remote: Option<String>,
    pub remote_port: Option<u16>,
    /// Front-door / inside VRF (`none/none` on IOS-XE, `Global/Global` on ASA 9.x; absent from
    /// ASA 8.4, which prints no such column).
    pub fvrf: Option<String>,
    pub ivrf: Option<String>,
    pub status: Ikev2SaStatus,
    /// ASA `Role` column (`INITIATOR`, `RESPONDER`), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub encryption: Option<String>,
    pub key_length: Option<u64>,
    /// `PRF:` (IOS-XE; the ASA prints none).
    pub prf: Option<String>,
    pub hash: Option<String>,
    pub dh_group: Option<u64>,
    /// `Auth sign:`: how this end authenticates itself (PSK, RSA, ECDSA, ...).
    pub auth_sign: Option<String>,
    /// `Auth verify:`: how this end checks the peer.
    pub auth_verify: Option<String>,
    /// A bare `QR` after the algorithms: quantum-resistant (PPK) keys in use.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub quantum_resistant: bool,
    /// `PQC Key Exchange:` (IOS-XE 17.x post-quantum KEM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pqc: Option<String>,
    /// `Life/Active Time: L/A sec`: the configured lifetime, and how long the SA has been up
    /// (0 while it negotiates).
    pub lifetime_secs: Option<u64>,
    pub active_secs: Option<u64>,
    /// The session the SA belongs to: ASA `Session-id:N, Status:…` line above the tunnel
    /// table, IOS-XE `CE id: N, Session-id: N` line under the row.
    pub session_id: Option<u64>,
    /// ASA session status (`UP-ACTIVE`, `UP-IN-NEG`, `DOWN-NEGOTIATING`, ...), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_status: Option<String>,
    /// ASA `IKE count:` / `CHILD count:` of the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_count: Option<u64>,
    /// IOS-XE `CE id:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ce_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_spi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_spi: Option<String>,
    /// Detail: `Status Description:` (`Negotiation done`, ...), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    /// Detail: `DPD configured for N seconds, retry M`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpd_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpd_retry: Option<u64>,
    /// Detail: `NAT-T is not detected` / `detected inside` / `detected outside`: the words
    /// after `NAT-T is`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_t: Option<String>,
    /// Detail: `Initiator of SA : Yes|No`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiator: Option<bool>,
    /// Detail: `Pushed IP address:` (FlexVPN / remote access).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pushed_ip: Option<String>,
    /// Detail: the `addr mask` lines under `Remote subnets:`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote_subnets: Vec<String>,
    /// `Child sa:` blocks printed under this SA (ASA). They follow the last tunnel row of their
    /// session; in a session with a READY SA (a rekey lists the old one too) they are kept on
    /// the READY one, which carries them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub child_sas: Vec<Ikev2ChildSa>,
}

impl Ikev2Sa {
    /// Established (`READY`).
    pub fn is_ready(&self) -> bool {
        self.status == Ikev2SaStatus::Ready
    }
}

/// `show crypto ikev2 sa [detail|detailed|remote X|local X ...]` (IOS-XE and ASA).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ikev2Sas {
    pub sas: Vec<Ikev2Sa>,
}

impl Ikev2Sas {
    pub fn ready(&self) -> usize {
        self.sas.iter().filter(|s| s.is_ready()).count()
    }
    pub fn not_ready(&self) -> usize {
        self.sas.len() - self.ready()
    }
    pub fn child_sas(&self) -> usize {
        self.sas.iter().map(|s| s.child_sas.len()).sum()
    }
}
