//! End-to-end: poll simulated fleets over loopback SSH and check every device's row.

mod common;

use common::sim::{fleet, spec};
use common::{metric, row};
use fleetpoll::health::Severity;
use fleetpoll::runner::{DeviceReport, PollStatus, RunOptions, Runner};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{RunningFleet, Scenario};
use fleetpoll::Platform;
use std::path::Path;
use std::time::Duration;

// Short enough to keep the test quick, long enough for a loaded 2-core CI machine.
const FAST: &str = "{connect: 5s, auth: 8s, prompt: 4s, enable: 5s, command: 4s, device: 60s}";

async fn sweep(fleet: &RunningFleet, dir: &Path, opts: RunOptions) -> Vec<DeviceReport> {
    common::run(&common::sim::health_plan(fleet, dir, FAST), &opts).await
}

/// A healthy IOS router per name, in that order.
async fn healthy_ios(names: &[&str]) -> RunningFleet {
    fleet(
        names
            .iter()
            .map(|n| spec(n, Platform::CiscoIos, Scenario::Healthy))
            .collect(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_yields_its_row() {
    let specs = vec![
        spec("rtr-ok", Platform::CiscoIos, Scenario::Healthy),
        spec("xe-ok", Platform::CiscoXe, Scenario::Healthy),
        spec("asa-psk", Platform::CiscoAsa, Scenario::IkePskMismatch),
        spec("rtr-cerm", Platform::CiscoIos, Scenario::CermTxLimit),
        spec(
            "wae-shut",
            Platform::CiscoWaas,
            Scenario::MapiLicenseShutdown,
        ),
        spec(
            "wae-enc",
            Platform::CiscoWaas,
            Scenario::MapiEncryptedHandoff,
        ),
        spec("wae-ok", Platform::CiscoWaas, Scenario::Healthy),
        spec("rtr-refuse", Platform::CiscoIos, Scenario::RefuseConnection),
        spec("asa-badpw", Platform::CiscoAsa, Scenario::WrongCredentials),
        spec(
            "rtr-badenable",
            Platform::CiscoIos,
            Scenario::WrongEnableSecret,
        ),
        spec("rtr-noprompt", Platform::CiscoIos, Scenario::NoPrompt),
        spec("rtr-stall", Platform::CiscoIos, Scenario::StallMidOutput),
    ];
    let fleet = fleet(specs).await;
    let dir = tempfile::tempdir().unwrap();
    let t0 = std::time::Instant::now();
    let r = sweep(&fleet, dir.path(), RunOptions::default()).await;
    assert_eq!(r.len(), 12, "one report per device");
    assert_eq!(r[0].device, "rtr-ok", "inventory order");

    for name in [
        "rtr-ok", "xe-ok", "asa-psk", "rtr-cerm", "wae-shut", "wae-enc", "wae-ok",
    ] {
        let d = row(&r, name);
        assert_eq!(d.poll_status, PollStatus::Polled, "{name}: {:?}", d.error);
        assert!(
            d.command_errors().is_empty(),
            "{name}: {:?}",
            d.command_errors()
        );
    }
    let ok = row(&r, "rtr-ok");
    assert!(metric(ok, "ike_sa_total").parse::<u32>().unwrap() >= 2);
    assert_eq!(metric(ok, "ike_sa_down"), "0");
    let avail: u64 = metric(ok, "cerm_tx_kbps_available").parse().unwrap();
    assert!(
        avail > 85000 / 10,
        "healthy router well below its CERM limit: {avail}"
    );
    assert_eq!(metric(ok, "ipsec_one_way"), "0");
    assert!(!metric(ok, "sw_version").is_empty());

    let psk = row(&r, "asa-psk");
    assert_eq!(metric(psk, "ike_sa_down"), "1");
    let psk_rec = psk
        .commands
        .iter()
        .find(|c| c.command == "show crypto isakmp sa")
        .unwrap();
    let json = serde_json::to_string(&psk_rec.record).unwrap();
    assert!(json.contains("MM_WAIT_MSG6"), "{json}");

    let cerm = row(&r, "rtr-cerm");
    assert_eq!(metric(cerm, "cerm_tx_kbps_max"), "85000");
    assert_eq!(metric(cerm, "cerm_tx_kbps_available"), "0");

    let shut = row(&r, "wae-shut");
    assert_eq!(metric(shut, "mapi_config_state"), "Enabled");
    assert_eq!(metric(shut, "mapi_oper_state"), "Shutdown");
    let enc = row(&r, "wae-enc");
    assert!(metric(enc, "mapi_secured").parse::<u64>().unwrap() > 0);
    assert!(metric(enc, "mapi_flows_tgdl").parse::<u64>().unwrap() > 0);
    let wok = row(&r, "wae-ok");
    assert_eq!(metric(wok, "mapi_oper_state"), "Running");
    assert_eq!(metric(wok, "mapi_secured"), "0");

    let failed = |name: &str, stage: Stage, class: ErrorClass| {
        let d = row(&r, name);
        assert_eq!(d.poll_status, PollStatus::Failed, "{name}");
        assert_eq!(d.failed_stage, Some(stage), "{name}: {:?}", d.error);
        assert_eq!(d.error_class, Some(class), "{name}: {:?}", d.error);
    };
    failed("rtr-refuse", Stage::Connect, ErrorClass::Unreachable);
    failed("asa-badpw", Stage::Auth, ErrorClass::AuthFailed);
    failed("rtr-badenable", Stage::Enable, ErrorClass::AuthFailed);
    let e = row(&r, "rtr-badenable").error.clone().unwrap_or_default();
    assert!(
        e.contains("enable secret rejected (device: `% Access denied`)"),
        "{e}"
    );
    failed("rtr-noprompt", Stage::Prompt, ErrorClass::Timeout);
    // The stalled command is recorded; the device cannot go on without its prompt.
    failed("rtr-stall", Stage::Command, ErrorClass::Timeout);
    let stall = row(&r, "rtr-stall");
    assert!(
        stall
            .command_errors()
            .iter()
            .any(|e| e.ends_with("=timeout")),
        "{:?}",
        stall.command_errors()
    );

    // Timeouts bound the sweep: prompt 4 s, command 4 s + 4 s resync, all devices in parallel.
    assert!(
        t0.elapsed() < Duration::from_secs(30),
        "took {:?}",
        t0.elapsed()
    );

    // Health: each faulty scenario yields its documented finding; healthy devices none.
    let codes = |name: &str| -> Vec<String> {
        row(&r, name)
            .findings
            .iter()
            .map(|f| f.code.clone())
            .collect()
    };
    let health = |name: &str| row(&r, name).health;
    use fleetpoll::health::Health;
    for name in ["rtr-ok", "xe-ok", "wae-ok"] {
        assert!(codes(name).is_empty(), "{name}: {:?}", codes(name));
        assert_eq!(health(name), Health::Ok);
    }
    assert!(
        codes("asa-psk").contains(&"IKE_PSK_MISMATCH".to_string()),
        "{:?}",
        codes("asa-psk")
    );
    assert_eq!(health("asa-psk"), Health::Critical);
    assert!(
        codes("rtr-cerm").contains(&"CERM_TX_NEAR_LIMIT".to_string()),
        "{:?}",
        codes("rtr-cerm")
    );
    assert_eq!(health("rtr-cerm"), Health::Warning);
    assert!(
        codes("wae-shut").contains(&"MAPI_LICENSE_SHUTDOWN".to_string()),
        "{:?}",
        codes("wae-shut")
    );
    assert_eq!(health("wae-shut"), Health::Critical);
    assert!(
        codes("wae-enc").contains(&"MAPI_ENCRYPTED_HANDOFF".to_string()),
        "{:?}",
        codes("wae-enc")
    );
    let f = row(&r, "asa-psk")
        .findings
        .iter()
        .find(|f| f.code == "IKE_PSK_MISMATCH")
        .unwrap();
    assert!(f.evidence.contains("MM_WAIT_MSG6") && !f.remediation.is_empty());
    assert_eq!(f.command.as_deref(), Some("show crypto isakmp sa"));
    for name in ["rtr-refuse", "asa-badpw", "rtr-badenable", "rtr-noprompt"] {
        assert_eq!(health(name), Health::Unknown, "{name}");
    }
    assert!(codes("rtr-stall").contains(&"COMMAND_FAILED".to_string()));
    let secrets = [
        fleetpoll::sim::SIM_PASSWORD,
        fleetpoll::sim::SIM_ENABLE_SECRET,
    ];
    let dump = format!("{r:?}") + &serde_json::to_string(&r).unwrap();
    for s in secrets {
        assert!(!dump.contains(s), "secret leaked into reports");
    }
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_deadline_marks_unfinished_devices_and_keeps_every_row() {
    let specs = vec![
        spec("ok-1", Platform::CiscoIos, Scenario::Healthy),
        spec("hung-1", Platform::CiscoIos, Scenario::NoPrompt),
        spec("hung-2", Platform::CiscoAsa, Scenario::NoPrompt),
    ];
    let fleet = fleet(specs).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = common::sim::health_plan(&fleet, dir.path(), "{prompt: 60s, device: 120s}");
    let t0 = std::time::Instant::now();
    let opts = RunOptions {
        deadline: Some(Duration::from_secs(3)),
        ..RunOptions::default()
    };
    let r = common::run(&plan, &opts).await;
    assert!(
        t0.elapsed() < Duration::from_secs(6),
        "deadline not honoured: {:?}",
        t0.elapsed()
    );
    assert_eq!(r.len(), 3);
    assert_eq!(row(&r, "ok-1").poll_status, PollStatus::Polled);
    for h in ["hung-1", "hung-2"] {
        let d = row(&r, h);
        assert_eq!(d.poll_status, PollStatus::Deadline);
        assert_eq!(d.failed_stage, Some(Stage::Prompt));
    }
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_starts_nothing_new_and_marks_in_flight() {
    let specs = vec![
        spec("hung-interrupt-1", Platform::CiscoIos, Scenario::NoPrompt),
        spec("queued-interrupt-1", Platform::CiscoIos, Scenario::Healthy),
    ];
    let fleet = fleet(specs).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = common::sim::health_plan(&fleet, dir.path(), "{prompt: 60s}");
    let runner = Runner::new();
    let stopper = runner.stopper();
    // Devices start in inventory order, so `hung-interrupt-1` holds the one slot: stop once
    // the client says it waits for the first prompt (a prompt that never comes). Its stage
    // is `prompt` from then on, however long the grace and however busy the machine.
    common::log::capture();
    tokio::spawn(async move {
        common::log::wait_for("hung-interrupt-1", "waiting for the first prompt").await;
        stopper.stop(fleetpoll::runner::StopReason::Signal(
            fleetpoll::runner::Signal::Int,
        ));
    });
    let opts = RunOptions {
        concurrency: 1,
        // The stop comes with the client already waiting for the prompt: the grace only
        // bounds the wait.
        grace: Duration::from_secs(2),
        ..RunOptions::default()
    };
    let t0 = std::time::Instant::now();
    let r = runner.run(&plan, &opts, |_| {}).await;
    assert!(
        t0.elapsed() < Duration::from_secs(30),
        "the 60 s prompt wait was cut short"
    );
    assert_eq!(r[0].poll_status, PollStatus::Interrupted);
    assert_eq!(r[0].failed_stage, Some(Stage::Prompt));
    assert_eq!(r[1].poll_status, PollStatus::Interrupted);
    assert_eq!(r[1].failed_stage, None, "never started");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_outputs_and_records_are_kept_only_when_asked_and_judgement_is_the_same() {
    let fleet = fleet(vec![
        spec("r1", Platform::CiscoIos, Scenario::Healthy),
        spec("r2", Platform::CiscoIos, Scenario::CermTxLimit),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    for keep in [true, false] {
        let opts = RunOptions {
            keep_raw: keep,
            keep_records: keep,
            ..RunOptions::default()
        };
        let r = sweep(&fleet, dir.path(), opts).await;
        for name in ["r1", "r2"] {
            let d = row(&r, name);
            assert_eq!(d.poll_status, PollStatus::Polled);
            assert!(!d.commands.is_empty());
            for c in &d.commands {
                assert_eq!(c.raw.is_some(), keep, "{}", c.command);
                if c.parser.is_some() {
                    assert_eq!(c.record.is_some(), keep, "{}", c.command);
                }
            }
            // Parsed values and findings do not depend on it.
            assert!(!metric(d, "sw_version").is_empty());
        }
        let codes: Vec<&str> = row(&r, "r2")
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        assert!(
            codes.contains(&"CERM_TX_NEAR_LIMIT"),
            "keep={keep}: {codes:?}"
        );
        assert!(row(&r, "r1").findings.is_empty());
    }
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_start_in_inventory_order_one_slot_at_a_time() {
    let names = ["d-1", "d-2", "d-3", "d-4", "d-5", "d-6"];
    let fleet = healthy_ios(&names).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = RunOptions {
        concurrency: 1,
        ..RunOptions::default()
    };
    let r = sweep(&fleet, dir.path(), opts).await;
    let mut started: Vec<_> = r
        .iter()
        .map(|d| (d.started_at.expect("started"), d.device.clone()))
        .collect();
    started.sort();
    let order: Vec<&str> = started.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        order, names,
        "one slot: each device starts after the one before it"
    );
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_wave_of_logins_is_spread_over_the_ramp() {
    let names = ["w-1", "w-2", "w-3", "w-4"];
    let fleet = healthy_ios(&names).await;
    let dir = tempfile::tempdir().unwrap();
    // Four slots for four devices: without the ramp all four start at once. With a 3 s ramp
    // the k-th may not start before k × 750 ms (a sleep never ends early, however busy the
    // machine).
    let opts = RunOptions {
        concurrency: 4,
        ramp: Some(Duration::from_secs(3)),
        ..RunOptions::default()
    };
    let before = chrono::Utc::now();
    let r = sweep(&fleet, dir.path(), opts).await;
    for (k, name) in names.iter().enumerate() {
        let d = row(&r, name);
        assert_eq!(d.poll_status, PollStatus::Polled, "{name}");
        let after = d.started_at.expect("started") - before;
        let due = chrono::Duration::milliseconds(750 * k as i64 - 5);
        assert!(
            after >= due,
            "{name} started {after} after the run, due {due}"
        );
    }
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_during_the_ramp_leaves_the_waiting_devices_not_started() {
    let names = ["s-1", "s-2", "s-3"];
    let fleet = healthy_ios(&names).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = common::sim::health_plan(&fleet, dir.path(), FAST);
    let runner = Runner::new();
    let stopper = runner.stopper();
    // s-2 and s-3 are due 100 s and 200 s into the run; the stop comes when s-1 is done.
    let opts = RunOptions {
        concurrency: 3,
        ramp: Some(Duration::from_secs(300)),
        ..RunOptions::default()
    };
    let t0 = std::time::Instant::now();
    let r = runner
        .run(&plan, &opts, move |rows| {
            if rows.iter().any(|d| d.device == "s-1") {
                stopper.stop(fleetpoll::runner::StopReason::Signal(
                    fleetpoll::runner::Signal::Term,
                ));
            }
        })
        .await;
    assert!(
        t0.elapsed() < Duration::from_secs(90),
        "the ramp's wait was not cut short: {:?}",
        t0.elapsed()
    );
    assert_eq!(row(&r, "s-1").poll_status, PollStatus::Polled);
    for name in ["s-2", "s-3"] {
        let d = row(&r, name);
        assert_eq!(d.poll_status, PollStatus::Interrupted, "{name}");
        assert_eq!(d.failed_stage, None, "{name} never started");
        assert_eq!(d.error.as_deref(), Some("not started"), "{name}");
    }
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_budget_ends_a_stalled_device_at_the_stage_it_reached() {
    let fleet = fleet(vec![spec(
        "stall-1",
        Platform::CiscoIos,
        Scenario::StallMidOutput,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    // The command wait (60 s) would never end first: only the 2 s device budget can.
    let plan = common::sim::health_plan(
        &fleet,
        dir.path(),
        "{prompt: 60s, command: 60s, device: 2s}",
    );
    let r = common::run(&plan, &RunOptions::default()).await;
    let d = row(&r, "stall-1");
    assert_eq!(d.poll_status, PollStatus::Failed);
    assert_eq!(d.error_class, Some(ErrorClass::Timeout));
    assert_eq!(d.failed_stage, Some(Stage::Command), "{:?}", d.error);
    let e = d.error.as_deref().unwrap_or("");
    assert!(e.contains("device deadline of 2s reached"), "{e}");
    fleet.shutdown().await;
}

/// Issue 13's VPN findings end to end over SSH, with the health playbook: an expired and an
/// expiring certificate judged against the device's own `show clock` (named in the evidence),
/// an ASA whose standby unit failed, a crypto session down, a DMVPN spoke stuck in NHRP and an
/// ASA L2L tunnel that sends but never receives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpn_estate_findings_come_through_a_real_poll() {
    let fleet = fleet(vec![
        spec("cert-old", Platform::CiscoIos, Scenario::CertExpired),
        spec("cert-soon", Platform::CiscoAsa, Scenario::CertExpiring),
        spec(
            "fo-failed",
            Platform::CiscoAsa,
            Scenario::FailoverStandbyFailed,
        ),
        spec("sess-down", Platform::CiscoXe, Scenario::CryptoSessionDown),
        spec("spoke-nhrp", Platform::CiscoIos, Scenario::DmvpnSpokeNhrp),
        spec("l2l-oneway", Platform::CiscoAsa, Scenario::L2lOneWay),
        spec("v2-asa", Platform::CiscoAsa, Scenario::Ikev2StuckInNeg),
        spec("v2-xe", Platform::CiscoXe, Scenario::Ikev2StuckInNeg),
        spec("fine", Platform::CiscoIos, Scenario::Healthy),
        spec("fine-asa", Platform::CiscoAsa, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let r = sweep(&fleet, dir.path(), RunOptions::default()).await;
    let codes = |name: &str| -> Vec<String> {
        row(&r, name)
            .findings
            .iter()
            .map(|f| f.code.clone())
            .collect()
    };
    for (device, code) in [
        ("cert-old", "CERT_EXPIRED"),
        ("cert-soon", "CERT_EXPIRING"),
        ("fo-failed", "FAILOVER_NOT_READY"),
        ("sess-down", "CRYPTO_SESSION_DOWN"),
        ("spoke-nhrp", "DMVPN_PEER_DOWN"),
        ("l2l-oneway", "VPN_ONE_WAY_L2L"),
        ("v2-asa", "IKEV2_SA_NOT_READY"),
        ("v2-xe", "IKEV2_SA_NOT_READY"),
    ] {
        assert_eq!(row(&r, device).poll_status, PollStatus::Polled, "{device}");
        assert!(
            codes(device).contains(&code.to_string()),
            "{device}: {:?}",
            codes(device)
        );
    }
    assert_eq!(codes("fine"), Vec::<String>::new());
    assert_eq!(codes("fine-asa"), Vec::<String>::new());
    // The one-way tunnel's row carries the session counts the rule read.
    let one_way = row(&r, "l2l-oneway");
    assert_eq!(
        one_way.metrics.get("vpn_l2l_one_way").map(String::as_str),
        Some("1"),
        "{:?}",
        one_way.metrics
    );
    // The stuck IKEv2 peer: critical, named, from `show crypto ikev2 sa`, and nothing else.
    for device in ["v2-asa", "v2-xe"] {
        assert_eq!(codes(device), ["IKEV2_SA_NOT_READY"], "{device}");
        let f = &row(&r, device).findings[0];
        assert_eq!(f.severity, Severity::Critical, "{device}");
        assert_eq!(
            f.command.as_deref(),
            Some("show crypto ikev2 sa"),
            "{device}"
        );
        assert!(
            f.evidence.starts_with("peer 10.") && f.evidence.contains("IN-NEG"),
            "{device}: {}",
            f.evidence
        );
    }
    let asa = row(&r, "v2-asa");
    assert!(
        asa.findings[0].evidence.contains("UP-IN-NEG"),
        "{}",
        asa.findings[0].evidence
    );
    for device in ["cert-old", "cert-soon"] {
        let f = row(&r, device)
            .findings
            .iter()
            .find(|f| f.code.starts_with("CERT_"))
            .unwrap();
        assert!(
            f.evidence.contains("(show clock)"),
            "{device}: {}",
            f.evidence
        );
    }
    fleet.shutdown().await;
}

/// Issue 13's licence and redundancy findings over SSH with the health playbook: an ASA whose
/// AnyConnect sessions (`show vpn-sessiondb summary`) are near its licensed peers (`show
/// license all`: a finding over two commands of one device), and an IOS-XE router whose
/// standby route processor is cold; healthy devices of both platforms show neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn licence_and_redundancy_findings_come_through_a_real_poll() {
    let fleet = fleet(vec![
        spec(
            "ac-near",
            Platform::CiscoAsa,
            Scenario::AnyconnectLicenseNearLimit,
        ),
        spec("rp-cold", Platform::CiscoXe, Scenario::RedundancyNotReady),
        spec("asa-fine", Platform::CiscoAsa, Scenario::Healthy),
        spec("xe-fine", Platform::CiscoXe, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let r = sweep(&fleet, dir.path(), RunOptions::default()).await;
    let ac = row(&r, "ac-near");
    assert_eq!(ac.poll_status, PollStatus::Polled);
    let f = ac
        .findings
        .iter()
        .find(|f| f.code == "ANYCONNECT_LICENSE_NEAR_LIMIT")
        .unwrap_or_else(|| panic!("ac-near: {:?}", ac.findings));
    assert_eq!(f.severity, fleetpoll::health::Severity::Warning);
    assert!(
        f.message.starts_with("AnyConnect Premium Peers: 2") && f.message.contains("of 250"),
        "{}",
        f.message
    );
    assert!(
        f.evidence
            .contains("(show license all; show vpn-sessiondb summary)"),
        "{}",
        f.evidence
    );
    assert_eq!(f.command.as_deref(), Some("show vpn-sessiondb summary"));
    assert_eq!(
        ac.metrics
            .get("license_anyconnect_premium_peers")
            .map(String::as_str),
        Some("250")
    );
    let rp = row(&r, "rp-cold");
    let codes: Vec<&str> = rp.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["REDUNDANCY_NOT_READY"], "{:?}", rp.findings);
    assert!(rp.findings[0].evidence.contains("STANDBY COLD"));
    assert_eq!(
        rp.metrics.get("redundancy_peer_state").map(String::as_str),
        Some("STANDBY COLD")
    );
    for fine in ["asa-fine", "xe-fine"] {
        assert!(
            row(&r, fine).findings.is_empty(),
            "{fine}: {:?}",
            row(&r, fine).findings
        );
    }
    fleet.shutdown().await;
}
