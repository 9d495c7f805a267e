//! IOS / IOS-XE VPN sessions: `CRYPTO_SESSION_DOWN` over `show crypto session [detail]` and
//! `DMVPN_PEER_DOWN` over `show dmvpn [detail]`, from the parser fixtures; healthy, idle and
//! negotiating sessions and dynamic spoke-to-spoke entries are not findings.

use super::*;

#[test]
fn crypto_session_down_and_up_no_ike() {
    let t = fixture(
        "cisco_ios",
        "show_crypto_session",
        "down_up_no_ike_crlf.txt",
    );
    let fs = run(IOS, "show crypto session", &t);
    assert_eq!(
        codes(&fs),
        ["CRYPTO_SESSION_DOWN", "CRYPTO_SESSION_DOWN"],
        "{fs:#?}"
    );
    assert!(fs.iter().all(|f| f.severity == Severity::Critical));
    assert_eq!(
        fs[0].evidence,
        "peer 198.51.100.7 port 500 on GigabitEthernet0/0: Session status DOWN (no IKE SA; 0 active IPsec SAs; expected UP-ACTIVE)"
    );
    assert_eq!(
        fs[0].message,
        "crypto session with peer 198.51.100.7 port 500 on GigabitEthernet0/0 is down"
    );
    assert_eq!(
        fs[1].evidence,
        "peer 203.0.113.9 port 500 on GigabitEthernet0/0: Session status UP-NO-IKE (no IKE SA; 2 active IPsec SAs; expected UP-ACTIVE)"
    );
    assert!(fs[1].message.contains("cannot rekey"), "{}", fs[1].message);
    assert!(
        !fs.iter().any(|f| f.evidence.contains("192.0.2.44")),
        "UP-ACTIVE is healthy"
    );
}

#[test]
fn crypto_session_detail_up_no_ike_and_xe() {
    let t = fixture(
        "cisco_ios",
        "show_crypto_session_detail",
        "no_banner_up_no_ike.txt",
    );
    let fs = run(XE, "show crypto session detail", &t);
    assert_eq!(codes(&fs), ["CRYPTO_SESSION_DOWN"]);
    assert_eq!(
        fs[0].evidence,
        "peer 10.1.1.3 port 500 on Tunnel0: Session status UP-NO-IKE (no IKE SA; 2 active IPsec SAs; expected UP-ACTIVE)"
    );
}

#[test]
fn healthy_idle_and_negotiating_sessions_are_not_findings() {
    for (dir, case) in [
        ("show_crypto_session", "crypto_map_and_svti_up.txt"),
        ("show_crypto_session", "ikev2_ipv6_wrapped.txt"),
        ("show_crypto_session_detail", "ikev2_vrf_two_flows.txt"),
        // DOWN-NEGOTIATING is not in the rule (issue 13: DOWN or UP-NO-IKE).
        ("show_crypto_session_detail", "down_negotiating_and_up.txt"),
    ] {
        let t = fixture("cisco_ios", dir, case);
        assert!(
            run(IOS, "show crypto session detail", &t).is_empty(),
            "{case}"
        );
    }
}

#[test]
fn dmvpn_spoke_whose_hub_is_in_nhrp() {
    let t = fixture("cisco_ios", "show_dmvpn", "spoke_hub_in_nhrp.txt");
    let fs = run(IOS, "show dmvpn", &t);
    assert_eq!(codes(&fs), ["DMVPN_PEER_DOWN"], "{fs:#?}");
    assert_eq!(fs[0].severity, Severity::Critical);
    assert_eq!(
        fs[0].evidence,
        "peer 10.253.0.2 (NBMA 10.202.0.170) on Tunnel100 (Spoke): State NHRP, UpDn 48w0d, Attrb S (expected UP)"
    );
    assert_eq!(
        fs[0].message,
        "DMVPN peer 10.253.0.2 (NBMA 10.202.0.170) on Tunnel100 (Spoke) is NHRP instead of UP"
    );
}

#[test]
fn dmvpn_static_ike_peer_is_down_dynamic_spoke_shortcut_is_not() {
    let t = fixture("cisco_ios", "show_dmvpn", "two_tunnels_continuations.txt");
    let fs = run(IOS, "show dmvpn", &t);
    // 172.30.90.1 (S, IKE) is down; 172.30.91.14 (DX on a spoke) is a shortcut: not judged.
    assert_eq!(codes(&fs), ["DMVPN_PEER_DOWN"], "{fs:#?}");
    assert!(fs[0]
        .evidence
        .starts_with("peer 172.30.90.1 (NBMA 172.29.0.1) on Tunnel90 (Spoke): State IKE"));
}

#[test]
fn dmvpn_hub_sees_each_down_spoke() {
    let t = fixture("cisco_ios", "show_dmvpn", "hub_ipv6_nbma_tabs.txt");
    let fs = run(XE, "show dmvpn", &t);
    assert_eq!(
        codes(&fs),
        ["DMVPN_PEER_DOWN", "DMVPN_PEER_DOWN"],
        "{fs:#?}"
    );
    assert!(
        fs[0]
            .evidence
            .contains("192.3.1.123 (NBMA 2001:DB8:1202::123)")
            && fs[0].evidence.contains("State DOWN")
    );
    assert!(fs[1].evidence.contains("NBMA UNKNOWN") && fs[1].evidence.contains("Attrb IX"));
    let t = fixture(
        "cisco_ios",
        "show_dmvpn_detail",
        "hub_with_crypto_details.txt",
    );
    let fs = run(IOS, "show dmvpn detail", &t);
    assert_eq!(codes(&fs), ["DMVPN_PEER_DOWN"]);
    assert!(fs[0]
        .evidence
        .starts_with("peer 10.0.0.3 (NBMA 172.16.3.1) on Tunnel1 (Hub): State NHRP"));
    let t = fixture("cisco_ios", "show_dmvpn_detail", "spoke_nhs_up.txt");
    assert!(run(IOS, "show dmvpn detail", &t).is_empty());
}
