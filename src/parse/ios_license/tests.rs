use super::*;

fn fx(platform: &str, dir: &str, name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/{platform}/{dir}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn classic_features_with_eval_in_use() {
    let l = parse_ios_license(&fx(
        "cisco_ios",
        "show_license",
        "isr2911_15m_eval_in_use_crlf_echo.txt",
    ))
    .unwrap();
    assert_eq!(l.features.len(), 6);
    assert!(l.smart.is_none());
    let sec = l.feature("securityk9").unwrap();
    assert_eq!(sec.index, Some(2));
    assert_eq!(sec.period_left.as_deref(), Some("8  weeks 3  days"));
    assert_eq!(sec.period_used.as_deref(), Some("1  day  2  hours"));
    assert_eq!(sec.license_type.as_deref(), Some("EvalRightToUse"));
    assert!(sec.in_use() && sec.is_eval());
    let ssl = l.feature("SSL_VPN").unwrap();
    assert_eq!(ssl.count.as_deref(), Some("0/0  (In-use/Violation)"));
    assert_eq!((ssl.count_in_use, ssl.count_violation), (Some(0), Some(0)));
    assert!(!ssl.in_use());
    assert_eq!(
        ssl.state.as_deref(),
        Some("Active, Not in Use, EULA not accepted")
    );
    assert_eq!(l.in_use(), 3);
    assert_eq!(l.eval_in_use(), 1);
}

#[test]
fn a_feature_without_lines_and_output_cut_short() {
    let l = parse_ios_license(&fx(
        "cisco_ios",
        "show_license",
        "isr1941_15_permanent_hseck9.txt",
    ))
    .unwrap();
    assert_eq!(l.features.len(), 5);
    let last = l.features.last().unwrap();
    assert_eq!(
        (last.feature.as_str(), last.index),
        ("WAAS_Express", Some(5))
    );
    assert!(last.state.is_none() && last.license_type.is_none());
    assert_eq!(
        l.feature("datak9").unwrap().license_type.as_deref(),
        Some("RightToUse")
    );
    assert_eq!(l.eval_in_use(), 0);
    let cut = parse_ios_license(&fx(
        "cisco_ios",
        "show_license",
        "cut_short_mid_feature.txt",
    ))
    .unwrap();
    assert_eq!(cut.features.len(), 2);
    assert_eq!(cut.features[1].period_left.as_deref(), Some("Life time"));
    assert!(cut.features[1].license_type.is_none());
    // Every prefix of a real output parses or fails cleanly.
    let text = fx(
        "cisco_ios",
        "show_license_all",
        "isr3945_15_stores_eval_period.txt",
    );
    for i in 0..text.len() {
        let _ = parse_ios_license(text.get(..i).unwrap_or(""));
    }
}

#[test]
fn stores_and_evaluation_period_of_show_license_all() {
    let l = parse_ios_license(&fx(
        "cisco_ios",
        "show_license_all",
        "isr3945_15_stores_eval_period.txt",
    ))
    .unwrap();
    assert_eq!(l.features.len(), 4);
    let f = &l.features[0];
    assert_eq!(f.store.as_deref(), Some("Primary License Storage"));
    assert_eq!((f.index, f.version.as_deref()), (Some(0), Some("1.0")));
    let d = l.feature("datak9").unwrap();
    assert_eq!(d.store.as_deref(), Some("Built-In License Storage"));
    assert_eq!(d.period_left.as_deref(), Some("2 weeks  1 day"));
    assert_eq!(d.period_used.as_deref(), Some("6 weeks  3 days"));
    assert!(d.in_use() && d.is_eval());
    assert_eq!(l.eval_in_use(), 1);
}

#[test]
fn smart_licensing_16_all() {
    let l = parse_ios_license(&fx(
        "cisco_xe",
        "show_license_all",
        "isr4331_16_registered_renewal_failed.txt",
    ))
    .unwrap();
    assert!(l.features.is_empty());
    let s = l.smart.as_deref().unwrap();
    assert_eq!(s.state.as_deref(), Some("ENABLED"));
    assert_eq!(s.registration_status.as_deref(), Some("REGISTERED"));
    assert_eq!(s.virtual_account.as_deref(), Some("Branch-Routers"));
    let r = s.last_renewal.as_ref().unwrap();
    assert_eq!(r.status, "FAILED");
    assert_eq!(
        r.failure_reason.as_deref(),
        Some("Fail to send out Call Home HTTP message.")
    );
    assert_eq!(s.authorization_status(), Some("AUTHORIZED"));
    // `License Conversion:` has a `Status:` line of its own: not the utility's.
    assert_eq!(s.utility_status.as_deref(), Some("DISABLED"));
    assert_eq!(s.entitlements.len(), 3);
    let e = &s.entitlements[1];
    assert_eq!(
        (e.name.as_deref(), e.tag.as_str()),
        (Some("ISR_4331_Security"), "ISR_4331_Security")
    );
    assert_eq!(
        (e.count, e.status.as_deref()),
        (Some(1), Some("AUTHORIZED"))
    );
    assert_eq!(l.udi_pid.as_deref(), Some("ISR4331/K9"));
    assert_eq!(l.udi_serial.as_deref(), Some("FDO21250N3K"));
    assert_eq!(s.reservation.as_deref(), Some("DISABLED"));
}

#[test]
fn smart_licensing_using_policy_17() {
    let l = parse_ios_license(&fx(
        "cisco_xe",
        "show_license_all",
        "c9300_17_using_policy_timestamps.txt",
    ))
    .unwrap();
    let s = l.smart.as_deref().unwrap();
    assert_eq!(s.using_policy.as_deref(), Some("ENABLED"));
    assert_eq!(s.utility_status.as_deref(), Some("DISABLED"));
    assert_eq!(s.registration_status, None);
    assert_eq!(s.virtual_account.as_deref(), Some("Campus-Switches"));
    assert_eq!(s.transport_type.as_deref(), Some("Smart"));
    assert_eq!(
        s.next_ack_deadline.as_deref(),
        Some("May 30 02:10:44 2024 UTC")
    );
    assert_eq!(s.entitlements.len(), 2);
    assert_eq!(
        s.entitlements[1].license_type.as_deref(),
        Some("Subscription")
    );
    assert_eq!(s.entitlements[0].count, Some(2));
    // The HA UDI list and `License Authorizations` do not override the product UDI.
    assert_eq!(l.udi_serial.as_deref(), Some("FOC2233X0KQ"));
}

#[test]
fn summary_tables() {
    let l = parse_ios_license(&fx(
        "cisco_xe",
        "show_license_summary",
        "c9300_17_using_policy_timestamps.txt",
    ))
    .unwrap();
    let s = l.smart.as_deref().unwrap();
    assert_eq!(s.smart_account.as_deref(), Some("<none>"));
    assert_eq!(s.entitlements.len(), 4);
    assert_eq!(s.entitlements[2].tag, "C9300-48 Network Advan...");
    assert_eq!(s.entitlements[3].status.as_deref(), Some("NOT IN USE"));
    let l = parse_ios_license(&fx(
        "cisco_xe",
        "show_license_summary",
        "asr1001x_16_eval_out_of_compliance_crlf.txt",
    ))
    .unwrap();
    let s = l.smart.as_deref().unwrap();
    assert_eq!(s.authorization_status(), Some("OUT OF COMPLIANCE"));
    assert_eq!(
        s.last_communication.as_ref().map(|e| e.status.as_str()),
        Some("SUCCEEDED")
    );
    assert_eq!(
        s.entitlements[1].status.as_deref(),
        Some("OUT OF COMPLIANCE")
    );
    let cut = parse_ios_license(&fx(
        "cisco_xe",
        "show_license_summary",
        "cut_short_in_table.txt",
    ))
    .unwrap();
    assert_eq!(cut.smart.unwrap().entitlements.len(), 1);
}

#[test]
fn errors() {
    assert_eq!(parse_ios_license("").unwrap_err().line, 0);
    let e = parse_ios_license(&fx("cisco_ios", "show_license", "invalid_input.txt")).unwrap_err();
    assert_eq!(e.line, 3);
    let e = parse_ios_license("hello\nworld\n").unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.message.contains("not a `show license` output"));
}
