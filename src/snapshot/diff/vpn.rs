//! IOS crypto sessions (`show crypto session`) and DMVPN peers (`show dmvpn`) in a snapshot
//! diff: the same presence / state rules as IKE peers and IPsec SAs (`crypto.rs`), so a
//! session or peer up before a change and down (or gone) after it is a regression.

use super::crypto::{tunnels, Tunnel};
use super::{Compare, Cx};
use crate::parse::{crypto_session, dmvpn};
use std::collections::BTreeMap;

/// Keep the best state of the rows that share one identity.
fn add(m: &mut BTreeMap<String, Tunnel>, id: String, up: bool, label: String) {
    match m.get_mut(&id) {
        None => {
            m.insert(
                id,
                Tunnel {
                    up,
                    label,
                    one_way: false,
                },
            );
        }
        Some(t) if up && !t.up => {
            t.up = true;
            t.label = label;
        }
        Some(_) => {}
    }
}

/// A session is identified by its peer address and interface; `Virtual-Access` interfaces are
/// renumbered on every reconnect, so those sessions are identified by peer (and profile) only.
fn sessions(r: &crypto_session::CryptoSessions) -> BTreeMap<String, Tunnel> {
    let mut m = BTreeMap::new();
    for s in &r.sessions {
        let peer = s.peer.as_deref().unwrap_or("-");
        let id = if s.interface.starts_with("Virtual-Access") {
            format!("session {peer} {}", s.profile.as_deref().unwrap_or("-"))
        } else {
            format!("session {peer} {}", s.interface)
        };
        let (up, label) = match &s.status {
            Some(st) => (st.is_up(), st.to_string()),
            None => (false, "unknown".to_string()),
        };
        add(&mut m, id, up, label);
    }
    m
}

fn peers(r: &dmvpn::Dmvpn) -> BTreeMap<String, Tunnel> {
    let mut m = BTreeMap::new();
    for (i, p) in r.peers() {
        let id = format!("dmvpn {} {} {}", i.interface, p.nbma, p.tunnel);
        add(&mut m, id, p.is_up(), p.state.to_string());
    }
    m
}

impl Compare for crypto_session::CryptoSessions {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        tunnels(cx.out, "crypto session", &sessions(b), &sessions(a), false)
    }
}

impl Compare for dmvpn::Dmvpn {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        tunnels(cx.out, "DMVPN peer", &peers(b), &peers(a), false)
    }
}
