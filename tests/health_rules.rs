//! The health rule catalogue (`fleetpoll::health::rules`): every rule with records that trigger
//! it and records that must not (boundaries at thresholds, healthy states, CERM disabled, zero
//! maxima), thresholds validation, a no-panic sweep over every parser fixture, and the
//! simulator scenarios of `playbooks/health.yaml` end to end (render → parse → rules).

use fleetpoll::health::rules::{check_record, rules_of, Thresholds, RULES};
use fleetpoll::health::{Finding, HealthSection, Severity};
use fleetpoll::parse::{self, Record};
use fleetpoll::sim::scenario::{RenderCtx, Scenario};
use fleetpoll::Platform;
use std::collections::BTreeSet;
use std::path::Path;

use Platform::{CiscoAsa as ASA, CiscoIos as IOS, CiscoWaas as WAAS, CiscoXe as XE};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/// Parse `text` with the parser registered for `command` on `platform`.
fn rec(platform: Platform, command: &str, text: &str) -> Record {
    let spec = parse::lookup(platform, command)
        .unwrap_or_else(|| panic!("no parser for {platform} `{command}`"));
    (spec.parse)(text).unwrap_or_else(|e| panic!("{platform} `{command}`: {e}\n{text}"))
}

/// Run the rules on one record and check what every finding must satisfy: a known code, its
/// catalogue severity (no overrides here), evidence and remediation filled, no command set.
fn findings_with(r: &Record, platform: Platform, t: &Thresholds) -> Vec<Finding> {
    let mut out = Vec::new();
    check_record(r, platform, t, &mut |f| out.push(f));
    for f in &out {
        let info = RULES
            .iter()
            .find(|i| i.code == f.code)
            .unwrap_or_else(|| panic!("finding with a code missing from RULES: {f:?}"));
        assert_eq!(f.severity, info.severity, "{f:?}");
        assert!(
            rules_of(r).iter().any(|i| i.code == f.code),
            "{} is not among the rules of its record's family: {f:?}",
            f.code
        );
        assert!(!f.message.is_empty() && !f.evidence.is_empty(), "{f:?}");
        assert!(!f.remediation.is_empty(), "{f:?}");
        assert!(f.command.is_none(), "{f:?}");
    }
    out
}

fn findings(r: &Record, platform: Platform) -> Vec<Finding> {
    findings_with(r, platform, &Thresholds::default())
}

fn codes(fs: &[Finding]) -> Vec<&str> {
    fs.iter().map(|f| f.code.as_str()).collect()
}

/// Parse and judge with default thresholds; the codes found.
fn run(platform: Platform, command: &str, text: &str) -> Vec<Finding> {
    findings(&rec(platform, command, text), platform)
}

fn fixture(platform: &str, dir: &str, name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(platform)
        .join(dir)
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn only(fs: &[Finding], code: &str) -> usize {
    fs.iter().filter(|f| f.code == code).count()
}

// ---------------------------------------------------------------------------------------------
// IKE phase 1
// ---------------------------------------------------------------------------------------------

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
        "MM_KEY_EXCH",
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
    assert_eq!(codes(&fs), ["IKE_P1_STUCK"]);
    assert!(
        fs[0].evidence.starts_with("peer 10.1.1.2"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn ikev2_tunnel_held_in_negotiation() {
    // One READY tunnel, one IN-NEG tunnel with 0 s active time.
    let t = fixture("cisco_asa", "show_crypto_ikev2_sa", "asa9_two_tunnels.txt");
    let fs = run(ASA, "show crypto ikev2 sa", &t);
    assert_eq!(codes(&fs), ["IKE_P1_STUCK"], "{fs:#?}");
    assert!(fs[0].evidence.contains("198.51.100.91") && fs[0].evidence.contains("IN-NEG"));
    assert!(fs[0].evidence.contains("established would be READY"));
    assert!(!fs[0].evidence.contains("198.51.100.90"));
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

// ---------------------------------------------------------------------------------------------
// IPsec phase 2
// ---------------------------------------------------------------------------------------------

const IPSEC: &str = "show crypto ipsec sa";

/// The seed's one-way ASA sample, unflattened.
const SEED_ONE_WAY: &str = "interface: outside
    Crypto map tag: IPSec_map, seq num: 37, local addr: 192.0.2.1

      access-list test permit ip host 10.1.1.1 host 10.2.2.2
      local ident (addr/mask/prot/port): (10.1.1.1/255.255.255.255/0/0)
      remote ident (addr/mask/prot/port): (10.2.2.2/255.255.255.255/0/0)
      current_peer: 198.51.100.9

      #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0
      #pkts decaps: 393, #pkts decrypt: 393, #pkts verify: 393
      #pkts compressed: 0, #pkts decompressed: 0
      #pkts not compressed: 0, #pkts comp failed: 0, #pkts decomp failed: 0
      #pre-frag successes: 0, #pre-frag failures: 0, #fragments created: 0
      #PMTUs sent: 0, #PMTUs rcvd: 0, #decapsulated frgs needing reassembly: 0
      #send errors: 0, #recv errors: 0
";

#[test]
fn ipsec_one_way_seed_sample() {
    let fs = run(ASA, IPSEC, SEED_ONE_WAY);
    assert_eq!(codes(&fs), ["IPSEC_ONE_WAY"], "{fs:#?}");
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.evidence.contains("198.51.100.9") && f.evidence.contains("IPSec_map seq 37"));
    assert!(
        f.evidence.contains("#pkts encaps 0, #pkts decaps 393"),
        "{}",
        f.evidence
    );
    for w in [
        "mirror",
        "NAT exemption",
        "routing",
        "sysopt connection permit-vpn",
    ] {
        assert!(f.remediation.contains(w), "{w}");
    }
}

#[test]
fn ipsec_one_way_fixtures() {
    let fs = run(
        ASA,
        IPSEC,
        &fixture(
            "cisco_asa",
            "show_crypto_ipsec_sa",
            "asa9_l2l_two_entries.txt",
        ),
    );
    // 203.0.113.90: encaps 0, decaps 3321; its 7 receive errors are 0.2 % (below 1 %).
    assert_eq!(codes(&fs), ["IPSEC_ONE_WAY"], "{fs:#?}");
    assert!(fs[0].evidence.contains("203.0.113.90"));
    let fs = run(
        IOS,
        IPSEC,
        &fixture(
            "cisco_ios",
            "show_crypto_ipsec_sa",
            "ios_crypto_map_one_way.txt",
        ),
    );
    assert_eq!(codes(&fs), ["IPSEC_ONE_WAY"], "{fs:#?}");
}

fn entry(encaps: u64, decaps: u64, send: u64, recv: u64) -> Record {
    use fleetpoll::parse::ipsec::{IpsecSa, IpsecSaEntry};
    Record::IpsecSa(IpsecSa {
        entries: vec![IpsecSaEntry {
            crypto_map: Some("VPN".into()),
            seq_num: Some(10),
            current_peer: Some("10.9.9.9".into()),
            pkts_encaps: Some(encaps),
            pkts_decaps: Some(decaps),
            send_errors: Some(send),
            recv_errors: Some(recv),
            ..Default::default()
        }],
    })
}

#[test]
fn ipsec_reverse_direction_points_at_the_peer() {
    let fs = findings(&entry(5_000, 0, 0, 0), ASA);
    assert_eq!(codes(&fs), ["IPSEC_NO_DECAPS"]);
    assert_eq!(fs[0].severity, Severity::Warning);
    assert!(fs[0].remediation.starts_with("Check the peer side"));
}

#[test]
fn ipsec_direction_boundaries() {
    // Idle SA, and traffic both ways: nothing.
    assert!(findings(&entry(0, 0, 0, 0), IOS).is_empty());
    assert!(findings(&entry(1, 1, 0, 0), IOS).is_empty());
    assert_eq!(codes(&findings(&entry(0, 1, 0, 0), IOS)), ["IPSEC_ONE_WAY"]);
    assert_eq!(
        codes(&findings(&entry(1, 0, 0, 0), IOS)),
        ["IPSEC_NO_DECAPS"]
    );
    let t = Thresholds {
        ipsec_one_way_min_pkts: 100,
        ..Default::default()
    };
    assert!(findings_with(&entry(0, 100, 0, 0), IOS, &t).is_empty());
    assert!(findings_with(&entry(100, 0, 0, 0), IOS, &t).is_empty());
    assert_eq!(
        codes(&findings_with(&entry(0, 101, 0, 0), IOS, &t)),
        ["IPSEC_ONE_WAY"]
    );
    assert_eq!(
        codes(&findings_with(&entry(101, 0, 0, 0), IOS, &t)),
        ["IPSEC_NO_DECAPS"]
    );
    // Counters the output does not print are not zeros.
    use fleetpoll::parse::ipsec::{IpsecSa, IpsecSaEntry};
    let r = Record::IpsecSa(IpsecSa {
        entries: vec![IpsecSaEntry {
            pkts_decaps: Some(10),
            ..Default::default()
        }],
    });
    assert!(findings(&r, IOS).is_empty());
}

#[test]
fn ipsec_errors_count_and_share_boundaries() {
    // Default: > 0 errors and >= 1 % of the direction's packets.
    assert!(findings(&entry(991, 1_000, 9, 0), IOS).is_empty()); // 0.9 %
    let fs = findings(&entry(990, 1_000, 10, 0), IOS); // exactly 1 %
    assert_eq!(codes(&fs), ["IPSEC_ERRORS"]);
    assert!(fs[0].evidence.contains("#send errors 10") && fs[0].evidence.contains("1%"));
    let fs = findings(&entry(1_000, 990, 0, 10), ASA);
    assert_eq!(codes(&fs), ["IPSEC_ERRORS"]);
    assert!(fs[0].evidence.contains("#recv errors 10"));
    // The seed generator's healthy noise: a few errors over thousands of packets.
    assert!(findings(&entry(1_000, 1_000, 3, 0), IOS).is_empty());
    // Errors with no packets at all (IOS map entry without an SA yet): 100 %, no division by 0.
    let fs = run(
        IOS,
        IPSEC,
        &fixture("cisco_ios", "show_crypto_ipsec_sa", "ios_map_no_sa_yet.txt"),
    );
    assert_eq!(codes(&fs), ["IPSEC_ERRORS"], "{fs:#?}");
    // Count only.
    let t = Thresholds {
        ipsec_errors_max: 10,
        ipsec_errors_pct: 0.0,
        ..Default::default()
    };
    assert!(findings_with(&entry(1_000_000, 1_000_000, 10, 10), IOS, &t).is_empty());
    assert_eq!(
        codes(&findings_with(
            &entry(1_000_000, 1_000_000, 11, 11),
            IOS,
            &t
        )),
        ["IPSEC_ERRORS", "IPSEC_ERRORS"]
    );
    // Extreme values do not overflow.
    let _ = findings(&entry(u64::MAX, u64::MAX, u64::MAX, u64::MAX), IOS);
}

// ---------------------------------------------------------------------------------------------
// CERM
// ---------------------------------------------------------------------------------------------

const CERM: &str = "show platform cerm-information";

fn cerm(enabled: bool, tx: (u64, u64), rx: (u64, u64), tun: (u64, u64), tls: (u64, u64)) -> Record {
    use fleetpoll::parse::cerm::{Cerm, CermLimit};
    let l = |(maximum, available)| Some(CermLimit { maximum, available });
    Record::Cerm(Cerm {
        enabled,
        tx_kbps: l(tx),
        rx_kbps: l(rx),
        tunnels: l(tun),
        tls_sessions: l(tls),
        ..Default::default()
    })
}

#[test]
fn cerm_fixtures() {
    let f = |name: &str| {
        run(
            IOS,
            CERM,
            &fixture("cisco_ios", "show_platform_cerm-information", name),
        )
    };
    assert!(f("enabled_healthy.txt").is_empty());
    assert!(f("disabled_hseck9.txt").is_empty());
    let fs = f("tx_limit_reached.txt");
    assert_eq!(codes(&fs), ["CERM_TX_NEAR_LIMIT"]);
    assert!(
        fs[0]
            .evidence
            .contains("Available 0 of Maximum Limit 85000"),
        "{}",
        fs[0].evidence
    );
    assert!(fs[0].remediation.contains("HSECK9"));
    let fs = f("crlf_echo_prompt_indented_tunnel_limit.txt");
    assert_eq!(codes(&fs), ["CERM_TUNNELS_NEAR_LIMIT"]);
    // The seed's own sample (everything available).
    let seed = "Crypto Export Restrictions Manager(CERM) Information:\nCERM functionality: ENABLED\n----------------------------------------------------------------\nResource                  Maximum Limit        Available\n----------------------------------------------------------------\nTx Bandwidth(in kbps)     85000                85000\nRx Bandwidth(in kbps)     85000                85000\nNumber of tunnels         225                  225\nNumber of TLS sessions    1000                 1000\n";
    assert!(run(IOS, CERM, seed).is_empty());
}

#[test]
fn cerm_each_resource_and_the_ten_percent_boundary() {
    let full = (85_000, 85_000);
    let r = cerm(true, (85_000, 8_500), full, (225, 225), (1000, 1000));
    assert!(
        findings(&r, IOS).is_empty(),
        "exactly 10 % available is not below 10 %"
    );
    let r = cerm(
        true,
        (85_000, 8_499),
        (85_000, 8_499),
        (225, 22),
        (1000, 99),
    );
    assert_eq!(
        codes(&findings(&r, IOS)),
        [
            "CERM_TX_NEAR_LIMIT",
            "CERM_RX_NEAR_LIMIT",
            "CERM_TUNNELS_NEAR_LIMIT",
            "CERM_TLS_NEAR_LIMIT"
        ]
    );
    let r = cerm(true, (85_000, 8_499), full, (225, 23), (1000, 100));
    assert_eq!(codes(&findings(&r, IOS)), ["CERM_TX_NEAR_LIMIT"]);
}

#[test]
fn cerm_disabled_zero_maxima_and_extreme_thresholds() {
    let empty = (85_000, 0);
    assert!(findings(&cerm(false, empty, empty, (225, 0), (1000, 0)), IOS).is_empty());
    assert!(findings(&cerm(true, (0, 0), (0, 0), (0, 0), (0, 0)), IOS).is_empty());
    // Available above the maximum (odd output): not near any limit.
    assert!(findings(&cerm(true, (10, 20), (10, 20), (10, 20), (10, 20)), IOS).is_empty());
    let zero = Thresholds {
        cerm_available_pct: 0.0,
        ..Default::default()
    };
    assert!(findings_with(&cerm(true, empty, empty, (225, 0), (1000, 0)), IOS, &zero).is_empty());
    let all = Thresholds {
        cerm_available_pct: 100.0,
        ..Default::default()
    };
    let r = cerm(
        true,
        (85_000, 84_999),
        (85_000, 85_000),
        (225, 225),
        (1000, 1000),
    );
    assert_eq!(codes(&findings_with(&r, IOS, &all)), ["CERM_TX_NEAR_LIMIT"]);
}

// ---------------------------------------------------------------------------------------------
// ASA: sessions, ASP drops
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// WAAS
// ---------------------------------------------------------------------------------------------

fn waas(dir: &str, name: &str) -> Vec<Finding> {
    let cmd = dir.replace('_', " ");
    run(WAAS, &cmd, &fixture("cisco_waas", dir, name))
}

#[test]
fn enterprise_license() {
    assert!(waas("show_license", "healthy.txt").is_empty());
    assert!(waas("show_license", "crlf_collapsed_echo.txt").is_empty());
    let fs = waas("show_license", "enterprise_not_active.txt");
    assert_eq!(codes(&fs), ["LICENSE_ENTERPRISE_MISSING"]);
    assert_eq!(fs[0].severity, Severity::Critical);
    assert!(fs[0].evidence.contains("not active"), "{}", fs[0].evidence);
    use fleetpoll::parse::waas::License;
    let fs = findings(&Record::License(License { licenses: vec![] }), WAAS);
    assert_eq!(codes(&fs), ["LICENSE_ENTERPRISE_MISSING"]);
    assert!(fs[0].evidence.contains("no license listed"));
}

#[test]
fn mapi_accelerator_states() {
    assert!(waas("show_accelerator_mapi", "healthy.txt").is_empty());
    // Cut before the policy-engine block: no registration to judge.
    assert!(waas("show_accelerator_mapi", "truncated.txt").is_empty());
    let fs = waas("show_accelerator_mapi", "license_shutdown.txt");
    assert_eq!(codes(&fs), ["MAPI_LICENSE_SHUTDOWN"], "{fs:#?}");
    assert_eq!(fs[0].severity, Severity::Critical);
    assert!(fs[0]
        .evidence
        .contains("Config State Enabled, Operational State Shutdown"));
    // Licensed but disabled.
    let fs = waas("show_accelerator_mapi", "crlf_collapsed_disabled.txt");
    assert_eq!(codes(&fs), ["MAPI_NOT_RUNNING"], "{fs:#?}");
    assert!(fs[0].message.contains("licensed but disabled"));

    use fleetpoll::parse::waas::{ConfigState, MapiAccelerator, OperState, RegistrationState};
    let acc = |c: &str, o: &str, lic: Option<bool>, reg: Option<&str>| {
        Record::MapiAccelerator(MapiAccelerator {
            licensed: lic,
            config_state: ConfigState::from(c),
            oper_state: OperState::from(o),
            registration: reg.map(RegistrationState::from),
            default_action: None,
            connection_limit: Some(750),
            effective_limit: Some(750),
            keepalive_timeout: None,
            config_items: vec![],
            other: Default::default(),
        })
    };
    let c = |r: &Record| codes(&findings(r, WAAS)).join(",");
    assert_eq!(
        c(&acc("Enabled", "Running", Some(true), Some("Registered"))),
        ""
    );
    assert_eq!(c(&acc("Enabled", "Running", None, None)), "");
    assert_eq!(
        c(&acc(
            "Enabled",
            "Running",
            Some(true),
            Some("Not Registered")
        )),
        "MAPI_NOT_RUNNING"
    );
    assert_eq!(
        c(&acc("Enabled", "Initializing", Some(true), None)),
        "MAPI_NOT_RUNNING"
    );
    assert_eq!(
        c(&acc(
            "Enabled",
            "Shutdown",
            Some(false),
            Some("Not Registered")
        )),
        "MAPI_LICENSE_SHUTDOWN"
    );
    // Disabled and not licensed: the license rule speaks; disabled with unknown licence: quiet.
    assert_eq!(c(&acc("Disabled", "Shutdown", Some(false), None)), "");
    assert_eq!(c(&acc("Disabled", "Shutdown", None, None)), "");
    assert_eq!(
        c(&acc("Disabled", "Shutdown", Some(true), None)),
        "MAPI_NOT_RUNNING"
    );
}

#[test]
fn show_accelerator_mapi_and_epm_rows() {
    assert!(waas("show_accelerator", "healthy.txt").is_empty());
    assert!(waas("show_accelerator", "with_services.txt").is_empty());
    let fs = waas("show_accelerator", "license_shutdown.txt");
    assert!(codes(&fs).contains(&"MAPI_LICENSE_SHUTDOWN"), "{fs:#?}");
    let t = "Accelerator     Licensed        Config State    Operational State\n-----------     --------        ------------    -----------------\nepm             Yes             Disabled        Shutdown\nmapi            Yes             Enabled         Running\n";
    let fs = run(WAAS, "show accelerator", t);
    assert_eq!(codes(&fs), ["MAPI_EPM_NOT_RUNNING"]);
    assert!(fs[0].evidence.contains("epm: Config State Disabled"));
    // MAPI itself disabled and unlicensed: EPM is not needed.
    let t = "Accelerator     Licensed        Config State    Operational State\n-----------     --------        ------------    -----------------\nepm             No              Disabled        Shutdown\nmapi            No              Disabled        Shutdown\n";
    assert!(run(WAAS, "show accelerator", t).is_empty());
}

#[test]
fn mapi_statistics_fixtures() {
    // The guide's sample: 1 secured connection (its point), 1 dropped of 8615 (noise).
    let fs = waas("show_statistics_accelerator_mapi", "seed_sample.txt");
    assert_eq!(codes(&fs), ["MAPI_ENCRYPTED_HANDOFF"], "{fs:#?}");
    assert!(fs[0].evidence.contains("Secured Connections 1"));
    let fs = waas(
        "show_statistics_accelerator_mapi",
        "overload_unsupported_clients.txt",
    );
    assert_eq!(
        codes(&fs),
        ["MAPI_NEAR_MAX_CONNECTIONS", "MAPI_UNSUPPORTED_CLIENTS"],
        "{fs:#?}"
    );
    assert!(fs[0]
        .evidence
        .contains("748 of Maximum Active Connections 750"));
    assert!(fs[1]
        .evidence
        .contains("Lower than 2000 Sessions 4, Higher than 2007 Sessions 17"));
    let fs = waas(
        "show_statistics_accelerator_mapi",
        "crlf_echo_annotated_handoff.txt",
    );
    assert_eq!(codes(&fs), ["MAPI_ENCRYPTED_HANDOFF"], "{fs:#?}");
    assert!(waas("show_statistics_accelerator_mapi", "truncated.txt").is_empty());
}

fn mapi(handled: u64, optimized: u64, dropped: u64, active: u64, max: u64) -> Record {
    use fleetpoll::parse::waas::{AoGlobal, MapiStats};
    Record::MapiStats(MapiStats {
        global: AoGlobal {
            total_handled: Some(handled),
            total_optimized: Some(optimized),
            total_dropped: Some(dropped),
            current_active: Some(active),
            max_active: Some(max),
            ..Default::default()
        },
        secured_connections: Some(0),
        lower_than_2000_sessions: Some(0),
        higher_than_2007_sessions: Some(0),
        ..Default::default()
    })
}

#[test]
fn mapi_near_max_boundaries() {
    assert!(findings(&mapi(100, 100, 0, 89, 100), WAAS).is_empty());
    let fs = findings(&mapi(100, 100, 0, 90, 100), WAAS);
    assert_eq!(codes(&fs), ["MAPI_NEAR_MAX_CONNECTIONS"]);
    assert!(fs[0].evidence.contains("90%"));
    // A zero maximum (AO not running) is never "near" it.
    assert!(findings(&mapi(0, 0, 0, 0, 0), WAAS).is_empty());
    assert!(findings(&mapi(0, 0, 0, 5, 0), WAAS).is_empty());
}

#[test]
fn mapi_dropped_boundaries() {
    // Default: > 0 dropped and >= 1 % of handled.
    assert!(findings(&mapi(1_000, 1_000, 9, 1, 512), WAAS).is_empty());
    let fs = findings(&mapi(1_000, 990, 10, 1, 512), WAAS);
    assert_eq!(codes(&fs), ["MAPI_DROPPED"]);
    assert!(fs[0]
        .evidence
        .contains("Total Dropped Connections 10 of Total Handled Connections 1000"));
    // Dropped with nothing handled: 100 %, no division by zero.
    assert_eq!(
        codes(&findings(&mapi(0, 0, 2, 0, 512), WAAS)),
        ["MAPI_DROPPED"]
    );
    let count_only = Thresholds {
        mapi_dropped_max: 5,
        mapi_dropped_pct: 0.0,
        ..Default::default()
    };
    assert!(findings_with(&mapi(1_000_000, 1_000_000, 5, 1, 512), WAAS, &count_only).is_empty());
    assert_eq!(
        codes(&findings_with(
            &mapi(1_000_000, 1_000_000, 6, 1, 512),
            WAAS,
            &count_only
        )),
        ["MAPI_DROPPED"]
    );
}

#[test]
fn mapi_handoff_ratio_boundaries() {
    assert!(findings(&mapi(100, 90, 0, 1, 512), WAAS).is_empty());
    let fs = findings(&mapi(100, 89, 0, 1, 512), WAAS);
    assert_eq!(codes(&fs), ["MAPI_HANDOFF_RATIO"]);
    assert!(fs[0]
        .evidence
        .contains("Total Optimized Connections 89 of Total Handled Connections 100"));
    assert!(findings(&mapi(0, 0, 0, 0, 512), WAAS).is_empty());
    let off = Thresholds {
        mapi_optimized_pct: 0.0,
        ..Default::default()
    };
    assert!(findings_with(&mapi(100, 0, 0, 1, 512), WAAS, &off).is_empty());
}

#[test]
fn mapi_secured_and_unsupported_boundaries() {
    use fleetpoll::parse::waas::MapiStats;
    let with = |secured: u64, low: u64, high: u64| {
        let Record::MapiStats(mut s) = mapi(100, 100, 0, 1, 512) else {
            unreachable!()
        };
        s.secured_connections = Some(secured);
        s.lower_than_2000_sessions = Some(low);
        s.higher_than_2007_sessions = Some(high);
        Record::MapiStats(s)
    };
    assert!(findings(&with(0, 0, 0), WAAS).is_empty());
    assert_eq!(
        codes(&findings(&with(1, 0, 0), WAAS)),
        ["MAPI_ENCRYPTED_HANDOFF"]
    );
    assert_eq!(
        codes(&findings(&with(0, 1, 0), WAAS)),
        ["MAPI_UNSUPPORTED_CLIENTS"]
    );
    assert_eq!(
        codes(&findings(&with(0, 0, 1), WAAS)),
        ["MAPI_UNSUPPORTED_CLIENTS"]
    );
    let t = Thresholds {
        mapi_secured_max: 5,
        mapi_unsupported_max: 5,
        ..Default::default()
    };
    assert!(findings_with(&with(5, 2, 3), WAAS, &t).is_empty());
    assert_eq!(findings_with(&with(6, 3, 3), WAAS, &t).len(), 2);
    // Counters not printed: nothing to judge.
    let r = Record::MapiStats(MapiStats::default());
    assert!(findings(&r, WAAS).is_empty());
}

#[test]
fn generic_ao_flows_in_the_connection_table() {
    let dir = "show_statistics_connection_optimized_mapi";
    let fs = waas(dir, "tgdl_handoff.txt");
    assert_eq!(codes(&fs), ["MAPI_ENCRYPTED_HANDOFF"], "{fs:#?}");
    assert!(
        fs[0].evidence.starts_with("2 of 3 connections"),
        "{}",
        fs[0].evidence
    );
    assert!(fs[0]
        .evidence
        .contains("1830 10.16.1.201:58352 -> 14.110.3.99:27744 TGDL"));
    for name in [
        "seed_sample.txt",
        "no_connections_pre_415.txt",
        "crlf_truncated_row.txt",
    ] {
        assert!(waas(dir, name).is_empty(), "{name}");
    }
    let t = Thresholds {
        mapi_secured_max: 2,
        ..Default::default()
    };
    let r = rec(
        WAAS,
        "show statistics connection optimized mapi",
        &fixture("cisco_waas", dir, "tgdl_handoff.txt"),
    );
    assert!(findings_with(&r, WAAS, &t).is_empty());
}

#[test]
fn emapi_verify_one_finding_per_failed_component() {
    let dir = "accelerator_mapi_verify_encryption-settings";
    assert!(waas(dir, "seed_healthy_core.txt").is_empty());
    let fs = waas(dir, "seed_edge_failed.txt");
    assert_eq!(only(&fs, "EMAPI_VERIFY_FAILED"), fs.len());
    assert_eq!(fs.len(), 7, "5 EDGE + 2 CORE components: {fs:#?}");
    let ntp = fs
        .iter()
        .find(|f| f.message.contains("NTP State"))
        .expect("NTP component");
    assert!(ntp
        .evidence
        .contains(">>NTP status should be enabled and configured"));
    let id = fs
        .iter()
        .find(|f| f.message.contains("Identity"))
        .expect("identity component");
    assert!(id.message.contains("[CORE]"));
    assert!(id
        .evidence
        .contains(">>No active Encryption-service Identity is configured."));
    assert!(id
        .evidence
        .contains(">>Please configure an active Windows Domain Encryption Service Identity."));
    let fs = waas(dir, "crlf_ntp_failed_truncated.txt");
    assert!(!fs.is_empty() && fs.iter().all(|f| f.code == "EMAPI_VERIFY_FAILED"));
    // A summary that says "not properly configured" without FAILED components still reports.
    use fleetpoll::parse::waas::{MapiEncryptionVerify, VerifyGroup, VerifyRole};
    let r = Record::MapiEncryptionVerify(MapiEncryptionVerify {
        groups: vec![VerifyGroup {
            role: Some(VerifyRole::Edge),
            components: vec![],
            summary: Some("Device has to be properly configured for one or more components".into()),
            summary_note: None,
        }],
    });
    assert_eq!(codes(&findings(&r, WAAS)), ["EMAPI_VERIFY_FAILED"]);
}

#[test]
fn cms_secure_store() {
    for dir in ["show_cms_secure_store", "show_cms_secure-store"] {
        for (name, expect) in [
            ("open.txt", 0),
            ("open_echo_prompt.txt", 0),
            ("closed_crlf.txt", 1),
            ("closed_crlf_echo.txt", 1),
            ("not_initialized.txt", 1),
        ] {
            let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/cisco_waas")
                .join(dir)
                .join(name);
            if !p.exists() {
                continue;
            }
            let fs = waas(dir, name);
            assert_eq!(only(&fs, "CMS_STORE_CLOSED"), expect, "{dir}/{name}");
            assert_eq!(fs.len(), expect, "{dir}/{name}");
        }
    }
    let fs = run(
        WAAS,
        "show cms secure store",
        "secure-store not initialized\n",
    );
    assert!(fs[0].message.contains("not initialized"));
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

#[test]
fn ntp_status_every_platform() {
    let cases: &[(Platform, &str, &str, &[&str])] = &[
        (IOS, "cisco_ios", "synced_stratum3.txt", &[]),
        (
            IOS,
            "cisco_ios",
            "crlf_echo_prompt_indented_ipv6_reference.txt",
            &[],
        ),
        (IOS, "cisco_ios", "truncated_after_offset_line.txt", &[]),
        (
            IOS,
            "cisco_ios",
            "unsynced_no_reference.txt",
            &["NTP_UNSYNCED"],
        ),
        (IOS, "cisco_ios", "ntp_not_enabled.txt", &["NTP_UNSYNCED"]),
        (ASA, "cisco_asa", "asa9_synced.txt", &[]),
        (ASA, "cisco_asa", "asa8_short_format.txt", &[]),
        (
            ASA,
            "cisco_asa",
            "asa_unsynced_echo_prompt_crlf.txt",
            &["NTP_UNSYNCED"],
        ),
        (WAAS, "cisco_waas", "synced_two_servers.txt", &[]),
        (WAAS, "cisco_waas", "disabled.txt", &["NTP_UNSYNCED"]),
        (
            WAAS,
            "cisco_waas",
            "unsynced_init_reach0.txt",
            &["NTP_UNSYNCED"],
        ),
    ];
    for (p, plat, name, expect) in cases {
        let fs = run(
            *p,
            "show ntp status",
            &fixture(plat, "show_ntp_status", name),
        );
        assert_eq!(codes(&fs), *expect, "{plat}/{name}: {fs:#?}");
    }
}

#[test]
fn ntp_offset_boundary() {
    let synced = |off: &str| {
        format!("Clock is synchronized, stratum 3, reference is 10.20.0.5\nnominal freq is 250.0000 Hz, actual freq is 250.0021 Hz, precision is 2**10\nclock offset is {off} msec, root delay is 12.87 msec\n")
    };
    assert!(run(IOS, "show ntp status", &synced("1000.0000")).is_empty());
    assert!(run(IOS, "show ntp status", &synced("-1000.0000")).is_empty());
    let fs = run(IOS, "show ntp status", &synced("-1000.5000"));
    assert_eq!(codes(&fs), ["NTP_OFFSET_HIGH"]);
    assert!(fs[0].evidence.contains("-1000.5 ms"), "{}", fs[0].evidence);
    let t = Thresholds {
        ntp_offset_ms_max: 0.0,
        ..Default::default()
    };
    let r = rec(IOS, "show ntp status", &synced("0.0000"));
    assert!(findings_with(&r, IOS, &t).is_empty());
}

#[test]
fn clock_flags() {
    let f = |plat: &str, name: &str, p: Platform| {
        run(p, "show clock", &fixture(plat, "show_clock", name))
    };
    assert_eq!(
        codes(&f("cisco_ios", "not_authoritative_star.txt", IOS)),
        ["NTP_UNSYNCED"]
    );
    assert_eq!(
        codes(&f("cisco_ios", "synced_unsure_dot.txt", IOS)),
        ["NTP_UNSYNCED"]
    );
    assert!(f("cisco_ios", "ntp_synced_no_flag.txt", IOS).is_empty());
    assert!(f("cisco_asa", "asa9_utc.txt", ASA).is_empty());
    // WAAS prints no flag at all: unknown, not a finding.
    assert!(f("cisco_waas", "local_time_utc.txt", WAAS).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------------------------

#[test]
fn threshold_defaults_are_the_documented_ones() {
    let t = Thresholds::default();
    assert_eq!(t.cerm_available_pct, 10.0);
    assert_eq!(t.mapi_active_pct, 90.0);
    assert_eq!(t.mapi_dropped_max, 0);
    assert_eq!(t.ipsec_errors_max, 0);
    assert_eq!(t.asp_expired_vpn_context_max, 0);
    assert_eq!(t.ntp_offset_ms_max, 1000.0);
    assert_eq!(t.vpn_load_pct, 90.0);
    assert!(t.validate().is_ok());
    // An empty section and a partial one keep the defaults.
    let empty: Thresholds = serde_yaml::from_str("{}").unwrap();
    assert_eq!(empty, t);
    let partial: Thresholds =
        serde_yaml::from_str("mapi_active_pct: 75\nipsec_errors_pct: 0.5\n").unwrap();
    assert_eq!(partial.mapi_active_pct, 75.0);
    assert_eq!(partial.ipsec_errors_pct, 0.5);
    assert_eq!(partial.cerm_available_pct, 10.0);
}

#[test]
fn thresholds_out_of_range_name_the_field() {
    let pct_fields = [
        "cerm_available_pct",
        "ipsec_errors_pct",
        "vpn_load_pct",
        "mapi_active_pct",
        "mapi_dropped_pct",
        "mapi_optimized_pct",
    ];
    for field in pct_fields {
        for bad in ["101", "-1", ".nan", ".inf"] {
            let t: Thresholds = serde_yaml::from_str(&format!("{field}: {bad}")).unwrap();
            let (f, m) = t.validate().expect_err(field);
            assert_eq!(f, field, "{bad}");
            assert!(m.contains("0 to 100"), "{m}");
        }
        for good in ["0", "100", "12.5"] {
            let t: Thresholds = serde_yaml::from_str(&format!("{field}: {good}")).unwrap();
            assert!(t.validate().is_ok(), "{field}: {good}");
        }
    }
    for bad in ["-1", ".nan", ".inf"] {
        let t: Thresholds = serde_yaml::from_str(&format!("ntp_offset_ms_max: {bad}")).unwrap();
        assert_eq!(t.validate().expect_err(bad).0, "ntp_offset_ms_max");
    }
    // Through the playbook section: the path names the key.
    let s: HealthSection = serde_yaml::from_str("thresholds: {mapi_active_pct: 150}").unwrap();
    let (f, _) = s.validate().expect_err("out of range");
    assert_eq!(f, "health.thresholds.mapi_active_pct");
}

#[test]
fn unknown_or_negative_threshold_keys_are_rejected_by_serde() {
    let e = serde_yaml::from_str::<Thresholds>("mapi_active_percent: 80").unwrap_err();
    assert!(e.to_string().contains("mapi_active_percent"), "{e}");
    assert!(serde_yaml::from_str::<Thresholds>("mapi_dropped_max: -1").is_err());
    assert!(serde_yaml::from_str::<Thresholds>("ipsec_errors_max: 1.5").is_err());
}

#[test]
fn every_rule_code_can_be_disabled_and_overridden_in_a_playbook() {
    for r in RULES {
        let y = format!("disable: [{}]\nseverity: {{{}: info}}\n", r.code, r.code);
        let s: HealthSection = serde_yaml::from_str(&y).unwrap();
        assert!(s.validate().is_ok(), "{}", r.code);
    }
    assert!(RULES.iter().any(|r| r.code == "COMMAND_FAILED"));
}

// ---------------------------------------------------------------------------------------------
// No panics on anything a parser accepts
// ---------------------------------------------------------------------------------------------

fn extreme_thresholds() -> Vec<Thresholds> {
    vec![
        Thresholds::default(),
        Thresholds {
            cerm_available_pct: 0.0,
            ipsec_errors_max: 0,
            ipsec_errors_pct: 0.0,
            ipsec_one_way_min_pkts: 0,
            asp_expired_vpn_context_max: 0,
            vpn_load_pct: 0.0,
            mapi_active_pct: 0.0,
            mapi_dropped_max: 0,
            mapi_dropped_pct: 0.0,
            mapi_optimized_pct: 0.0,
            mapi_secured_max: 0,
            mapi_unsupported_max: 0,
            ntp_offset_ms_max: 0.0,
        },
        Thresholds {
            cerm_available_pct: 100.0,
            ipsec_errors_max: u64::MAX,
            ipsec_errors_pct: 100.0,
            ipsec_one_way_min_pkts: u64::MAX,
            asp_expired_vpn_context_max: u64::MAX,
            vpn_load_pct: 100.0,
            mapi_active_pct: 100.0,
            mapi_dropped_max: u64::MAX,
            mapi_dropped_pct: 100.0,
            mapi_optimized_pct: 100.0,
            mapi_secured_max: u64::MAX,
            mapi_unsupported_max: u64::MAX,
            ntp_offset_ms_max: f64::MAX,
        },
    ]
}

#[test]
fn every_parsed_fixture_runs_through_the_rules_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut judged = 0;
    for plat_dir in std::fs::read_dir(&root).unwrap().flatten() {
        let Ok(platform) = plat_dir.file_name().to_string_lossy().parse::<Platform>() else {
            continue;
        };
        for cmd_dir in std::fs::read_dir(plat_dir.path()).unwrap().flatten() {
            let command = cmd_dir.file_name().to_string_lossy().replace('_', " ");
            let Some(spec) = parse::lookup(platform, &command) else {
                continue;
            };
            for f in std::fs::read_dir(cmd_dir.path()).unwrap().flatten() {
                let p = f.path();
                if p.extension().and_then(|e| e.to_str()) != Some("txt") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let Ok(r) = (spec.parse)(&text) else { continue };
                for t in extreme_thresholds() {
                    assert!(t.validate().is_ok());
                    let _ = findings_with(&r, platform, &t);
                }
                judged += 1;
            }
        }
    }
    assert!(judged > 80, "only {judged} fixtures judged");
}

mod props {
    use super::*;
    use fleetpoll::parse::cerm::{Cerm, CermLimit};
    use fleetpoll::parse::ipsec::{IpsecSa, IpsecSaEntry};
    use fleetpoll::parse::waas::{AoGlobal, MapiStats};
    use proptest::prelude::*;

    fn num() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0u64),
            Just(1u64),
            Just(u64::MAX),
            0u64..10_000,
            any::<u64>()
        ]
    }

    fn opt() -> impl Strategy<Value = Option<u64>> {
        prop::option::of(num())
    }

    fn pct() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), Just(100.0), 0.0f64..=100.0]
    }

    fn thresholds() -> impl Strategy<Value = Thresholds> {
        (
            pct(),
            num(),
            pct(),
            num(),
            num(),
            pct(),
            pct(),
            (num(), pct(), pct(), num(), num()),
        )
            .prop_map(
                |(cerm, emax, epct, minp, asp, vpn, active, (dmax, dpct, opt, sec, uns))| {
                    Thresholds {
                        cerm_available_pct: cerm,
                        ipsec_errors_max: emax,
                        ipsec_errors_pct: epct,
                        ipsec_one_way_min_pkts: minp,
                        asp_expired_vpn_context_max: asp,
                        vpn_load_pct: vpn,
                        mapi_active_pct: active,
                        mapi_dropped_max: dmax,
                        mapi_dropped_pct: dpct,
                        mapi_optimized_pct: opt,
                        mapi_secured_max: sec,
                        mapi_unsupported_max: uns,
                        ntp_offset_ms_max: 1000.0,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn numeric_records_never_panic(
            t in thresholds(),
            counters in prop::collection::vec(opt(), 16),
            enabled in any::<bool>(),
        ) {
            prop_assert!(t.validate().is_ok());
            let c = |i: usize| counters.get(i).copied().flatten();
            let lim = |i: usize| Some(CermLimit { maximum: c(i).unwrap_or(0), available: c(i + 1).unwrap_or(0) });
            let recs = [
                Record::Cerm(Cerm { enabled, tx_kbps: lim(0), rx_kbps: lim(2), tunnels: lim(4), tls_sessions: lim(6), ..Default::default() }),
                Record::IpsecSa(IpsecSa { entries: vec![IpsecSaEntry {
                    pkts_encaps: c(0), pkts_decaps: c(1), send_errors: c(2), recv_errors: c(3), ..Default::default()
                }] }),
                Record::MapiStats(MapiStats {
                    global: AoGlobal {
                        total_handled: c(4), total_optimized: c(5), total_dropped: c(6),
                        current_active: c(7), max_active: c(8), total_handed_off: c(9), ..Default::default()
                    },
                    secured_connections: c(10), lower_than_2000_sessions: c(11), higher_than_2007_sessions: c(12),
                    ..Default::default()
                }),
            ];
            for r in &recs {
                for p in Platform::ALL {
                    let _ = findings_with(r, p, &t);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Simulator scenarios end to end: playbooks/health.yaml → render → parse → rules
// ---------------------------------------------------------------------------------------------

/// Every finding code for one simulated device, and the commands whose output did not parse.
fn simulate(platform: Platform, scenario: Scenario, seed: u64) -> (BTreeSet<String>, Vec<String>) {
    let pb = fleetpoll::playbook::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("playbooks/health.yaml"),
    )
    .expect("playbooks/health.yaml loads");
    let ctx = RenderCtx {
        platform,
        scenario,
        hostname: "sim-01",
        seed,
    };
    let mut codes = BTreeSet::new();
    let mut broken = Vec::new();
    for c in pb.commands_for(platform) {
        let cmd = parse::normalize_command(&c.command);
        let Some(text) = fleetpoll::sim::render::render(&ctx, &cmd) else {
            broken.push(format!("{cmd}: not rendered"));
            continue;
        };
        let Some(spec) = c.parser else { continue };
        match (spec.parse)(&text) {
            Ok(r) => {
                for f in findings(&r, platform) {
                    codes.insert(f.code);
                }
            }
            Err(e) => broken.push(format!("{cmd}: {e}")),
        }
    }
    (codes, broken)
}

/// What each fault scenario must show, per platform (`None`: renders a healthy device there),
/// and which other codes may come along with it.
fn expected(
    platform: Platform,
    scenario: Scenario,
) -> (&'static [&'static str], &'static [&'static str]) {
    use Scenario::*;
    let ios = platform.family() == IOS;
    let asa = platform == ASA;
    let wae = platform == WAAS;
    match scenario {
        IkePskMismatch if asa => (&["IKE_PSK_MISMATCH"], &[]),
        // IOS plays the mismatch as MM_NO_STATE; its dead crypto map entry may count send errors.
        IkePskMismatch if ios => (&["IKE_P1_STUCK"], &["IPSEC_ERRORS"]),
        IkeAggressiveStuck if asa || ios => (&["IKE_AGGRESSIVE_STUCK"], &["IPSEC_ERRORS"]),
        IkeXauthOnL2l if ios => (&["IKE_XAUTH_ON_L2L"], &["IPSEC_ERRORS"]),
        IpsecOneWay if asa || ios => (&["IPSEC_ONE_WAY"], &["IPSEC_ERRORS"]),
        CermTxLimit if ios => (&["CERM_TX_NEAR_LIMIT"], &[]),
        CermTunnelLimit if ios => (&["CERM_TUNNELS_NEAR_LIMIT"], &[]),
        AspExpiredVpnContext if asa => (&["ASA_EXPIRED_VPN_CONTEXT"], &[]),
        MapiLicenseShutdown if wae => (
            &["MAPI_LICENSE_SHUTDOWN", "LICENSE_ENTERPRISE_MISSING"],
            &["EMAPI_VERIFY_FAILED"],
        ),
        MapiEncryptedHandoff if wae => (&["MAPI_ENCRYPTED_HANDOFF"], &[]),
        MapiOverload if wae => (&["MAPI_NEAR_MAX_CONNECTIONS"], &[]),
        EmapiVerifyFailed if wae => (&["EMAPI_VERIFY_FAILED"], &[]),
        CmsStoreClosed if wae => (&["CMS_STORE_CLOSED"], &[]),
        // health.yaml polls `show ntp status` on every platform.
        NtpUnsynced => (&["NTP_UNSYNCED"], &[]),
        _ => (&[], &[]),
    }
}

#[test]
fn every_scenario_on_every_platform_shows_its_symptom_and_nothing_else() {
    let mut problems = Vec::new();
    for &scenario in Scenario::ALL {
        for platform in Platform::ALL {
            let (must, may) = expected(platform, scenario);
            for seed in [0u64, 1, 2, 3, 7, 42, 99, 1234, 65_535, u64::MAX] {
                let (got, broken) = simulate(platform, scenario, seed);
                let label = format!("{scenario} on {platform} seed {seed}");
                if !broken.is_empty() {
                    problems.push(format!("{label}: {broken:?}"));
                }
                for m in must {
                    if !got.contains(*m) {
                        problems.push(format!("{label}: missing {m}, got {got:?}"));
                    }
                }
                for g in &got {
                    if !must.contains(&g.as_str()) && !may.contains(&g.as_str()) {
                        problems.push(format!("{label}: unexpected {g}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ntp_unsynced_on_the_asa_is_seen_in_ntp_status() {
    let ctx = RenderCtx {
        platform: ASA,
        scenario: Scenario::NtpUnsynced,
        hostname: "sim-asa",
        seed: 5,
    };
    let text = fleetpoll::sim::render::render(&ctx, "show ntp status").expect("rendered");
    assert_eq!(codes(&run(ASA, "show ntp status", &text)), ["NTP_UNSYNCED"]);
}

/// The real-device corpus (`../shared/fixtures`, when present): every raw output a registered
/// parser reads goes through the rules without panicking; the findings are printed for review
/// (`cargo test --test health_rules real_device -- --nocapture`).
#[test]
fn real_device_corpus_runs_through_the_rules() {
    let root = std::env::var_os("FLEETPOLL_SHARED_FIXTURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"));
    let Ok(platforms) = std::fs::read_dir(&root) else {
        eprintln!("note: {} not found, corpus sweep skipped", root.display());
        return;
    };
    for plat_dir in platforms.flatten() {
        let Ok(platform) = plat_dir.file_name().to_string_lossy().parse::<Platform>() else {
            continue;
        };
        let Ok(cmds) = std::fs::read_dir(plat_dir.path()) else {
            continue;
        };
        for cmd_dir in cmds.flatten() {
            let command = cmd_dir.file_name().to_string_lossy().replace('_', " ");
            let Some(spec) = parse::lookup(platform, &command) else {
                continue;
            };
            let Ok(files) = std::fs::read_dir(cmd_dir.path()) else {
                continue;
            };
            for f in files.flatten() {
                let p = f.path();
                if p.extension().and_then(|e| e.to_str()) != Some("raw") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                let Ok(r) = (spec.parse)(&text) else { continue };
                for t in extreme_thresholds() {
                    let _ = findings_with(&r, platform, &t);
                }
                for f in findings(&r, platform) {
                    println!(
                        "{}/{}: {} {}",
                        platform,
                        p.file_name().unwrap_or_default().to_string_lossy(),
                        f.code,
                        f.evidence
                    );
                }
            }
        }
    }
}
