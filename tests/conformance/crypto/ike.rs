//! IKE / ISAKMP: `show crypto isakmp sa [detail|active]`, `show crypto ikev1 sa detail` against
//! genieparser and ntc-templates (`show crypto ikev2 sa` is `ikev2_sa.rs`).

use super::*;
use fleetpoll::parse::isakmp::{IkeSa, IsakmpSa};
use serde_json::Value;

pub(super) fn ike(c: &mut Cmp, r: &IsakmpSa, expected: Option<&Value>) {
    let Some(exp) = expected else {
        return;
    };
    if let Some(rows) = ntc_rows(expected) {
        // ASA `show crypto ikev1 sa detail` (7.x table).
        c.count("SA count", r.sas.len(), rows.len());
        for (i, (sa, row)) in r.sas.iter().zip(rows).enumerate() {
            let w = |f: &str| format!("SA {} {f}", i + 1);
            c.n(&w("sequence"), sa.index, row.get("sequence"));
            c.s(&w("peer"), sa.peer.as_deref(), row.get("peer"));
            c.s(&w("type"), sa.sa_type.as_deref(), row.get("type"));
            c.s(&w("dir"), sa.role.as_deref(), row.get("dir"));
            let rekey = sa.rekey.map(|b| if b { "yes" } else { "no" });
            c.s(&w("rekey"), rekey, row.get("rekey"));
            c.state(&w("state"), state(sa).as_deref(), row.get("state"));
            c.s(
                &w("encryption"),
                sa.encryption.as_deref(),
                row.get("encryption"),
            );
            c.s(&w("hash"), sa.hash.as_deref(), row.get("hash"));
            c.s(&w("auth"), sa.auth.as_deref(), row.get("authentication"));
            c.n(&w("lifetime"), sa.lifetime_secs, row.get("lifetime"));
        }
        return;
    }
    if let Some(stats) = exp.get("isakmp_stats").and_then(Value::as_object) {
        // IOS-XE `show crypto isakmp sa [active|detail]`: {IPv4: {1: {...}}, IPv6: {...}}.
        let mut theirs: Vec<(u8, &Value)> = Vec::new();
        for fam in ["IPv4", "ipv4", "IPv6", "ipv6"] {
            let ipv = if fam.ends_with('4') { 4 } else { 6 };
            theirs.extend(numbered(stats.get(fam)).into_iter().map(|v| (ipv, v)));
        }
        c.count("SA count", r.sas.len(), theirs.len());
        for (i, (sa, (ipv, e))) in r.sas.iter().zip(theirs).enumerate() {
            let w = |f: &str| format!("SA {} {f}", i + 1);
            c.n(
                &w("ip version"),
                sa.ip_version.map(u64::from),
                Some(&Value::from(ipv)),
            );
            c.s(
                &w("dst"),
                sa.dst.as_deref(),
                e.get("dst").or(e.get("destination")),
            );
            c.s(
                &w("src"),
                sa.src.as_deref(),
                e.get("src").or(e.get("source")),
            );
            c.state(
                &w("state"),
                sa.state.as_ref().map(|s| s.as_str()),
                e.get("state").or(e.get("session_state")),
            );
            c.n(
                &w("conn id"),
                sa.conn_id,
                e.get("conn_id").filter(|_| e.get("c_id").is_none()),
            );
            c.n(&w("c-id"), sa.conn_id, e.get("c_id"));
            c.n(&w("slot"), sa.slot, e.get("slot"));
            c.state(
                &w("status"),
                sa.status.as_ref().map(|s| s.as_str()),
                e.get("status"),
            );
            let deleted = e.get("current_status").and_then(text).as_deref() == Some("deleted");
            c.compared += 1;
            if sa.deleted != deleted {
                c.fail(format!(
                    "{}: ours {}, expected {deleted}",
                    w("deleted"),
                    sa.deleted
                ));
            }
            // detail
            c.s(&w("local"), sa.local.as_deref(), e.get("local_ip"));
            c.s(&w("remote"), sa.peer.as_deref(), e.get("remote_ip"));
            c.s(&w("ivrf"), sa.ivrf.as_deref(), e.get("ivrf"));
            c.s(
                &w("encryption"),
                sa.encryption.as_deref(),
                e.get("encr_algo"),
            );
            c.s(&w("hash"), sa.hash.as_deref(), e.get("hash_algo"));
            c.s(&w("auth"), sa.auth.as_deref(), e.get("auth_type"));
            c.n(
                &w("dh group"),
                sa.dh_group.map(u64::from),
                e.get("dh_group"),
            );
            let lt = e.get("lifetime").and_then(text).and_then(|t| hms(&t));
            c.n(
                &w("lifetime"),
                sa.remaining_secs,
                lt.map(Value::from).as_ref(),
            );
            c.s(
                &w("capabilities"),
                sa.capabilities.as_deref(),
                e.get("capabilities"),
            );
            if e.get("c_id").is_some() {
                let eng = e.get("engine_id").and_then(text);
                let cid = e.get("conn_id").and_then(text);
                if let (Some(eng), Some(cid)) = (eng, cid) {
                    let want = Value::from(format!("{eng}:{cid}"));
                    c.s(&w("engine:conn"), sa.engine_conn_id.as_deref(), Some(&want));
                }
            }
        }
        return;
    }
    // Only the IOS / IOS-XE and ASA 7.x phase 1 schemas: `show crypto ikev2 sa` is `ikev2_sa.rs`.
    c.fail("expected parse in an unknown schema".into());
}

pub(super) fn state(sa: &IkeSa) -> Option<String> {
    sa.state.as_ref().map(|s| s.as_str().to_string())
}

pub(super) fn split_addr_port(v: Option<&Value>) -> (Option<Value>, Option<Value>) {
    let Some(t) = v.and_then(text) else {
        return (None, None);
    };
    match t.rsplit_once('/') {
        Some((a, p)) => (Some(Value::from(a)), p.parse::<u64>().ok().map(Value::from)),
        None => (Some(Value::from(t)), None),
    }
}

pub(super) fn hms(t: &str) -> Option<u64> {
    let mut total = 0u64;
    for p in t.split(':') {
        total = total * 60 + p.trim().parse::<u64>().ok()?;
    }
    Some(total)
}
