//! Phase 2 (IPsec) rules over the per-entry counters of `show crypto ipsec sa`.

use super::{fmt_pct, pct, Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::health::counters::sa_subject;
use crate::parse::ipsec::{IpsecSa, IpsecSaEntry};

/// 004, "VPN tunnel passes traffic in one direction only" (the guide's sample:
/// `#pkts encaps: 0 ... #pkts decaps: 393`): traffic arrives through the tunnel and is
/// decrypted, but nothing is encrypted back.
pub const IPSEC_ONE_WAY: RuleInfo = RuleInfo {
    code: "IPSEC_ONE_WAY",
    severity: Severity::Critical,
    summary: "IPsec SA decapsulates traffic but encapsulates none (#pkts encaps 0, #pkts decaps > 0)",
    remediation: "Make the crypto ACL an exact mirror image of the peer's, fix the NAT exemption (nat 0 / route-map) ACL and the routing of return traffic into the tunnel, and on the ASA enable `sysopt connection permit-vpn`.",
    source: "004 IPsec VPN: traffic only decrypted, never encrypted (#pkts encaps: 0)",
};

/// domain.md on the same 004 sample: the reverse (encaps > 0, decaps 0) points at the peer,
/// which receives our traffic but sends nothing back through the tunnel.
pub const IPSEC_NO_DECAPS: RuleInfo = RuleInfo {
    code: "IPSEC_NO_DECAPS",
    severity: Severity::Warning,
    summary: "IPsec SA encapsulates traffic but decapsulates none (#pkts encaps > 0, #pkts decaps 0): look at the peer",
    remediation: "Check the peer side: its crypto ACL (mirror image of ours), its NAT exemption and routing back into the tunnel, and that ESP / UDP 4500 from the peer is not blocked on the path.",
    source: "004 IPsec VPN: one-direction traffic (reverse direction, peer side)",
};

/// domain.md (004, anti-replay `%ASA-4-402119` and `#send errors` / `#recv errors`): growing
/// send or receive errors on an SA are warnings.
pub const IPSEC_ERRORS: RuleInfo = RuleInfo {
    code: "IPSEC_ERRORS",
    severity: Severity::Warning,
    summary: "IPsec SA #send errors / #recv errors above threshold (count and share of the direction's packets)",
    remediation: "Find the failing counter in `show crypto ipsec sa detail` (no SA, replay, verify failures); anti-replay drops (%ASA-4-402119) are cured by `crypto ipsec security-association replay window-size 1024` or by removing QoS reordering on one side.",
    source: "004 IPsec VPN: anti-replay check failures (%ASA-4-402119); #send/#recv errors",
};

/// `peer 10.1.10.2 (map VPN-MAP seq 10) 10.1.100.0/255.255.255.0 -> 172.16.5.0/255.255.255.0`.
fn describe(e: &IpsecSaEntry) -> String {
    let mut s = match (e.current_peer.as_deref(), e.dynamic_peer.as_deref()) {
        (Some(p), _) => format!("peer {p}"),
        (None, Some(p)) => format!("peer {p}"),
        (None, None) => "an SA without a current peer".to_string(),
    };
    let map = match (e.crypto_map.as_deref(), e.seq_num) {
        (Some(m), Some(q)) => Some(format!("map {m} seq {q}")),
        (Some(m), None) => Some(format!("map {m}")),
        _ => None,
    };
    if let Some(m) = map {
        s.push_str(&format!(" ({m})"));
    }
    if let (Some(l), Some(r)) = (&e.local_ident, &e.remote_ident) {
        s.push_str(&format!(" {}/{} -> {}/{}", l.addr, l.mask, r.addr, r.mask));
    }
    s
}

/// Encaps 0 while decaps exceed `min` (0: any).
fn is_one_way(e: &IpsecSaEntry, min: u64) -> bool {
    e.pkts_encaps == Some(0) && e.pkts_decaps.is_some_and(|d| d > min)
}

/// Encaps exceed `min` while decaps are 0.
fn is_no_decaps(e: &IpsecSaEntry, min: u64) -> bool {
    e.pkts_decaps == Some(0) && e.pkts_encaps.is_some_and(|n| n > min)
}

/// Errors above the count threshold and at least `pct_min` % of `errors + packets`.
/// Returns the share in percent when the rule fires.
fn errors_exceed(errors: u64, packets: u64, t: &Thresholds) -> Option<f64> {
    if errors <= t.ipsec_errors_max {
        return None;
    }
    let share = pct(errors, errors.saturating_add(packets))?;
    (share >= t.ipsec_errors_pct).then_some(share)
}

pub(super) fn check(rec: &IpsecSa, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let min = t.ipsec_one_way_min_pkts;
    for e in &rec.entries {
        let who = describe(e);
        let subject = sa_subject(e);
        let encaps = e.pkts_encaps.unwrap_or(0);
        let decaps = e.pkts_decaps.unwrap_or(0);
        if is_one_way(e, min) {
            emit(IPSEC_ONE_WAY.finding(
                subject.clone(),
                format!("IPsec SA with {who} receives traffic but encrypts nothing back"),
                format!("{who}: #pkts encaps 0, #pkts decaps {decaps} (threshold: decaps > {min} with encaps 0)"),
            ));
        } else if is_no_decaps(e, min) {
            emit(IPSEC_NO_DECAPS.finding(
                subject.clone(),
                format!("IPsec SA with {who} sends traffic but nothing comes back through the tunnel"),
                format!("{who}: #pkts encaps {encaps}, #pkts decaps 0 (threshold: encaps > {min} with decaps 0)"),
            ));
        }
        for (name, errors, packets, counter) in [
            ("#send errors", e.send_errors, encaps, "#pkts encaps"),
            ("#recv errors", e.recv_errors, decaps, "#pkts decaps"),
        ] {
            let Some(errors) = errors else { continue };
            if let Some(share) = errors_exceed(errors, packets, t) {
                emit(IPSEC_ERRORS.finding(
                    format!("{subject} {name}"),
                    format!("IPsec SA with {who} counts {errors} {name}"),
                    format!(
                        "{who}: {name} {errors} against {counter} {packets} ({} of the direction's packets; thresholds: > {} errors and >= {})",
                        fmt_pct(share),
                        t.ipsec_errors_max,
                        fmt_pct(t.ipsec_errors_pct),
                    ),
                ));
            }
        }
    }
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for IpsecSa {
    const RULES: &'static [RuleInfo] = &[IPSEC_ONE_WAY, IPSEC_NO_DECAPS, IPSEC_ERRORS];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        check(self, cx.thresholds, emit)
    }
}

impl Judge for crate::parse::ipsec::IpsecSaCount {
    /// The SA rules read the SA table (`show crypto ipsec sa`); the counts are CSV columns.
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
