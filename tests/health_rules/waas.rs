//! WAAS: the Enterprise license, the MAPI accelerator (states, statistics, boundaries), other
//! AOs in the connection table, encrypted-MAPI verification and the CMS secure store.

use super::*;

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
            let p = common::fixtures::local()
                .join("cisco_waas")
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
