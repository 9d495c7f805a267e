//! The cumulative counters of a polled device, taken from its records while they are at hand:
//! counts since the last reload or `clear`, which one run cannot judge as growing but two runs
//! can (`rules::growth`, with `--history`). Also the device's uptime, the reload check.

use crate::outcome::{Counter, DeviceReport};
use crate::parse::{
    asa::AspDrop,
    ipsec::{IpsecSa, IpsecSaEntry},
    system::Version,
    waas, Family,
};

/// `#send errors` of one IPsec SA (subject: peer and selectors).
pub const IPSEC_SEND_ERRORS: &str = "ipsec_send_errors";
/// `#recv errors` of one IPsec SA.
pub const IPSEC_RECV_ERRORS: &str = "ipsec_recv_errors";
/// MAPI AO `Total Dropped Connections` (subject `mapi`).
pub const MAPI_DROPPED: &str = "mapi_dropped";
/// EPM AO `Total Dropped Connections` (subject `epm`).
pub const EPM_DROPPED: &str = "epm_dropped";
/// ASA `show asp drop` `Expired VPN context` (subject `vpn-context-expired`).
pub const ASP_EXPIRED_VPN_CONTEXT: &str = "asp_expired_vpn_context";

/// Every counter name, for reading them back from the history.
pub const ALL: &[&str] = &[
    IPSEC_SEND_ERRORS,
    IPSEC_RECV_ERRORS,
    MAPI_DROPPED,
    EPM_DROPPED,
    ASP_EXPIRED_VPN_CONTEXT,
];

/// The device's uptime (from `show version`) and its cumulative counters, in command order.
/// Two SAs with the same subject (the same peer and selectors printed twice) are added up.
pub fn of_report(r: &DeviceReport) -> (Option<u64>, Vec<Counter>) {
    let mut uptime = None;
    let mut out: Vec<Counter> = Vec::new();
    for c in &r.commands {
        let Some(rec) = &c.record else { continue };
        let mut push = |name: &'static str, subject: String, value: u64, cleared: Option<&str>| {
            if let Some(x) = out
                .iter_mut()
                .find(|x| x.name == name && x.subject == subject)
            {
                x.value = x.value.saturating_add(value);
                return;
            }
            out.push(Counter {
                name,
                subject,
                value,
                cleared: cleared.map(str::to_string),
                command: c.command.clone(),
            });
        };
        if let Some(v) = Version::of(rec) {
            uptime = uptime.or(v.uptime_s);
        } else if let Some(sa) = IpsecSa::of(rec) {
            for e in &sa.entries {
                let subject = sa_subject(e);
                if let Some(n) = e.send_errors {
                    push(IPSEC_SEND_ERRORS, subject.clone(), n, None);
                }
                if let Some(n) = e.recv_errors {
                    push(IPSEC_RECV_ERRORS, subject, n, None);
                }
            }
        } else if let Some(m) = waas::MapiStats::of(rec) {
            if let Some(n) = m.global.total_dropped {
                push(
                    MAPI_DROPPED,
                    "mapi".into(),
                    n,
                    m.global.last_reset.as_deref(),
                );
            }
        } else if let Some(m) = waas::EpmStats::of(rec) {
            if let Some(n) = m.global.total_dropped {
                push(EPM_DROPPED, "epm".into(), n, m.global.last_reset.as_deref());
            }
        } else if let Some(a) = AspDrop::of(rec) {
            // Always a value: the ASA lists only the counters that are not 0.
            push(
                ASP_EXPIRED_VPN_CONTEXT,
                EXPIRED_VPN_CONTEXT_SUBJECT.into(),
                a.expired_vpn_context,
                a.frame_last_clearing.as_deref(),
            );
        }
    }
    (uptime, out)
}

/// What identifies an SA from one run to the next: its peer and selector pair
/// (`10.1.10.2 10.1.100.0/255.255.255.0->172.16.5.0/255.255.255.0`), without the SPIs and
/// conn-ids a rekey changes. The history's counter rates and finding identity use it.
pub(crate) fn sa_subject(e: &IpsecSaEntry) -> String {
    let mut s = e
        .current_peer
        .as_deref()
        .or(e.dynamic_peer.as_deref())
        .unwrap_or("no-peer")
        .to_string();
    if let (Some(l), Some(r)) = (&e.local_ident, &e.remote_ident) {
        s.push_str(&format!(" {}/{}->{}/{}", l.addr, l.mask, r.addr, r.mask));
    }
    s
}

/// The subject of the expired VPN context findings (the counter's drop id).
pub(crate) const EXPIRED_VPN_CONTEXT_SUBJECT: &str = "vpn-context-expired";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{CommandReport, CommandStatus};
    use crate::Platform;

    fn command(platform: Platform, command: &str, text: &str) -> CommandReport {
        let spec = crate::parse::lookup(platform, command).unwrap();
        CommandReport {
            command: command.into(),
            parser: Some(spec.name),
            status: CommandStatus::Ok,
            error: None,
            duration_ms: 0,
            truncated: false,
            truncated_by: None,
            record: Some(Box::new((spec.parse)(text).unwrap())),
            raw: None,
        }
    }

    #[test]
    fn counters_come_from_ipsec_sa_asp_drop_and_version() {
        let mut r = DeviceReport::sample("fw-1");
        r.platform = Platform::CiscoAsa;
        let ctx = crate::sim::scenario::RenderCtx {
            platform: Platform::CiscoAsa,
            scenario: crate::sim::Scenario::Healthy,
            hostname: "fw-1",
            seed: 3,
            drift: crate::sim::scenario::Drift {
                uptime_s: Some(7_200),
                counter_growth: 40,
            },
        };
        for cmd in ["show version", "show crypto ipsec sa", "show asp drop"] {
            let text = crate::sim::render::render(&ctx, cmd).unwrap();
            r.commands.push(command(Platform::CiscoAsa, cmd, &text));
        }
        let (uptime, counters) = of_report(&r);
        assert_eq!(uptime, Some(7_200));
        let first_sa = counters
            .iter()
            .find(|c| c.name == IPSEC_RECV_ERRORS)
            .unwrap();
        assert_eq!(
            first_sa.value, 40,
            "the drift grows the first SA's receive errors"
        );
        assert_eq!(first_sa.command, "show crypto ipsec sa");
        assert!(first_sa.subject.starts_with("10."), "{}", first_sa.subject);
        let asp = counters
            .iter()
            .find(|c| c.name == ASP_EXPIRED_VPN_CONTEXT)
            .unwrap();
        assert_eq!(
            (asp.subject.as_str(), asp.value, asp.cleared.as_deref()),
            ("vpn-context-expired", 40, Some("Never"))
        );
        // One send and one receive counter per SA, each SA once.
        let sends = counters
            .iter()
            .filter(|c| c.name == IPSEC_SEND_ERRORS)
            .count();
        let recvs = counters
            .iter()
            .filter(|c| c.name == IPSEC_RECV_ERRORS)
            .count();
        assert!(sends >= 2 && sends == recvs, "{counters:?}");
    }
}
