//! Clock synchronisation rules (`show ntp status`, `show clock`), every platform.
//!
//! 000, "Encrypted MAPI, problem 2": a clock difference between the core WAE and the Kerberos
//! KDC breaks key retrieval (`Clock skew too great`); the WAE clock must be synchronized with
//! the KDC (requirement 3) and the verify command checks that NTP is enabled and configured.

use super::{fmt_num, Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::parse::system::{Clock, ClockAuthority, NtpStatus};

/// 000, problem 2 / requirement 3: NTP disabled or not synchronized (also the IOS `show clock`
/// flags `*` not authoritative and `.` not synchronized).
pub const NTP_UNSYNCED: RuleInfo = RuleInfo {
    code: "NTP_UNSYNCED",
    severity: Severity::Warning,
    summary: "NTP disabled or not synchronized (or show clock flagged `*` / `.`)",
    remediation: "Point the device at the enterprise NTP server (on core WAEs the same time source as the Kerberos KDC) and check that it synchronizes: clock skew breaks eMAPI key retrieval ('Clock skew too great').",
    source: "000 Encrypted MAPI: problem 2 (clock skew with the KDC), requirement 3, step 3 (manual NTP check)",
};

/// 000, problem 2: a synchronized clock that is nevertheless far from its reference.
pub const NTP_OFFSET_HIGH: RuleInfo = RuleInfo {
    code: "NTP_OFFSET_HIGH",
    severity: Severity::Warning,
    summary: "NTP synchronized but the clock offset exceeds the threshold",
    remediation: "Check the NTP reference and path delay: the clock must follow the enterprise NTP server (the KDC's time source) closely, since skew breaks Kerberos key retrieval.",
    source: "000 Encrypted MAPI: problem 2 (clock skew with the KDC)",
};

pub(super) fn ntp_status(r: &NtpStatus, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    if !r.enabled {
        emit(NTP_UNSYNCED.finding(
            "ntp",
            "NTP is not enabled".to_string(),
            "show ntp status: NTP not enabled (expected: enabled and synchronized)".to_string(),
        ));
        return;
    }
    if !r.synchronized {
        let stratum = r
            .stratum
            .map(|s| format!(", stratum {s}"))
            .unwrap_or_default();
        let reference = r
            .reference
            .as_deref()
            .map(|x| format!(", reference {x}"))
            .unwrap_or_else(|| ", no reference clock".to_string());
        let servers = if r.servers.is_empty() {
            String::new()
        } else {
            format!(", servers {}", r.servers.join(" "))
        };
        emit(NTP_UNSYNCED.finding(
            "ntp",
            "The clock is not synchronized by NTP".to_string(),
            format!("show ntp status: unsynchronized{stratum}{reference}{servers} (expected: synchronized)"),
        ));
        return;
    }
    if let Some(off) = r.offset_ms.filter(|o| o.abs() > t.ntp_offset_ms_max) {
        emit(NTP_OFFSET_HIGH.finding(
            "ntp",
            format!(
                "The NTP-synchronized clock is {} ms off its reference",
                fmt_num(off.abs())
            ),
            format!(
                "clock offset {off} ms{} (threshold: |offset| > {} ms)",
                r.reference
                    .as_deref()
                    .map(|x| format!(", reference {x}"))
                    .unwrap_or_default(),
                fmt_num(t.ntp_offset_ms_max)
            ),
        ));
    }
}

pub(super) fn clock(r: &Clock, emit: &mut dyn FnMut(Finding)) {
    let (flag, meaning) = match r.authority {
        ClockAuthority::NotAuthoritative => {
            ("*", "not authoritative (never set or NTP not synchronized)")
        }
        ClockAuthority::Unsure => (".", "authoritative but NTP not synchronized"),
        _ => return,
    };
    emit(NTP_UNSYNCED.finding(
        "clock",
        format!("The clock is {meaning}"),
        format!("show clock: `{flag}{}`", r.text),
    ));
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for NtpStatus {
    const RULES: &'static [RuleInfo] = &[NTP_UNSYNCED, NTP_OFFSET_HIGH];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        ntp_status(self, cx.thresholds, emit)
    }
}

impl Judge for Clock {
    const RULES: &'static [RuleInfo] = &[NTP_UNSYNCED];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        clock(self, emit)
    }
}
