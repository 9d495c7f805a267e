//! `IKEV2_SA_NOT_READY` over `show crypto ikev2 sa`: a peer with nothing READY (critical), a
//! rekey's leftover only when it outlasts `ikev2_not_ready_secs` (warning, boundaries), the
//! rekey itself and healthy tables (nothing), one finding per peer, VRFs, the threshold.

use super::*;

const IKEV2: &str = "show crypto ikev2 sa";
const CODE: &str = "IKEV2_SA_NOT_READY";

/// An IOS-XE table: (tunnel id, remote, fvrf, status, active seconds) per row.
fn xe(rows: &[(u64, &str, &str, &str, u64)]) -> String {
    let mut o = String::from(" IPv4 Crypto IKEv2  SA \n\n");
    for (tid, remote, fvrf, status, active) in rows {
        o.push_str(&format!(
            "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n\
             {tid:<9} 10.0.0.1/500          {:<21} {:<20} {status:<7}\n\
             \x20     Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK\n\
             \x20     Life/Active Time: 86400/{active} sec\n\n",
            format!("{remote}/500"),
            format!("{fvrf}/none"),
        ));
    }
    o.push_str(" IPv6 Crypto IKEv2  SA \n\n");
    o
}

fn with_limit(secs: u64) -> Thresholds {
    Thresholds {
        ikev2_not_ready_secs: secs,
        ..Thresholds::default()
    }
}

#[test]
fn asa_peer_with_only_an_in_neg_sa_is_critical_and_named() {
    let t = fixture("cisco_asa", "show_crypto_ikev2_sa", "asa9_two_tunnels.txt");
    let fs = run(ASA, IKEV2, &t);
    assert_eq!(codes(&fs), [CODE], "{fs:#?}");
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Critical);
    assert!(
        f.evidence.starts_with("peer 198.51.100.91:"),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence.contains("tunnel-id 14829350 IN-NEG"),
        "{}",
        f.evidence
    );
    assert!(
        f.evidence.contains("session 72 UP-IN-NEG"),
        "{}",
        f.evidence
    );
    assert!(f.evidence.contains("no READY SA"), "{}", f.evidence);
    assert!(
        !f.evidence.contains("198.51.100.90"),
        "the READY peer is healthy"
    );
    assert!(f.message.contains("not established"), "{}", f.message);
    assert!(f.remediation.contains("UDP 500/4500"), "{}", f.remediation);
    // The same through the detail form.
    let d = fixture(
        "cisco_asa",
        "show_crypto_ikev2_sa_detail",
        "asa9_in_neg_no_child.txt",
    );
    let fs = run(ASA, "show crypto ikev2 sa detail", &d);
    assert_eq!(codes(&fs), [CODE]);
    assert!(fs[0].evidence.starts_with("peer 198.51.100.77:"));
}

#[test]
fn a_rekey_in_progress_is_not_a_finding() {
    for (p, dir, name) in [
        // READY 9 s + the old SA DELETE, in one ASA session (IKE count:2).
        (ASA, "show_crypto_ikev2_sa", "asa9_rekey_session_counts.txt"),
        // IOS-XE: the replacement READY for 6 s, the old one DELETE.
        (
            IOS,
            "show_crypto_ikev2_sa",
            "iosxe_rekey_ready_and_delete.txt",
        ),
        (ASA, "show_crypto_ikev2_sa", "asa_none.txt"),
        (ASA, "show_crypto_ikev2_sa_detail", "asa9_two_child_sas.txt"),
        (IOS, "show_crypto_ikev2_sa", "iosxe_ipv6_split_lines.txt"),
        (IOS, "show_crypto_ikev2_sa", "iosxe_detail_collapsed.txt"),
    ] {
        let plat = if p == ASA { "cisco_asa" } else { "cisco_ios" };
        let t = fixture(plat, dir, name);
        assert!(run(p, IKEV2, &t).is_empty(), "{name}");
    }
    // A rekey's new SA still negotiating beside the old READY one (its active time 0).
    let t = xe(&[
        (3, "10.9.0.2", "none", "READY", 64_830),
        (5, "10.9.0.2", "none", "IN-NEG", 0),
    ]);
    assert!(run(XE, IKEV2, &t).is_empty());
}

#[test]
fn a_delete_left_behind_is_a_warning_only_beyond_the_threshold() {
    let at = |ready_for: u64| {
        xe(&[
            (8, "10.9.0.7", "none", "READY", ready_for),
            (6, "10.9.0.7", "none", "DELETE", 70_000),
        ])
    };
    let r = rec(XE, IKEV2, &at(300));
    assert!(findings(&r, XE).is_empty(), "300 s is not more than 300");
    let fs = findings(&rec(XE, IKEV2, &at(301)), XE);
    assert_eq!(codes(&fs), [CODE]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.evidence.contains("tunnel-id 6 DELETE")
            && f.evidence.contains("tunnel-id 8 READY for 301 s")
            && f.evidence.contains("ikev2_not_ready_secs 300"),
        "{}",
        f.evidence
    );
    assert!(f.message.contains("the tunnel is up"), "{}", f.message);
    assert!(f.remediation.contains("READY SA"), "{}", f.remediation);
    // The playbook's threshold decides: the fixture's 6 s after its rekey is too long at 5.
    let t = fixture(
        "cisco_ios",
        "show_crypto_ikev2_sa",
        "iosxe_rekey_ready_and_delete.txt",
    );
    let fs = findings_with(&rec(IOS, IKEV2, &t), IOS, &with_limit(5));
    assert_eq!(codes(&fs), [CODE]);
    assert_eq!(fs[0].severity, Severity::Warning);
    assert!(
        fs[0].evidence.starts_with("peer 10.250.9.20 (fvrf WAN):"),
        "{}",
        fs[0].evidence
    );
    // Against the newest READY SA, not an older one.
    let t = xe(&[
        (1, "10.9.0.7", "none", "READY", 50_000),
        (8, "10.9.0.7", "none", "READY", 20),
        (6, "10.9.0.7", "none", "DELETE", 70_000),
    ]);
    assert!(run(XE, IKEV2, &t).is_empty());
}

#[test]
fn a_negotiation_beside_a_ready_sa_counts_its_own_active_time() {
    let t = |neg: u64| {
        xe(&[
            (3, "10.9.0.2", "none", "READY", 2_000),
            (5, "10.9.0.2", "none", "IN-NEG", neg),
        ])
    };
    assert!(run(XE, IKEV2, &t(300)).is_empty());
    let fs = run(XE, IKEV2, &t(400));
    assert_eq!(codes(&fs), [CODE]);
    assert_eq!(fs[0].severity, Severity::Warning);
    assert!(
        fs[0]
            .evidence
            .contains("tunnel-id 5 IN-NEG (active 400 s) for 400 s")
            && fs[0].evidence.contains("beside tunnel-id 3 READY"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn nothing_ready_is_critical_whatever_the_threshold_one_finding_per_peer() {
    let t = xe(&[
        (2, "10.9.0.9", "none", "IN-NEG", 0),
        (4, "10.9.0.9", "none", "DELETE", 4_000),
        (7, "10.9.0.10", "none", "DELETE", 12),
        (9, "10.9.0.11", "none", "READY", 12),
        (11, "10.9.0.12", "none", "AUTH-WAIT", 0),
    ]);
    for limit in [0, 300, 86_400] {
        let fs = findings_with(&rec(XE, IKEV2, &t), XE, &with_limit(limit));
        assert_eq!(codes(&fs), [CODE, CODE, CODE], "{fs:#?}");
        assert!(fs.iter().all(|f| f.severity == Severity::Critical));
        assert!(fs[0].evidence.starts_with("peer 10.9.0.9:"));
        assert!(
            fs[0].message.contains("its SAs are IN-NEG, DELETE"),
            "{}",
            fs[0].message
        );
        assert!(fs[1].evidence.starts_with("peer 10.9.0.10:"));
        // A status of a later release is judged by what it is not: READY.
        assert!(fs[2].evidence.contains("AUTH-WAIT"), "{}", fs[2].evidence);
    }
}

#[test]
fn one_address_in_two_front_door_vrfs_is_two_peers() {
    let t = xe(&[
        (1, "10.9.0.2", "INET-A", "READY", 900),
        (2, "10.9.0.2", "INET-B", "IN-NEG", 0),
    ]);
    let fs = run(XE, IKEV2, &t);
    assert_eq!(codes(&fs), [CODE]);
    assert_eq!(fs[0].severity, Severity::Critical);
    assert!(
        fs[0].evidence.starts_with("peer 10.9.0.2 (fvrf INET-B):"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn ikev2_not_ready_secs_defaults_to_300_and_is_bounded() {
    assert_eq!(Thresholds::default().ikev2_not_ready_secs, 300);
    let t: Thresholds = serde_yaml::from_str("ikev2_not_ready_secs: 86400").unwrap();
    assert!(t.validate().is_ok());
    let t: Thresholds = serde_yaml::from_str("ikev2_not_ready_secs: 86401").unwrap();
    let (f, m) = t.validate().unwrap_err();
    assert_eq!(f, "ikev2_not_ready_secs");
    assert!(m.contains("0 to 86400"), "{m}");
    assert!(serde_yaml::from_str::<Thresholds>("ikev2_not_ready_secs: -1").is_err());
    let s: HealthSection =
        serde_yaml::from_str("thresholds: {ikev2_not_ready_secs: 90000}").unwrap();
    assert_eq!(
        s.validate().unwrap_err().0,
        "health.thresholds.ikev2_not_ready_secs"
    );
}
