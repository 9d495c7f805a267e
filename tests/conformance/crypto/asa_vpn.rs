//! ASA `show vpn load-balancing` (genieparser: status line, numbered peers, numbered licence
//! loads by group), `show asp table vpn-context detail` (ntc-templates: one row per context,
//! every counter) and `show vpn-sessiondb webvpn` (genieparser, the anyconnect schema; its
//! encryption / hashing drop the `Clientless:` label the ASA prints before the value, so ours
//! are compared without it).

use super::*;
use fleetpoll::parse::asa_sessions::WebvpnSessions;
use fleetpoll::parse::asa_vpn_context::AspVpnContexts;
use fleetpoll::parse::asa_vpn_lb::VpnLoadBalancing;

pub(super) fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    let lb = command == "show vpn load-balancing";
    let ctx = command.starts_with("show asp table vpn-context");
    let web = command.starts_with("show vpn-sessiondb webvpn");
    if !lb && !ctx && !web {
        return None;
    }
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let mut c = Cmp::default();
    match &record {
        Record::VpnLoadBalancing(r) if lb => load_balancing(&mut c, r, expected),
        Record::AspVpnContext(r) if ctx => contexts(&mut c, r, expected),
        Record::VpnWebvpn(r) if web => webvpn(&mut c, r, expected),
        _ => {
            return Some(Outcome::Fail(
                "parser returned the wrong record kind".into(),
            ))
        }
    }
    Some(c.outcome(expected.is_some(), raw))
}

/// genieparser keeps the `*` of this device's address.
fn star(ip: &str, local: bool) -> String {
    if local {
        format!("{ip}*")
    } else {
        ip.to_string()
    }
}

fn load_balancing(c: &mut Cmp, r: &VpnLoadBalancing, expected: Option<&Value>) {
    let Some(e) = expected else { return };
    c.s("status", r.status.as_deref(), e.get("status"));
    c.s("role", r.role.as_deref(), e.get("role"));
    c.s("failover", r.failover.as_deref(), e.get("failover"));
    c.s("encryption", r.encryption.as_deref(), e.get("encryption"));
    c.n("peers count", r.peer_count, e.get("peers_count"));
    c.s("cluster ip", r.cluster_ip.as_deref(), e.get("cluster_ip"));
    let peers = numbered(e.get("peers"));
    c.count("peers", r.peers.len(), peers.len());
    for (i, (p, w)) in r.peers.iter().zip(&peers).enumerate() {
        let f = |k: &str| format!("peer {} {k}", i + 1);
        c.s(&f("role"), Some(&p.role), w.get("role"));
        c.n(&f("pri"), p.priority, w.get("pri"));
        c.s(&f("model"), p.model.as_deref(), w.get("model"));
        c.n(
            &f("lb version"),
            p.lb_version,
            w.get("load_balancing_version"),
        );
        c.s(
            &f("public ip"),
            Some(&star(&p.public_ip, p.local)),
            w.get("public_ip"),
        );
    }
    let loads = numbered(e.get("total_license_load"));
    c.count("license load rows", r.license_load.len(), loads.len());
    for (i, (l, w)) in r.license_load.iter().zip(&loads).enumerate() {
        let f = |k: &str| format!("license load {} {k}", i + 1);
        c.s(
            &f("public ip"),
            Some(&star(&l.public_ip, l.local)),
            w.get("public_ip"),
        );
        for (ours, theirs) in [
            ("anyconnect", "anyconnect_premium_essentials"),
            ("other", "other_vpn"),
        ] {
            let g = l.group(ours);
            let t = w.get(theirs);
            c.n(
                &f(&format!("{theirs} limit")),
                g.map(|g| g.limit),
                t.and_then(|t| t.get("limit")),
            );
            c.n(
                &f(&format!("{theirs} used")),
                g.map(|g| g.used),
                t.and_then(|t| t.get("used")),
            );
            c.n(
                &f(&format!("{theirs} load")),
                g.map(|g| g.load_percent),
                t.and_then(|t| t.get("load")),
            );
        }
    }
}

fn contexts(c: &mut Cmp, r: &AspVpnContexts, expected: Option<&Value>) {
    let Some(rows) = ntc_rows(expected) else {
        return;
    };
    c.count("contexts", r.contexts.len(), rows.len());
    for (i, (x, w)) in r.contexts.iter().zip(rows).enumerate() {
        let f = |k: &str| format!("context {} {k}", i + 1);
        let g = |k: &str| w.get(k);
        c.s(&f("vpn ctx"), Some(&x.vpn_ctx), g("vpn_ctx"));
        c.s(&f("peer ip"), x.peer_ip.as_deref(), g("peer_ip"));
        c.s(&f("pointer"), x.pointer.as_deref(), g("pointer"));
        c.s(&f("state"), x.state.as_deref(), g("state"));
        c.s(&f("flags"), x.flags.as_deref(), g("flags"));
        c.s(&f("sa"), x.sa.as_deref(), g("sa"));
        c.s(&f("spi"), x.spi.as_deref(), g("spi"));
        c.n(&f("group"), x.group, g("group"));
        c.n(&f("pkts"), x.pkts, g("pkts"));
        c.n(&f("bad pkts"), x.bad_pkts, g("bad_pkts"));
        c.n(&f("bad spi"), x.bad_spi, g("bad_spi"));
        c.n(&f("spoof"), x.spoof, g("spoof"));
        c.n(&f("bad crypto"), x.bad_crypto, g("bad_crypto"));
        c.n(&f("rekey pkt"), x.rekey_pkt, g("rekey_pkt"));
        c.n(&f("rekey call"), x.rekey_call, g("rekey_call"));
        c.s(&f("vpn filter"), x.vpn_filter.as_deref(), g("vpn_filter"));
    }
}

fn unlabelled(v: Option<&str>) -> Option<&str> {
    v.map(|v| v.strip_prefix("Clientless:").map_or(v, str::trim))
}

fn webvpn(c: &mut Cmp, r: &WebvpnSessions, expected: Option<&Value>) {
    let Some(types) = expected
        .and_then(|e| e.get("session_type"))
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut total = 0;
    for (ty, v) in types {
        c.s(
            "session type",
            r.session_type.as_deref(),
            Some(&Value::String(ty.clone())),
        );
        let users = v.get("username").and_then(Value::as_object);
        for (user, u) in users.into_iter().flatten() {
            let idxs = u.get("index").and_then(Value::as_object);
            for (idx, e) in idxs.into_iter().flatten() {
                total += 1;
                let Some(s) = r.sessions.iter().find(|s| {
                    &s.username == user && s.index.map(|i| i.to_string()).as_deref() == Some(idx)
                }) else {
                    c.fail(format!("{user}/{idx}: session not found"));
                    continue;
                };
                let w = |f: &str| format!("{user}/{idx} {f}");
                let g = |k: &str| e.get(k);
                c.s(&w("public ip"), s.public_ip.as_deref(), g("public_ip"));
                c.s(&w("protocol"), s.protocol.as_deref(), g("protocol"));
                c.s(&w("license"), s.license.as_deref(), g("license"));
                c.s(
                    &w("encryption"),
                    unlabelled(s.encryption.as_deref()),
                    g("encryption"),
                );
                c.s(
                    &w("hashing"),
                    unlabelled(s.hashing.as_deref()),
                    g("hashing"),
                );
                let bytes = e.get("bytes");
                c.n(&w("bytes tx"), s.bytes_tx, bytes.and_then(|b| b.get("tx")));
                c.n(&w("bytes rx"), s.bytes_rx, bytes.and_then(|b| b.get("rx")));
                c.s(
                    &w("group policy"),
                    s.group_policy.as_deref(),
                    g("group_policy"),
                );
                c.s(
                    &w("tunnel group"),
                    s.tunnel_group.as_deref(),
                    g("tunnel_group"),
                );
                c.s(&w("login time"), s.login_time.as_deref(), g("login_time"));
                c.s(&w("duration"), s.duration.as_deref(), g("duration"));
                c.s(&w("inactivity"), s.inactivity.as_deref(), g("inactivity"));
                c.s(
                    &w("audit session id"),
                    s.audit_session_id.as_deref(),
                    g("audt_sess_id"),
                );
            }
        }
    }
    c.count("sessions", r.sessions.len(), total);
}
