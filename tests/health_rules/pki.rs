//! Certificates: expired / expiring / fine relative to a given device clock, the threshold,
//! the zone handling (same zone compared as printed, known zones in UTC, unknown read as UTC
//! and said so), and the clock's source in the evidence.

use super::*;
use fleetpoll::health::clock::DeviceClock;
use fleetpoll::health::rules::check_record_at;

fn clock(text: &str) -> DeviceClock {
    let Record::Clock(c) = rec(IOS, "show clock", text) else {
        panic!("not a clock")
    };
    DeviceClock::from_clock(&c).expect("a real date")
}

fn at(r: &Record, p: Platform, t: &Thresholds, c: &DeviceClock) -> Vec<Finding> {
    let mut out = Vec::new();
    check_record_at(r, p, t, Some(c), &mut |f| out.push(f));
    for f in &out {
        assert!(rules_of(r).iter().any(|i| i.code == f.code), "{f:?}");
        let info = RULES.iter().find(|i| i.code == f.code).expect("catalogued");
        assert_eq!(f.severity, info.severity);
    }
    out
}

fn one_cert(end: &str) -> Record {
    rec(
        IOS,
        "show crypto pki certificates",
        &format!("Certificate\n  Status: Available\n  Certificate Serial Number (hex): 0A\n  Subject:\n    cn=r1\n  Validity Date:\n    start date: 00:00:00 UTC Jan 1 2024\n    end   date: {end}\n  Associated Trustpoints: TP1\n"),
    )
}

#[test]
fn expired_expiring_and_fine_against_the_device_clock() {
    let t = Thresholds::default();
    let c = clock("10:00:00.000 UTC Mon Jun 1 2026\n");
    // Fixture: identity ends Mar 4 2026 (expired), CA Jan 15 2030 (fine), self-signed
    // Jan 1 2020 (expired).
    let r = rec(
        IOS,
        "show crypto pki certificates",
        &fixture(
            "cisco_ios",
            "show_crypto_pki_certificates",
            "ios15_identity_ca_self_signed.txt",
        ),
    );
    let fs = at(&r, IOS, &t, &c);
    assert_eq!(codes(&fs), ["CERT_EXPIRED", "CERT_EXPIRED"]);
    assert!(
        fs[0]
            .message
            .contains("Certificate rtr-hq-01.corp.example serial 3A"),
        "{}",
        fs[0].message
    );
    assert!(
        fs[0].evidence.contains("end date 08:12:40 UTC Mar 4 2026"),
        "{}",
        fs[0].evidence
    );
    assert!(
        fs[0].evidence.contains("(show clock)"),
        "{}",
        fs[0].evidence
    );
    assert!(
        fs[0].evidence.contains("trustpoints TP-CORP"),
        "{}",
        fs[0].evidence
    );
    assert!(
        fs[1].message.starts_with("Router Self-Signed Certificate"),
        "{}",
        fs[1].message
    );

    // 30 days and 1 s before the end: fine; exactly 30 days: expiring; at the end: expired.
    let r = one_cert("10:00:00 UTC Jul 1 2026");
    assert!(at(&r, IOS, &t, &clock("09:59:59 UTC Mon Jun 1 2026")).is_empty());
    let fs = at(&r, IOS, &t, &clock("10:00:00 UTC Mon Jun 1 2026"));
    assert_eq!(codes(&fs), ["CERT_EXPIRING"]);
    assert!(
        fs[0].evidence.contains("30 days 0 h after"),
        "{}",
        fs[0].evidence
    );
    assert!(
        fs[0].evidence.contains("(threshold: <= 30 days)"),
        "{}",
        fs[0].evidence
    );
    assert_eq!(
        codes(&at(&r, IOS, &t, &clock("10:00:00 UTC Wed Jul 1 2026"))),
        ["CERT_EXPIRED"]
    );
    // The threshold: 7 days.
    let t7 = Thresholds {
        cert_expiry_days: 7,
        ..Default::default()
    };
    assert!(at(&r, IOS, &t7, &clock("10:00:00 UTC Mon Jun 1 2026")).is_empty());
    assert_eq!(
        codes(&at(&r, IOS, &t7, &clock("10:00:00 UTC Thu Jun 25 2026"))),
        ["CERT_EXPIRING"]
    );
    // A pending certificate (no dates) and no clock: nothing.
    let p = rec(
        IOS,
        "show crypto pki certificates",
        &fixture(
            "cisco_ios",
            "show_crypto_pki_certificates",
            "crlf_inline_names_pending_pst.txt",
        ),
    );
    assert!(at(&p, IOS, &t, &clock("10:00:00 UTC Mon Jun 1 2025")).is_empty());
    let mut none = Vec::new();
    fleetpoll::health::rules::check_record(&r, IOS, &t, &mut |f| none.push(f));
    assert!(none.is_empty(), "no clock: not judged");
}

#[test]
fn zones_are_compared_in_utc_and_unknown_ones_said() {
    let t = Thresholds::default();
    // Ends 09:30 KST Nov 20 2026 = 00:30 UTC. A UTC clock at 01:00 UTC: expired.
    let xe = rec(
        IOS,
        "show crypto pki certificates verbose",
        &fixture(
            "cisco_ios",
            "show_crypto_pki_certificates",
            "iosxe17_verbose_kst.txt",
        ),
    );
    assert_eq!(
        codes(&at(&xe, IOS, &t, &clock("01:00:00 UTC Fri Nov 20 2026"))),
        ["CERT_EXPIRED"]
    );
    // 00:00 UTC: 30 minutes left, expiring.
    let fs = at(&xe, IOS, &t, &clock("00:00:00 UTC Fri Nov 20 2026"));
    assert_eq!(codes(&fs), ["CERT_EXPIRING"]);
    assert!(fs[0].evidence.contains("0 days 0 h"), "{}", fs[0].evidence);
    // A device clock in KST: compared as printed.
    assert_eq!(
        codes(&at(&xe, IOS, &t, &clock("09:29:00 KST Fri Nov 20 2026"))),
        ["CERT_EXPIRING"]
    );
    // ASA: an unknown zone `FOO` on the identity certificate is read as UTC, and said so.
    let asa = rec(
        ASA,
        "show crypto ca certificates",
        &fixture(
            "cisco_asa",
            "show_crypto_ca_certificates",
            "asa9_crlf_pager_inline_validity_unknown_zone.txt",
        ),
    );
    let fs = at(&asa, ASA, &t, &clock("10:00:00 UTC Sun May 31 2026"));
    assert_eq!(codes(&fs), ["CERT_EXPIRING"]);
    assert!(
        fs[0]
            .evidence
            .contains("certificate zone `FOO` unknown: read as UTC"),
        "{}",
        fs[0].evidence
    );
    // Same unknown zone on the device clock: compared as printed, no note.
    let fs = at(&asa, ASA, &t, &clock("10:00:00 FOO Sun May 31 2026"));
    assert_eq!(codes(&fs), ["CERT_EXPIRING"]);
    assert!(!fs[0].evidence.contains("unknown"), "{}", fs[0].evidence);
    // A device clock in an unknown zone against a UTC certificate: said too.
    let fs = at(&asa, ASA, &t, &clock("10:00:00 BAR Sat Jun 1 2030"));
    assert_eq!(codes(&fs), ["CERT_EXPIRED", "CERT_EXPIRED"]);
    assert!(
        fs[0]
            .evidence
            .contains("device clock zone `BAR` unknown: read as UTC"),
        "{}",
        fs[0].evidence
    );
}

#[test]
fn the_poll_start_is_used_without_show_clock_and_said() {
    let r = one_cert("10:00:00 UTC Jul 1 2026");
    let c = DeviceClock::poll_start(
        chrono::DateTime::parse_from_rfc3339("2026-06-20T10:00:00Z")
            .expect("date")
            .with_timezone(&chrono::Utc),
    );
    let fs = at(&r, IOS, &Thresholds::default(), &c);
    assert_eq!(codes(&fs), ["CERT_EXPIRING"]);
    assert!(
        fs[0]
            .evidence
            .contains("poll start 2026-06-20 10:00:00 UTC (no show clock in the playbook)"),
        "{}",
        fs[0].evidence
    );
}
