//! CERM (IOS crypto export restrictions): each limited resource at its boundary, CERM
//! disabled, zero maxima and extreme thresholds.

use super::*;

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
