//! `show crypto ikev2 sa [detail|local X|remote X ...]` (IOS-XE, ASA) against genieparser: SA
//! count, tunnel ids, addresses and ports, VRFs, status, every algorithm (PRF, key size, both
//! auth methods, PQC, QR), times, session / CE ids, SPIs, and the detail lines (status
//! description, ids, DPD, NAT-T, initiator, pushed IP, remote subnets); the ASA sessions.

use super::*;
use fleetpoll::parse::ikev2_sa::Ikev2Sas;

/// Claims `show crypto ikev2 sa` and its variants (before the phase 1 prefix check).
pub(super) fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    if command != "show crypto ikev2 sa" && !command.starts_with("show crypto ikev2 sa ") {
        return None;
    }
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let Record::Ikev2Sas(r) = &record else {
        return Some(Outcome::Fail(
            "parser returned the wrong record kind".into(),
        ));
    };
    let mut c = Cmp::default();
    sas(&mut c, r, expected);
    Some(c.outcome(expected.is_some(), raw))
}

fn sas(c: &mut Cmp, r: &Ikev2Sas, expected: Option<&Value>) {
    let Some(exp) = expected else {
        return;
    };
    if let Some(sessions) = exp.get("sessions") {
        // ASA genie schema: {'sessions': {id: {...}}}: distinct session ids.
        let n = sessions.as_object().map_or(0, |o| o.len());
        let mut ids: Vec<Option<u64>> = r.sas.iter().map(|s| s.session_id).collect();
        ids.sort();
        ids.dedup();
        c.count("IKEv2 session count", ids.len(), n);
        return;
    }
    // IOS-XE: {ipv4: {1: {...}}, ipv6: {...}}, or (local / remote / detail) {tunnel_id: {id: {...}}}.
    let mut theirs: Vec<(Option<u64>, Option<u64>, &Value)> = Vec::new();
    if let Some(t) = exp.get("tunnel_id").and_then(Value::as_object) {
        for (k, v) in t {
            theirs.push((k.parse().ok(), None, v));
        }
        // A dict keyed by tunnel id has no order: pair by tunnel id.
        theirs.sort_by_key(|(tid, _, _)| {
            r.sas
                .iter()
                .position(|s| Some(s.tunnel_id) == *tid)
                .unwrap_or(usize::MAX)
        });
    } else {
        for (fam, v) in [("ipv4", 4), ("ipv6", 6)] {
            theirs.extend(
                numbered(exp.get(fam))
                    .into_iter()
                    .map(|e| (None, Some(v), e)),
            );
        }
    }
    c.count("IKEv2 SA count", r.sas.len(), theirs.len());
    for (i, (sa, (tid, ipv, e))) in r.sas.iter().zip(theirs).enumerate() {
        let w = |f: &str| format!("SA {} {f}", i + 1);
        let tid_v = tid.map(Value::from);
        c.n(
            &w("tunnel id"),
            Some(sa.tunnel_id),
            e.get("tunnel_id").or(tid_v.as_ref()),
        );
        if let Some(v) = ipv {
            c.n(
                &w("ip version"),
                sa.ip_version.map(u64::from),
                Some(&Value::from(v)),
            );
        }
        let (lip, lport) = split_addr_port(e.get("local"));
        let (rip, rport) = split_addr_port(e.get("remote"));
        c.s(
            &w("local"),
            sa.local.as_deref(),
            e.get("local_ip").or(lip.as_ref()),
        );
        c.n(
            &w("local port"),
            sa.local_port.map(u64::from),
            e.get("local_port").or(lport.as_ref()),
        );
        c.s(
            &w("remote"),
            sa.remote.as_deref(),
            e.get("remote_ip").or(rip.as_ref()),
        );
        c.n(
            &w("remote port"),
            sa.remote_port.map(u64::from),
            e.get("remote_port").or(rport.as_ref()),
        );
        c.s(&w("fvrf"), sa.fvrf.as_deref(), e.get("fvrf"));
        c.s(&w("ivrf"), sa.ivrf.as_deref(), e.get("ivrf"));
        c.state(&w("status"), Some(sa.status.as_str()), e.get("status"));
        c.s(
            &w("encryption"),
            sa.encryption.as_deref(),
            e.get("encryption"),
        );
        c.n(&w("keysize"), sa.key_length, e.get("keysize"));
        c.s(&w("prf"), sa.prf.as_deref(), e.get("prf"));
        c.s(&w("hash"), sa.hash.as_deref(), e.get("hash"));
        c.n(
            &w("dh group"),
            sa.dh_group,
            e.get("dh_group").or(e.get("dh_grp")),
        );
        c.s(&w("auth sign"), sa.auth_sign.as_deref(), e.get("auth_sign"));
        c.s(
            &w("auth verify"),
            sa.auth_verify.as_deref(),
            e.get("auth_verify"),
        );
        c.s(&w("pqc"), sa.pqc.as_deref(), e.get("pqc"));
        if e.get("qr").is_some() {
            c.count("QR", usize::from(sa.quantum_resistant), 1);
        }
        c.n(&w("lifetime"), sa.lifetime_secs, e.get("life_time"));
        c.n(&w("active time"), sa.active_secs, e.get("active_time"));
        c.n(&w("ce id"), sa.ce_id, e.get("ce_id"));
        c.n(&w("session id"), sa.session_id, e.get("session_id"));
        c.s(&w("local spi"), sa.local_spi.as_deref(), e.get("local_spi"));
        c.s(
            &w("remote spi"),
            sa.remote_spi.as_deref(),
            e.get("remote_spi"),
        );
        // detail
        c.s(
            &w("status description"),
            sa.status_description.as_deref(),
            e.get("status_description"),
        );
        c.s(&w("local id"), sa.local_id.as_deref(), e.get("local_id"));
        c.s(&w("remote id"), sa.remote_id.as_deref(), e.get("remote_id"));
        c.n(&w("dpd"), sa.dpd_secs, e.get("dpd_configured_time"));
        c.n(&w("dpd retry"), sa.dpd_retry, e.get("retry"));
        c.s(&w("nat-t"), sa.nat_t.as_deref(), e.get("nat_t"));
        let init = sa.initiator.map(|b| if b { "yes" } else { "no" });
        c.s(&w("initiator"), init, e.get("initiator_of_sa"));
        c.s(&w("pushed ip"), sa.pushed_ip.as_deref(), e.get("pushed_ip"));
        if let Some(list) = e.get("remote_subnets").and_then(Value::as_array) {
            c.count(&w("remote subnets"), sa.remote_subnets.len(), list.len());
            for (j, (ours, theirs)) in sa.remote_subnets.iter().zip(list).enumerate() {
                c.s(&w(&format!("remote subnet {j}")), Some(ours), Some(theirs));
            }
        }
    }
}
