//! The scenarios a simulated device can play: healthy, one documented fault per symptom of
//! `shared/docs/domain.md`, and session-level failures. Output renderers read the scenario to
//! decide what each command prints; the SSH server reads it to decide how a session misbehaves.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Everything up: IKE peers MM_ACTIVE/QM_IDLE, IPsec counters both ways, MAPI AO running.
    Healthy,
    /// ASA: one peer held in MM_WAIT_MSG6 (pre-shared key mismatch). IOS: one peer MM_NO_STATE.
    IkePskMismatch,
    /// One peer held in AG_INIT_EXCH (aggressive mode not completing).
    IkeAggressiveStuck,
    /// IOS: a LAN-to-LAN peer in CONF_XAUTH.
    IkeXauthOnL2l,
    /// One IPsec SA with `#pkts encaps: 0` while `#pkts decaps` > 0.
    IpsecOneWay,
    /// One of the healthy peers has vanished from isakmp and ipsec output (for diffs).
    PeerDown,
    /// IOS ISR G2: CERM Tx bandwidth available 0 of 85000 kbps.
    CermTxLimit,
    /// IOS ISR G2: CERM tunnels nearly exhausted (e.g. 3 of 225 available).
    CermTunnelLimit,
    /// WAAS: MAPI AO Config Enabled, Operational Shutdown (licensing problem).
    MapiLicenseShutdown,
    /// WAAS: secured (encrypted) MAPI connections handed off to the generic AO (TGDL flows).
    MapiEncryptedHandoff,
    /// WAAS: MAPI active connections near the maximum.
    MapiOverload,
    /// WAAS: `accelerator mapi verify encryption-settings` reports FAILED components.
    EmapiVerifyFailed,
    /// WAAS: CMS secure store not open.
    CmsStoreClosed,
    /// Any platform: NTP not synchronised.
    NtpUnsynced,
    /// ASA: `show asp drop` with a large `Expired VPN context` counter.
    AspExpiredVpnContext,
    /// IOS: `show crypto session` lists a configured peer with `Session status: DOWN`.
    CryptoSessionDown,
    /// IOS: `show dmvpn` (a hub) shows one spoke held in NHRP state.
    DmvpnSpokeNhrp,
    /// Session: the TCP port refuses connections.
    RefuseConnection,
    /// Session: the device rejects the credentials.
    WrongCredentials,
    /// Session: `enable` rejects the enable secret.
    WrongEnableSecret,
    /// Session: the shell opens but no prompt is ever printed.
    NoPrompt,
    /// Session: a command prints part of its output and then nothing more.
    StallMidOutput,
    /// Transport: the TCP connection is accepted and held open, but no SSH identification
    /// line is ever sent (a wedged sshd, a middlebox that black-holes the session).
    Blackhole,
    /// Transport: the SSH identification line arrives, then nothing (no KEXINIT), whatever
    /// the client sends.
    BannerThenSilence,
    /// Auth: the device offers only `keyboard-interactive` (a password request is refused
    /// with that method as the one that can continue) and asks `Password: ` there.
    KbdInteractiveOnly,
    /// Session: the TCP connection drops in the middle of the third `show` command's output
    /// (half of it printed), without an SSH disconnect message: a reload, a reset.
    DisconnectMidOutput,
    /// Session: the paging-off command is rejected with the platform's invalid-input error
    /// (a restricted parser view), so every output pages at 24 lines.
    PagerStuck,
    /// Output: show outputs carry ANSI colour codes, stray control bytes (BEL, NUL, SO/SI)
    /// and invalid UTF-8 bytes; echo and prompt stay clean.
    Garbage,
    /// Output: `show crypto ipsec sa` prints a very large output (a VPN hub with thousands
    /// of SAs; `DeviceSpec::huge_output_bytes`, 50 MB by default), streamed in chunks.
    HugeOutput,
    /// Session: after login, every byte of every reply (echo, output, prompt) arrives
    /// 100 ms after the previous one.
    SlowDrip,
    /// ASA: the prompt changes after the first `show` command (`fw1# ` → `fw1/admin# `, as
    /// after `changeto context admin` in multiple-context mode).
    ContextChange,
    /// Session: the first `show` command answers only after a 4 s pause (a busy control
    /// plane), then normally; everything else is prompt.
    SlowCommand,
    /// IOS / IOS-XE / ASA: the identity certificate ends in 10 days (issue 13).
    CertExpiring,
    /// IOS / IOS-XE / ASA: the identity certificate ended 5 days ago (issue 13).
    CertExpired,
    /// ASA: failover On, the mate (Secondary) unit `Failed` (issue 13).
    FailoverStandbyFailed,
    /// ASA: one LAN-to-LAN peer sends and receives nothing back: `show vpn-sessiondb [detail]
    /// l2l` Bytes Tx > 0 with Bytes Rx 0, and its IPsec SA `#pkts decaps: 0` (004).
    L2lOneWay,
    /// ASA in multiple-context mode: the login lands in the admin context (`name/admin# `),
    /// `changeto system` / `changeto context NAME` move between the system execution space
    /// and the contexts of `DeviceSpec::contexts` (`admin`, `ctx-a`, and `ctx-b` with a
    /// one-way LAN-to-LAN tunnel), each printing its own outputs (issue 13).
    MultiContext,
    /// IOS / IOS-XE / ASA: one IKEv2 peer's only SA held in `IN-NEG` (its negotiation never
    /// completes; no READY SA to that peer) in `show crypto ikev2 sa [detail]` (issue 13).
    Ikev2StuckInNeg,
    /// ASA: AnyConnect sessions at about 92 % of the licensed AnyConnect Premium peers
    /// (`show license all` 250, `show vpn-sessiondb summary` 225–235 active; issue 13).
    AnyconnectLicenseNearLimit,
    /// IOS-XE: a dual route-processor ASR 1006-X configured for SSO running RPR, its peer
    /// `STANDBY COLD` (`show redundancy`; issue 13).
    RedundancyNotReady,
}

impl Scenario {
    pub const ALL: &'static [Scenario] = &[
        Scenario::Healthy,
        Scenario::IkePskMismatch,
        Scenario::IkeAggressiveStuck,
        Scenario::IkeXauthOnL2l,
        Scenario::IpsecOneWay,
        Scenario::PeerDown,
        Scenario::CermTxLimit,
        Scenario::CermTunnelLimit,
        Scenario::MapiLicenseShutdown,
        Scenario::MapiEncryptedHandoff,
        Scenario::MapiOverload,
        Scenario::EmapiVerifyFailed,
        Scenario::CmsStoreClosed,
        Scenario::NtpUnsynced,
        Scenario::AspExpiredVpnContext,
        Scenario::CryptoSessionDown,
        Scenario::DmvpnSpokeNhrp,
        Scenario::RefuseConnection,
        Scenario::WrongCredentials,
        Scenario::WrongEnableSecret,
        Scenario::NoPrompt,
        Scenario::StallMidOutput,
        Scenario::Blackhole,
        Scenario::BannerThenSilence,
        Scenario::KbdInteractiveOnly,
        Scenario::DisconnectMidOutput,
        Scenario::PagerStuck,
        Scenario::Garbage,
        Scenario::HugeOutput,
        Scenario::SlowDrip,
        Scenario::ContextChange,
        Scenario::SlowCommand,
        Scenario::CertExpiring,
        Scenario::CertExpired,
        Scenario::FailoverStandbyFailed,
        Scenario::L2lOneWay,
        Scenario::MultiContext,
        Scenario::Ikev2StuckInNeg,
        Scenario::AnyconnectLicenseNearLimit,
        Scenario::RedundancyNotReady,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Scenario::Healthy => "healthy",
            Scenario::IkePskMismatch => "ike_psk_mismatch",
            Scenario::IkeAggressiveStuck => "ike_aggressive_stuck",
            Scenario::IkeXauthOnL2l => "ike_xauth_on_l2l",
            Scenario::IpsecOneWay => "ipsec_one_way",
            Scenario::PeerDown => "peer_down",
            Scenario::CermTxLimit => "cerm_tx_limit",
            Scenario::CermTunnelLimit => "cerm_tunnel_limit",
            Scenario::MapiLicenseShutdown => "mapi_license_shutdown",
            Scenario::MapiEncryptedHandoff => "mapi_encrypted_handoff",
            Scenario::MapiOverload => "mapi_overload",
            Scenario::EmapiVerifyFailed => "emapi_verify_failed",
            Scenario::CmsStoreClosed => "cms_store_closed",
            Scenario::NtpUnsynced => "ntp_unsynced",
            Scenario::AspExpiredVpnContext => "asp_expired_vpn_context",
            Scenario::CryptoSessionDown => "crypto_session_down",
            Scenario::DmvpnSpokeNhrp => "dmvpn_spoke_nhrp",
            Scenario::RefuseConnection => "refuse_connection",
            Scenario::WrongCredentials => "wrong_credentials",
            Scenario::WrongEnableSecret => "wrong_enable_secret",
            Scenario::NoPrompt => "no_prompt",
            Scenario::StallMidOutput => "stall_mid_output",
            Scenario::Blackhole => "blackhole",
            Scenario::BannerThenSilence => "banner_then_silence",
            Scenario::KbdInteractiveOnly => "kbd_interactive_only",
            Scenario::DisconnectMidOutput => "disconnect_mid_output",
            Scenario::PagerStuck => "pager_stuck",
            Scenario::Garbage => "garbage",
            Scenario::HugeOutput => "huge_output",
            Scenario::SlowDrip => "slow_drip",
            Scenario::ContextChange => "context_change",
            Scenario::SlowCommand => "slow_command",
            Scenario::CertExpiring => "cert_expiring",
            Scenario::CertExpired => "cert_expired",
            Scenario::FailoverStandbyFailed => "failover_standby_failed",
            Scenario::L2lOneWay => "l2l_one_way",
            Scenario::MultiContext => "multi_context",
            Scenario::Ikev2StuckInNeg => "ikev2_stuck_in_neg",
            Scenario::AnyconnectLicenseNearLimit => "anyconnect_license_near_limit",
            Scenario::RedundancyNotReady => "redundancy_not_ready",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.replace('-', "_");
        Scenario::ALL
            .iter()
            .copied()
            .find(|sc| sc.id() == norm)
            .ok_or_else(|| {
                let names: Vec<&str> = Scenario::ALL.iter().map(|s| s.id()).collect();
                format!(
                    "unknown scenario `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// What a renderer needs to print a device's output: who it is and what state it is in.
/// `seed` varies peer addresses and counters between devices of one fleet, deterministically.
#[derive(Debug, Clone, Copy)]
pub struct RenderCtx<'a> {
    pub platform: crate::Platform,
    pub scenario: Scenario,
    pub hostname: &'a str,
    pub seed: u64,
    /// How this poll differs from the seeded device (uptime, grown counters).
    pub drift: Drift,
}

/// What changes on one device between two polls of it, so that tests can play successive
/// nights (the run history's counter rates and reloads, issue 14): the scenario says what is
/// broken, the drift how long the device has been up and how far its cumulative counters
/// have grown. The default is the seeded device, the same on every poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drift {
    /// `show version` uptime in seconds instead of the seeded one (a reload: a small value).
    pub uptime_s: Option<u64>,
    /// Added to the cumulative error counters: the first IPsec SA's `#send errors` and
    /// `#recv errors`, MAPI and EPM `Total Dropped Connections`, and the ASA `show asp drop`
    /// `Expired VPN context` (printed once it is not 0).
    pub counter_growth: u64,
}
