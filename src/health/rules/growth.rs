//! Counter growth rules, judged only with `--history`: a cumulative counter of this run
//! against the same counter at the device's previous polled run, as a rate per hour. A
//! reset in between (the device reloaded: its uptime is shorter than the time since that
//! run; the counter went down; its "last cleared" mark changed) is never a rate, so a
//! reload never reads as a negative or a huge growth.
//!
//! The totals rules (`IPSEC_ERRORS`, `MAPI_DROPPED`, `ASA_EXPIRED_VPN_CONTEXT`) judge what
//! piled up since the last reload; these judge whether it is still piling up now, which is
//! what domain.md means by "growing" errors and drops.

use super::{fmt_num, Finding, RuleInfo, Severity, Thresholds};
use crate::health::counters;
use crate::outcome::Counter;

/// 004 (anti-replay `%ASA-4-402119`, `#send errors` / `#recv errors`) as domain.md reads it:
/// errors that keep growing between two audits, not a total left over from months ago.
pub const IPSEC_ERRORS_GROWING: RuleInfo = RuleInfo {
    code: "IPSEC_ERRORS_GROWING",
    severity: Severity::Warning,
    summary: "an IPsec SA's #send errors / #recv errors grew faster than ipsec_errors_per_hour since the previous run (history only)",
    remediation: "The errors are happening now: find the failing counter in `show crypto ipsec sa detail` (replay, no SA, verify failures) and fix the anti-replay window (`crypto ipsec security-association replay window-size 1024`) or the QoS reordering on one side.",
    source: "004 IPsec VPN: anti-replay check failures (%ASA-4-402119); domain.md: growing #send/#recv errors",
};

/// 000, "MAPI accelerator" (unrecoverable parse errors drop a client's connections) and
/// domain.md's "growing dropped connections": MAPI or EPM drops still accumulating.
pub const MAPI_DROPS_GROWING: RuleInfo = RuleInfo {
    code: "MAPI_DROPS_GROWING",
    severity: Severity::Warning,
    summary: "MAPI / EPM Total Dropped Connections grew faster than mapi_drops_per_hour since the previous run (history only)",
    remediation: "Connections are being dropped now: find the clients and the parse errors in /local1/errorlog/mapiao-errorlog.current on this WAE while they happen.",
    source: "000 MAPI AO: connections not handled (unrecoverable parse error); domain.md: growing dropped connections",
};

/// 004, "IPsec connection fails after several rekeys": the guide's test is that `Expired VPN
/// context` rises with each outbound packet; two runs show it rising.
pub const ASA_EXPIRED_VPN_CONTEXT_GROWING: RuleInfo = RuleInfo {
    code: "ASA_EXPIRED_VPN_CONTEXT_GROWING",
    severity: Severity::Critical,
    summary: "ASA show asp drop Expired VPN context grew faster than asp_expired_vpn_context_per_hour since the previous run (history only)",
    remediation: "The counter rising between runs is the guide's confirmation of the known ASA rekey problem: traffic to the peer is being dropped; clear the SA to restore it and take the case to Cisco TAC for a fixed release.",
    source: "004 IPsec VPN: traffic stops after several rekeys (show asp drop, Expired VPN context rising)",
};

/// Every growth rule (each is also in `RULES`).
pub const RULES: &[RuleInfo] = &[
    IPSEC_ERRORS_GROWING,
    MAPI_DROPS_GROWING,
    ASA_EXPIRED_VPN_CONTEXT_GROWING,
];

/// What the device looked like at its previous polled run.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    /// Hours from that run's start to this run's.
    pub hours: f64,
    /// Its counters: name, subject, value, last-cleared mark.
    pub counters: Vec<Counter>,
}

/// A counter between two runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Delta {
    /// The counter started over in between: why, in words.
    Reset(String),
    /// It grew (or stayed) by `by` over the interval: `per_hour` on average.
    Rate { by: u64, per_hour: f64 },
}

/// `cur` against `prev`, `hours` apart, on a device up `uptime_s` now.
pub fn delta(prev: &Counter, cur: &Counter, hours: f64, uptime_s: Option<u64>) -> Option<Delta> {
    if !(hours.is_finite() && hours > 0.0) {
        return None;
    }
    if let Some(up) = uptime_s.filter(|u| (*u as f64) < hours * 3600.0) {
        return Some(Delta::Reset(format!(
            "the device reloaded: uptime {} is shorter than the {} since the previous run",
            fmt_hours(up as f64 / 3600.0),
            fmt_hours(hours)
        )));
    }
    if cur.value < prev.value {
        return Some(Delta::Reset(format!(
            "the counter went down from {} to {} (cleared or reloaded)",
            prev.value, cur.value
        )));
    }
    if let (Some(a), Some(b)) = (&prev.cleared, &cur.cleared) {
        if a != b {
            return Some(Delta::Reset(format!(
                "the counters were cleared (last cleared {a}, now {b})"
            )));
        }
    }
    let by = cur.value - prev.value;
    Some(Delta::Rate {
        by,
        per_hour: by as f64 / hours,
    })
}

/// `24 h`, `1.5 h`, `20 min`.
fn fmt_hours(h: f64) -> String {
    if h < 1.0 {
        format!("{} min", (h * 60.0).round() as i64)
    } else {
        format!("{} h", fmt_num((h * 10.0).round() / 10.0))
    }
}

/// The rule, threshold and what a counter is called in evidence, per counter name.
fn rule_of(name: &str, t: &Thresholds) -> Option<(&'static RuleInfo, f64, &'static str)> {
    Some(match name {
        counters::IPSEC_SEND_ERRORS => (
            &IPSEC_ERRORS_GROWING,
            t.ipsec_errors_per_hour,
            "#send errors",
        ),
        counters::IPSEC_RECV_ERRORS => (
            &IPSEC_ERRORS_GROWING,
            t.ipsec_errors_per_hour,
            "#recv errors",
        ),
        counters::MAPI_DROPPED | counters::EPM_DROPPED => (
            &MAPI_DROPS_GROWING,
            t.mapi_drops_per_hour,
            "Total Dropped Connections",
        ),
        counters::ASP_EXPIRED_VPN_CONTEXT => (
            &ASA_EXPIRED_VPN_CONTEXT_GROWING,
            t.asp_expired_vpn_context_per_hour,
            "Expired VPN context",
        ),
        _ => return None,
    })
}

/// The growth findings of a device's `current` counters against its previous run (a counter
/// the previous run did not have is not judged: there is nothing to compare it with).
pub fn judge(
    prev: &Previous,
    current: &[Counter],
    uptime_s: Option<u64>,
    t: &Thresholds,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for cur in current {
        let Some((rule, max, label)) = rule_of(cur.name, t) else {
            continue;
        };
        let Some(old) = prev
            .counters
            .iter()
            .find(|p| p.name == cur.name && p.subject == cur.subject)
        else {
            continue;
        };
        let Some(Delta::Rate { by, per_hour }) = delta(old, cur, prev.hours, uptime_s) else {
            continue;
        };
        if by == 0 || per_hour <= max {
            continue;
        }
        let subject = match cur.name {
            counters::IPSEC_SEND_ERRORS | counters::IPSEC_RECV_ERRORS => {
                format!("{} {label}", cur.subject)
            }
            _ => cur.subject.clone(),
        };
        let rate = fmt_num((per_hour * 10.0).round() / 10.0);
        let mut f = rule.finding(
            subject.clone(),
            format!(
                "{subject}: {label} grew by {by} in {} ({rate}/h)",
                fmt_hours(prev.hours)
            ),
            format!(
                "{subject}: {label} {} at the previous run, {} now, {} apart: {rate} per hour (threshold: > {}/h)",
                old.value,
                cur.value,
                fmt_hours(prev.hours),
                fmt_num(max)
            ),
        );
        f.command = Some(cur.command.clone());
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &'static str, subject: &str, value: u64, cleared: Option<&str>) -> Counter {
        Counter {
            name,
            subject: subject.into(),
            value,
            cleared: cleared.map(String::from),
            command: "show crypto ipsec sa".into(),
        }
    }

    #[test]
    fn a_rate_is_per_hour_and_a_reset_is_never_negative() {
        let a = c(counters::IPSEC_SEND_ERRORS, "p", 100, None);
        let b = c(counters::IPSEC_SEND_ERRORS, "p", 148, None);
        assert_eq!(
            delta(&a, &b, 24.0, Some(200_000)),
            Some(Delta::Rate {
                by: 48,
                per_hour: 2.0
            })
        );
        // Smaller now: reset, whatever the uptime says.
        assert!(matches!(
            delta(&b, &a, 24.0, None),
            Some(Delta::Reset(why)) if why.contains("went down from 148 to 100")
        ));
        // Larger now, but the device has been up for less than the interval: it reloaded.
        assert!(matches!(
            delta(&a, &b, 24.0, Some(600)),
            Some(Delta::Reset(why)) if why.contains("uptime 10 min is shorter than the 24 h")
        ));
        // A changed "last cleared" mark is a reset too.
        let cleared = c(counters::MAPI_DROPPED, "mapi", 500, Some("Fri Nov  6 2009"));
        let before = c(counters::MAPI_DROPPED, "mapi", 10, Some("Thu Nov  5 2009"));
        assert!(matches!(
            delta(&before, &cleared, 24.0, None),
            Some(Delta::Reset(_))
        ));
        // No interval, no rate.
        assert_eq!(delta(&a, &b, 0.0, None), None);
    }

    #[test]
    fn growth_fires_above_the_rate_threshold_only_and_names_the_counter() {
        let t = Thresholds::default();
        let prev = Previous {
            hours: 24.0,
            counters: vec![
                c(counters::IPSEC_SEND_ERRORS, "10.0.0.2 a->b", 10, None),
                c(counters::IPSEC_RECV_ERRORS, "10.0.0.2 a->b", 0, None),
                c(
                    counters::ASP_EXPIRED_VPN_CONTEXT,
                    "vpn-context-expired",
                    7,
                    None,
                ),
            ],
        };
        let now = vec![
            c(counters::IPSEC_SEND_ERRORS, "10.0.0.2 a->b", 510, None),
            // 24 errors in 24 h: 1/h, not above the default 1/h.
            c(counters::IPSEC_RECV_ERRORS, "10.0.0.2 a->b", 24, None),
            c(
                counters::ASP_EXPIRED_VPN_CONTEXT,
                "vpn-context-expired",
                8,
                None,
            ),
            // Not in the previous run: not judged.
            c(counters::IPSEC_SEND_ERRORS, "10.0.0.3 a->c", 9_999, None),
        ];
        let f = judge(&prev, &now, Some(10 * 86_400), &t);
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.code.as_str(), f.subject.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("IPSEC_ERRORS_GROWING", "10.0.0.2 a->b #send errors"),
                ("ASA_EXPIRED_VPN_CONTEXT_GROWING", "vpn-context-expired"),
            ]
        );
        assert_eq!(
            f[0].evidence,
            "10.0.0.2 a->b #send errors: #send errors 10 at the previous run, 510 now, 24 h apart: 20.8 per hour (threshold: > 1/h)"
        );
        assert_eq!(f[0].command.as_deref(), Some("show crypto ipsec sa"));
        // The same counters after a reload: nothing.
        assert!(judge(&prev, &now, Some(3_600), &t).is_empty());
    }
}
