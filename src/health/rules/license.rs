//! The one rule that reads two records of a device: an ASA's licensed VPN peer limits
//! (`show license all`, or the device's own licence accounting in `show vpn-sessiondb summary`
//! 8.x `License Information:` and `show vpn load-balancing`'s `Total License Load`) against the
//! sessions that use them (`show vpn-sessiondb summary`, else the session tables).
//!
//! Seed 004 gives the symptom at the limit ("tunnel rejected; the maximum tunnel count has
//! been reached", the session cap of `vpn-sessiondb max-session-limit`); the licence limits and
//! what counts against them come from the Cisco ASA licensing guide, not from the seeds:
//! AnyConnect and clientless (WebVPN) sessions use the AnyConnect Premium (or Essentials, when
//! that licence is the one enabled) peers; LAN-to-LAN and IKEv1 remote-access sessions the
//! Other VPN peers. On a failover pair the combined `Failover cluster licensed features` are
//! the limit in effect.
//!
//! Judged only when both numbers are known and the limit is a number above 0: an `Unlimited`
//! licence, a licence that is not printed, or sessions that were not polled give no finding.

use super::{fmt_num, fmt_pct, pct, Context, Finding, RuleInfo, Severity};
use crate::parse::asa::VpnSessiondbSummary;
use crate::parse::asa_license::{AsaLicense, LicenseFeature};
use crate::parse::asa_sessions::{AnyconnectSessions, VpnL2l, WebvpnSessions};
use crate::parse::asa_vpn_lb::VpnLoadBalancing;
use crate::parse::{Family, Record};
use crate::Platform;

/// Active sessions at or above `anyconnect_license_pct` (80) % of the licensed peers, critical
/// at `anyconnect_license_critical_pct` (95) % or more.
pub const ANYCONNECT_LICENSE_NEAR_LIMIT: RuleInfo = RuleInfo {
    code: "ANYCONNECT_LICENSE_NEAR_LIMIT",
    severity: Severity::Warning,
    summary: "ASA active AnyConnect (or Other VPN) sessions at or above the threshold % of the licensed peers (critical from the critical threshold, at the limit)",
    remediation: "Add peer licences (a higher AnyConnect tier, a shared licence pool, a failover pair's combined licence) or move users to another head-end before the limit: there the ASA refuses new sessions with 'the maximum tunnel count has been reached'.",
    source: "004 IPsec VPN: maximum tunnel count reached (the refusal at the limit); licence limits from the Cisco ASA licensing guide, not the seeds",
};

/// Rules `check_device` emits (no record family judges them alone).
pub const DEVICE_RULES: &[RuleInfo] = &[ANYCONNECT_LICENSE_NEAR_LIMIT];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    AnyConnect,
    OtherVpn,
}

/// A licensed limit: (licence name as printed, limit, where it was read).
struct Limit<'a> {
    name: String,
    limit: u64,
    source: &'a str,
}

/// Sessions counting against a licence: how many, what they are, where they were read.
struct Usage<'a> {
    used: u64,
    what: String,
    source: &'a str,
}

fn count_of(f: Option<&LicenseFeature>) -> Option<(String, u64)> {
    let f = f?;
    Some((f.name.clone(), f.count()?))
}

/// The limit `show license all` gives for `kind`: from the failover cluster's combined
/// licence when printed, the AnyConnect Essentials count when that licence is enabled.
fn licence_limit(l: &AsaLicense, kind: Kind) -> Option<(String, u64)> {
    let find = |name: &str| {
        let pick = |list: &[LicenseFeature]| {
            list.iter()
                .find(|f| {
                    f.name
                        .split_whitespace()
                        .map(str::to_ascii_lowercase)
                        .eq(name.split_whitespace().map(str::to_ascii_lowercase))
                })
                .cloned()
        };
        pick(&l.failover_features).or_else(|| pick(&l.features))
    };
    match kind {
        Kind::AnyConnect => count_of(find("AnyConnect Essentials").as_ref())
            .or_else(|| count_of(find("AnyConnect Premium Peers").as_ref()))
            .or_else(|| count_of(find("SSL VPN Peers").as_ref())),
        Kind::OtherVpn => count_of(find("Other VPN Peers").as_ref()),
    }
}

fn is_kind(name: &str, kind: Kind) -> bool {
    let n = name.to_ascii_lowercase();
    match kind {
        Kind::AnyConnect => n.contains("anyconnect") || n.contains("clientless") || n == "ssl vpn",
        Kind::OtherVpn => {
            n.contains("site-to-site")
                || n.contains("lan-to-lan")
                || n.contains("ipsec remote access")
                || n.contains("l2tp")
                || n == "ipsec"
                || n.contains("other vpn")
        }
    }
}

/// Active sessions of the summary's categories of `kind`, with each category's peak.
fn summary_usage<'a>(s: &VpnSessiondbSummary, kind: Kind, src: &'a str) -> Option<Usage<'a>> {
    let rows: Vec<_> = s
        .sessions
        .iter()
        .filter(|r| r.category.is_none() && is_kind(&r.name, kind))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let used = rows.iter().map(|r| r.active).sum();
    let what = rows
        .iter()
        .map(|r| match r.peak_concurrent {
            Some(p) => format!("{} {} (peak {p})", r.name, r.active),
            None => format!("{} {}", r.name, r.active),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(Usage {
        used,
        what: format!("{used} active: {what}"),
        source: src,
    })
}

/// Both numbers from the device's own licence accounting (8.x `License Information:`, the
/// load-balancing `*` row): (limit, usage).
fn accounted<'a>(records: &[(&'a str, &Record)], kind: Kind) -> Option<(Limit<'a>, Usage<'a>)> {
    for (cmd, r) in records {
        if let Some(s) = VpnSessiondbSummary::of(r) {
            if let Some(l) = s.licenses.iter().find(|l| is_kind(&l.name, kind)) {
                return Some((
                    Limit {
                        name: format!("{} licence", l.name),
                        limit: l.limit,
                        source: cmd,
                    },
                    Usage {
                        used: l.active,
                        what: format!("{} active", l.active),
                        source: cmd,
                    },
                ));
            }
        }
    }
    for (cmd, r) in records {
        let Some(local) = VpnLoadBalancing::of(r).and_then(|x| x.local_load()) else {
            continue;
        };
        let needles: &[&str] = match kind {
            Kind::AnyConnect => &["anyconnect", "ssl"],
            Kind::OtherVpn => &["other", "ipsec"],
        };
        if let Some(g) = needles.iter().find_map(|n| local.group(n)) {
            return Some((
                Limit {
                    name: g.name.clone(),
                    limit: g.limit,
                    source: cmd,
                },
                Usage {
                    used: g.used,
                    what: format!("{} used ({}% load)", g.used, g.load_percent),
                    source: cmd,
                },
            ));
        }
    }
    None
}

/// The licence from `show license all` and the sessions from the summary (else the session
/// tables).
fn combined<'a>(records: &[(&'a str, &Record)], kind: Kind) -> Option<(Limit<'a>, Usage<'a>)> {
    let limit = records.iter().find_map(|(cmd, r)| {
        let (name, limit) = licence_limit(AsaLicense::of(r)?, kind)?;
        Some(Limit {
            name,
            limit,
            source: cmd,
        })
    })?;
    let usage = records
        .iter()
        .find_map(|(cmd, r)| summary_usage(VpnSessiondbSummary::of(r)?, kind, cmd))
        .or_else(|| table_usage(records, kind))?;
    Some((limit, usage))
}

/// Sessions listed by the session tables, when the summary was not polled.
fn table_usage<'a>(records: &[(&'a str, &Record)], kind: Kind) -> Option<Usage<'a>> {
    let mut used = 0u64;
    let mut parts = Vec::new();
    let mut source = None;
    for (cmd, r) in records {
        let n = match kind {
            Kind::AnyConnect => AnyconnectSessions::of(r)
                .map(|x| (x.sessions.len(), "AnyConnect"))
                .or_else(|| WebvpnSessions::of(r).map(|x| (x.sessions.len(), "clientless"))),
            Kind::OtherVpn => VpnL2l::of(r).map(|x| (x.sessions.len(), "LAN-to-LAN")),
        };
        if let Some((n, what)) = n {
            used += n as u64;
            parts.push(format!("{n} {what}"));
            source.get_or_insert(*cmd);
        }
    }
    Some(Usage {
        used,
        what: format!("{used} listed: {}", parts.join(", ")),
        source: source?,
    })
}

/// Judge the licence limits of one ASA against its sessions.
pub(super) fn check_device(
    records: &[(&str, &Record)],
    cx: &Context,
    emit: &mut dyn FnMut(Finding),
) {
    if cx.platform.family() != Platform::CiscoAsa {
        return;
    }
    let t = cx.thresholds;
    for kind in [Kind::AnyConnect, Kind::OtherVpn] {
        let Some((limit, usage)) = accounted(records, kind).or_else(|| combined(records, kind))
        else {
            continue;
        };
        let Some(p) = pct(usage.used, limit.limit) else {
            continue; // a limit of 0: nothing licensed to compare with
        };
        if p < t.anyconnect_license_pct {
            continue;
        }
        let severity = if p >= t.anyconnect_license_critical_pct {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let at = if usage.used >= limit.limit {
            " (at the limit)"
        } else {
            ""
        };
        let sources = if limit.source == usage.source {
            format!("({})", limit.source)
        } else {
            format!("({}; {})", limit.source, usage.source)
        };
        let mut f = ANYCONNECT_LICENSE_NEAR_LIMIT.finding(
            limit.name.to_string(),
            format!(
                "{}: {} of {} licensed peers in use ({}){at}",
                limit.name,
                usage.used,
                limit.limit,
                fmt_pct(p)
            ),
            format!(
                "{} {}, {} {sources} (thresholds: warning >= {}%, critical >= {}%)",
                limit.name,
                limit.limit,
                usage.what,
                fmt_num(t.anyconnect_license_pct),
                fmt_num(t.anyconnect_license_critical_pct)
            ),
        );
        f.severity = severity;
        f.command = Some(usage.source.to_string());
        emit(f);
    }
}
