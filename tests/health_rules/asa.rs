//! ASA: VPN sessions against the license limit, and ASP drops of expired VPN contexts.

use super::*;

#[test]
fn asa_expired_vpn_context() {
    let f = |name: &str| {
        run(
            ASA,
            "show asp drop",
            &fixture("cisco_asa", "show_asp_drop", name),
        )
    };
    let fs = f("asa9_expired_vpn_context.txt");
    assert_eq!(codes(&fs), ["ASA_EXPIRED_VPN_CONTEXT"]);
    assert!(fs[0].evidence.contains("152007"), "{}", fs[0].evidence);
    assert_eq!(codes(&f("asa7_no_ids.txt")), ["ASA_EXPIRED_VPN_CONTEXT"]);
    assert!(f("asa_cleared_empty.txt").is_empty());
    use fleetpoll::parse::asa::AspDrop;
    let drop = |n| {
        Record::AspDrop(AspDrop {
            expired_vpn_context: n,
            ..Default::default()
        })
    };
    assert!(findings(&drop(0), ASA).is_empty());
    assert_eq!(codes(&findings(&drop(1), ASA)), ["ASA_EXPIRED_VPN_CONTEXT"]);
    let t = Thresholds {
        asp_expired_vpn_context_max: 100,
        ..Default::default()
    };
    assert!(findings_with(&drop(100), ASA, &t).is_empty());
    assert_eq!(findings_with(&drop(101), ASA, &t).len(), 1);
}

#[test]
fn vpn_session_limit() {
    let f = |name: &str| {
        run(
            ASA,
            "show vpn-sessiondb summary",
            &fixture("cisco_asa", "show_vpn-sessiondb_summary", name),
        )
    };
    for name in [
        "asa82_sessions_totals_license.txt",
        "asa9_anyconnect_l2l.txt",
        "asa9_l2l_tunnels_crlf_echo_prompt.txt",
    ] {
        assert!(f(name).is_empty(), "{name}");
    }
    use fleetpoll::parse::asa::{VpnSessionRow, VpnSessiondbSummary};
    let sum = |load: Option<u64>, cap: Option<u64>, active: u64| {
        Record::VpnSessiondbSummary(VpnSessiondbSummary {
            sessions: vec![VpnSessionRow {
                name: "AnyConnect Client".into(),
                category: None,
                active,
                cumulative: None,
                peak_concurrent: None,
                inactive: None,
            }],
            device_capacity: cap,
            device_load_percent: load,
            ..Default::default()
        })
    };
    assert!(findings(&sum(Some(89), Some(250), 222), ASA).is_empty());
    let fs = findings(&sum(Some(90), Some(250), 225), ASA);
    assert_eq!(codes(&fs), ["VPN_SESSION_LIMIT"]);
    assert!(
        fs[0].evidence.contains("Device Load 90%"),
        "{}",
        fs[0].evidence
    );
    assert!(fs[0].remediation.contains("max-session-limit"));
    // No printed load: computed from the active sessions, never dividing by a zero capacity.
    assert_eq!(findings(&sum(None, Some(100), 95), ASA).len(), 1);
    assert!(findings(&sum(None, Some(100), 89), ASA).is_empty());
    assert!(findings(&sum(None, Some(0), 95), ASA).is_empty());
    assert!(findings(&sum(None, None, 95), ASA).is_empty());
}

#[test]
fn vpn_one_way_l2l() {
    let l2l = |name: &str| {
        run(
            ASA,
            "show vpn-sessiondb l2l",
            &fixture("cisco_asa", "show_vpn-sessiondb_l2l", name),
        )
    };
    let fs = l2l("asa9_two_peers.txt");
    assert_eq!(codes(&fs), ["VPN_ONE_WAY_L2L"]);
    assert_eq!(fs[0].severity, Severity::Warning);
    assert_eq!(
        fs[0].evidence,
        "peer 198.51.100.17 (connection BRANCH-17) Bytes Tx 5520311 Bytes Rx 0"
    );
    let fs = l2l("asa82_old_layout_one_way.txt");
    assert_eq!(fs[0].evidence, "peer 10.1.1.1 Bytes Tx 2960 Bytes Rx 0");
    assert!(l2l("asa9_no_sessions.txt").is_empty());

    let detail = |name: &str| {
        run(
            ASA,
            "show vpn-sessiondb detail l2l",
            &fixture("cisco_asa", "show_vpn-sessiondb_detail_l2l", name),
        )
    };
    // The session receives, but one of its IPsec SAs (selector pair) does not.
    let fs = detail("asa9_ikev2_two_child_sas.txt");
    assert_eq!(codes(&fs), ["VPN_ONE_WAY_L2L"]);
    assert_eq!(
        fs[0].evidence,
        "peer 203.0.113.20 (session Bytes Tx 884120355 Bytes Rx 201998432): IPsec SA 12.3 \
         10.30.0.0/255.255.0.0/0/0 -> 172.16.20.0/255.255.255.0/0/0 Bytes Tx 103344 Bytes Rx 0 \
         (Pkts Tx 1411, Pkts Rx 0)"
    );
    assert!(detail("asa84_ike_ipsec_sessions_indented.txt").is_empty());
    // Idle (0/0) and receive-only sessions are not this rule.
    for (tx, rx) in [(0, 0), (0, 10), (10, 10)] {
        let r = Record::VpnL2l(fleetpoll::parse::asa_sessions::VpnL2l {
            detail: false,
            sessions: vec![fleetpoll::parse::asa_sessions::L2lSession {
                ip_addr: Some("192.0.2.1".into()),
                bytes_tx: Some(tx),
                bytes_rx: Some(rx),
                ..Default::default()
            }],
        });
        assert!(findings(&r, ASA).is_empty(), "{tx}/{rx}");
    }
    let anyconnect = fixture(
        "cisco_asa",
        "show_vpn-sessiondb_anyconnect",
        "asa84_single_column_wrapped.txt",
    );
    assert!(run(ASA, "show vpn-sessiondb anyconnect", &anyconnect).is_empty());
}
