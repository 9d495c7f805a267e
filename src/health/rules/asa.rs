//! ASA-only rules: VPN session capacity (`show vpn-sessiondb summary`) and the expired VPN
//! context drop counter (`show asp drop`).

use super::{fmt_num, fmt_pct, pct, Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::parse::asa::{AspDrop, VpnSessiondbSummary};

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
