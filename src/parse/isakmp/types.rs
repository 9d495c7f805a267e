//! The `show crypto isakmp sa` record: [`IsakmpSa`] (the SAs plus the ASA counters), one
//! [`IkeSa`] per row or block, and the [`IkeState`] / [`SaStatus`] string enums.

use super::string_enum;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Phase 1 state as printed in the `state` / `State` / IKEv2 `Status` column.
    pub enum IkeState {
        /// ASA main mode complete: phase 1 up.
        MmActive => "MM_ACTIVE",
        /// ASA aggressive mode complete: phase 1 up.
        AmActive => "AM_ACTIVE",
        /// IOS phase 1 up, idle between quick modes.
        QmIdle => "QM_IDLE",
        /// IKEv2 SA established.
        Ready => "READY",
        MmNoState => "MM_NO_STATE",
        MmSaSetup => "MM_SA_SETUP",
        MmKeyExch => "MM_KEY_EXCH",
        MmKeyAuth => "MM_KEY_AUTH",
        MmWaitMsg2 => "MM_WAIT_MSG2",
        MmWaitMsg3 => "MM_WAIT_MSG3",
        MmWaitMsg4 => "MM_WAIT_MSG4",
        MmWaitMsg5 => "MM_WAIT_MSG5",
        /// Pre-shared key mismatch (also printed `MM_WAIT_MSG_6`).
        MmWaitMsg6 => "MM_WAIT_MSG6",
        /// Aggressive mode not completing.
        AgInitExch => "AG_INIT_EXCH",
        AgNoState => "AG_NO_STATE",
        AmWaitMsg2 => "AM_WAIT_MSG2",
        AmWaitMsg3 => "AM_WAIT_MSG3",
        /// XAUTH on a LAN-to-LAN peer.
        ConfXauth => "CONF_XAUTH",
        ConfAddr => "CONF_ADDR",
        /// IKEv2 negotiating.
        InNeg => "IN-NEG",
        Delete => "DELETE",
    }
}

impl IkeState {
    /// Phase 1 established.
    pub fn is_up(&self) -> bool {
        matches!(
            self,
            IkeState::MmActive | IkeState::AmActive | IkeState::QmIdle | IkeState::Ready
        )
    }
}

string_enum! {
    /// IOS `status` column.
    pub enum SaStatus {
        Active => "ACTIVE",
        Standby => "STDBY",
    }
}

/// One IKE SA (one row or one block).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IkeSa {
    /// 1 or 2 where the output says (IOS isakmp and ASA IKEv1 sections are 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_version: Option<u8>,
    /// 4 or 6 from the IOS `IPv4/IPv6 Crypto ... SA` heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    /// ASA block / table sequence number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// IKEv2 tunnel id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnel_id: Option<u64>,
    /// IKEv2 session id (ASA `Session-id:N` line, IOS-XE `Session-id: N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<u64>,
    /// IOS `conn-id` / `C-id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conn_id: Option<u64>,
    /// IOS `slot` (older IOS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u64>,
    /// The remote peer where the output names it (ASA `IKE Peer`, `Remote` columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_port: Option<u16>,
    /// The local address where printed (`Local` columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_port: Option<u16>,
    /// IOS table `dst` (the responder of the exchange).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst: Option<String>,
    /// IOS table `src` (the initiator of the exchange).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    /// Phase 1 state (absent from IOS `detail`, which prints only a status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<IkeState>,
    /// IOS `status` (ACTIVE / STDBY).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SaStatus>,
    /// IOS `(deleted)` marker after the status.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// ASA `Type` (L2L, user, ...), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sa_type: Option<String>,
    /// ASA `Role` / `Dir` / IKEv2 `Role`, as printed (initiator, responder, Init, Resp, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// ASA `Rekey` / `Rky`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rekey: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_group: Option<u32>,
    /// Configured lifetime in seconds (ASA `Lifetime`, IKEv2 `Life/Active Time` first half).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_secs: Option<u64>,
    /// Remaining lifetime in seconds (IOS `detail` Lifetime column, ASA `Lifetime Remaining`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_secs: Option<u64>,
    /// IKEv2 active time in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fvrf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ivrf: Option<String>,
    /// IOS `detail` capabilities letters (D, N, X, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<String>,
    /// IOS `detail` `Engine-id:Conn-id` value (e.g. `SW:12609`), as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_conn_id: Option<String>,
}

impl IkeSa {
    /// Phase 1 established: an up state, or (IOS `detail`, which has no state) status ACTIVE,
    /// or (old IOS `detail`, no status either) a remaining lifetime; never a `(deleted)` row.
    pub fn is_up(&self) -> bool {
        if self.deleted {
            return false;
        }
        match (&self.state, &self.status) {
            (Some(s), _) => s.is_up(),
            (None, Some(st)) => *st == SaStatus::Active,
            // Old IOS `detail` prints neither: a row with a negotiated (remaining) lifetime is
            // an established SA.
            (None, None) => self.remaining_secs.is_some(),
        }
    }

    /// The best available name of the remote end: `peer`, else IOS `dst`.
    pub fn remote(&self) -> Option<&str> {
        self.peer.as_deref().or(self.dst.as_deref())
    }
}

/// `show crypto isakmp sa` and friends, all formats.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IsakmpSa {
    pub sas: Vec<IkeSa>,
    /// ASA `Active SA:` counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_sa: Option<u64>,
    /// ASA `Rekey SA:` counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rekey_sa: Option<u64>,
    /// ASA `Total IKE SA:` counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_ike_sa: Option<u64>,
}

impl IsakmpSa {
    pub fn total(&self) -> usize {
        self.sas.len()
    }
    pub fn up(&self) -> usize {
        self.sas.iter().filter(|s| s.is_up()).count()
    }
    pub fn down(&self) -> usize {
        self.total() - self.up()
    }
}
