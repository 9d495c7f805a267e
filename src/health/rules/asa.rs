//! ASA-only rules: VPN session capacity (`show vpn-sessiondb summary`), the expired VPN
//! context drop counter (`show asp drop`) and one-way LAN-to-LAN sessions
//! (`show vpn-sessiondb [detail] l2l`).

use super::{fmt_num, fmt_pct, pct, Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::health::counters::EXPIRED_VPN_CONTEXT_SUBJECT;
use crate::parse::asa::{AspDrop, VpnSessiondbSummary};
use crate::parse::asa_sessions::{AnyconnectSessions, L2lSession, VpnL2l};

/// 004, "only three VPN clients can connect" / "tunnel rejected; the maximum tunnel count has
/// been reached": sessions are capped by the platform and `vpn-sessiondb max-session-limit`;
/// the summary's `Device Load` shows how close the ASA is.
pub const VPN_SESSION_LIMIT: RuleInfo = RuleInfo {
    code: "VPN_SESSION_LIMIT",
    severity: Severity::Warning,
    summary: "ASA VPN Device Load at or above the threshold % of its VPN capacity",
    remediation: "Raise the capacity (license / platform) or `vpn-sessiondb max-session-limit` and check the group policy's `vpn-simultaneous-logins` (default 3) before new tunnels are rejected with 'the maximum tunnel count has been reached'.",
    source: "004 IPsec VPN: maximum tunnel count reached (vpn-simultaneous-logins, vpn-sessiondb max-session-limit)",
};

/// 004, "IPsec connection fails after several rekeys": `show asp drop` shows the `Expired VPN
/// context` counter rising with every outbound packet.
pub const ASA_EXPIRED_VPN_CONTEXT: RuleInfo = RuleInfo {
    code: "ASA_EXPIRED_VPN_CONTEXT",
    severity: Severity::Warning,
    summary: "ASA `show asp drop` Expired VPN context (vpn-context-expired) counter above threshold",
    remediation: "Re-run `show asp drop` to confirm the Expired VPN context counter grows with each outbound packet: the guide ties it to a known ASA problem after repeated rekeys, to be taken to Cisco TAC for a fixed release.",
    source: "004 IPsec VPN: traffic stops after several rekeys (show asp drop, Expired VPN context)",
};

/// 004, "VPN tunnel passes traffic in one direction only", seen from the ASA session table:
/// the session (or one IPsec SA of it) sent bytes and received none. That is
/// `#pkts encaps > 0` with `#pkts decaps 0`, which domain.md (`show crypto ipsec sa`) says "points at the
/// peer side"; a warning like `IPSEC_NO_DECAPS`, the same symptom on the SA counters (the
/// critical one-way case, nothing encrypted back, is `IPSEC_ONE_WAY`).
pub const VPN_ONE_WAY_L2L: RuleInfo = RuleInfo {
    code: "VPN_ONE_WAY_L2L",
    severity: Severity::Warning,
    summary: "ASA LAN-to-LAN session (or one of its IPsec SAs) with Bytes Tx > 0 and Bytes Rx 0",
    remediation: "Check the peer side: its crypto ACL must mirror ours for this selector pair, its NAT exemption and routing must send the return traffic into the tunnel, and ESP / UDP 4500 from the peer must not be blocked on the path.",
    source: "004 IPsec VPN: one-direction traffic (show vpn-sessiondb l2l Bytes Tx > 0, Bytes Rx 0)",
};

fn one_way_l2l(s: &L2lSession, emit: &mut dyn FnMut(Finding)) {
    let n = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
    let sas: Vec<String> = s
        .ipsec
        .iter()
        .filter(|sa| sa.is_one_way())
        .map(|sa| {
            format!(
                "IPsec SA {} {} -> {} Bytes Tx {} Bytes Rx 0 (Pkts Tx {}, Pkts Rx {})",
                sa.tunnel_id.as_deref().unwrap_or("?"),
                sa.local_addr.as_deref().unwrap_or("?"),
                sa.remote_addr.as_deref().unwrap_or("?"),
                n(sa.bytes_tx),
                n(sa.pkts_tx),
                n(sa.pkts_rx),
            )
        })
        .collect();
    let (message, mut evidence) = if s.is_one_way() {
        (
            format!("L2L peer {} receives nothing through the tunnel", s.peer()),
            format!("peer {} Bytes Tx {} Bytes Rx 0", s.peer(), n(s.bytes_tx)),
        )
    } else if !sas.is_empty() {
        (
            format!(
                "L2L peer {}: {} IPsec SA(s) receive nothing",
                s.peer(),
                sas.len()
            ),
            format!(
                "peer {} (session Bytes Tx {} Bytes Rx {})",
                s.peer(),
                n(s.bytes_tx),
                n(s.bytes_rx)
            ),
        )
    } else {
        return;
    };
    if !sas.is_empty() {
        evidence.push_str(": ");
        evidence.push_str(&sas.join("; "));
    }
    emit(VPN_ONE_WAY_L2L.finding(format!("peer {}", s.peer()), message, evidence));
}

/// The device load in percent: as printed, else active sessions against the capacity.
fn device_load(r: &VpnSessiondbSummary) -> Option<(f64, String)> {
    if let Some(l) = r.device_load_percent {
        let cap = r
            .device_capacity
            .map(|c| format!(", Device Total VPN Capacity {c}"))
            .unwrap_or_default();
        return Some((l as f64, format!("Device Load {l}%{cap}")));
    }
    let cap = r.device_capacity?;
    let active = r.active();
    let load = pct(active, cap)?;
    Some((
        load,
        format!(
            "{active} active sessions of Device Total VPN Capacity {cap} ({})",
            fmt_pct(load)
        ),
    ))
}

pub(super) fn session_limit(
    r: &VpnSessiondbSummary,
    t: &Thresholds,
    emit: &mut dyn FnMut(Finding),
) {
    let Some((load, seen)) = device_load(r) else {
        return;
    };
    if load >= t.vpn_load_pct {
        emit(VPN_SESSION_LIMIT.finding(
            "vpn sessions",
            format!("ASA VPN sessions near capacity ({})", fmt_pct(load)),
            format!("{seen} (threshold: >= {}%)", fmt_num(t.vpn_load_pct)),
        ));
    }
}

pub(super) fn expired_vpn_context(r: &AspDrop, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let n = r.expired_vpn_context;
    if n > t.asp_expired_vpn_context_max {
        let since = r
            .frame_last_clearing
            .as_deref()
            .map(|c| format!(", last clearing: {c}"))
            .unwrap_or_default();
        emit(ASA_EXPIRED_VPN_CONTEXT.finding(
            EXPIRED_VPN_CONTEXT_SUBJECT,
            format!("ASA dropped {n} packets for an expired VPN context"),
            format!(
                "Expired VPN context (vpn-context-expired) {n} (threshold: > {}){since}",
                t.asp_expired_vpn_context_max
            ),
        ));
    }
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for VpnSessiondbSummary {
    const RULES: &'static [RuleInfo] = &[VPN_SESSION_LIMIT];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        session_limit(self, cx.thresholds, emit)
    }
}

impl Judge for AspDrop {
    const RULES: &'static [RuleInfo] = &[ASA_EXPIRED_VPN_CONTEXT];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        expired_vpn_context(self, cx.thresholds, emit)
    }
}

impl Judge for VpnL2l {
    const RULES: &'static [RuleInfo] = &[VPN_ONE_WAY_L2L];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        for s in &self.sessions {
            one_way_l2l(s, emit);
        }
    }
}

impl Judge for AnyconnectSessions {
    const RULES: &'static [RuleInfo] = &[];
    /// The output carries no licensed limit to judge against (`show vpn-sessiondb summary`'s
    /// Device Load is `VPN_SESSION_LIMIT`), and a client that only downloads is normal.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for crate::parse::asa_context::SecurityContexts {
    /// Which contexts exist is inventory, not health; with `asa_contexts` each context is
    /// polled and judged as its own row.
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for crate::parse::asa_sessions::WebvpnSessions {
    const RULES: &'static [RuleInfo] = &[];
    /// Clientless sessions count against the AnyConnect licence, judged beside the licence by
    /// `ANYCONNECT_LICENSE_NEAR_LIMIT` (`license.rs`); one session says nothing on its own.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for crate::parse::asa_vpn_lb::VpnLoadBalancing {
    const RULES: &'static [RuleInfo] = &[];
    /// This device's licence load is judged by `ANYCONNECT_LICENSE_NEAR_LIMIT` (`license.rs`)
    /// when no `show license all` is polled; a peer leaving the cluster is a snapshot change.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for crate::parse::asa_vpn_context::AspVpnContexts {
    const RULES: &'static [RuleInfo] = &[];
    /// The guide's VPN-context symptom is `show asp drop`'s rising `Expired VPN context`
    /// (`ASA_EXPIRED_VPN_CONTEXT`); the per-context error counters are CSV columns, cumulative
    /// since the SA came up, with no threshold the guides give.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
