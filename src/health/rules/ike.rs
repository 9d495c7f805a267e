//! Phase 1 (IKE) rules over `show crypto isakmp sa` / `show crypto ikev1|ikev2 sa`.
//!
//! Healthy states (`MM_ACTIVE`, `AM_ACTIVE`, `QM_IDLE`, IKEv2 `READY`) never produce a finding.
//! Neither does the normal rekey cycle (004, "VPN tunnel drops every 18 hours": the ASA
//! initiator rekeys at 75 % of the 86400 s lifetime): a rekey shows a second SA for a peer
//! that still has an established one, or a `(deleted)` IOS row, and both are skipped. States
//! a remote-access client passes through while logging in (`CONF_XAUTH`, `CONF_ADDR`,
//! aggressive mode) are not judged for SAs the ASA marks `Type: user`. IKEv2 SAs (the ASA 9.x
//! `IKEv2 SAs:` section) are left to `IKEV2_SA_NOT_READY` (`ikev2_sa.rs`), which reads
//! `show crypto ikev2 sa` with a rekey criterion of its own: one SA, one finding.

use super::{Context, Finding, Judge, RuleInfo, Severity};
use crate::parse::isakmp::{IkeSa, IkeState, IsakmpSa};
use crate::Platform;
use std::collections::BTreeSet;

/// 004, "pre-shared key mismatch": `show crypto isakmp sa` held in `MM_WAIT_MSG_6`
/// (`MM_WAIT_MSG6`) means the pre-shared keys of the two peers differ. On IOS the same fault
/// holds the SA in `MM_KEY_EXCH` (DH done, authentication failed: issue 13 item 2, domain.md
/// "IOS IKEv1 states beyond the seed"), unless the SA's `Auth` says it is not a PSK tunnel.
pub const IKE_PSK_MISMATCH: RuleInfo = RuleInfo {
    code: "IKE_PSK_MISMATCH",
    severity: Severity::Critical,
    summary: "IKE SA held in MM_WAIT_MSG6 / MM_WAIT_MSG_6 (ASA) or MM_KEY_EXCH (IOS): pre-shared key mismatch",
    remediation: "Re-enter the pre-shared key on both peers (ASA `tunnel-group <peer> ipsec-attributes` / `ikev1 pre-shared-key`, IOS `crypto isakmp key <key> address <peer>`) so that they match.",
    source: "004 IPsec VPN: pre-shared key mismatch (MM_WAIT_MSG_6); IOS MM_KEY_EXCH: issue 13 item 2",
};

/// 004, "phase 1 fails" and "peer IP address not configured correctly": main mode held in
/// `MM_WAIT_MSG2`..`MM_WAIT_MSG5` (wrong crypto peer or mismatched ISAKMP proposal;
/// `MM_WAIT_MSG4` in particular = peer address misconfigured on the ASA), `MM_NO_STATE` (no
/// usable phase 1, often a dead or misconfigured peer), or any other main-mode state that is
/// not up.
pub const IKE_P1_STUCK: RuleInfo = RuleInfo {
    code: "IKE_P1_STUCK",
    severity: Severity::Warning,
    summary: "IKE main mode not completing (MM_WAIT_MSG2..5, MM_NO_STATE, other non-up IKEv1 phase 1 states); MM_WAIT_MSG4 = peer address misconfigured",
    remediation: "Check that the crypto peer address and the ISAKMP policy (encryption, hash, authentication, DH group, lifetime) match on both peers and that ISAKMP is enabled on the interface (`crypto isakmp enable outside`).",
    source: "004 IPsec VPN: phase 1 main-mode failure (MM_WAIT_MSG2-5), peer IP misconfigured (MM_WAIT_MSG4), ISAKMP not enabled",
};

/// The remedy the guide gives for `MM_WAIT_MSG4` specifically.
const MSG4_REMEDIATION: &str = "Correct the peer IP address: on the ASA the L2L tunnel-group name and `crypto map <map> <seq> set peer` must both be the remote peer's IP address.";

/// 004, last problem: the tunnel does not come up and `show crypto isakmp sa` shows
/// `AG_INIT_EXCH` (aggressive mode not completing).
pub const IKE_AGGRESSIVE_STUCK: RuleInfo = RuleInfo {
    code: "IKE_AGGRESSIVE_STUCK",
    severity: Severity::Critical,
    summary: "IKE aggressive mode not completing (AG_INIT_EXCH)",
    remediation: "Make the ISAKMP policies of both peers match and check that UDP 500 (and 4500 with NAT-T) is not blocked on the path.",
    source: "004 IPsec VPN: tunnel does not come up, AG_INIT_EXCH",
};

/// 004, "L2L and remote-access on the same crypto map": an IOS router asks its LAN-to-LAN
/// peer for XAUTH and the L2L SA fails in `CONF_XAUTH` (ASA is not affected: tunnel-groups).
pub const IKE_XAUTH_ON_L2L: RuleInfo = RuleInfo {
    code: "IKE_XAUTH_ON_L2L",
    severity: Severity::Critical,
    summary: "IOS LAN-to-LAN peer held in CONF_XAUTH (L2L and remote access share a crypto map)",
    remediation: "Add `no-xauth` to the L2L peer's ISAKMP key (`crypto isakmp key <key> address <peer> no-xauth`) so that the static peer is not asked for XAUTH.",
    source: "004 IPsec VPN: L2L and remote-access tunnels on one crypto map (CONF_XAUTH)",
};

/// Pre-shared key mismatch: `MM_WAIT_MSG6`, however printed; on IOS an SA held in
/// `MM_KEY_EXCH` whose authentication is pre-shared (or not shown).
fn is_psk_mismatch(sa: &IkeSa, platform: Platform) -> bool {
    let psk = sa.auth.as_deref().is_none_or(|a| {
        let a = a.to_ascii_lowercase();
        a.contains("psk") || a.contains("pre")
    });
    sa.state == Some(IkeState::MmWaitMsg6)
        || (platform.family() == Platform::CiscoIos
            && sa.state == Some(IkeState::MmKeyExch)
            && psk
            && !is_remote_access(sa))
}

/// Aggressive mode not completing: `AG_INIT_EXCH` (and the other aggressive-mode waits).
fn is_aggressive_stuck(sa: &IkeSa) -> bool {
    matches!(
        sa.state,
        Some(
            IkeState::AgInitExch
                | IkeState::AgNoState
                | IkeState::AmWaitMsg2
                | IkeState::AmWaitMsg3
        )
    ) && !is_remote_access(sa)
}

/// `CONF_XAUTH` on a LAN-to-LAN peer of an IOS router. IOS tables print no SA type, so an SA
/// counts as L2L unless its type says remote access.
fn is_xauth_on_l2l(sa: &IkeSa, platform: Platform) -> bool {
    platform.family() == Platform::CiscoIos
        && sa.state == Some(IkeState::ConfXauth)
        && !is_remote_access(sa)
}

/// Main mode not completing, other than `MM_WAIT_MSG6`. Never an IKEv2 SA (see the module
/// docs).
fn is_p1_stuck(sa: &IkeSa) -> bool {
    let Some(state) = &sa.state else {
        return false;
    };
    if sa.ike_version == Some(2) {
        return false;
    }
    let main_mode = match state {
        IkeState::MmNoState
        | IkeState::MmSaSetup
        | IkeState::MmKeyExch
        | IkeState::MmKeyAuth
        | IkeState::MmWaitMsg2
        | IkeState::MmWaitMsg3
        | IkeState::MmWaitMsg4
        | IkeState::MmWaitMsg5 => true,
        IkeState::Other(s) => s.trim().to_ascii_uppercase().starts_with("MM_"),
        _ => false,
    };
    main_mode && !is_remote_access(sa)
}

/// An ASA remote-access client SA (`Type: user`), whose login states are transient.
fn is_remote_access(sa: &IkeSa) -> bool {
    sa.sa_type.as_deref().is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("user") || t == "ra" || t.contains("remote")
    })
}

/// Which rule an SA's state belongs to, if any. Established and `(deleted)` SAs belong to none.
fn classify(sa: &IkeSa, platform: Platform) -> Option<&'static RuleInfo> {
    if sa.deleted || sa.is_up() {
        return None;
    }
    if is_psk_mismatch(sa, platform) {
        Some(&IKE_PSK_MISMATCH)
    } else if is_aggressive_stuck(sa) {
        Some(&IKE_AGGRESSIVE_STUCK)
    } else if is_xauth_on_l2l(sa, platform) {
        Some(&IKE_XAUTH_ON_L2L)
    } else if is_p1_stuck(sa) {
        Some(&IKE_P1_STUCK)
    } else {
        None
    }
}

/// The addresses that identify an SA's tunnel: the ASA peer, or the IOS `dst`/`src` pair
/// (unordered, since either end may initiate a rekey).
fn tunnel_key(sa: &IkeSa) -> Option<BTreeSet<&str>> {
    if let Some(p) = sa.peer.as_deref() {
        return Some(BTreeSet::from([p]));
    }
    let set: BTreeSet<&str> = [sa.dst.as_deref(), sa.src.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    (!set.is_empty()).then_some(set)
}

/// The same tunnel has an established SA in this output: a rekey or renegotiation is in
/// progress, not a failure.
fn rekey_in_progress(rec: &IsakmpSa, sa: &IkeSa) -> bool {
    let Some(key) = tunnel_key(sa) else {
        return false;
    };
    rec.sas
        .iter()
        .any(|o| o.is_up() && tunnel_key(o).is_some_and(|k| k == key))
}

/// IOS tables do not say which column is the router itself: the address found in every row of
/// a table of two or more rows is taken as local.
fn ios_local(rec: &IsakmpSa) -> Option<&str> {
    let rows: Vec<(&str, &str)> = rec
        .sas
        .iter()
        .filter_map(|s| Some((s.dst.as_deref()?, s.src.as_deref()?)))
        .collect();
    let (d0, s0) = *rows.first()?;
    if rows.len() < 2 {
        return None;
    }
    let common: Vec<&str> = [d0, s0]
        .into_iter()
        .filter(|a| rows.iter().all(|(d, s)| d == a || s == a))
        .collect();
    match common.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// `peer 10.7.13.20 (L2L, initiator)` / `peer 172.20.9.77 (dst 172.20.4.1 src 172.20.9.77)`.
fn describe(sa: &IkeSa, local: Option<&str>) -> String {
    let mut who = match (sa.peer.as_deref(), sa.dst.as_deref(), sa.src.as_deref()) {
        (Some(p), _, _) => format!("peer {p}"),
        (None, Some(d), Some(s)) => match local {
            Some(l) if l == d => format!("peer {s} (dst {d} src {s})"),
            Some(l) if l == s => format!("peer {d} (dst {d} src {s})"),
            _ => format!("dst {d} src {s}"),
        },
        (None, Some(d), None) => format!("dst {d}"),
        (None, None, Some(s)) => format!("src {s}"),
        (None, None, None) => "an unnamed peer".to_string(),
    };
    let extra: Vec<String> = [
        sa.ike_version.map(|v| format!("IKEv{v}")),
        sa.sa_type.clone(),
        sa.role.clone(),
        sa.conn_id.map(|c| format!("conn-id {c}")),
        sa.tunnel_id.map(|t| format!("tunnel-id {t}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !extra.is_empty() {
        who.push_str(&format!(" [{}]", extra.join(", ")));
    }
    who
}

/// What identifies the tunnel from one run to the next: the ASA peer, or the IOS `dst`/`src`
/// pair in sorted order (either end may initiate, and which end is local is only known when
/// the table has two rows or more).
fn subject(sa: &IkeSa) -> String {
    match tunnel_key(sa) {
        Some(k) => k.into_iter().collect::<Vec<_>>().join("<->"),
        None => "no-peer".to_string(),
    }
}

fn state_text(sa: &IkeSa) -> &str {
    sa.state.as_ref().map_or("?", |s| s.as_str())
}

/// Run the phase 1 rules: one finding per rule and tunnel.
pub(super) fn check(rec: &IsakmpSa, platform: Platform, emit: &mut dyn FnMut(Finding)) {
    let local = ios_local(rec);
    let mut seen: BTreeSet<(&str, String)> = BTreeSet::new();
    for sa in &rec.sas {
        let Some(rule) = classify(sa, platform) else {
            continue;
        };
        if rekey_in_progress(rec, sa) {
            continue;
        }
        let who = describe(sa, local);
        if !seen.insert((rule.code, who.clone())) {
            continue;
        }
        let state = state_text(sa);
        let expected = if platform.family() == Platform::CiscoIos {
            "QM_IDLE"
        } else {
            "MM_ACTIVE"
        };
        let expected = if sa.ike_version == Some(2) {
            "READY"
        } else {
            expected
        };
        let evidence = format!("{who}: state {state} (established would be {expected})");
        let subject = subject(sa);
        let mut f = match rule.code {
            "IKE_PSK_MISMATCH" => rule.finding(
                subject,
                format!(
                    "IKE phase 1 with {who} is held in {state}: the pre-shared keys do not match"
                ),
                evidence,
            ),
            "IKE_AGGRESSIVE_STUCK" => rule.finding(
                subject,
                format!("IKE aggressive mode with {who} is not completing ({state})"),
                evidence,
            ),
            "IKE_XAUTH_ON_L2L" => rule.finding(
                subject,
                format!("LAN-to-LAN {who} is being asked for XAUTH ({state}) and its tunnel fails"),
                evidence,
            ),
            _ => rule.finding(
                subject,
                format!("IKE phase 1 with {who} is not established ({state})"),
                evidence,
            ),
        };
        if sa.state == Some(IkeState::MmWaitMsg4) {
            f.message = format!(
                "IKE phase 1 with {who} is held in {state}: the peer IP address is misconfigured"
            );
            f.remediation = MSG4_REMEDIATION.to_string();
        }
        emit(f);
    }
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for IsakmpSa {
    const RULES: &'static [RuleInfo] = &[
        IKE_PSK_MISMATCH,
        IKE_P1_STUCK,
        IKE_AGGRESSIVE_STUCK,
        IKE_XAUTH_ON_L2L,
    ];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        check(self, cx.platform, emit)
    }
}

impl Judge for crate::parse::isakmp::IsakmpSaCount {
    /// The SA rules read the SA table (`show crypto isakmp sa`); the counts are CSV columns.
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
