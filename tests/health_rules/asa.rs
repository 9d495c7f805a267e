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
