//! ISR G2 crypto export limits (`show platform cerm-information`, IOS).
//!
//! 004, "%CERM-4-TX_BW_LIMIT": with the securityk9 license an ISR G2 (1900/2900/3900) may
//! encrypt about 85 Mbps each way (170 Mbps aggregate), 225 tunnels and 1000 TLS sessions;
//! the command's `Available` column against `Maximum Limit` shows how close the router is.
//! `CERM functionality: DISABLED` means no limit applies, and a resource with a maximum of 0 is
//! not judged.

use super::{fmt_num, fmt_pct, pct, Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::parse::cerm::{Cerm, CermLimit};

const REMEDY: &str = "The securityk9 license caps crypto at about 85 Mbps each way, 225 tunnels and 1000 TLS sessions on ISR G2: install the HSECK9 license to lift the export limits.";
const SOURCE: &str = "004 IPsec VPN: %CERM-4-TX_BW_LIMIT, show platform cerm-information (HSECK9)";

/// 004 (%CERM-4-TX_BW_LIMIT): encrypted transmit bandwidth at the export limit.
pub const CERM_TX_NEAR_LIMIT: RuleInfo = RuleInfo {
    code: "CERM_TX_NEAR_LIMIT",
    severity: Severity::Warning,
    summary:
        "CERM Tx bandwidth available below the threshold % of its maximum (securityk9 export limit)",
    remediation: REMEDY,
    source: SOURCE,
};

/// 004: encrypted receive bandwidth at the export limit.
pub const CERM_RX_NEAR_LIMIT: RuleInfo = RuleInfo {
    code: "CERM_RX_NEAR_LIMIT",
    severity: Severity::Warning,
    summary:
        "CERM Rx bandwidth available below the threshold % of its maximum (securityk9 export limit)",
    remediation: REMEDY,
    source: SOURCE,
};

/// 004: number of crypto tunnels at the export limit.
pub const CERM_TUNNELS_NEAR_LIMIT: RuleInfo = RuleInfo {
    code: "CERM_TUNNELS_NEAR_LIMIT",
    severity: Severity::Warning,
    summary:
        "CERM tunnels available below the threshold % of the maximum (securityk9 export limit)",
    remediation: REMEDY,
    source: SOURCE,
};

/// 004: number of TLS sessions at the export limit.
pub const CERM_TLS_NEAR_LIMIT: RuleInfo = RuleInfo {
    code: "CERM_TLS_NEAR_LIMIT",
    severity: Severity::Warning,
    summary:
        "CERM TLS sessions available below the threshold % of the maximum (securityk9 export limit)",
    remediation: REMEDY,
    source: SOURCE,
};

/// The available share in percent when it is below `cerm_available_pct` (strictly); `None`
/// for a maximum of 0.
fn near_limit(l: &CermLimit, t: &Thresholds) -> Option<f64> {
    let avail = pct(l.available, l.maximum)?;
    (avail < t.cerm_available_pct).then_some(avail)
}

pub(super) fn check(rec: &Cerm, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    if !rec.enabled {
        return;
    }
    let resources = [
        (
            &CERM_TX_NEAR_LIMIT,
            "Tx Bandwidth(in kbps)",
            "encrypted transmit bandwidth",
            rec.tx_kbps,
        ),
        (
            &CERM_RX_NEAR_LIMIT,
            "Rx Bandwidth(in kbps)",
            "encrypted receive bandwidth",
            rec.rx_kbps,
        ),
        (
            &CERM_TUNNELS_NEAR_LIMIT,
            "Number of tunnels",
            "crypto tunnels",
            rec.tunnels,
        ),
        (
            &CERM_TLS_NEAR_LIMIT,
            "Number of TLS sessions",
            "TLS sessions",
            rec.tls_sessions,
        ),
    ];
    for (rule, label, what, limit) in resources {
        let Some(l) = limit else { continue };
        if let Some(avail) = near_limit(&l, t) {
            emit(rule.finding(
                label,
                format!(
                    "CERM export limit for {what} nearly reached: {} of {} available",
                    l.available, l.maximum
                ),
                format!(
                    "{label}: Available {} of Maximum Limit {} ({}; threshold: below {}%)",
                    l.available,
                    l.maximum,
                    fmt_pct(avail),
                    fmt_num(t.cerm_available_pct)
                ),
            ));
        }
    }
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for Cerm {
    const RULES: &'static [RuleInfo] = &[
        CERM_TX_NEAR_LIMIT,
        CERM_RX_NEAR_LIMIT,
        CERM_TUNNELS_NEAR_LIMIT,
        CERM_TLS_NEAR_LIMIT,
    ];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        check(self, cx.thresholds, emit)
    }
}
