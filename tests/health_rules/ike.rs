//! IKE phase 1: pre-shared key mismatches, stuck main and aggressive modes, XAUTH on
//! site-to-site tunnels, and the healthy states and rekeys that must not be findings.

use super::*;

const ISAKMP: &str = "show crypto isakmp sa";

#[test]
fn ike_psk_mismatch_asa_fixture_msg_6_spelling() {
    let t = fixture(
        "cisco_asa",
        "show_crypto_isakmp_sa",
        "asa8_mm_wait_msg6.txt",
    );
    let fs = run(ASA, ISAKMP, &t);
    assert_eq!(codes(&fs), ["IKE_PSK_MISMATCH"], "{fs:#?}");
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.evidence.contains("198.51.100.40") && f.evidence.contains("MM_WAIT_MSG6"));
    assert!(
        !f.evidence.contains("198.51.100.77"),
        "the MM_ACTIVE peer is healthy"
    );
    assert!(f.remediation.contains("pre-shared key"));
}

#[test]
fn ike_psk_mismatch_without_underscore_and_on_ios() {
    let asa = "   Active SA: 1\n    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: 1\n\n1   IKE Peer: 10.7.13.20\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : MM_WAIT_MSG6\n";
    assert_eq!(codes(&run(ASA, ISAKMP, asa)), ["IKE_PSK_MISMATCH"]);
    let ios = "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n10.1.1.2        10.1.0.1        MM_WAIT_MSG6         0 ACTIVE\n";
    assert_eq!(codes(&run(IOS, ISAKMP, ios)), ["IKE_PSK_MISMATCH"]);
}

#[test]
fn ike_p1_stuck_msg4_names_the_peer_address_problem() {
    let t = fixture(
        "cisco_asa",
        "show_crypto_isakmp_sa",
        "asa7_table_context_prompt.txt",
    );
    let fs = run(ASA, ISAKMP, &t);
    assert_eq!(codes(&fs), ["IKE_P1_STUCK"], "{fs:#?}");
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.evidence.contains("198.18.4.13") && f.evidence.contains("MM_WAIT_MSG4"));
    assert!(f.message.contains("peer IP address"), "{}", f.message);
    assert!(f.remediation.contains("tunnel-group") && f.remediation.contains("set peer"));
}

#[test]
fn ike_p1_stuck_main_mode_states_on_ios() {
    for state in [
        "MM_NO_STATE",
        "MM_WAIT_MSG2",
        "MM_WAIT_MSG3",
        "MM_WAIT_MSG5",
        "MM_SA_SETUP",
    ] {
        let t = format!("IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n10.1.1.2        10.1.0.1        {state:<14}       0 ACTIVE\n");
        let fs = run(IOS, ISAKMP, &t);
        assert_eq!(codes(&fs), ["IKE_P1_STUCK"], "{state}");
        assert!(
            fs[0].evidence.contains(state),
            "{state}: {}",
            fs[0].evidence
        );
        assert!(
            !fs[0].remediation.contains("tunnel-group name"),
            "generic remedy for {state}"
        );
    }
}

#[test]
fn ike_aggressive_stuck_ios_fixture_and_asa() {
    let t = fixture(
        "cisco_ios",
        "show_crypto_isakmp_sa",
        "crlf_echo_prompt_ag_init_exch.txt",
    );
    let fs = run(IOS, ISAKMP, &t);
    assert_eq!(codes(&fs), ["IKE_AGGRESSIVE_STUCK"], "{fs:#?}");
    assert_eq!(fs[0].severity, Severity::Critical);
    assert!(fs[0].evidence.contains("10.31.0.5"), "{}", fs[0].evidence);
    assert!(fs[0].remediation.contains("UDP 500"));
    let asa = "1   IKE Peer: 10.7.13.20\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : AG_INIT_EXCH\n";
    assert_eq!(codes(&run(ASA, ISAKMP, asa)), ["IKE_AGGRESSIVE_STUCK"]);
}

#[test]
fn remote_access_user_logging_in_is_not_a_stuck_tunnel() {
    // An ASA remote-access client (Type: user) in aggressive mode is a login in progress.
    let t = fixture(
        "cisco_asa",
        "show_crypto_ikev1_sa",
        "asa9_aggressive_stuck_pager.txt",
    );
    assert!(run(ASA, "show crypto ikev1 sa", &t).is_empty());
    let user = |state: &str| {
        format!("1   IKE Peer: 100.70.3.3\n    Type    : user            Role    : responder\n    Rekey   : no              State   : {state}\n")
    };
    for state in ["AG_INIT_EXCH", "CONF_XAUTH", "CONF_ADDR", "MM_WAIT_MSG3"] {
        assert!(run(ASA, ISAKMP, &user(state)).is_empty(), "{state}");
    }
    // ... but a pre-shared key mismatch is a mismatch whoever the peer is.
    assert_eq!(
        codes(&run(ASA, ISAKMP, &user("MM_WAIT_MSG6"))),
        ["IKE_PSK_MISMATCH"]
    );
}

#[test]
fn ike_xauth_on_l2l_seed_sample_names_each_peer_once() {
    // The seed's sample: dst is the router itself (common to every row), src the L2L peers.
    let t = fixture(
        "cisco_ios",
        "show_crypto_isakmp_sa",
        "ios_old_slot_column.txt",
    );
    let fs = run(IOS, ISAKMP, &t);
    assert_eq!(
        codes(&fs),
        ["IKE_XAUTH_ON_L2L", "IKE_XAUTH_ON_L2L"],
        "{fs:#?}"
    );
    assert!(
        fs[0].evidence.starts_with("peer 172.20.9.77"),
        "{}",
        fs[0].evidence
    );
    assert!(
        fs[1].evidence.starts_with("peer 172.20.9.81"),
        "{}",
        fs[1].evidence
    );
    assert!(fs.iter().all(|f| f.remediation.contains("no-xauth")));
    assert!(fs.iter().all(|f| f.severity == Severity::Critical));
    // Same output on IOS-XE.
    assert_eq!(run(XE, ISAKMP, &t).len(), 2);
}

#[test]
fn conf_xauth_is_an_ios_symptom_only() {
    // ASA L2L peers use tunnel-groups; an ASA CONF_XAUTH SA is not this rule's business.
    let asa = "1   IKE Peer: 10.7.13.20\n    Type    : L2L             Role    : responder\n    Rekey   : no              State   : CONF_XAUTH\n";
    assert!(run(ASA, ISAKMP, asa).is_empty());
}

#[test]
fn healthy_ike_states_never_produce_findings() {
    let ok = [
        (ASA, "show_crypto_isakmp_sa", "asa9_ikev1_ikev2.txt", ISAKMP),
        (ASA, "show_crypto_isakmp_sa", "asa9_no_sas.txt", ISAKMP),
        (
            ASA,
            "show_crypto_ikev1_sa",
            "asa9_two_peers.txt",
            "show crypto ikev1 sa",
        ),
        (IOS, "show_crypto_isakmp_sa", "ios_empty.txt", ISAKMP),
        // MM_NO_STATE (deleted): an SA being torn down.
        (
            IOS,
            "show_crypto_isakmp_sa",
            "iosxe_ipv4_ipv6_deleted.txt",
            ISAKMP,
        ),
    ];
    for (p, dir, name, cmd) in ok {
        let plat = if p == ASA { "cisco_asa" } else { "cisco_ios" };
        let fs = run(p, cmd, &fixture(plat, dir, name));
        assert!(fs.is_empty(), "{name}: {fs:#?}");
    }
    // Every up state, built directly, on every platform.
    use fleetpoll::parse::isakmp::{IkeSa, IkeState, IsakmpSa};
    for state in [
        IkeState::MmActive,
        IkeState::AmActive,
        IkeState::QmIdle,
        IkeState::Ready,
    ] {
        for p in Platform::ALL {
            let r = Record::IsakmpSa(IsakmpSa {
                sas: vec![IkeSa {
                    peer: Some("10.0.0.2".into()),
                    sa_type: Some("L2L".into()),
                    state: Some(state.clone()),
                    ..Default::default()
                }],
                ..Default::default()
            });
            assert!(findings(&r, p).is_empty(), "{state} on {p}");
        }
    }
}

#[test]
fn an_eighteen_hour_rekey_is_not_a_fault() {
    // ASA during rekey: "1 Active and 1 Rekey SA" for the same peer.
    let asa = "   Active SA: 1\n    Rekey SA: 1 (A tunnel will report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: 2\n\n\
1   IKE Peer: 10.7.13.20\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : MM_ACTIVE\n\
2   IKE Peer: 10.7.13.20\n    Type    : L2L             Role    : initiator\n    Rekey   : yes             State   : MM_WAIT_MSG2\n";
    assert!(run(ASA, ISAKMP, asa).is_empty());
    // IOS: the peer initiates the new SA (dst/src reversed) while the old one is QM_IDLE.
    let ios =
        "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\
10.1.1.2        10.1.0.1        QM_IDLE           1001 ACTIVE\n\
10.1.0.1        10.1.1.2        MM_KEY_EXCH       1002 ACTIVE\n\
10.1.1.2        10.1.0.1        QM_IDLE           1000 ACTIVE (deleted)\n";
    assert!(run(IOS, ISAKMP, ios).is_empty());
    // Without an established SA for that peer the same state is a failure.
    let ios_down =
        "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\
10.1.0.1        10.1.1.2        MM_KEY_EXCH       1002 ACTIVE\n\
10.1.3.2        10.1.0.1        QM_IDLE           1003 ACTIVE\n";
    let fs = run(IOS, ISAKMP, ios_down);
    assert_eq!(codes(&fs), ["IKE_PSK_MISMATCH"], "IOS MM_KEY_EXCH");
    assert!(
        fs[0].evidence.starts_with("peer 10.1.1.2"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn ikev2_sas_in_the_asa_isakmp_output_are_left_to_the_ikev2_rule() {
    // The ASA 9.x `IKEv2 SAs:` section of `show crypto isakmp sa`, one tunnel IN-NEG with no
    // READY SA to its peer: `IKEV2_SA_NOT_READY` judges it from `show crypto ikev2 sa`
    // (tests/health_rules/ikev2.rs), so the phase 1 rules do not report it a second time.
    let t = fixture("cisco_asa", "show_crypto_ikev2_sa", "asa9_two_tunnels.txt");
    let r = rec(ASA, ISAKMP, &t);
    let Record::IsakmpSa(ike) = &r else {
        panic!("not an isakmp record")
    };
    assert_eq!(ike.down(), 1, "the IN-NEG tunnel is read");
    assert!(findings(&r, ASA).is_empty());
    // An IKEv1 SA in the same state family still is.
    let v1 = "1   IKE Peer: 10.7.13.20\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : MM_WAIT_MSG2\n";
    assert_eq!(codes(&run(ASA, ISAKMP, v1)), ["IKE_P1_STUCK"]);
}

#[test]
fn repeated_rows_for_one_peer_give_one_finding() {
    let ios = "dst             src             state          conn-id status\n\
10.1.1.2        10.1.0.1        MM_NO_STATE          0 ACTIVE\n\
10.1.1.2        10.1.0.1        MM_NO_STATE          0 ACTIVE\n\
10.1.1.2        10.1.0.1        MM_NO_STATE          0 ACTIVE\n";
    let fs = run(IOS, ISAKMP, ios);
    assert_eq!(codes(&fs), ["IKE_P1_STUCK"]);
    // A single row: no way to tell which column is the router, both are named.
    assert!(
        fs[0].evidence.contains("dst 10.1.1.2 src 10.1.0.1"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn ios_mm_key_exch_is_a_psk_mismatch_unless_certificates() {
    // Issue 13 item 2: on IOS, DH completed but authentication did not.
    let ios =
        "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\
10.1.1.2        10.1.0.1        MM_KEY_EXCH       1002 ACTIVE\n";
    let fs = run(IOS, ISAKMP, ios);
    assert_eq!(codes(&fs), ["IKE_PSK_MISMATCH"], "{fs:#?}");
    assert_eq!(fs[0].severity, Severity::Critical);
    assert_eq!(
        fs[0].evidence,
        "dst 10.1.1.2 src 10.1.0.1 [IKEv1, conn-id 1002]: state MM_KEY_EXCH (established would be QM_IDLE)"
    );
    assert!(fs[0].message.contains("pre-shared keys do not match"));
    // The same on IOS-XE; the ASA never prints MM_KEY_EXCH as a PSK symptom.
    assert_eq!(codes(&run(XE, ISAKMP, ios)), ["IKE_PSK_MISMATCH"]);
    // An RSA-signature SA (detail `Auth` column) is not a key mismatch: still stuck.
    let mut r = rec(IOS, ISAKMP, ios);
    if let Record::IsakmpSa(x) = &mut r {
        x.sas[0].auth = Some("rsig".into());
    }
    assert_eq!(codes(&findings(&r, IOS)), ["IKE_P1_STUCK"]);
}
