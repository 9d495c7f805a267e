//! Counters as rates: each device's cumulative counters of this run against its previous
//! polled run in the history, through the growth rules (`health::rules::growth`). The growth
//! findings join the device's findings (the playbook's `disable` and `severity` apply) and its
//! health is judged again. Without a previous run nothing is judged.

use crate::health::rules::growth::{self, Previous};
use crate::health::HealthConfig;
use crate::outcome::DeviceReport;

/// Add the growth findings of `report` against `previous` and re-judge its health.
pub fn apply(report: &mut DeviceReport, previous: Option<&Previous>, cfg: &HealthConfig) {
    let Some(prev) = previous else {
        return;
    };
    let mut found = growth::judge(prev, &report.counters, report.uptime_s, &cfg.thresholds);
    crate::health::configure(&mut found, cfg);
    if found.is_empty() {
        return;
    }
    report.findings.extend(found);
    report.health = crate::health::health_of(report, &report.findings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::counters::IPSEC_SEND_ERRORS;
    use crate::outcome::{Counter, Health, Severity};

    fn counter(value: u64) -> Counter {
        Counter {
            name: IPSEC_SEND_ERRORS,
            subject: "10.0.0.2".into(),
            value,
            cleared: None,
            command: "show crypto ipsec sa".into(),
        }
    }

    #[test]
    fn growth_findings_join_the_report_with_the_playbooks_overrides() {
        let prev = Previous {
            hours: 24.0,
            counters: vec![counter(0)],
        };
        let mut r = DeviceReport::sample("rtr-1");
        r.counters = vec![counter(1_000)];
        r.uptime_s = Some(30 * 86_400);
        let mut cfg = HealthConfig::default();
        cfg.severity
            .insert("IPSEC_ERRORS_GROWING".into(), Severity::Critical);
        apply(&mut r, Some(&prev), &cfg);
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].severity, Severity::Critical);
        assert_eq!(r.health, Health::Critical);
        // Disabled: nothing, health unchanged.
        let mut quiet = DeviceReport::sample("rtr-1");
        quiet.counters = vec![counter(1_000)];
        let mut cfg = HealthConfig::default();
        cfg.disabled.insert("IPSEC_ERRORS_GROWING".into());
        apply(&mut quiet, Some(&prev), &cfg);
        assert!(quiet.findings.is_empty());
        assert_eq!(quiet.health, Health::Ok);
        // No previous run: nothing to compare.
        let mut first = DeviceReport::sample("rtr-1");
        first.counters = vec![counter(1_000)];
        apply(&mut first, None, &HealthConfig::default());
        assert!(first.findings.is_empty());
    }
}
