//! IKEv2 SAs (`show crypto ikev2 sa`): aggregated per remote peer and compared with the shared
//! tunnel rules of `crypto.rs`: a peer READY before and not after (or gone) is a regression, a
//! new peer not READY too. A peer with a READY SA is READY whatever else it lists, so a rekey
//! caught in either snapshot (a second SA IN-NEG or DELETE) is no change.

use super::crypto::{tunnels, Tunnel};
use super::{Compare, Cx};
use crate::parse::ikev2_sa::Ikev2Sas;
use std::collections::BTreeMap;

/// `peer 198.51.100.9 ikev2` (the IKE peers' key in `crypto.rs`), with the front-door VRF
/// where it is not the default one.
fn by_peer(r: &Ikev2Sas) -> BTreeMap<String, Tunnel> {
    let mut m: BTreeMap<String, Tunnel> = BTreeMap::new();
    for sa in &r.sas {
        let peer = match &sa.remote {
            Some(p) => format!("peer {p} ikev2"),
            None => format!("tunnel-id {} ikev2", sa.tunnel_id),
        };
        let id = match sa.fvrf.as_deref() {
            Some(v)
                if !v.is_empty()
                    && !v.eq_ignore_ascii_case("none")
                    && !v.eq_ignore_ascii_case("global") =>
            {
                format!("{peer} fvrf {v}")
            }
            _ => peer,
        };
        let status = sa.status.as_str().to_string();
        match m.get_mut(&id) {
            None => {
                m.insert(
                    id,
                    Tunnel {
                        up: sa.is_ready(),
                        label: status,
                        one_way: false,
                    },
                );
            }
            Some(t) if t.up => {}
            Some(t) if sa.is_ready() => {
                t.up = true;
                t.label = status;
            }
            Some(t) => {
                if !t.label.split(", ").any(|l| l == status) {
                    t.label = format!("{}, {status}", t.label);
                }
            }
        }
    }
    m
}

impl Compare for Ikev2Sas {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        tunnels(cx.out, "IKEv2 SA", &by_peer(b), &by_peer(a), false)
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, N, R};
    use serde_json::json;

    fn sas(s: serde_json::Value) -> serde_json::Value {
        json!({"record": "ikev2_sas", "sas": s})
    }

    fn sa(tid: u64, remote: &str, status: &str, active: u64) -> serde_json::Value {
        json!({"tunnel_id": tid, "local": "192.0.2.1", "remote": remote, "fvrf": "none",
               "ivrf": "none", "status": status, "active_secs": active})
    }

    #[test]
    fn ready_peer_gone_or_stuck_after_is_a_regression_and_a_rekey_is_no_change() {
        let c = "show crypto ikev2 sa";
        let b = sas(json!([
            sa(1, "198.51.100.1", "READY", 5000),
            sa(2, "198.51.100.2", "READY", 7000),
            sa(3, "198.51.100.3", "READY", 64_000),
        ]));
        let a = sas(json!([
            // .1 went IN-NEG, .2 is gone, .3 is rekeying (new READY, old DELETE): no change.
            sa(8, "198.51.100.1", "IN-NEG", 0),
            sa(9, "198.51.100.3", "READY", 3),
            sa(3, "198.51.100.3", "DELETE", 64_803),
            sa(10, "198.51.100.4", "READY", 20),
        ]));
        let got = one(c, b, a);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.contains(&(R, k("d/show crypto ikev2 sa/peer 198.51.100.1 ikev2/state"))));
        assert!(got.contains(&(
            R,
            k("d/show crypto ikev2 sa/peer 198.51.100.2 ikev2/presence")
        )));
        assert!(got.contains(&(
            N,
            k("d/show crypto ikev2 sa/peer 198.51.100.4 ikev2/presence")
        )));
    }

    #[test]
    fn a_stuck_peer_that_comes_up_is_an_improvement() {
        let c = "show crypto ikev2 sa";
        let b = sas(json!([
            sa(4, "198.51.100.9", "IN-NEG", 0),
            sa(5, "198.51.100.9", "DELETE", 9)
        ]));
        let a = sas(json!([sa(6, "198.51.100.9", "READY", 40)]));
        let got = one(c, b, a);
        assert_eq!(
            got,
            vec![(
                crate::snapshot::diff::Severity::Improvement,
                k("d/show crypto ikev2 sa/peer 198.51.100.9 ikev2/state")
            )]
        );
    }
}
