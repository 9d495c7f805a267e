//! IKE peers (`show crypto isakmp sa`) and IPsec SAs (`show crypto ipsec sa`): both are
//! aggregated into tunnels by identity and compared with the same presence / state rules,
//! plus the one-way traffic rule for IPsec.

use super::{Compare, Cx, Out, Severity};
use crate::parse::{ipsec, isakmp};
use std::collections::BTreeMap;

/// One peer or SA, aggregated over the rows that share its identity.
pub(super) struct Tunnel {
    pub(super) up: bool,
    pub(super) label: String,
    pub(super) one_way: bool,
}

/// Presence and state rules shared by IKE peers and IPsec SAs (and `vpn.rs`).
pub(super) fn tunnels(
    out: &mut Out,
    what: &str,
    b: &BTreeMap<String, Tunnel>,
    a: &BTreeMap<String, Tunnel>,
    one_way: bool,
) {
    for (id, bt) in b {
        match a.get(id) {
            None => {
                let (sev, msg) = if bt.up {
                    (
                        Severity::Regression,
                        format!("{what} {id} was {} and is gone", bt.label),
                    )
                } else {
                    (
                        Severity::Neutral,
                        format!("{what} {id} was not up ({}) and is gone", bt.label),
                    )
                };
                out.push(
                    sev,
                    Some(id.clone()),
                    "presence",
                    Some(bt.label.clone()),
                    Some("absent".into()),
                    msg,
                );
            }
            Some(at) => {
                out.state(
                    Some(id.clone()),
                    "state",
                    &format!("{what} {id}"),
                    (bt.up, bt.label.clone()),
                    (at.up, at.label.clone()),
                );
                if one_way && bt.up && at.up && bt.one_way != at.one_way {
                    let l = |w: bool| {
                        if w {
                            "one-way (encaps 0, decaps > 0)"
                        } else {
                            "two-way"
                        }
                        .to_string()
                    };
                    out.state(
                        Some(id.clone()),
                        "traffic",
                        &format!("{what} {id} traffic"),
                        (!bt.one_way, l(bt.one_way)),
                        (!at.one_way, l(at.one_way)),
                    );
                }
            }
        }
    }
    for (id, at) in a {
        if !b.contains_key(id) {
            let (sev, msg) = if at.up {
                (Severity::Neutral, format!("new {what} {id}, {}", at.label))
            } else {
                (
                    Severity::Regression,
                    format!("new {what} {id} is not up ({})", at.label),
                )
            };
            out.push(
                sev,
                Some(id.clone()),
                "presence",
                Some("absent".into()),
                Some(at.label.clone()),
                msg,
            );
        }
    }
}

fn ike_label(sa: &isakmp::IkeSa) -> String {
    if sa.deleted {
        return "deleted".into();
    }
    match (&sa.state, &sa.status) {
        (Some(s), _) => s.to_string(),
        (None, Some(st)) => st.to_string(),
        (None, None) => "unknown".into(),
    }
}

fn ike_peers(r: &isakmp::IsakmpSa) -> BTreeMap<String, Tunnel> {
    let mut m: BTreeMap<String, Tunnel> = BTreeMap::new();
    for sa in &r.sas {
        let Some(remote) = sa.remote() else { continue };
        let id = match sa.ike_version {
            Some(v) => format!("peer {remote} ikev{v}"),
            None => format!("peer {remote}"),
        };
        let up = sa.is_up();
        match m.get_mut(&id) {
            None => {
                m.insert(
                    id,
                    Tunnel {
                        up,
                        label: ike_label(sa),
                        one_way: false,
                    },
                );
            }
            Some(t) if up && !t.up => {
                t.up = true;
                t.label = ike_label(sa);
            }
            Some(_) => {}
        }
    }
    m
}

pub(super) fn ike(out: &mut Out, b: &isakmp::IsakmpSa, a: &isakmp::IsakmpSa) {
    tunnels(out, "IKE", &ike_peers(b), &ike_peers(a), false);
}

fn ident(i: &Option<ipsec::Ident>) -> String {
    match i {
        Some(i) => format!("{}/{}/{}/{}", i.addr, i.mask, i.prot, i.port),
        None => "-".into(),
    }
}

/// An entry with at least one SA that is active (or prints no status).
fn ipsec_up(e: &ipsec::IpsecSaEntry) -> bool {
    e.inbound
        .iter()
        .chain(&e.outbound)
        .any(|s| matches!(s.status, None | Some(ipsec::SpiStatus::Active)))
}

fn ipsec_tunnels(r: &ipsec::IpsecSa) -> BTreeMap<String, Tunnel> {
    let mut m: BTreeMap<String, Tunnel> = BTreeMap::new();
    for e in &r.entries {
        let peer = e.current_peer.as_deref().unwrap_or("-");
        let id = format!(
            "sa {peer} {} {}",
            ident(&e.local_ident),
            ident(&e.remote_ident)
        );
        let up = ipsec_up(e);
        let t = m.entry(id).or_insert(Tunnel {
            up: false,
            label: String::new(),
            one_way: false,
        });
        t.up |= up;
        t.one_way |= up && e.is_one_way();
        t.label = if t.up {
            "up".into()
        } else {
            "no active SA".into()
        };
    }
    m
}

pub(super) fn ipsec_sas(out: &mut Out, b: &ipsec::IpsecSa, a: &ipsec::IpsecSa) {
    tunnels(out, "IPsec", &ipsec_tunnels(b), &ipsec_tunnels(a), true);
}

// ---- the families compared here ----------------------------------------------------------------

impl Compare for isakmp::IsakmpSa {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        ike(cx.out, b, a)
    }
}

impl Compare for ipsec::IpsecSa {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        ipsec_sas(cx.out, b, a)
    }
}

impl Compare for isakmp::IsakmpSaCount {
    /// The counts follow the SAs, which `show crypto isakmp sa` compares peer by peer.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for ipsec::IpsecSaCount {
    /// The counts follow the SAs, which `show crypto ipsec sa` compares entry by entry.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, I, N, R};
    use serde_json::json;

    fn ike(sas: serde_json::Value) -> serde_json::Value {
        json!({"record": "isakmp_sa", "sas": sas})
    }

    #[test]
    fn ike_peer_rules() {
        let c = "show crypto isakmp sa";
        let p = |peer: &str, state: &str| json!({"ike_version": 1, "peer": peer, "state": state});
        // Gone: up → regression, not up → neutral. New: up → neutral, not up → regression.
        assert_eq!(
            one(
                c,
                ike(json!([
                    p("10.0.0.1", "MM_ACTIVE"),
                    p("10.0.0.2", "MM_WAIT_MSG6")
                ])),
                ike(json!([
                    p("10.0.0.3", "MM_ACTIVE"),
                    p("10.0.0.4", "AG_INIT_EXCH")
                ]))
            ),
            vec![
                (R, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev1/presence")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.2 ikev1/presence")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.3 ikev1/presence")),
                (R, k("d/show crypto isakmp sa/peer 10.0.0.4 ikev1/presence")),
            ]
        );
        // State: up → down regression, down → up improvement, down → other down neutral,
        // up → up unchanged. IOS rows name the peer in `dst`; a rekeying pair counts as up.
        let b = ike(json!([
            p("10.0.0.1", "MM_ACTIVE"),
            p("10.0.0.2", "MM_WAIT_MSG6"),
            p("10.0.0.3", "MM_WAIT_MSG2"),
            {"ike_version": 1, "dst": "10.0.0.4", "src": "10.9.9.9", "state": "QM_IDLE"},
            {"ike_version": 2, "peer": "10.0.0.5", "state": "READY"},
        ]));
        let a = ike(json!([
            p("10.0.0.1", "MM_WAIT_MSG6"),
            p("10.0.0.2", "MM_ACTIVE"),
            p("10.0.0.3", "MM_NO_STATE"),
            {"ike_version": 1, "dst": "10.0.0.4", "src": "10.9.9.9", "state": "QM_IDLE"},
            {"ike_version": 2, "peer": "10.0.0.5", "state": "IN-NEG"},
            {"ike_version": 2, "peer": "10.0.0.5", "state": "READY"},
        ]));
        let got = one(c, b, a);
        assert_eq!(
            got,
            vec![
                (R, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev1/state")),
                (I, k("d/show crypto isakmp sa/peer 10.0.0.2 ikev1/state")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.3 ikev1/state")),
            ]
        );
        // The same address under another IKE version is another peer.
        assert_eq!(
            one(
                c,
                ike(json!([p("10.0.0.1", "MM_ACTIVE")])),
                ike(json!([{"ike_version": 2, "peer": "10.0.0.1", "state": "READY"}]))
            ),
            vec![
                (R, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev1/presence")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev2/presence")),
            ]
        );
    }

    #[test]
    fn ipsec_sa_rules() {
        let c = "show crypto ipsec sa";
        let id = |a: &str| json!({"addr": a, "mask": "255.255.255.0", "prot": 0, "port": 0});
        let sa = |peer: &str, remote: &str, active: bool, encaps: u64, decaps: u64| {
            let spis = if active {
                json!([{"protocol": "esp", "status": "ACTIVE"}])
            } else {
                json!([])
            };
            json!({"current_peer": peer, "local_ident": id("10.1.0.0"), "remote_ident": id(remote),
                   "pkts_encaps": encaps, "pkts_decaps": decaps, "inbound": spis, "outbound": spis})
        };
        let r = |e: Vec<serde_json::Value>| json!({"record": "ipsec_sa", "entries": e});
        let key = |peer: &str, remote: &str, f: &str| {
            format!("d/{c}/sa {peer} 10.1.0.0/255.255.255.0/0/0 {remote}/255.255.255.0/0/0/{f}")
        };
        let b = r(vec![
            sa("10.0.0.1", "10.2.0.0", true, 5, 5),
            sa("10.0.0.2", "10.3.0.0", true, 5, 5),
            sa("10.0.0.3", "10.4.0.0", false, 0, 0),
            sa("10.0.0.4", "10.5.0.0", true, 5, 5),
            sa("10.0.0.5", "10.6.0.0", true, 0, 7),
        ]);
        let a = r(vec![
            // 10.0.0.1 gone; counters growing on 10.0.0.2 are no change.
            sa("10.0.0.2", "10.3.0.0", true, 500, 500),
            sa("10.0.0.3", "10.4.0.0", true, 1, 1),
            sa("10.0.0.4", "10.5.0.0", true, 0, 9),
            sa("10.0.0.5", "10.6.0.0", true, 3, 9),
            sa("10.0.0.6", "10.7.0.0", false, 0, 0),
        ]);
        assert_eq!(
            one(c, b, a),
            vec![
                (R, key("10.0.0.1", "10.2.0.0", "presence")),
                (I, key("10.0.0.3", "10.4.0.0", "state")),
                (R, key("10.0.0.4", "10.5.0.0", "traffic")),
                (I, key("10.0.0.5", "10.6.0.0", "traffic")),
                (R, key("10.0.0.6", "10.7.0.0", "presence")),
            ]
        );
    }
}
