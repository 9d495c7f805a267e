//! IPsec phase 2: one-way tunnels and error counts, at and around their thresholds.

use super::*;

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
