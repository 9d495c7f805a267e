//! IOS-XE `show crypto ikev2 session [detailed]`, `count` and `stats` against genieparser:
//! sessions per address family, ids and states, IKE SA addresses, ports, VRFs, algorithms and
//! times, SPIs, child SA selectors and SPIs; every count; every statistics counter.

use super::*;
use fleetpoll::parse::ikev2::{Ikev2Count, Ikev2Sessions, Ikev2Stats};

/// Claims the three commands (before the `show crypto ikev2 sa` prefix check).
pub(super) fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    let session =
        command == "show crypto ikev2 session" || command.starts_with("show crypto ikev2 session ");
    let count = command == "show crypto ikev2 count";
    let stats = command == "show crypto ikev2 stats";
    if !session && !count && !stats {
        return None;
    }
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let mut c = Cmp::default();
    match (&record, session, stats) {
        (Record::Ikev2Sessions(r), true, _) => sessions(&mut c, r, expected),
        (Record::Ikev2Count(r), false, false) => counts(&mut c, r, expected),
        (Record::Ikev2Stats(r), false, true) => stats_counters(&mut c, r, expected),
        _ => {
            return Some(Outcome::Fail(
                "parser returned the wrong record kind".into(),
            ))
        }
    }
    Some(c.outcome(expected.is_some(), raw))
}

fn sessions(c: &mut Cmp, r: &Ikev2Sessions, expected: Option<&Value>) {
    let Some(top) = expected.and_then(|e| e.get("ikev2_session")) else {
        return;
    };
    let mut theirs: Vec<(u64, &Value)> = Vec::new();
    for (fam, v) in [("IPv4", 4), ("IPv6", 6)] {
        theirs.extend(numbered(top.get(fam)).into_iter().map(|e| (v, e)));
    }
    c.count("session count", r.sessions.len(), theirs.len());
    for (i, (s, (ipv, e))) in r.sessions.iter().zip(theirs).enumerate() {
        let w = |f: &str| format!("session {} {f}", i + 1);
        c.n(
            &w("ip version"),
            s.ip_version.map(u64::from),
            Some(&Value::from(ipv)),
        );
        c.n(&w("session_id"), Some(s.session_id), e.get("session_id"));
        c.s(&w("status"), Some(&s.status), e.get("status"));
        c.n(&w("ike_count"), s.ike_count, e.get("ike_count"));
        c.n(&w("child_count"), s.child_count, e.get("child_count"));
        c.n(&w("tunnel_id"), s.tunnel_id, e.get("tunnel_id"));
        c.s(&w("local_ip"), s.local.as_deref(), e.get("local_ip"));
        c.n(
            &w("local_port"),
            s.local_port.map(u64::from),
            e.get("local_port"),
        );
        c.s(&w("remote_ip"), s.remote.as_deref(), e.get("remote_ip"));
        c.n(
            &w("remote_port"),
            s.remote_port.map(u64::from),
            e.get("remote_port"),
        );
        c.s(&w("fvrf"), s.fvrf.as_deref(), e.get("fvrf"));
        c.s(&w("ivrf"), s.ivrf.as_deref(), e.get("ivrf"));
        c.state(
            &w("session_status"),
            s.sa_status.as_deref(),
            e.get("session_status"),
        );
        c.s(
            &w("encryption"),
            s.encryption.as_deref(),
            e.get("encryption"),
        );
        c.n(&w("key_length"), s.key_length, e.get("key_length"));
        c.s(&w("prf"), s.prf.as_deref(), e.get("prf"));
        c.s(&w("hash_algo"), s.hash.as_deref(), e.get("hash_algo"));
        c.n(&w("dh_group"), s.dh_group, e.get("dh_group"));
        c.s(&w("auth_sign"), s.auth_sign.as_deref(), e.get("auth_sign"));
        c.s(
            &w("auth_verify"),
            s.auth_verify.as_deref(),
            e.get("auth_verify"),
        );
        c.s(&w("pqc"), s.pqc.as_deref(), e.get("pqc"));
        c.n(&w("lifetime"), s.lifetime_secs, e.get("lifetime"));
        c.n(&w("activetime"), s.active_secs, e.get("activetime"));
        c.s(&w("local_spi"), s.local_spi.as_deref(), e.get("local_spi"));
        c.s(
            &w("remote_spi"),
            s.remote_spi.as_deref(),
            e.get("remote_spi"),
        );
        c.s(&w("local_id"), s.local_id.as_deref(), e.get("local_id"));
        c.s(&w("remote_id"), s.remote_id.as_deref(), e.get("remote_id"));
        let kids = numbered(e.get("child_sa"));
        c.count(&w("child SA count"), s.child_sas.len(), kids.len());
        for (j, (k, ek)) in s.child_sas.iter().zip(kids).enumerate() {
            let w = |f: &str| format!("session {} child {} {f}", i + 1, j + 1);
            for (name, ours) in [
                ("local_selectors", &k.local_selectors),
                ("remote_selectors", &k.remote_selectors),
                ("traffic_selectors", &k.traffic_selectors),
            ] {
                let theirs: Vec<String> = ek
                    .get(name)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(text).map(|t| squash(&t)).collect())
                    .unwrap_or_default();
                let ours: Vec<String> = ours.iter().map(|t| squash(t)).collect();
                c.compared += 1;
                if ours != theirs {
                    c.fail(format!("{}: ours {ours:?}, expected {theirs:?}", w(name)));
                }
            }
            c.s(
                &w("esp_spi_in"),
                k.esp_spi_in.as_deref(),
                ek.get("esp_spi_in"),
            );
            c.s(
                &w("esp_spi_out"),
                k.esp_spi_out.as_deref(),
                ek.get("esp_spi_out"),
            );
            c.s(
                &w("child_encr"),
                k.encryption.as_deref(),
                ek.get("child_encr"),
            );
            c.s(&w("mode"), k.mode.as_deref(), ek.get("mode"));
        }
    }
}

fn counts(c: &mut Cmp, r: &Ikev2Count, expected: Option<&Value>) {
    let Some(e) = expected else {
        return;
    };
    c.n(
        "negotiating_sas",
        r.negotiating_sas,
        e.get("negotiating_sas"),
    );
    c.n("session", r.sessions, e.get("session"));
    c.n("active_sas", r.active_sas, e.get("active_sas"));
    c.n("created_sas", r.created_sas, e.get("created_sas"));
    c.n("deleted_sas", r.deleted_sas, e.get("deleted_sas"));
    c.n(
        "marked_for_deletion_sas",
        r.marked_for_deletion_sas,
        e.get("marked_for_deletion_sas"),
    );
}

/// genieparser `ikev2_statistics` keys and the counters they read.
const STATS_KEYS: &[(&str, &str)] = &[
    ("system_resource_limit", "System Resource Limit"),
    ("max_sa", "System Resource Limit / Max IKEv2 SAs"),
    ("max_in_nego", "System Resource Limit / Max in nego in"),
    ("max_out_nego", "System Resource Limit / Max in nego out"),
    ("total_incoming_sa", "Total incoming IKEv2 SA Count"),
    (
        "total_incoming_sa_active",
        "Total incoming IKEv2 SA Count / active",
    ),
    (
        "total_incoming_sa_negotiating",
        "Total incoming IKEv2 SA Count / negotiating",
    ),
    ("total_outgoing_sa", "Total outgoing IKEv2 SA Count"),
    (
        "total_outgoing_sa_active",
        "Total outgoing IKEv2 SA Count / active",
    ),
    (
        "total_outgoing_sa_negotiating",
        "Total outgoing IKEv2 SA Count / negotiating",
    ),
    ("incoming_v2_requests", "Incoming IKEv2 Requests"),
    (
        "incoming_requests_accept",
        "Incoming IKEv2 Requests / accepted",
    ),
    (
        "incoming_requests_reject",
        "Incoming IKEv2 Requests / rejected",
    ),
    ("outgoing_v2_requests", "Outgoing IKEv2 Requests"),
    (
        "outgoing_requests_accept",
        "Outgoing IKEv2 Requests / accepted",
    ),
    (
        "outgoing_requests_reject",
        "Outgoing IKEv2 Requests / rejected",
    ),
    ("rejected_v2_requests", "Rejected IKEv2 Requests"),
    (
        "rejected_requests_rsrclow",
        "Rejected IKEv2 Requests / rsrc low",
    ),
    (
        "rejected_requests_salimit",
        "Rejected IKEv2 Requests / SA limit",
    ),
    ("ikev2_packet_drop", "IKEv2 packets dropped at dispatch"),
    (
        "incoming_requests_drop_lowq",
        "Incoming Requests dropped as LOW Q limit reached",
    ),
    (
        "deleted_sessions_cert_revoke",
        "Total Deleted sessions of Cert Revoked Peers",
    ),
    (
        "sa_strength_enforce_reject_incoming",
        "SA Strength Enforcement Rejects - incoming",
    ),
    (
        "sa_strength_enforce_reject_outgoing",
        "SA Strength Enforcement Rejects - incoming / outgoing",
    ),
    ("active_qr_sessions", "Sessions with Quantum Resistance"),
    ("qr_manual", "Sessions with Quantum Resistance / Manual"),
    ("qr_dynamic", "Sessions with Quantum Resistance / Dynamic"),
];

const COOKIE_KEYS: &[(&str, &str)] = &[
    (
        "incoming_challenge_requests",
        "Incoming IKEV2 Cookie Challenged Requests",
    ),
    (
        "incoming_challenge_accept",
        "Incoming IKEV2 Cookie Challenged Requests / accepted",
    ),
    (
        "incoming_challenge_reject",
        "Incoming IKEV2 Cookie Challenged Requests / rejected",
    ),
    (
        "incoming_challenge_no_cookie",
        "Incoming IKEV2 Cookie Challenged Requests / rejected no cookie",
    ),
];

fn stats_counters(c: &mut Cmp, r: &Ikev2Stats, expected: Option<&Value>) {
    let Some(e) = expected.and_then(|e| e.get("ikev2_statistics")) else {
        return;
    };
    for (theirs, ours) in STATS_KEYS {
        c.n(theirs, r.get(ours), e.get(*theirs));
    }
    let cookie = e.get("incoming_cookie_challenge");
    for (theirs, ours) in COOKIE_KEYS {
        c.n(theirs, r.get(ours), cookie.and_then(|v| v.get(*theirs)));
    }
}
