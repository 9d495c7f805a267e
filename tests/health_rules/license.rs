//! `ANYCONNECT_LICENSE_NEAR_LIMIT`: an ASA's licensed peers (`show license all`, or its own
//! licence accounting) against the sessions that use them, across the records of one device:
//! boundaries at both thresholds, the failover pair's combined licence, AnyConnect Essentials,
//! Other VPN peers, and nothing when a number is missing or the licence is unlimited.

use super::*;
use fleetpoll::health::rules::{check_device, DEVICE_RULES};

/// The device-level findings for these (command, text) outputs, checked like `findings_with`.
fn device(platform: Platform, outputs: &[(&str, &str)], t: &Thresholds) -> Vec<Finding> {
    let recs: Vec<(&str, Record)> = outputs
        .iter()
        .map(|(c, text)| (*c, rec(platform, c, text)))
        .collect();
    let refs: Vec<(&str, &Record)> = recs.iter().map(|(c, r)| (*c, r)).collect();
    let mut out = Vec::new();
    check_device(&refs, platform, t, &mut |f| out.push(f));
    for f in &out {
        assert!(DEVICE_RULES.iter().any(|r| r.code == f.code), "{f:?}");
        assert!(RULES.iter().any(|r| r.code == f.code), "{f:?}");
        assert!(!f.message.is_empty() && !f.evidence.is_empty() && !f.remediation.is_empty());
        assert!(
            f.command.is_some(),
            "a device finding names its command: {f:?}"
        );
    }
    out
}

fn d(outputs: &[(&str, &str)]) -> Vec<Finding> {
    device(ASA, outputs, &Thresholds::default())
}

fn licence(rows: &[(&str, &str)]) -> String {
    let mut s = String::from("Serial Number: JMX1234A0BC\nLicensed features for this platform:\n");
    for (n, v) in rows {
        s.push_str(&format!("{n:<34}: {v:<14} perpetual\n"));
    }
    s.push_str("This platform has an ASA5525 VPN Premium license.\n");
    s
}

fn summary(anyconnect: u64, clientless: u64, l2l: u64) -> String {
    format!(
        "VPN Session Summary\n\
         \x20                              Active : Cumulative : Peak Concur : Inactive\n\
         AnyConnect Client            : {anyconnect:>6} :       9120 :         {:>3} :        0\n\
         \x20 SSL/TLS/DTLS               : {anyconnect:>6} :       9120 :         {:>3} :        0\n\
         Clientless VPN               : {clientless:>6} :         40 :           9\n\
         \x20 Browser                    : {clientless:>6} :         40 :           9\n\
         Site-to-Site VPN             : {l2l:>6} :        310 :          14\n\
         \x20 IKEv1 IPsec                : {l2l:>6} :        310 :          14\n\
         Total Active and Inactive    : {:>6}             Total Cumulative :   9470\n\
         Device Total VPN Capacity    :   5000\n\
         Device Load                  :     1%\n",
        anyconnect + 5,
        anyconnect + 5,
        anyconnect + clientless + l2l
    )
}

const LIC: &str = "show license all";
const SUM: &str = "show vpn-sessiondb summary";

#[test]
fn anyconnect_premium_thresholds() {
    let lic = licence(&[
        ("AnyConnect Premium Peers", "250"),
        ("Other VPN Peers", "750"),
    ]);
    // 199 of 250 (79.6 %): below the warning threshold.
    assert!(d(&[(LIC, &lic), (SUM, &summary(195, 4, 2))]).is_empty());
    // 200 (80 %): warning; AnyConnect and clientless sessions both count.
    let fs = d(&[(LIC, &lic), (SUM, &summary(196, 4, 2))]);
    assert_eq!(codes(&fs), ["ANYCONNECT_LICENSE_NEAR_LIMIT"]);
    assert_eq!(fs[0].severity, Severity::Warning);
    assert_eq!(
        fs[0].message,
        "AnyConnect Premium Peers: 200 of 250 licensed peers in use (80%)"
    );
    assert_eq!(
        fs[0].evidence,
        "AnyConnect Premium Peers 250, 200 active: AnyConnect Client 196 (peak 201), Clientless VPN 4 (peak 9) \
         (show license all; show vpn-sessiondb summary) (thresholds: warning >= 80%, critical >= 95%)"
    );
    assert_eq!(fs[0].command.as_deref(), Some(SUM));
    // 237 (94.8 %): still a warning; 238 (95.2 %): critical; 250: at the limit.
    let sev = |n: u64| d(&[(LIC, &lic), (SUM, &summary(n, 0, 0))])[0].severity;
    assert_eq!(sev(237), Severity::Warning);
    assert_eq!(sev(238), Severity::Critical);
    let fs = d(&[(SUM, &summary(251, 0, 0)), (LIC, &lic)]);
    assert_eq!(fs[0].severity, Severity::Critical);
    assert!(
        fs[0].message.ends_with("(at the limit)"),
        "{}",
        fs[0].message
    );
}

#[test]
fn nothing_without_both_numbers_or_with_an_unlimited_licence() {
    let lic = licence(&[("AnyConnect Premium Peers", "250")]);
    assert!(d(&[(LIC, &lic)]).is_empty());
    assert!(d(&[(SUM, &summary(500, 0, 0))]).is_empty());
    let unlimited = licence(&[("AnyConnect Premium Peers", "Unlimited")]);
    assert!(d(&[(LIC, &unlimited), (SUM, &summary(5000, 0, 0))]).is_empty());
    let zero = licence(&[("AnyConnect Premium Peers", "0")]);
    assert!(d(&[(LIC, &zero), (SUM, &summary(3, 0, 0))]).is_empty());
    // Only the ASA has these licences.
    assert!(device(IOS, &[], &Thresholds::default()).is_empty());
}

#[test]
fn essentials_failover_pair_and_other_vpn_peers() {
    // AnyConnect Essentials enabled: its count is the AnyConnect limit, not Premium's 2.
    let ess = licence(&[
        ("AnyConnect Premium Peers", "2"),
        ("AnyConnect Essentials", "250"),
    ]);
    let fs = d(&[(LIC, &ess), (SUM, &summary(225, 0, 0))]);
    assert!(
        fs[0]
            .message
            .starts_with("AnyConnect Essentials: 225 of 250"),
        "{}",
        fs[0].message
    );
    // The failover pair's combined licence is the one in effect: 2500 for this unit, 5000
    // for the pair (3999 sessions would be 160 % of the unit's own).
    let pair = fixture(
        "cisco_asa",
        "show_license_all",
        "asa5555_pak_failover_timebased.txt",
    );
    assert!(d(&[(LIC, &pair), (SUM, &summary(3999, 0, 0))]).is_empty());
    let fs = d(&[(LIC, &pair), (SUM, &summary(4000, 0, 0))]);
    assert_eq!(fs.len(), 1);
    assert!(fs[0].message.contains("4000 of 5000"), "{}", fs[0].message);
    // LAN-to-LAN sessions against Other VPN Peers.
    let other = licence(&[
        ("AnyConnect Premium Peers", "250"),
        ("Other VPN Peers", "10"),
    ]);
    let fs = d(&[(LIC, &other), (SUM, &summary(10, 0, 9))]);
    assert_eq!(codes(&fs), ["ANYCONNECT_LICENSE_NEAR_LIMIT"]);
    assert!(
        fs[0].message.starts_with("Other VPN Peers: 9 of 10"),
        "{}",
        fs[0].message
    );
}

#[test]
fn the_devices_own_accounting_and_the_session_tables() {
    // ASA 8.x: the summary's License Information has both numbers.
    let s82 =
        "Sessions:\n                          Active : Cumulative : Peak Concurrent : Inactive\n\
  SSL VPN               :      9 :        112 :              10\n\
  Totals                :      9 :        112\n\nLicense Information:\n\
  IPsec   :    250    Configured :    250    Active :      0    Load :   0%\n\
  SSL VPN :     10    Configured :     10    Active :      9    Load :  90%\n";
    let fs = d(&[(SUM, s82)]);
    assert_eq!(fs.len(), 1);
    assert_eq!(
        fs[0].message,
        "SSL VPN licence: 9 of 10 licensed peers in use (90%)"
    );
    // The load-balancing `*` row: 701 of 750.
    let lb = fixture(
        "cisco_asa",
        "show_vpn_load-balancing",
        "asa9_backup_configured_load_crlf.txt",
    );
    let fs = d(&[("show vpn load-balancing", &lb)]);
    assert_eq!(fs.len(), 1);
    assert!(fs[0]
        .message
        .starts_with("AnyConnect Premium/Essentials: 701 of 750"));
    assert_eq!(fs[0].command.as_deref(), Some("show vpn load-balancing"));
    // Without the summary, the AnyConnect and WebVPN tables are counted.
    let lic = licence(&[("AnyConnect Premium Peers", "3")]);
    let ac = fixture(
        "cisco_asa",
        "show_vpn-sessiondb_anyconnect",
        "asa9_two_sessions_crlf_echo_prompt.txt",
    );
    // Two AnyConnect sessions of 3 (67 %): below the threshold.
    assert!(d(&[(LIC, &lic), ("show vpn-sessiondb anyconnect", &ac)]).is_empty());
    let web = fixture(
        "cisco_asa",
        "show_vpn-sessiondb_webvpn",
        "asa84_single_session_crlf.txt",
    );
    let fs = d(&[
        (LIC, &lic),
        ("show vpn-sessiondb anyconnect", &ac),
        ("show vpn-sessiondb webvpn", &web),
    ]);
    assert_eq!(fs.len(), 1);
    assert!(
        fs[0]
            .evidence
            .contains("3 listed: 2 AnyConnect, 1 clientless"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn thresholds_from_the_playbook() {
    let lic = licence(&[("AnyConnect Premium Peers", "100")]);
    let t = Thresholds {
        anyconnect_license_pct: 50.0,
        anyconnect_license_critical_pct: 60.0,
        ..Default::default()
    };
    let sev = |n: u64| {
        device(ASA, &[(LIC, &lic), (SUM, &summary(n, 0, 0))], &t)
            .first()
            .map(|f| f.severity)
    };
    assert_eq!(sev(49), None);
    assert_eq!(sev(50), Some(Severity::Warning));
    assert_eq!(sev(60), Some(Severity::Critical));
    let bad = Thresholds {
        anyconnect_license_pct: 90.0,
        anyconnect_license_critical_pct: 85.0,
        ..Default::default()
    };
    assert_eq!(
        bad.validate().unwrap_err().0,
        "anyconnect_license_critical_pct"
    );
    assert_eq!(Thresholds::default().anyconnect_license_pct, 80.0);
    assert_eq!(Thresholds::default().anyconnect_license_critical_pct, 95.0);
}
