//! The IKEv2 SA rule over `show crypto ikev2 sa` (IOS-XE, ASA): `IKEV2_SA_NOT_READY`, an SA
//! negotiating (`IN-NEG`) or being deleted (`DELETE`) beyond what a rekey explains.
//!
//! The criterion, per remote peer (address, and front-door VRF where not the default):
//!
//! * **No READY SA to the peer** (critical): nothing established carries it. A rekey never looks
//!   like this: an IKEv2 SA is rekeyed inside the old one, which stays READY until its
//!   replacement is (RFC 7296 section 2.8; seed 004 "VPN tunnel drops every 18 hours": the new
//!   SA is negotiated before the current one expires), and the old SA is deleted only then.
//!   The output gives a negotiating SA no age (its active time stays 0 until it is READY), so
//!   only a tunnel caught in its very first exchange (two round trips) would be reported
//!   early, and that is a tunnel that is not up either.
//! * **A READY SA to the peer too** (warning, only when it persists): that is how a rekey looks,
//!   so it is reported only when the leftover outlasts it by `ikev2_not_ready_secs` (300): a
//!   `DELETE` SA beside a replacement that has been READY for longer than that (the delete
//!   of the old SA is the rekey's last step), or a negotiating SA whose own active time is
//!   above it (releases that count it).
//!
//! The ASA `show crypto isakmp sa` IKEv2 section is not judged here nor by the phase 1 rules
//! (`ike.rs`): the health playbook polls `show crypto ikev2 sa`, and one SA is one finding.

use super::{Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::parse::ikev2_sa::{Ikev2Sa, Ikev2SaStatus, Ikev2Sas};

pub const IKEV2_SA_NOT_READY: RuleInfo = RuleInfo {
    code: "IKEV2_SA_NOT_READY",
    severity: Severity::Critical,
    summary: "IKEv2 SA IN-NEG / DELETE beyond a rekey: critical when the peer has no READY SA, warning when a leftover outlasts the peer's rekey by `ikev2_not_ready_secs` (default 300)",
    remediation: "Check that the peer answers on UDP 500/4500 and that both ends' IKEv2 proposal, policy and authentication (pre-shared keys or certificates, `Auth sign` / `Auth verify`) match, comparing `show crypto ikev2 sa detail` on both peers.",
    source: "issue 13 item 2; RFC 7296 section 2.8 (rekeying) and seed 004 'VPN tunnel drops every 18 hours' (the new SA is negotiated before the old one expires); not from a Cisco guide's IKEv2 section",
};

/// The remedy for a leftover beside a READY SA (the tunnel itself is up).
const LEFTOVER_REMEDIATION: &str = "The tunnel is up on its READY SA: compare the peer's own `show crypto ikev2 sa`, and if the leftover SA stays, look for the release's known IKEv2 SA-deletion defects before clearing that SA in a maintenance window.";

/// `peer 198.51.100.9`, `peer 10.0.0.2 (fvrf WAN)`, `tunnel-id 7` when no remote is printed.
fn peer_of(sa: &Ikev2Sa) -> String {
    let who = match sa.remote.as_deref() {
        Some(r) => format!("peer {r}"),
        None => format!("tunnel-id {}", sa.tunnel_id),
    };
    match sa.fvrf.as_deref() {
        Some(v) if !is_default_vrf(v) => format!("{who} (fvrf {v})"),
        _ => who,
    }
}

fn is_default_vrf(v: &str) -> bool {
    v.is_empty() || v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("global")
}

/// `tunnel-id 9 IN-NEG (active 0 s, session 72 UP-IN-NEG)`.
fn describe(sa: &Ikev2Sa) -> String {
    let mut extra = Vec::new();
    if let Some(a) = sa.active_secs {
        extra.push(format!("active {a} s"));
    }
    match (sa.session_id, sa.session_status.as_deref()) {
        (Some(id), Some(st)) => extra.push(format!("session {id} {st}")),
        (Some(id), None) => extra.push(format!("session {id}")),
        _ => {}
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    format!("tunnel-id {} {}{extra}", sa.tunnel_id, sa.status)
}

fn statuses(sas: &[&Ikev2Sa]) -> String {
    let mut v: Vec<&str> = Vec::new();
    for s in sas {
        if !v.contains(&s.status.as_str()) {
            v.push(s.status.as_str());
        }
    }
    v.join(", ")
}

/// The SAs of one record grouped by peer, in the order the peers first appear.
fn by_peer(rec: &Ikev2Sas) -> Vec<(String, Vec<&Ikev2Sa>)> {
    let mut out: Vec<(String, Vec<&Ikev2Sa>)> = Vec::new();
    for sa in &rec.sas {
        let who = peer_of(sa);
        match out.iter_mut().find(|(w, _)| *w == who) {
            Some((_, v)) => v.push(sa),
            None => out.push((who, vec![sa])),
        }
    }
    out
}

/// A non-READY SA beside a READY one that outlasts the rekey: why, or `None`.
fn leftover(sa: &Ikev2Sa, ready: &[&Ikev2Sa], limit: u64) -> Option<String> {
    let newest = ready
        .iter()
        .filter_map(|r| r.active_secs.map(|a| (a, r.tunnel_id)))
        .min();
    match sa.status {
        Ikev2SaStatus::Delete => {
            let (age, tid) = newest.filter(|(a, _)| *a > limit)?;
            Some(format!(
                "{} beside tunnel-id {tid} READY for {age} s (more than ikev2_not_ready_secs {limit})",
                describe(sa)
            ))
        }
        _ => {
            let age = sa.active_secs.filter(|a| *a > limit)?;
            Some(format!(
                "{} for {age} s (more than ikev2_not_ready_secs {limit}) beside {} READY",
                describe(sa),
                ready
                    .iter()
                    .map(|r| format!("tunnel-id {}", r.tunnel_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
}

/// One finding per peer whose non-READY SAs are not explained by a rekey.
pub(super) fn check(rec: &Ikev2Sas, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let limit = t.ikev2_not_ready_secs;
    for (who, sas) in by_peer(rec) {
        let (ready, not_ready): (Vec<&Ikev2Sa>, Vec<&Ikev2Sa>) =
            sas.into_iter().partition(|s| s.is_ready());
        if not_ready.is_empty() {
            continue;
        }
        if ready.is_empty() {
            let list = not_ready
                .iter()
                .map(|s| describe(s))
                .collect::<Vec<_>>()
                .join("; ");
            let st = statuses(&not_ready);
            let (its, is) = if not_ready.len() == 1 {
                ("its SA", "is")
            } else {
                ("its SAs", "are")
            };
            emit(IKEV2_SA_NOT_READY.finding(
                who.to_string(),
                format!("IKEv2 with {who} is not established: {its} {is} {st} and none is READY"),
                format!(
                    "{who}: {list}; no READY SA to this peer (a rekey keeps the old SA READY until its replacement is)"
                ),
            ));
            continue;
        }
        let stale: Vec<String> = not_ready
            .iter()
            .filter_map(|s| leftover(s, &ready, limit))
            .collect();
        if stale.is_empty() {
            continue;
        }
        let mut f = IKEV2_SA_NOT_READY.finding(
            who.to_string(),
            format!(
                "IKEv2 with {who} keeps a leftover SA ({}) beyond its rekey (the tunnel is up on a READY SA)",
                statuses(&not_ready)
            ),
            format!("{who}: {}", stale.join("; ")),
        );
        f.severity = Severity::Warning;
        f.remediation = LEFTOVER_REMEDIATION.to_string();
        emit(f);
    }
}

impl Judge for Ikev2Sas {
    const RULES: &'static [RuleInfo] = &[IKEV2_SA_NOT_READY];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        check(self, cx.thresholds, emit)
    }
}
