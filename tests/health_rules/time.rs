//! Time: NTP status on every platform, the offset boundary, and the clock's flags.

use super::*;

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
