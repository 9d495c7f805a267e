//! The ASA families in a snapshot diff: LAN-to-LAN sessions are compared peer by peer (a peer
//! that was up and is gone, or turned one-way, is a regression); the others are not compared
//! (see each impl for why).

use super::{Compare, Cx, Out, Severity};
use crate::parse::{asa, asa_sessions};
use std::collections::BTreeMap;

impl Compare for asa::VpnSessiondbSummary {
    /// Session counts follow the users who are connected at that minute, not the change.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for asa::AspDrop {
    /// Cumulative drop counters only grow between two snapshots; their rate is a history
    /// question (the nightly audit's counters as rates), not a before/after one.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for crate::parse::asa_context::SecurityContexts {
    /// With `asa_contexts` every context is a row of its own: one added or gone shows as a
    /// device added or gone.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for asa_sessions::AnyconnectSessions {
    /// Remote-access users log in and out on their own schedule, not the change's.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

/// Peers by `IP Addr` (else connection name): whether one-way.
fn l2l_peers(r: &asa_sessions::VpnL2l) -> BTreeMap<String, bool> {
    r.sessions
        .iter()
        .map(|s| {
            let id = s.ip_addr.clone().unwrap_or_else(|| s.connection.clone());
            (format!("l2l peer {id}"), s.has_one_way())
        })
        .collect()
}

fn traffic(one_way: bool) -> String {
    if one_way {
        "one-way (Bytes Tx > 0, Bytes Rx 0)"
    } else {
        "two-way"
    }
    .to_string()
}

pub(super) fn l2l(out: &mut Out, b: &asa_sessions::VpnL2l, a: &asa_sessions::VpnL2l) {
    let (bp, ap) = (l2l_peers(b), l2l_peers(a));
    for (id, &bw) in &bp {
        match ap.get(id) {
            None => out.push(
                Severity::Regression,
                Some(id.clone()),
                "presence",
                Some(traffic(bw)),
                Some("absent".into()),
                format!("{id} had a session and is gone"),
            ),
            Some(&aw) => out.state(
                Some(id.clone()),
                "traffic",
                &format!("{id} traffic"),
                (!bw, traffic(bw)),
                (!aw, traffic(aw)),
            ),
        }
    }
    for (id, &aw) in &ap {
        if !bp.contains_key(id) {
            let (sev, msg) = if aw {
                (Severity::Regression, format!("new {id} is one-way"))
            } else {
                (Severity::Neutral, format!("new {id}"))
            };
            out.push(
                sev,
                Some(id.clone()),
                "presence",
                Some("absent".into()),
                Some(traffic(aw)),
                msg,
            );
        }
    }
}

impl Compare for asa_sessions::VpnL2l {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        l2l(cx.out, b, a)
    }
}

impl Compare for asa_sessions::WebvpnSessions {
    /// Users come and go on their own schedule: the count is shown, never judged.
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let (bn, an) = (b.sessions.len(), a.sessions.len());
        if bn != an {
            cx.out.push(
                Severity::Neutral,
                None,
                "sessions",
                Some(bn.to_string()),
                Some(an.to_string()),
                format!("clientless (WebVPN) sessions {bn} -> {an}"),
            );
        }
    }
}

impl Compare for crate::parse::asa_vpn_context::AspVpnContexts {
    /// Contexts are per IPsec SA and replaced at every rekey; their counters only grow. The
    /// tunnels themselves are compared through `show crypto ipsec sa` and the session tables.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for crate::parse::asa_vpn_lb::VpnLoadBalancing {
    /// Load balancing switched off, or a peer gone from the cluster, is a regression (less
    /// capacity behind the cluster address); a role change (master moved) or a new peer is
    /// neutral; the licence load follows the users and is not compared.
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let on = |x: &Self| (x.enabled(), x.status.clone().unwrap_or_else(|| "?".into()));
        cx.out
            .state(None, "status", "VPN load balancing", on(b), on(a));
        if b.role != a.role {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
            cx.out.push(
                Severity::Neutral,
                None,
                "role",
                b.role.clone(),
                a.role.clone(),
                format!("load-balancing role {} -> {}", show(&b.role), show(&a.role)),
            );
        }
        let ips = |x: &Self| -> BTreeMap<String, String> {
            x.peers
                .iter()
                .map(|p| (format!("lb peer {}", p.public_ip), p.role.clone()))
                .collect()
        };
        let (bp, ap) = (ips(b), ips(a));
        for (id, role) in &bp {
            if !ap.contains_key(id) {
                cx.out.push(
                    Severity::Regression,
                    Some(id.clone()),
                    "presence",
                    Some(role.clone()),
                    Some("absent".into()),
                    format!("{id} ({role}) left the load-balancing cluster"),
                );
            }
        }
        for (id, role) in &ap {
            if !bp.contains_key(id) {
                cx.out.push(
                    Severity::Neutral,
                    Some(id.clone()),
                    "presence",
                    Some("absent".into()),
                    Some(role.clone()),
                    format!("{id} ({role}) joined the load-balancing cluster"),
                );
            }
        }
    }
}

#[cfg(test)]
mod lb_tests {
    use crate::snapshot::diff::tests::{k, one, N, R};
    use serde_json::json;

    fn lb(status: &str, role: &str, peers: &[&str]) -> serde_json::Value {
        let peers: Vec<_> = peers
            .iter()
            .map(|ip| json!({"role": "Backup", "public_ip": ip, "local": false}))
            .collect();
        json!({"record": "vpn_load_balancing", "status": status, "role": role, "peers": peers, "license_load": []})
    }

    #[test]
    fn disabled_or_peer_gone_is_a_regression() {
        let c = "show vpn load-balancing";
        assert_eq!(
            one(
                c,
                lb("Enabled", "Master", &["10.0.0.1", "10.0.0.2"]),
                lb("Disabled", "n/a", &[])
            ),
            vec![
                (R, k("d/show vpn load-balancing/status")),
                (N, k("d/show vpn load-balancing/role")),
                (R, k("d/show vpn load-balancing/lb peer 10.0.0.1/presence")),
                (R, k("d/show vpn load-balancing/lb peer 10.0.0.2/presence")),
            ]
        );
        assert_eq!(
            one(
                c,
                lb("Enabled", "Master", &["10.0.0.1"]),
                lb("Enabled", "Master", &["10.0.0.1", "10.0.0.3"])
            ),
            vec![(N, k("d/show vpn load-balancing/lb peer 10.0.0.3/presence"))]
        );
    }
}
