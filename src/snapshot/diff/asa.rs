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
