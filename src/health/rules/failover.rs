//! ASA failover (`show failover`): a standby that cannot take over, or failover switched off on
//! a configured pair. From issue 13 and the Cisco ASA configuration guide (high availability:
//! failover states), not from the two seed guides.

use super::{Context, Finding, Judge, RuleInfo, Severity};
use crate::parse::failover::{state_is_ready, Failover, FailoverHost};

/// `Failover On` and a unit (this or the mate, or one failover group) not `Active` / `Standby
/// Ready`: `Failed`, `Cold Standby`, `Sync Config`, `Bulk Sync`, `Negotiation`, `Disabled`, ….
pub const FAILOVER_NOT_READY: RuleInfo = RuleInfo {
    code: "FAILOVER_NOT_READY",
    severity: Severity::Critical,
    summary: "ASA failover On but a unit is neither Active nor Standby Ready",
    remediation: "Check the failed unit's monitored interfaces and failover link (`show failover`, `show failover history`) and restore it to Standby Ready, or a failure of the active unit will not fail over.",
    source: "issue 13; Cisco ASA CLI configuration guide, failover (unit states)",
};

/// `Failover Off` on a unit that has a failover LAN interface configured.
pub const FAILOVER_DISABLED: RuleInfo = RuleInfo {
    code: "FAILOVER_DISABLED",
    severity: Severity::Warning,
    summary: "ASA failover Off although a failover LAN interface (pair) is configured",
    remediation: "Re-enable failover (`failover`) on both units once the mate is healthy, or remove the failover configuration if the pair was dissolved on purpose.",
    source: "issue 13; Cisco ASA CLI configuration guide, failover (enabling failover)",
};

fn not_ready(which: &str, h: &FailoverHost, emit: &mut dyn FnMut(Finding)) {
    let unit = h.unit.as_deref().unwrap_or("?");
    for (group, state) in h.states() {
        if state_is_ready(state) {
            continue;
        }
        let g = group.map(|g| format!(" group {g}")).unwrap_or_default();
        emit(FAILOVER_NOT_READY.finding(
            format!("{which}{g}"),
            format!("ASA failover {which} ({unit}){g} is {state}, not Active / Standby Ready"),
            format!("{which}: {unit}{g} - {state} (expected Active or Standby Ready)"),
        ));
    }
}

impl Judge for Failover {
    const RULES: &'static [RuleInfo] = &[FAILOVER_NOT_READY, FAILOVER_DISABLED];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        if !self.enabled {
            if let Some(lan) = &self.lan_interface {
                emit(FAILOVER_DISABLED.finding(
                    "failover",
                    "ASA failover is Off on a configured failover pair".into(),
                    format!("Failover Off, Failover LAN Interface: {lan}"),
                ));
            }
            return;
        }
        if let Some(h) = &self.this_host {
            not_ready("this host", h, emit);
        }
        if let Some(h) = &self.other_host {
            not_ready("other host", h, emit);
        }
    }
}
