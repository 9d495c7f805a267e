//! IOS / IOS-XE route-processor redundancy (`show redundancy`): a standby that cannot take over
//! where redundancy is configured. From issue 13 and the Cisco IOS-XE high-availability
//! configuration guide (SSO / RPR standby states), not from the two seed guides.

use super::{Context, Finding, Judge, RuleInfo, Severity};
use crate::parse::redundancy::{mode_kind, ModeKind, Redundancy};

/// Redundancy configured on a duplex box and the peer not the standby the mode needs
/// (`STANDBY HOT` under SSO; `STANDBY COLD` or `HOT` under RPR), absent, or the processors
/// running another mode than the configured one. A warning, where `FAILOVER_NOT_READY` (an
/// ASA pair whose standby cannot take over at all) is critical: a route processor that is not
/// hot still takes over, only with a cold restart.
pub const REDUNDANCY_NOT_READY: RuleInfo = RuleInfo {
    code: "REDUNDANCY_NOT_READY",
    severity: Severity::Warning,
    summary: "IOS / IOS-XE redundancy configured but the peer processor is not a ready standby (STANDBY HOT under SSO), or the operating mode is not the configured one",
    remediation: "Bring the peer to STANDBY HOT before relying on it: check that both processors run the same image and licence level (a mismatch drops SSO to RPR) and that the peer finished booting (`show redundancy history`, `show platform`), or a failure of the active one costs a cold switchover or none.",
    source: "issue 13; Cisco IOS-XE high availability configuration guide (SSO / RPR standby states)",
};

fn expected(r: &Redundancy) -> &'static str {
    let mode = r.operating_mode.as_deref().or(r.configured_mode.as_deref());
    match mode.map(mode_kind) {
        Some(ModeKind::Rpr) => "STANDBY COLD or STANDBY HOT",
        _ => "STANDBY HOT",
    }
}

impl Judge for Redundancy {
    const RULES: &'static [RuleInfo] = &[REDUNDANCY_NOT_READY];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        if !self.configured() {
            return;
        }
        let mismatch = self.mode_mismatch();
        let ready = self.standby_ready();
        if ready && !mismatch {
            return;
        }
        let configured = self.configured_mode.as_deref().unwrap_or("?");
        let operating = self.operating_mode.as_deref().unwrap_or("?");
        let peer = self
            .peer
            .as_ref()
            .and_then(|p| p.location.as_deref())
            .map(|l| format!("peer {l}"))
            .unwrap_or_else(|| "peer".into());
        let state = self.peer_state().unwrap_or("not listed");
        let message = match (ready, mismatch) {
            (false, _) => format!(
                "redundancy {configured}: {peer} is {state}, not {}",
                expected(self)
            ),
            (true, _) => format!(
                "redundancy configured {configured} but operating {operating}: the processors cannot do a stateful switchover"
            ),
        };
        let mut evidence = format!(
            "Configured Redundancy Mode {configured}, Operating Redundancy Mode {operating}, {peer} {state} (expected {})",
            expected(self)
        );
        if let Some(n) = self.standby_failures.filter(|n| *n > 0) {
            evidence.push_str(&format!(", Standby failures {n}"));
        }
        emit(REDUNDANCY_NOT_READY.finding("redundancy", message, evidence));
    }
}
