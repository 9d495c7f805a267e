//! Thresholds: the documented defaults, out-of-range values named by field, unknown keys,
//! and every rule code disabled and overridden from a playbook.

use super::*;

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
    assert_eq!(t.ipsec_errors_per_hour, 1.0);
    assert_eq!(t.mapi_drops_per_hour, 1.0);
    assert_eq!(t.asp_expired_vpn_context_per_hour, 0.0);
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
        for rate in [
            "ipsec_errors_per_hour",
            "mapi_drops_per_hour",
            "asp_expired_vpn_context_per_hour",
        ] {
            let t: Thresholds = serde_yaml::from_str(&format!("{rate}: {bad}")).unwrap();
            let (f, m) = t.validate().expect_err(rate);
            assert_eq!((f.as_str(), m.contains("per hour")), (rate, true), "{bad}");
        }
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

#[test]
fn cert_expiry_days_defaults_to_30_and_is_bounded() {
    assert_eq!(Thresholds::default().cert_expiry_days, 30);
    let t: Thresholds = serde_yaml::from_str("cert_expiry_days: 3650").unwrap();
    assert!(t.validate().is_ok());
    let t: Thresholds = serde_yaml::from_str("cert_expiry_days: 3651").unwrap();
    let (f, m) = t.validate().expect_err("too long");
    assert_eq!(f, "cert_expiry_days");
    assert!(m.contains("0 to 3650 days"), "{m}");
    assert!(serde_yaml::from_str::<Thresholds>("cert_expiry_days: -1").is_err());
}
