//! IOS / IOS-XE VPN session rules over `show crypto session` and `show dmvpn`. Neither seed
//! guide covers these commands: the rules come from issue 13 (item 2) and the Cisco IOS
//! Security Command Reference (`show crypto session` status values) / DMVPN guide (NHRP states).

use super::{Context, Finding, Judge, RuleInfo, Severity};
use crate::parse::crypto_session::{CryptoSession, CryptoSessions, SessionStatus};
use crate::parse::dmvpn::{Dmvpn, DmvpnInterface, DmvpnPeer};

/// `Session status: DOWN` (no IKE and no IPsec SA) or `UP-NO-IKE` (IPsec SAs without an IKE
/// SA: traffic flows until the SAs expire, then the tunnel cannot rekey).
pub const CRYPTO_SESSION_DOWN: RuleInfo = RuleInfo {
    code: "CRYPTO_SESSION_DOWN",
    severity: Severity::Critical,
    summary: "IOS crypto session status DOWN or UP-NO-IKE (show crypto session)",
    remediation: "Check the peer is reachable on UDP 500/4500 and that the IKE policy, key or certificate and crypto ACL / tunnel protection match on both ends (`show crypto isakmp sa`, `debug`-free: `show crypto session detail`); an UP-NO-IKE session loses its traffic when its IPsec SAs expire.",
    source: "issue 13 item 2; Cisco IOS Security Command Reference, show crypto session (status values)",
};

/// A DMVPN NHRP peer not `UP`. Critical: a spoke stuck in `NHRP` (or `IKE`) is a branch whose
/// overlay is down (issue 13), and a spoke whose hub is not UP has lost the hub's routes. A
/// dynamic entry on a spoke (`D`: a spoke-to-spoke shortcut built on demand, which times out)
/// is not judged: while it resolves, its traffic still flows through the hub.
pub const DMVPN_PEER_DOWN: RuleInfo = RuleInfo {
    code: "DMVPN_PEER_DOWN",
    severity: Severity::Critical,
    summary: "DMVPN NHRP peer not UP (NHRP, IKE, DOWN ...) in show dmvpn",
    remediation: "Check the peer's NBMA address is reachable, its tunnel protection / IKE comes up (`show crypto session`) and its NHRP network-id, authentication and NHS configuration match the hub.",
    source: "issue 13 item 2 (a DMVPN spoke in NHRP state is a branch that is down); Cisco DMVPN configuration guide, show dmvpn states",
};

fn is_down(s: &CryptoSession) -> bool {
    matches!(s.status, Some(SessionStatus::Down | SessionStatus::UpNoIke))
}

/// `peer 10.1.1.2 on Tunnel0`: without the port, which NAT-T may change between runs.
fn subject(s: &CryptoSession) -> String {
    format!(
        "peer {} on {}",
        s.peer.as_deref().unwrap_or("?"),
        s.interface
    )
}

fn describe(s: &CryptoSession) -> String {
    let peer = match (s.peer.as_deref(), s.peer_port) {
        (Some(p), Some(port)) => format!("peer {p} port {port}"),
        (Some(p), None) => format!("peer {p}"),
        _ => "an unnamed peer".into(),
    };
    let profile = s
        .profile
        .as_deref()
        .map(|p| format!(", profile {p}"))
        .unwrap_or_default();
    format!("{peer} on {}{profile}", s.interface)
}

pub(super) fn crypto_sessions(r: &CryptoSessions, emit: &mut dyn FnMut(Finding)) {
    for s in r.sessions.iter().filter(|s| is_down(s)) {
        let status = s.status.as_ref().map_or("?", |x| x.as_str());
        let ike = s
            .ike_sas
            .iter()
            .map(|sa| format!("{} {}", sa.remote, sa.status))
            .collect::<Vec<_>>();
        let ike = if ike.is_empty() {
            "no IKE SA".to_string()
        } else {
            format!("IKE SA {}", ike.join(", "))
        };
        let active: u64 = s.flows.iter().filter_map(|f| f.active_sas).sum();
        let what = if s.status == Some(SessionStatus::UpNoIke) {
            "has IPsec SAs but no IKE SA: it cannot rekey"
        } else {
            "is down"
        };
        emit(CRYPTO_SESSION_DOWN.finding(
            subject(s),
            format!("crypto session with {} {what}", describe(s)),
            format!(
                "{}: Session status {status} ({ike}; {active} active IPsec SAs; expected UP-ACTIVE)",
                describe(s)
            ),
        ));
    }
}

fn spoke_shortcut(i: &DmvpnInterface, p: &DmvpnPeer) -> bool {
    i.is_spoke() && p.is_dynamic()
}

pub(super) fn dmvpn(r: &Dmvpn, emit: &mut dyn FnMut(Finding)) {
    for (i, p) in r
        .peers()
        .filter(|(i, p)| !p.is_up() && !spoke_shortcut(i, p))
    {
        let kind = i.nhrp_type.as_deref().unwrap_or("DMVPN");
        let who = format!(
            "peer {} (NBMA {}) on {} ({kind})",
            p.tunnel, p.nbma, i.interface
        );
        emit(DMVPN_PEER_DOWN.finding(
            format!("peer {} on {}", p.tunnel, i.interface),
            format!("DMVPN {who} is {} instead of UP", p.state),
            format!(
                "{who}: State {}, UpDn {}, Attrb {} (expected UP)",
                p.state, p.updn, p.attrb
            ),
        ));
    }
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for CryptoSessions {
    const RULES: &'static [RuleInfo] = &[CRYPTO_SESSION_DOWN];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        crypto_sessions(self, emit)
    }
}

impl Judge for Dmvpn {
    const RULES: &'static [RuleInfo] = &[DMVPN_PEER_DOWN];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        dmvpn(self, emit)
    }
}
