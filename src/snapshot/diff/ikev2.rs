//! IKEv2 sessions (`show crypto ikev2 session`): compared peer by peer with the shared tunnel
//! rules of `crypto.rs` (a session up before and down or gone after is a regression); the
//! `show crypto ikev2 count` / `stats` counters are not compared (see the impls).

use super::crypto::{tunnels, Tunnel};
use super::{Compare, Cx};
use crate::parse::ikev2::{Ikev2Count, Ikev2Sessions, Ikev2Stats};
use std::collections::BTreeMap;

/// Sessions by `local -> remote` (fvrf), else by session id.
fn by_peer(r: &Ikev2Sessions) -> BTreeMap<String, Tunnel> {
    let mut m = BTreeMap::new();
    for s in &r.sessions {
        let id = match (&s.local, &s.remote) {
            (Some(l), Some(rm)) => match s.fvrf.as_deref() {
                Some(v) if v != "none" => format!("{l} -> {rm} (fvrf {v})"),
                _ => format!("{l} -> {rm}"),
            },
            _ => format!("session {}", s.session_id),
        };
        let label = match &s.sa_status {
            Some(st) => format!("{} ({st})", s.status),
            None => s.status.clone(),
        };
        let t = m.entry(id).or_insert(Tunnel {
            up: false,
            label: label.clone(),
            one_way: false,
        });
        if s.is_up() && !t.up {
            t.up = true;
            t.label = label;
        }
    }
    m
}

impl Compare for Ikev2Sessions {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        tunnels(cx.out, "IKEv2 session", &by_peer(b), &by_peer(a), false)
    }
}

impl Compare for Ikev2Count {
    /// Created/deleted counters only grow and active counts follow the sessions, which
    /// `show crypto ikev2 session` compares peer by peer.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for Ikev2Stats {
    /// Cumulative request and drop counters only grow between two snapshots; their rate is a
    /// history question, not a before/after one.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, R};
    use serde_json::json;

    fn sessions(s: serde_json::Value) -> serde_json::Value {
        json!({"record": "ikev2_sessions", "sessions": s})
    }

    #[test]
    fn session_up_before_down_or_gone_after_is_a_regression() {
        let c = "show crypto ikev2 session";
        let s = |id: u64, remote: &str, status: &str| {
            json!({"session_id": id, "status": status, "local": "192.0.2.1",
                   "remote": remote, "fvrf": "none", "child_sas": []})
        };
        let b = sessions(json!([
            s(1, "198.51.100.1", "UP-ACTIVE"),
            s(2, "198.51.100.2", "UP-ACTIVE")
        ]));
        let a = sessions(json!([s(7, "198.51.100.1", "DOWN-NEGOTIATING")]));
        let got = one(c, b, a);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|(sev, _)| *sev == R), "{got:?}");
        assert!(got.contains(&(
            R,
            k("d/show crypto ikev2 session/192.0.2.1 -> 198.51.100.2/presence")
        )));
    }
}
