//! ASA `show vpn-sessiondb anyconnect` (ntc-templates rows, genieparser nested dict) and
//! `show vpn-sessiondb [detail] l2l` (ntc-templates: one row per IKE / IPsec sub-block, the
//! session's fields repeated, `""` when not printed): users, addresses, byte counters,
//! groups, times; peers, selectors, per-SA bytes and packets.

use super::*;
use fleetpoll::parse::asa_sessions::{AnyconnectSessions, L2lSession, VpnL2l};

pub(super) fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    let anyconnect = command.starts_with("show vpn-sessiondb anyconnect");
    let l2l = command.starts_with("show vpn-sessiondb l2l")
        || command.starts_with("show vpn-sessiondb detail l2l");
    if !anyconnect && !l2l {
        return None;
    }
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let mut c = Cmp::default();
    match &record {
        Record::VpnAnyconnect(r) if anyconnect => ac(&mut c, r, expected),
        Record::VpnL2l(r) if l2l => l2l_rows(&mut c, r, expected),
        _ => {
            return Some(Outcome::Fail(
                "parser returned the wrong record kind".into(),
            ))
        }
    }
    Some(c.outcome(expected.is_some(), raw))
}

/// ntc splits `Login Time`; put it back together as the ASA prints it.
fn ntc_login(row: &Value) -> Option<Value> {
    let parts: Vec<String> = [
        "login_time",
        "login_time_zone",
        "login_weekday",
        "login_month",
        "login_day",
        "login_year",
    ]
    .iter()
    .filter_map(|k| row.get(*k).and_then(text))
    .filter(|s| !s.is_empty())
    .collect();
    (!parts.is_empty()).then(|| Value::String(parts.join(" ")))
}

fn ac(c: &mut Cmp, r: &AnyconnectSessions, expected: Option<&Value>) {
    if let Some(rows) = ntc_rows(expected) {
        c.count("sessions", r.sessions.len(), rows.len());
        for (i, row) in rows.iter().enumerate() {
            let s = r.sessions.get(i);
            let w = |f: &str| format!("session {} {f}", i + 1);
            let g = |k: &str| row.get(k);
            c.s(
                &w("username"),
                s.map(|s| s.username.as_str()),
                g("username"),
            );
            c.n(&w("index"), s.and_then(|s| s.index), g("index"));
            c.s(
                &w("assigned ip"),
                s.and_then(|s| s.assigned_ip.as_deref()),
                g("assigned_ip"),
            );
            c.s(
                &w("assigned ipv6"),
                s.and_then(|s| s.assigned_ipv6.as_deref()),
                g("assigned_ipv6"),
            );
            c.s(
                &w("public ip"),
                s.and_then(|s| s.public_ip.as_deref()),
                g("public_ip"),
            );
            c.s(
                &w("protocol"),
                s.and_then(|s| s.protocol.as_deref()),
                g("protocol"),
            );
            c.s(
                &w("license"),
                s.and_then(|s| s.license.as_deref()),
                g("license"),
            );
            c.s(
                &w("encryption"),
                s.and_then(|s| s.encryption.as_deref()),
                g("encryption"),
            );
            c.s(
                &w("hashing"),
                s.and_then(|s| s.hashing.as_deref()),
                g("hashing"),
            );
            c.n(&w("bytes tx"), s.and_then(|s| s.bytes_tx), g("bytes_tx"));
            c.n(&w("bytes rx"), s.and_then(|s| s.bytes_rx), g("bytes_rx"));
            c.s(
                &w("group policy"),
                s.and_then(|s| s.group_policy.as_deref()),
                g("group_policy"),
            );
            c.s(
                &w("tunnel group"),
                s.and_then(|s| s.tunnel_group.as_deref()),
                g("tunnel_group"),
            );
            c.s(
                &w("login time"),
                s.and_then(|s| s.login_time.as_deref()),
                ntc_login(row).as_ref(),
            );
            c.s(
                &w("duration"),
                s.and_then(|s| s.duration.as_deref()),
                g("duration"),
            );
            c.s(
                &w("inactivity"),
                s.and_then(|s| s.inactivity.as_deref()),
                g("inactivity"),
            );
        }
        return;
    }
    // genieparser: session_type → type → username → name → index → idx → fields.
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
                let s = r.sessions.iter().find(|s| {
                    &s.username == user && s.index.map(|i| i.to_string()).as_deref() == Some(idx)
                });
                let w = |f: &str| format!("{user}/{idx} {f}");
                if s.is_none() {
                    c.fail(format!("{user}/{idx}: session not found"));
                    continue;
                }
                let g = |k: &str| e.get(k);
                c.s(
                    &w("assigned ip"),
                    s.and_then(|s| s.assigned_ip.as_deref()),
                    g("assigned_ip"),
                );
                c.s(
                    &w("public ip"),
                    s.and_then(|s| s.public_ip.as_deref()),
                    g("public_ip"),
                );
                c.s(
                    &w("protocol"),
                    s.and_then(|s| s.protocol.as_deref()),
                    g("protocol"),
                );
                c.s(
                    &w("license"),
                    s.and_then(|s| s.license.as_deref()),
                    g("license"),
                );
                let bytes = e.get("bytes");
                c.n(
                    &w("bytes tx"),
                    s.and_then(|s| s.bytes_tx),
                    bytes.and_then(|b| b.get("tx")),
                );
                c.n(
                    &w("bytes rx"),
                    s.and_then(|s| s.bytes_rx),
                    bytes.and_then(|b| b.get("rx")),
                );
                c.s(
                    &w("group policy"),
                    s.and_then(|s| s.group_policy.as_deref()),
                    g("group_policy"),
                );
                c.s(
                    &w("tunnel group"),
                    s.and_then(|s| s.tunnel_group.as_deref()),
                    g("tunnel_group"),
                );
                c.s(
                    &w("login time"),
                    s.and_then(|s| s.login_time.as_deref()),
                    g("login_time"),
                );
                c.s(
                    &w("duration"),
                    s.and_then(|s| s.duration.as_deref()),
                    g("duration"),
                );
                c.s(
                    &w("inactivity"),
                    s.and_then(|s| s.inactivity.as_deref()),
                    g("inactivity"),
                );
            }
        }
    }
    c.count("sessions", r.sessions.len(), total);
}

/// Our sessions as ntc's rows: (session, sub-block kind, tunnel id, IPsec SA index).
fn flat(r: &VpnL2l) -> Vec<(&L2lSession, String, Option<&str>, Option<usize>)> {
    let mut out = Vec::new();
    for s in &r.sessions {
        if s.ike.is_empty() && s.ipsec.is_empty() && s.other_blocks.is_empty() {
            out.push((s, String::new(), None, None));
        }
        for i in &s.ike {
            out.push((s, i.kind.clone(), i.tunnel_id.as_deref(), None));
        }
        for (k, i) in s.ipsec.iter().enumerate() {
            out.push((s, i.kind.clone(), i.tunnel_id.as_deref(), Some(k)));
        }
        for o in &s.other_blocks {
            out.push((s, o.clone(), None, None));
        }
    }
    out
}

fn l2l_rows(c: &mut Cmp, r: &VpnL2l, expected: Option<&Value>) {
    let Some(rows) = ntc_rows(expected) else {
        return;
    };
    let ours = flat(r);
    c.count("rows (sub-blocks)", ours.len(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        let w = |f: &str| format!("row {} {f}", i + 1);
        let g = |k: &str| row.get(k);
        let Some((s, kind, id, sa)) = ours.get(i) else {
            continue;
        };
        c.s(&w("connection"), Some(&s.connection), g("connection"));
        c.n(&w("index"), s.index, g("index"));
        c.s(&w("ip address"), s.ip_addr.as_deref(), g("ip_address"));
        c.s(&w("protocol"), s.protocol.as_deref(), g("protocol"));
        c.n(
            &w("total bytes tx"),
            s.bytes_tx,
            g("total_bytes_transmitted"),
        );
        c.n(&w("total bytes rx"), s.bytes_rx, g("total_bytes_received"));
        c.s(&w("duration"), s.duration.as_deref(), g("duration"));
        c.s(
            &w("login time"),
            s.login_time.as_deref(),
            ntc_login(row).as_ref(),
        );
        c.n(&w("ike sessions"), s.ike_tunnels, g("total_ike_sessions"));
        c.n(
            &w("ipsec sessions"),
            s.ipsec_tunnels,
            g("total_ipsec_sessions"),
        );
        c.s(&w("kind"), Some(kind), g("connection_type"));
        // ntc keeps the part of `Tunnel ID 6539.2` after the dot.
        let short = id.map(|t| t.rsplit('.').next().unwrap_or(t));
        c.s(&w("session id"), short, g("session_id"));
        let Some(sa) = sa.and_then(|k| s.ipsec.get(k)) else {
            continue;
        };
        let part =
            |a: Option<&str>, k: usize| a.and_then(|a| a.split('/').nth(k)).map(str::to_string);
        c.s(
            &w("local net"),
            part(sa.local_addr.as_deref(), 0).as_deref(),
            g("local_address_network"),
        );
        c.s(
            &w("local mask"),
            part(sa.local_addr.as_deref(), 1).as_deref(),
            g("local_address_mask"),
        );
        c.s(
            &w("remote net"),
            part(sa.remote_addr.as_deref(), 0).as_deref(),
            g("remote_address_network"),
        );
        c.s(
            &w("remote mask"),
            part(sa.remote_addr.as_deref(), 1).as_deref(),
            g("remote_address_mask"),
        );
        c.s(
            &w("encapsulation"),
            sa.encapsulation.as_deref(),
            g("encapsulation"),
        );
        c.n(&w("pfs group"), sa.pfs_group, g("pfs_group"));
        c.n(
            &w("rekey interval"),
            sa.rekey_interval_s,
            g("rekey_interval"),
        );
        c.n(&w("bytes tx"), sa.bytes_tx, g("bytes_transmitted"));
        c.n(&w("bytes rx"), sa.bytes_rx, g("bytes_received"));
        c.n(&w("pkts tx"), sa.pkts_tx, g("packets_transmitted"));
        c.n(&w("pkts rx"), sa.pkts_rx, g("packets_received"));
    }
}
