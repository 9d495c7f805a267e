//! Certificate expiry (`show crypto pki certificates` IOS / IOS-XE, `show crypto ca
//! certificates` ASA), judged against the device's own clock. From issue 13 and the Cisco IOS
//! PKI / ASA certificate documentation (an expired identity or CA certificate fails RSA-signature
//! IKE authentication and AnyConnect), not from the two seed guides.

use super::{Context, Finding, Judge, RuleInfo, Severity};
use crate::health::clock::DeviceClock;
use crate::parse::pki::{Certificate, Certificates};

/// An end date at or before the device's clock.
pub const CERT_EXPIRED: RuleInfo = RuleInfo {
    code: "CERT_EXPIRED",
    severity: Severity::Critical,
    summary: "a certificate's end date is past on the device's clock",
    remediation: "Re-enroll or import a renewed certificate into the trustpoint (`crypto pki enroll`, or the CA's new certificate) and check that RSA-signature tunnels and AnyConnect authenticate again.",
    source: "issue 13; Cisco IOS PKI / ASA CLI configuration guide (certificate validity)",
};

/// An end date within `cert_expiry_days` of the device's clock.
pub const CERT_EXPIRING: RuleInfo = RuleInfo {
    code: "CERT_EXPIRING",
    severity: Severity::Warning,
    summary: "a certificate ends within `cert_expiry_days` (default 30) days of the device's clock",
    remediation: "Renew the certificate before its end date (auto-enrollment with a renew date, or a manual re-enrollment / import) so that IKE and AnyConnect authentication do not fail when it expires.",
    source: "issue 13; Cisco IOS PKI / ASA CLI configuration guide (certificate validity)",
};

fn days_text(secs: i64) -> String {
    let d = secs.abs() / 86_400;
    let h = (secs.abs() % 86_400) / 3_600;
    format!("{d} days {h} h")
}

fn judge_one(c: &Certificate, clock: &DeviceClock, days: u64, emit: &mut dyn FnMut(Finding)) {
    let Some(end) = &c.end else {
        return;
    };
    let (secs, note) = clock.seconds_until(end.local, end.zone.as_deref(), end.utc);
    let note = note.map(|n| format!("; {n}")).unwrap_or_default();
    let what = c.label();
    let tp = if c.trustpoints.is_empty() {
        String::new()
    } else {
        format!(", trustpoints {}", c.trustpoints.join(" "))
    };
    if secs <= 0 {
        emit(CERT_EXPIRED.finding(
            what.clone(),
            format!("{what} expired {} ago", days_text(secs)),
            format!(
                "end date {} is {} before the {}{tp}{note}",
                end.text,
                days_text(secs),
                clock.describe()
            ),
        ));
    } else if secs <= i64::try_from(days.saturating_mul(86_400)).unwrap_or(i64::MAX) {
        emit(CERT_EXPIRING.finding(
            what.clone(),
            format!("{what} expires in {}", days_text(secs)),
            format!(
                "end date {} is {} after the {} (threshold: <= {days} days){tp}{note}",
                end.text,
                days_text(secs),
                clock.describe()
            ),
        ));
    }
}

impl Judge for Certificates {
    const RULES: &'static [RuleInfo] = &[CERT_EXPIRED, CERT_EXPIRING];
    /// Every certificate with an end date, CA ones included (an expired CA breaks the chain).
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        let Some(clock) = cx.clock else {
            return;
        };
        for c in &self.certificates {
            judge_one(c, clock, cx.thresholds.cert_expiry_days, emit);
        }
    }
}
